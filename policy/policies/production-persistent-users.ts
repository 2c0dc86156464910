// USERS_STORE=memory is the Go service's development mode: each pod keeps its own users and loses them on restart.
// WebService refuses it on a production service; this denies it on a production stack whoever set it — in a
// container's env or in a ConfigMap or Secret its pods may load with envFrom.
import { StackValidationPolicy } from "@pulumi/policy";
import { Props, containersOf, describeContainer, describeObject, podSpecOf } from "../lib/kubernetes";
import { knownOrUndefined } from "../lib/known";
import { PRODUCTION_CONFIG_SCHEMA, ProductionConfig, isProductionStack } from "../lib/production";

const ENV_SOURCE_KINDS = ["kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:Secret"];
const ADVICE = "keep the users in PostgreSQL: USERS_STORE=postgres with a DATABASE_URL (goship: set goship:database, docs/database.md).";

const isMemory = (value: unknown) => typeof value === "string" && value.trim().toLowerCase() === "memory";

export const productionPersistentUsers: StackValidationPolicy = {
    name: "production-persistent-users",
    description: "On a production stack no workload keeps its users in memory (USERS_STORE=memory).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...PRODUCTION_CONFIG_SCHEMA } },
    validateStack: (args, reportViolation) => {
        if (!isProductionStack(args.getConfig<ProductionConfig>(), args.stackTags, args.resources)) {
            return;
        }
        for (const resource of args.resources) {
            const podSpec = knownOrUndefined(() => podSpecOf(resource.type, resource.props));
            if (podSpec) {
                for (const ref of containersOf(podSpec, { init: true, ephemeral: false })) {
                    const env = (knownOrUndefined(() => ref.container.env) ?? []) as Props[];
                    if (env.some((entry) => entry.name === "USERS_STORE" && isMemory(knownOrUndefined(() => entry.value)))) {
                        reportViolation(`${describeObject(resource.type, resource.props, resource.name)}: ${describeContainer(ref)} sets USERS_STORE=memory on a production stack, ` +
                            `so every pod keeps its own users and loses them on restart; ${ADVICE}`, resource.urn);
                    }
                }
            } else if (ENV_SOURCE_KINDS.includes(resource.type)) {
                const values = (["data", "stringData"] as const).map((field) => (knownOrUndefined(() => resource.props[field]) ?? {}) as Props);
                if (values.some((data) => isMemory(knownOrUndefined(() => data.USERS_STORE)))) {
                    reportViolation(`${describeObject(resource.type, resource.props, resource.name)} holds USERS_STORE=memory on a production stack (pods may load it with envFrom); ${ADVICE}`, resource.urn);
                }
            }
        }
    },
};
