import { DEFAULTS, withDefaults } from "../defaults";
import { WorkerArgs, WorkerSettings } from "./types";

const W = DEFAULTS.worker;

/** Fills every setting a caller left out with its default, field by field. */
export function resolveWorkerSettings(name: string, args: Omit<WorkerArgs, "provider" | "image" | "kafka">): WorkerSettings {
    const scalar = withDefaults({
        minReplicas: W.minReplicas,
        maxReplicas: W.maxReplicas,
        allowIdleConsumers: W.allowIdleConsumers,
        lagThreshold: W.lagThreshold,
        activationLagThreshold: W.activationLagThreshold,
        pollingIntervalSeconds: W.pollingIntervalSeconds,
        cooldownSeconds: W.cooldownSeconds,
        scaleUpStabilizationSeconds: W.scaleUpStabilizationSeconds,
        scaleDownStabilizationSeconds: W.scaleDownStabilizationSeconds,
        drainTimeoutSeconds: W.drainTimeoutSeconds,
        awaitReady: W.awaitReady,
        readyTimeoutSeconds: W.readyTimeoutSeconds,
        rolloutTimeoutSeconds: W.rolloutTimeoutSeconds,
        logLevel: DEFAULTS.workload.logLevel,
        podMonitor: DEFAULTS.serviceMonitor,
        production: DEFAULTS.production,
        forceApply: DEFAULTS.forceApply,
    }, {
        minReplicas: args.minReplicas,
        maxReplicas: args.maxReplicas,
        allowIdleConsumers: args.allowIdleConsumers,
        lagThreshold: args.lagThreshold,
        activationLagThreshold: args.activationLagThreshold,
        pollingIntervalSeconds: args.pollingIntervalSeconds,
        cooldownSeconds: args.cooldownSeconds,
        scaleUpStabilizationSeconds: args.scaleUpStabilizationSeconds,
        scaleDownStabilizationSeconds: args.scaleDownStabilizationSeconds,
        drainTimeoutSeconds: args.drainTimeoutSeconds,
        awaitReady: args.awaitReady,
        readyTimeoutSeconds: args.readyTimeoutSeconds,
        rolloutTimeoutSeconds: args.rolloutTimeoutSeconds,
        logLevel: args.logLevel,
        podMonitor: args.podMonitor,
        production: args.production,
        forceApply: args.forceApply,
    });
    return {
        ...scalar,
        namespace: typeof args.namespace === "string" ? args.namespace : DEFAULTS.namespace,
        consumerGroup: args.consumerGroup ?? name,
        resources: withDefaults(DEFAULTS.resources, args.resources),
        env: args.env ?? {},
        networkPolicy: args.networkPolicy === false ? false : {
            metricsNamespace: args.networkPolicy?.metricsNamespace ?? DEFAULTS.networkPolicy.metricsNamespace,
            egress: args.networkPolicy?.egress ?? [],
        },
        faultInjection: args.faultInjection && { delayMs: args.faultInjection.delayMs ?? DEFAULTS.faultInjection.delayMs },
    };
}

/**
 * The kubelet's grace period: the worker's drain deadline plus the library's margin (the same as a WebService's), so
 * the message in hand is committed before SIGKILL. No preStop sleep: there are no endpoints to leave first.
 */
export function workerTerminationGracePeriodSeconds(settings: Pick<WorkerSettings, "drainTimeoutSeconds">): number {
    return settings.drainTimeoutSeconds + DEFAULTS.workload.terminationGraceMarginSeconds;
}
