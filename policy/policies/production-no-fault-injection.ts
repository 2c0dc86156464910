// Fault injection (FAULT_DELAY, FAULT_ERROR_PERCENT) slows or fails real requests on purpose: for tests only. WebService
// refuses it on a production service; this denies the variables on a production stack whoever set them — in a
// container's env or in a ConfigMap or Secret its pods may load with envFrom.
import { StackValidationPolicy } from "@pulumi/policy";
import { Props, containersOf, describeContainer, describeObject, podSpecOf } from "../lib/kubernetes";
import { knownOrUndefined } from "../lib/known";
import { PRODUCTION_CONFIG_SCHEMA, ProductionConfig, isProductionStack } from "../lib/production";

/** The Go service's fault-injection variables (app/README.md). */
export const FAULT_VARIABLES = ["FAULT_DELAY", "FAULT_ERROR_PERCENT"];

const ENV_SOURCE_KINDS = ["kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:Secret"];

function faultNames(names: string[]): string[] {
    return names.filter((name) => FAULT_VARIABLES.includes(name));
}

export const productionNoFaultInjection: StackValidationPolicy = {
    name: "production-no-fault-injection",
    description: "On a production stack no workload sets the fault-injection variables FAULT_DELAY or FAULT_ERROR_PERCENT.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...PRODUCTION_CONFIG_SCHEMA } },
    validateStack: (args, reportViolation) => {
        if (!isProductionStack(args.getConfig<ProductionConfig>(), args.stackTags, args.resources)) {
            return;
        }
        const advice = "remove them: fault injection is for tests (goship: unset goship:faultInjection).";
        for (const resource of args.resources) {
            const podSpec = knownOrUndefined(() => podSpecOf(resource.type, resource.props));
            if (podSpec) {
                for (const ref of containersOf(podSpec, { init: true, ephemeral: false })) {
                    const found = faultNames(((knownOrUndefined(() => ref.container.env) ?? []) as Props[]).map((entry) => entry.name));
                    if (found.length > 0) {
                        reportViolation(`${describeObject(resource.type, resource.props, resource.name)}: ${describeContainer(ref)} sets ${found.join(", ")} on a production stack; ${advice}`, resource.urn);
                    }
                }
            } else if (ENV_SOURCE_KINDS.includes(resource.type)) {
                const keys = (["data", "stringData"] as const).flatMap((field) => Object.keys(knownOrUndefined(() => resource.props[field]) ?? {}));
                const found = faultNames(keys);
                if (found.length > 0) {
                    reportViolation(`${describeObject(resource.type, resource.props, resource.name)} holds ${found.join(", ")} on a production stack (pods may load it with envFrom); ${advice}`, resource.urn);
                }
            }
        }
    },
};
