// SLOs as Prometheus rules: recording rules for the request rate, the 5xx ratio over every window the alerts need
// and the P99 latency; an alert each for latency and error rate; and the multi-window multi-burn-rate alerts on the
// availability objective from the Google SRE workbook ("Alerting on SLOs", table 5-8). Series are selected by the
// labels prometheus-operator gives everything the ServiceMonitor scrapes: job (the Service's name) and namespace.
// Probe routes are not traffic. Every ratio divides only by a rate above zero, so no traffic fires nothing.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions, ObjectMeta } from "./child-options";
import { SloSettings } from "./types";

export interface PrometheusRule {
    record?: string;
    alert?: string;
    expr: string;
    for?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}

export interface PrometheusRuleGroup {
    name: string;
    rules: PrometheusRule[];
}

/** The window of the latency and error-rate alerts: 4 scrapes at 30 s, short enough to resolve within minutes. */
export const SYMPTOM_WINDOW = "2m";

/** Burn-rate alerts: each pairs a long and a short window at a multiple of the sustainable error rate. */
export const BURN_RATE_ALERTS = [
    { alert: "GoshipErrorBudgetBurnPage", severity: "page", for: "2m", windows: [{ long: "1h", short: "5m", factor: 14.4 }, { long: "6h", short: "30m", factor: 6 }] },
    { alert: "GoshipErrorBudgetBurnTicket", severity: "ticket", for: "15m", windows: [{ long: "1d", short: "2h", factor: 3 }, { long: "3d", short: "6h", factor: 1 }] },
] as const;

export const LATENCY_ALERT = "GoshipLatencyP99High";
export const ERROR_RATE_ALERT = "GoshipErrorRateHigh";

export const REQUEST_RATE_RECORD = `goship:http_requests:rate${SYMPTOM_WINDOW}`;
export const LATENCY_P99_RECORD = `goship:http_request_duration_seconds:p99_rate${SYMPTOM_WINDOW}`;
export const errorRatioRecord = (window: string) => `goship:http_requests_errors:ratio_rate${window}`;

const ERROR_RATIO_WINDOWS = [SYMPTOM_WINDOW, ...new Set(BURN_RATE_ALERTS.flatMap((a) => a.windows.flatMap((w) => [w.short, w.long])))];

/** A threshold as PromQL reads it, without binary floating-point noise (0.1 - 0.0999… = 0.001). */
function number(value: number): string {
    return String(Number(value.toPrecision(10)));
}

export function sloRuleGroups(service: { name: string; namespace: string }, slo: SloSettings): PrometheusRuleGroup[] {
    const labels = `job="${service.name}",namespace="${service.namespace}"`;
    const traffic = `${labels},route!~"/livez|/readyz"`;
    const by = "sum by (job, namespace)";
    const rate = (window: string, extra = "") => `${by} (rate(http_requests_total{${traffic}${extra}}[${window}]))`;
    // 5xx over all requests; no 5xx series yet counts as 0, and no traffic gives no ratio at all.
    const errorRatio = (window: string) =>
        `(${rate(window, `,code=~"5.."`)} or on (job, namespace) 0 * ${rate(window)}) / (${rate(window)} > 0)`;
    const budget = (100 - slo.availabilityPercent) / 100;
    const common = (severity: string) => ({ severity, service: service.name });
    const runbook = { runbook_url: slo.runbookUrl };
    const who = "{{ $labels.namespace }}/{{ $labels.job }}";

    const recording: PrometheusRule[] = [
        { record: REQUEST_RATE_RECORD, expr: rate(SYMPTOM_WINDOW) },
        ...ERROR_RATIO_WINDOWS.map((window) => ({ record: errorRatioRecord(window), expr: errorRatio(window) })),
        {
            record: LATENCY_P99_RECORD,
            expr: `histogram_quantile(0.99, sum by (job, namespace, le) (rate(http_request_duration_seconds_bucket{${traffic}}[${SYMPTOM_WINDOW}]))) ` +
                `and on (job, namespace) ${REQUEST_RATE_RECORD}{${labels}} > 0`,
        },
    ];
    const alerts: PrometheusRule[] = [
        {
            alert: LATENCY_ALERT,
            expr: `${LATENCY_P99_RECORD}{${labels}} > ${number(slo.latencyP99Ms / 1000)}`,
            for: `${slo.latencyForMinutes}m`,
            labels: common("warning"),
            annotations: {
                summary: `P99 latency of ${service.name} above ${slo.latencyP99Ms} ms`,
                description: `P99 latency of ${who} is {{ $value | humanizeDuration }} (over ${SYMPTOM_WINDOW}), above ${slo.latencyP99Ms} ms for ${slo.latencyForMinutes} minutes.`,
                ...runbook,
            },
        },
        {
            alert: ERROR_RATE_ALERT,
            expr: `${errorRatioRecord(SYMPTOM_WINDOW)}{${labels}} > ${number(slo.errorRatePercent / 100)}`,
            for: `${slo.errorRateForMinutes}m`,
            labels: common("warning"),
            annotations: {
                summary: `5xx ratio of ${service.name} above ${slo.errorRatePercent}%`,
                description: `{{ $value | humanizePercentage }} of the requests to ${who} were answered 5xx (over ${SYMPTOM_WINDOW}), above ${slo.errorRatePercent}% for ${slo.errorRateForMinutes} minutes.`,
                ...runbook,
            },
        },
        ...BURN_RATE_ALERTS.map((burn) => ({
            alert: burn.alert,
            expr: burn.windows.map((w) => `(${errorRatioRecord(w.long)}{${labels}} > ${number(w.factor * budget)} and ${errorRatioRecord(w.short)}{${labels}} > ${number(w.factor * budget)})`).join(" or "),
            for: burn.for,
            labels: common(burn.severity),
            annotations: {
                summary: `${service.name} is burning its ${slo.availabilityPercent}% availability error budget too fast (${burn.severity})`,
                description: `{{ $value | humanizePercentage }} of the requests to ${who} failed over the long window: the error budget burns at more than ` +
                    burn.windows.map((w) => `${w.factor}× over ${w.long} and ${w.short}`).join(", or ") + ".",
                ...runbook,
            },
        })),
    ];
    return [{ name: `${service.name}-slo-recording`, rules: recording }, { name: `${service.name}-slo-alerts`, rules: alerts }];
}

/** The PrometheusRule, next to the ServiceMonitor whose series it reads (needs the monitoring.coreos.com CRDs). */
export function createPrometheusRule(meta: ObjectMeta, slo: SloSettings, opts: ChildOptions): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(`${meta.name}-prometheusrule`, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: meta,
        spec: { groups: pulumi.output(meta.namespace).apply((namespace) => sloRuleGroups({ name: meta.name, namespace }, slo)) },
    }, opts);
}
