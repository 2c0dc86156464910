// A production canary whose analysis checks no latency or no error rate promotes a slow or failing version to every
// user: Flagger only rolls back on what its metrics measure.
import { StackValidationPolicy } from "@pulumi/policy";
import { Props, describeObject } from "../lib/kubernetes";
import { knownOrUndefined } from "../lib/known";
import { PRODUCTION_CONFIG_SCHEMA, ProductionConfig, isProductionStack } from "../lib/production";

export const CANARY_KINDS = ["kubernetes:flagger.app/v1beta1:Canary"];

/** The gates a production canary must have, each recognised by its metric's (or its template's) name. */
const GATES = [
    { gate: "latency", pattern: /latency|duration/, goship: "maxP99LatencyMs" },
    { gate: "error rate", pattern: /error/, goship: "maxErrorPercent" },
] as const;

/** The metric names and template names of the analysis whose thresholdRange has a max. */
function boundedMetrics(analysis: Props | undefined): string[] {
    const metrics: Props[] = analysis?.metrics ?? [];
    return metrics
        .filter((metric) => typeof knownOrUndefined(() => metric.thresholdRange?.max) === "number")
        .flatMap((metric) => [metric.name, knownOrUndefined(() => metric.templateRef?.name)].filter((name): name is string => typeof name === "string"));
}

export const productionCanaryGates: StackValidationPolicy = {
    name: "production-canary-gates",
    description: "On a production stack every Flagger Canary gates its steps on latency and on error rate, each with a maximum.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...PRODUCTION_CONFIG_SCHEMA } },
    validateStack: (args, reportViolation) => {
        if (!isProductionStack(args.getConfig<ProductionConfig>(), args.stackTags, args.resources)) {
            return;
        }
        for (const canary of args.resources.filter((resource) => CANARY_KINDS.includes(resource.type))) {
            const names = boundedMetrics(canary.props.spec?.analysis);
            const missing = GATES.filter(({ pattern }) => !names.some((name) => pattern.test(name)));
            if (missing.length > 0) {
                reportViolation(
                    `${describeObject(canary.type, canary.props, canary.name)} promotes on a production stack without a ` +
                    `${missing.map(({ gate }) => gate).join(" or ")} gate; add analysis.metrics measuring it with thresholdRange.max ` +
                    `(goship: set delivery.gates.${missing.map(({ goship }) => goship).join(" and delivery.gates.")} in goship:delivery).`,
                    canary.urn,
                );
            }
        }
    },
};
