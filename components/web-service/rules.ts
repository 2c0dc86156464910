// The rules of WebService's scalar arguments, named once: its checks apply them and the stack-config table
// (config/keys.ts) quotes them in the README and Pulumi.yaml.
import { BYTE_QUANTITY, CPU_QUANTITY } from "../quantity";
import { DNS_LABEL, DNS_SUBDOMAIN, INGRESS_HOST } from "../validation/kubernetes-names";
import { Rule, integer, matching, oneOf, rule } from "../validation/rules";
import { AUTOSCALING_KINDS, LOG_LEVELS, PATH_TYPES } from "./types";

/** A count, or a percentage up to `maxPercent` (RollingUpdate's int-or-string fields). */
function countOrPercent(maxPercent: number): Rule {
    const limit = maxPercent === Infinity ? "" : ` up to ${maxPercent}%`;
    return rule(`a count such as 1 or a percentage such as 25%${limit}`, (value) => {
        if (typeof value === "number") {
            return Number.isInteger(value) && value >= 0;
        }
        const match = typeof value === "string" ? /^([0-9]+)(%?)$/.exec(value) : null;
        return match !== null && (match[2] === "" || Number(match[1]) <= maxPercent);
    });
}

/** A number (not only an integer) in a range; `open` ends exclude their bound. */
function between(min: number, max: number, expected: string, open: { min?: boolean; max?: boolean } = {}): Rule {
    return rule(expected, (value) => typeof value === "number" && Number.isFinite(value) &&
        (open.min ? value > min : value >= min) && (open.max ? value < max : value <= max));
}

/** The service's largest finite latency bucket (app/internal/middleware/metrics.go): a P99 above it is not measured. */
export const LARGEST_LATENCY_BUCKET_MS = 10_000;

export const SERVICE_RULES = {
    /** Object names add suffixes of up to 23 characters (`-secret-env-<hash>`) to it. */
    name: matching(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, "a DNS label starting with a letter, at most 40 characters", 40),
    namespace: DNS_LABEL,
    replicas: integer(1, 1000),
    hpaMinReplicas: integer(1, 1000),
    kedaMinReplicas: integer(0, 1000),
    maxReplicas: integer(1, 1000),
    utilization: integer(1, 100),
    stabilizationSeconds: integer(0, 3600),
    pollingIntervalSeconds: integer(1, 3600),
    cooldownSeconds: integer(0, 86400),
    fallbackReplicas: integer(1, 1000),
    autoscalingKind: oneOf(AUTOSCALING_KINDS),
    cpu: CPU_QUANTITY,
    bytes: BYTE_QUANTITY,
    preStopSleepSeconds: integer(0, 120),
    drainDelaySeconds: integer(0, 120),
    shutdownTimeoutSeconds: integer(1, 600),
    revisionHistoryLimit: integer(0, 100),
    maxSurge: countOrPercent(Infinity),
    maxUnavailable: countOrPercent(100),
    rolloutTimeoutSeconds: integer(30, 3600),
    logLevel: oneOf(LOG_LEVELS),
    port: integer(1, 65535),
    ingressClassName: DNS_SUBDOMAIN,
    ingressHost: INGRESS_HOST,
    ingressPath: matching(/^\/\S*$/, "a path starting with /"),
    pathType: oneOf(PATH_TYPES),
    secretName: DNS_SUBDOMAIN,
    publicUrl: matching(/^https?:\/\/[^\s/]+(\/\S*)?$/, "an http(s) URL"),
    // The SDK appends /v1/traces to the base URL; a URL ending in it would be posted to /v1/traces/v1/traces.
    otlpEndpoint: rule("an http(s) base URL of an OTLP/HTTP collector such as http://jaeger.monitoring.svc:4318 (without /v1/traces: the SDK appends it)",
        (value) => typeof value === "string" && /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(value) && !/\/v1\/traces\/?$/.test(value)),
    samplingRatio: between(0, 1, "a number from 0 to 1"),
    // OTEL_RESOURCE_ATTRIBUTES is key=value,key=value: a ',' or '=' inside one would split it.
    resourceAttributeKey: matching(/^[^,=\s]+$/, "an attribute key without ',', '=' or spaces"),
    resourceAttributeValue: matching(/^[^,=]*$/, "a string without ',' or '='"),
    faultDelayMs: integer(0, 60_000),
    faultErrorPercent: integer(0, 100),
    latencyP99Ms: integer(1, LARGEST_LATENCY_BUCKET_MS),
    forMinutes: integer(1, 1440),
    errorRatePercent: between(0, 100, "a percentage above 0 and at most 100", { min: true }),
    availabilityPercent: between(0, 100, "a percentage above 0 and below 100, such as 99.9 (100 leaves no error budget)", { min: true, max: true }),
    runbookUrl: matching(/^(https?:\/\/[^\s/]+)?\/?\S+$/, "an http(s) URL or a path of this repository's docs"),
    webhookUrl: matching(/^https?:\/\/[^\s/]+(\/\S*)?$/, "an http(s) URL"),
    groupWaitSeconds: integer(0, 3600),
    groupIntervalSeconds: integer(1, 86_400),
    repeatIntervalMinutes: integer(1, 10_080),
} as const;
