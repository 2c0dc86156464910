// One pod is one node drain or one crash away from an outage.
import { StackValidationPolicy } from "@pulumi/policy";
import { autoscalersOf, guaranteedPods, scalableWorkloadsOf } from "../lib/autoscalers";
import { PRODUCTION_CONFIG_SCHEMA, ProductionConfig, isProductionStack } from "../lib/production";

export interface GuaranteedPodsConfig extends ProductionConfig {
    /** Pods a production workload must always have (default 2). */
    minPods?: number;
}

const DEFAULT_MIN_PODS = 2;

export const productionGuaranteedPods: StackValidationPolicy = {
    name: "production-guaranteed-pods",
    description: "On a production stack every workload guarantees at least 2 pods (replicas, or the autoscaler's minimum).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            ...PRODUCTION_CONFIG_SCHEMA,
            minPods: { type: "integer", minimum: 1, default: DEFAULT_MIN_PODS, description: "Pods a production workload must always have." },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<GuaranteedPodsConfig>();
        if (!isProductionStack(config, args.stackTags, args.resources)) {
            return;
        }
        const minPods = config.minPods ?? DEFAULT_MIN_PODS;
        const autoscalers = autoscalersOf(args.resources);
        for (const workload of scalableWorkloadsOf(args.resources)) {
            const { pods, source } = guaranteedPods(workload, autoscalers);
            if (pods < minPods) {
                reportViolation(
                    `${workload.description} guarantees ${pods} pod${pods === 1 ? "" : "s"} (${source}) on a production stack; ` +
                    `raise it to at least ${minPods} so a node drain or a crash cannot take the service down ` +
                    "(goship: goship:replicas, or goship:minReplicas with an autoscaler).",
                    workload.resource.urn,
                );
            }
        }
    },
};
