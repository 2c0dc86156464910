// Without a PodDisruptionBudget a node drain or a cluster upgrade may evict every pod of a service at once.
import { StackValidationPolicy } from "@pulumi/policy";
import { scalableWorkloadsOf } from "../lib/autoscalers";
import { PDB_KINDS, namespaceOf, podLabelsOf, selectorMatches } from "../lib/kubernetes";
import { PRODUCTION_CONFIG_SCHEMA, ProductionConfig, isProductionStack } from "../lib/production";

export const productionPodDisruptionBudget: StackValidationPolicy = {
    name: "production-pod-disruption-budget",
    description: "On a production stack every workload's pods are covered by a PodDisruptionBudget.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...PRODUCTION_CONFIG_SCHEMA } },
    validateStack: (args, reportViolation) => {
        if (!isProductionStack(args.getConfig<ProductionConfig>(), args.stackTags, args.resources)) {
            return;
        }
        const budgets = args.resources.filter((resource) => PDB_KINDS.includes(resource.type));
        for (const workload of scalableWorkloadsOf(args.resources)) {
            const namespace = namespaceOf(workload.resource.props);
            const labels = podLabelsOf(workload.resource.type, workload.resource.props);
            const covered = budgets.some((budget) =>
                namespaceOf(budget.props) === namespace && selectorMatches(budget.props.spec?.selector, labels));
            if (!covered) {
                reportViolation(
                    `${workload.description} has no PodDisruptionBudget on a production stack; add one in namespace ${namespace} ` +
                    `whose selector matches its pod labels (${Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(", ") || "none"}), ` +
                    "e.g. maxUnavailable: 1, so drains and upgrades evict its pods one at a time " +
                    "(goship's WebService creates it whenever at least 2 pods are guaranteed).",
                    workload.resource.urn,
                );
            }
        }
    },
};
