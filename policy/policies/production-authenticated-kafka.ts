// A production consumer scaled on a Kafka topic reads the brokers with credentials: a kafka trigger without an
// authenticationRef makes KEDA connect anonymously, which a production cluster refuses (no lag, so no scaling, and
// KEDA's fallback hides it) or, worse, accepts.
import { StackValidationPolicy } from "@pulumi/policy";
import { Props, SCALED_OBJECT, describeObject } from "../lib/kubernetes";
import { PRODUCTION_CONFIG_SCHEMA, ProductionConfig, isProductionStack } from "../lib/production";

/** Indexes of the ScaledObject's kafka triggers that name no TriggerAuthentication. */
export function unauthenticatedKafkaTriggers(spec: Props | undefined): number[] {
    const triggers: Props[] = spec?.triggers ?? [];
    return triggers.flatMap((trigger, index) => (trigger?.type === "kafka" && !trigger.authenticationRef?.name ? [index] : []));
}

export const productionAuthenticatedKafka: StackValidationPolicy = {
    name: "production-authenticated-kafka",
    description: "On a production stack every kafka trigger of a ScaledObject authenticates through a TriggerAuthentication.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...PRODUCTION_CONFIG_SCHEMA } },
    validateStack: (args, reportViolation) => {
        if (!isProductionStack(args.getConfig<ProductionConfig>(), args.stackTags, args.resources)) {
            return;
        }
        for (const scaledObject of args.resources.filter((resource) => resource.type === SCALED_OBJECT)) {
            const missing = unauthenticatedKafkaTriggers(scaledObject.props.spec);
            if (missing.length > 0) {
                reportViolation(
                    `${describeObject(scaledObject.type, scaledObject.props, scaledObject.name)} reads Kafka without credentials on a production stack ` +
                    `(triggers ${missing.map((index) => `[${index}]`).join(", ")} have no authenticationRef); give each a TriggerAuthentication ` +
                    "(goship: the Worker creates one from goship:kafka's mechanism and username and goship:kafkaPassword).",
                    scaledObject.urn,
                );
            }
        }
    },
};
