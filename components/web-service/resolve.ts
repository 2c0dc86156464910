import { DEFAULTS } from "../defaults";
import { AutoscalingArgs, AutoscalingSettings, IngressArgs, IngressSettings, WebServiceArgs, WebServiceSettings } from "./types";

const W = DEFAULTS.workload;
const A = DEFAULTS.autoscaling;
const N = DEFAULTS.networkPolicy;

/** Fills every setting a caller left out with its default, field by field. */
export function resolveSettings(name: string, args: Omit<WebServiceArgs, "provider" | "image">): WebServiceSettings {
    const resources = args.resources ?? {};
    const shutdown = args.shutdown ?? {};
    const rollout = args.rollout ?? {};
    return {
        production: args.production ?? DEFAULTS.production,
        // An output (another resource's namespace) is used as given by WebService; only a name can be created.
        namespace: typeof args.namespace === "string" ? args.namespace : DEFAULTS.namespace,
        createNamespace: args.createNamespace ?? DEFAULTS.createNamespace,
        autoscaling: resolveAutoscaling(args.autoscaling ?? { kind: "none" }),
        resources: {
            cpuRequest: resources.cpuRequest ?? W.cpuRequest,
            cpuLimit: resources.cpuLimit ?? W.cpuLimit,
            memoryRequest: resources.memoryRequest ?? W.memoryRequest,
            memoryLimit: resources.memoryLimit ?? W.memoryLimit,
            ephemeralStorageRequest: resources.ephemeralStorageRequest ?? W.ephemeralStorageRequest,
            ephemeralStorageLimit: resources.ephemeralStorageLimit ?? W.ephemeralStorageLimit,
        },
        shutdown: {
            preStopSleepSeconds: shutdown.preStopSleepSeconds ?? W.preStopSleepSeconds,
            drainDelaySeconds: shutdown.drainDelaySeconds ?? W.drainDelaySeconds,
            shutdownTimeoutSeconds: shutdown.shutdownTimeoutSeconds ?? W.shutdownTimeoutSeconds,
        },
        rollout: {
            revisionHistoryLimit: rollout.revisionHistoryLimit ?? W.revisionHistoryLimit,
            maxSurge: rollout.maxSurge ?? W.maxSurge,
            maxUnavailable: rollout.maxUnavailable ?? W.maxUnavailable,
            timeoutSeconds: rollout.timeoutSeconds ?? W.rolloutTimeoutSeconds,
        },
        logLevel: args.logLevel ?? W.logLevel,
        zoneSpread: args.zoneSpread ?? W.zoneSpread,
        servicePort: args.servicePort ?? W.servicePort,
        env: args.env ?? {},
        trustedProxies: args.trustedProxies,
        ingress: args.ingress && resolveIngress(name, args.ingress),
        // Default-deny is the safe default; opting out is an explicit `false`.
        networkPolicy: args.networkPolicy === false ? false : {
            ingressControllerNamespace: args.networkPolicy?.ingressControllerNamespace ?? N.ingressControllerNamespace,
            metricsNamespace: args.networkPolicy?.metricsNamespace ?? N.metricsNamespace,
            egress: args.networkPolicy?.egress,
        },
        serviceMonitor: args.serviceMonitor ?? DEFAULTS.serviceMonitor,
        forceApply: args.forceApply ?? DEFAULTS.forceApply,
        publicUrl: args.publicUrl,
    };
}

function resolveAutoscaling(args: AutoscalingArgs): AutoscalingSettings {
    if (args.kind === "none") {
        return { kind: "none", replicas: args.replicas ?? W.replicas };
    }
    const common = {
        minReplicas: args.minReplicas ?? A.minReplicas,
        maxReplicas: args.maxReplicas ?? A.maxReplicas,
        scaleUpStabilizationSeconds: args.scaleUpStabilizationSeconds ?? A.scaleUpStabilizationSeconds,
        scaleDownStabilizationSeconds: args.scaleDownStabilizationSeconds ?? A.scaleDownStabilizationSeconds,
    };
    if (args.kind === "hpa") {
        return {
            kind: "hpa",
            ...common,
            targetCpuUtilization: args.targetCpuUtilization ?? A.targetCpuUtilization,
            targetMemoryUtilization: args.targetMemoryUtilization,
        };
    }
    return {
        kind: "keda",
        ...common,
        triggers: args.triggers ?? [],
        pollingIntervalSeconds: args.pollingIntervalSeconds ?? A.kedaPollingIntervalSeconds,
        cooldownSeconds: args.cooldownSeconds ?? A.kedaCooldownSeconds,
        fallbackReplicas: args.fallbackReplicas,
        awaitReady: args.awaitReady ?? A.kedaAwaitReady,
    };
}

function resolveIngress(name: string, args: IngressArgs): IngressSettings {
    const I = DEFAULTS.ingress;
    return {
        className: args.className,
        host: args.host,
        path: args.path ?? I.path,
        pathType: args.pathType ?? I.pathType,
        tls: args.tls && {
            secretName: args.tls.secretName ?? `${name}${I.tlsSecretSuffix}`,
            certManagerIssuer: args.tls.certManagerIssuer,
        },
        annotations: args.annotations ?? {},
        skipAwait: args.skipAwait ?? I.skipAwait,
    };
}

/** Pods that exist whatever the autoscaler does: the floor a PodDisruptionBudget can protect. */
export function guaranteedReplicas(settings: Pick<WebServiceSettings, "autoscaling">): number {
    const scaling = settings.autoscaling;
    return scaling.kind === "none" ? scaling.replicas : scaling.minReplicas;
}

/**
 * The kubelet's grace period: preStop sleep, then the service's drain and shutdown deadline, plus a margin,
 * so a clean shutdown is never cut short by SIGKILL.
 */
export function terminationGracePeriodSeconds(settings: Pick<WebServiceSettings, "shutdown">): number {
    const s = settings.shutdown;
    return s.preStopSleepSeconds + s.drainDelaySeconds + s.shutdownTimeoutSeconds + W.terminationGraceMarginSeconds;
}
