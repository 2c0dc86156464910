// Tracing, fault injection, SLOs, alert delivery and the dashboard: each setting's fields, and what it needs of the
// others (the rules read the ServiceMonitor's series, alerts need rules to deliver, faults stay off production).
import * as pulumi from "@pulumi/pulumi";
import { SECRET_SHOWN, shown } from "../validation/problems";
import { BOOLEAN, Checks, fieldsOf, key } from "../validation/rules";
import { SERVICE_RULES as R } from "./rules";
import { MANAGED_RESOURCE_ATTRIBUTES } from "./tracing-env";
import { AlertingArgs, FaultInjectionArgs, SloArgs, TracingArgs, WebServiceArgs } from "./types";

const TRACING_FIELDS = fieldsOf<TracingArgs>({ endpoint: true, samplingRatio: true, resourceAttributes: true });
const FAULT_FIELDS = fieldsOf<FaultInjectionArgs>({ delayMs: true, errorPercent: true });
const SLO_FIELDS = fieldsOf<SloArgs>({
    latencyP99Ms: true, latencyForMinutes: true, errorRatePercent: true, errorRateForMinutes: true, availabilityPercent: true, runbookUrl: true,
});
const ALERTING_FIELDS = fieldsOf<AlertingArgs>({ webhookUrl: true, groupWaitSeconds: true, groupIntervalSeconds: true, repeatIntervalMinutes: true });

type ObservabilityArgs = Pick<WebServiceArgs, "tracing" | "faultInjection" | "slo" | "alerting" | "dashboard" | "serviceMonitor" | "production">;

export function checkObservability(checks: Checks, args: ObservabilityArgs): void {
    checkTracing(checks, args.tracing);
    checkFaultInjection(checks, args);
    checkSlo(checks, args);
    checkAlerting(checks, args);
    if (checks.check("dashboard", args.dashboard, BOOLEAN) && args.dashboard === true && args.serviceMonitor !== true) {
        checks.add("dashboard", (n) => `false or unset unless ${n("serviceMonitor")} is true (its queries read the series the ServiceMonitor scrapes)`, "true");
    }
}

function checkTracing(checks: Checks, tracing: unknown): void {
    if (tracing === undefined) {
        return;
    }
    const given = checks.fields("tracing", tracing, TRACING_FIELDS, "tracing settings");
    if (!given) {
        return;
    }
    checks.check("tracing.endpoint", given.endpoint, R.otlpEndpoint, { required: true });
    checks.check("tracing.samplingRatio", given.samplingRatio, R.samplingRatio);
    const attributes = checks.map("tracing.resourceAttributes", given.resourceAttributes, R.resourceAttributeKey, R.resourceAttributeValue);
    for (const name of Object.keys(attributes)) {
        if (MANAGED_RESOURCE_ATTRIBUTES.includes(name)) {
            checks.add(key("tracing.resourceAttributes", name), `an attribute goship does not set itself (${MANAGED_RESOURCE_ATTRIBUTES.join(", ")} come from the workload)`, JSON.stringify(name));
        }
    }
}

function checkFaultInjection(checks: Checks, args: ObservabilityArgs): void {
    if (args.faultInjection === undefined) {
        return;
    }
    if (args.production === true) {
        // Before its fields: on production the setting itself is the problem.
        checks.add("faultInjection", (n) => `unset on a production service (${n("production")} is true; fault injection is for tests)`, shown(args.faultInjection));
        return;
    }
    const given = checks.fields("faultInjection", args.faultInjection, FAULT_FIELDS, "fault injection settings");
    checks.check("faultInjection.delayMs", given?.delayMs, R.faultDelayMs);
    checks.check("faultInjection.errorPercent", given?.errorPercent, R.faultErrorPercent);
}

function checkSlo(checks: Checks, args: ObservabilityArgs): void {
    if (args.slo === undefined) {
        return;
    }
    const given = checks.fields("slo", args.slo, SLO_FIELDS, "SLO settings");
    if (!given) {
        return;
    }
    if (args.serviceMonitor !== true) {
        checks.add("slo", (n) => `unset unless ${n("serviceMonitor")} is true (the rules read the series the ServiceMonitor scrapes)`, "SLO settings");
    }
    checks.check("slo.latencyP99Ms", given.latencyP99Ms, { ...R.latencyP99Ms, expected: `${R.latencyP99Ms.expected} (the service's largest latency bucket is 10 s)` }, { required: true });
    checks.check("slo.latencyForMinutes", given.latencyForMinutes, R.forMinutes);
    checks.check("slo.errorRatePercent", given.errorRatePercent, R.errorRatePercent, { required: true });
    checks.check("slo.errorRateForMinutes", given.errorRateForMinutes, R.forMinutes);
    checks.check("slo.availabilityPercent", given.availabilityPercent, R.availabilityPercent, { required: true });
    checks.check("slo.runbookUrl", given.runbookUrl, R.runbookUrl);
}

function checkAlerting(checks: Checks, args: ObservabilityArgs): void {
    if (args.alerting === undefined) {
        return;
    }
    const given = checks.fields("alerting", args.alerting, ALERTING_FIELDS, "alert delivery settings");
    if (!given) {
        return;
    }
    if (args.slo === undefined) {
        // At the URL's path: the stack config names that key, the one that asks for delivery.
        checks.add("alerting.webhookUrl", (n) => `unset unless ${n("slo")} is set (there are no alerts to deliver)`, SECRET_SHOWN);
    }
    const url = given.webhookUrl;
    if (url === undefined) {
        checks.add("alerting.webhookUrl", R.webhookUrl.expected, "nothing");
    } else if (!pulumi.Output.isInstance(url)) {
        checks.check("alerting.webhookUrl", url, R.webhookUrl, { secret: true });
    }
    checks.check("alerting.groupWaitSeconds", given.groupWaitSeconds, R.groupWaitSeconds);
    checks.check("alerting.groupIntervalSeconds", given.groupIntervalSeconds, R.groupIntervalSeconds);
    checks.check("alerting.repeatIntervalMinutes", given.repeatIntervalMinutes, R.repeatIntervalMinutes);
}
