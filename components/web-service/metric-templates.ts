// The canary's gates as Flagger MetricTemplates: the service's own request metrics (app/internal/middleware/metrics.go)
// of the canary's pods only, over Flagger's interval. Flagger fills {{ namespace }}, {{ target }} (the Deployment, whose
// pods are <target>-<hash>-<id>; the primary's are <target>-primary-<hash>-<id>) and {{ interval }}.
import * as k8s from "@pulumi/kubernetes";
import { APP_CONTRACT } from "../defaults";
import { ChildOptions, ObjectMeta } from "./child-options";
import { CanaryDeliverySettings } from "./types";

export type CanaryGate = "request-count" | "error-rate" | "p99-latency";

/** In the order Flagger checks them: a quiet canary fails on its request count (0 < min) before anything else. */
export const CANARY_GATES: readonly CanaryGate[] = ["request-count", "error-rate", "p99-latency"];

export const metricTemplateName = (service: string, gate: CanaryGate) => `${service}-${gate}`;

/** The canary's pods: two name segments after the target's (PromQL regexes are anchored, so -primary-… never matches). */
const CANARY_SERIES = `namespace="{{ namespace }}",pod=~"{{ target }}-[0-9a-z]+-[0-9a-z]+",route!~"${APP_CONTRACT.livenessPath}|${APP_CONTRACT.readinessPath}"`;

/** Each gate's PromQL; every one answers a number even without traffic, so no gate passes on no data. */
export const CANARY_QUERIES: Record<CanaryGate, string> = {
    // `or vector(0)`: without a single series the sum is empty, which Flagger would report as "no values".
    "request-count": `sum(increase(http_requests_total{${CANARY_SERIES}}[{{ interval }}])) or vector(0)`,
    "error-rate": `100 * (sum(rate(http_requests_total{${CANARY_SERIES},code=~"5.."}[{{ interval }}])) or vector(0))` +
        ` / sum(rate(http_requests_total{${CANARY_SERIES}}[{{ interval }}]))`,
    "p99-latency": `1000 * histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${CANARY_SERIES}}[{{ interval }}])))`,
};

/** The three MetricTemplates the Canary's analysis refers to, in the service's namespace. */
export function createMetricTemplates(
    meta: ObjectMeta,
    settings: Pick<CanaryDeliverySettings, "prometheusAddress">,
    opts: ChildOptions,
): Record<CanaryGate, k8s.apiextensions.CustomResource> {
    const templates = CANARY_GATES.map((gate) => [gate, new k8s.apiextensions.CustomResource(`${meta.name}-metric-${gate}`, {
        apiVersion: "flagger.app/v1beta1",
        kind: "MetricTemplate",
        metadata: { ...meta, name: metricTemplateName(meta.name, gate) },
        spec: {
            provider: { type: "prometheus", address: settings.prometheusAddress },
            query: CANARY_QUERIES[gate],
        },
    }, opts)] as const);
    return Object.fromEntries(templates) as Record<CanaryGate, k8s.apiextensions.CustomResource>;
}
