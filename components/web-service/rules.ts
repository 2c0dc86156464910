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
} as const;
