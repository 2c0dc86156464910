import { DEFAULTS } from "../defaults";
import { WebServiceArgs, WebServiceSettings } from "./types";

const W = DEFAULTS.workload;
const N = DEFAULTS.networkPolicy;

/** Fills every setting a library user left out with the project default. */
export function resolveSettings(args: WebServiceArgs): WebServiceSettings {
    return {
        production: args.production ?? DEFAULTS.production,
        // An output (another resource's namespace) is used as given by WebService; only a name can be created.
        namespace: typeof args.namespace === "string" ? args.namespace : DEFAULTS.namespace,
        createNamespace: args.createNamespace ?? DEFAULTS.createNamespace,
        autoscaling: args.autoscaling ?? { kind: "none", replicas: W.replicas },
        resources: args.resources ?? {
            cpuRequest: W.cpuRequest, cpuLimit: W.cpuLimit, memoryRequest: W.memoryRequest, memoryLimit: W.memoryLimit,
        },
        shutdown: args.shutdown ?? {
            preStopSleepSeconds: W.preStopSleepSeconds,
            drainDelaySeconds: W.drainDelaySeconds,
            shutdownTimeoutSeconds: W.shutdownTimeoutSeconds,
        },
        rollout: args.rollout ?? {
            revisionHistoryLimit: W.revisionHistoryLimit, maxSurge: W.maxSurge, maxUnavailable: W.maxUnavailable,
            timeoutSeconds: W.rolloutTimeoutSeconds,
        },
        logLevel: args.logLevel ?? W.logLevel,
        zoneSpread: args.zoneSpread ?? W.zoneSpread,
        servicePort: args.servicePort ?? W.servicePort,
        env: args.env ?? {},
        trustedProxies: args.trustedProxies,
        ingress: args.ingress,
        // Default-deny is the safe default; opting out is an explicit `false`.
        networkPolicy: args.networkPolicy ?? {
            ingressControllerNamespace: N.ingressControllerNamespace, metricsNamespace: N.metricsNamespace,
        },
        serviceMonitor: args.serviceMonitor ?? DEFAULTS.serviceMonitor,
        forceApply: args.forceApply ?? DEFAULTS.forceApply,
        publicUrl: args.publicUrl,
    };
}

/** Pods that exist whatever the autoscaler does: the floor a PodDisruptionBudget can protect. */
export function guaranteedReplicas(settings: Pick<WebServiceSettings, "autoscaling">): number {
    const scaling = settings.autoscaling;
    return scaling.kind === "none" ? scaling.replicas : scaling.minReplicas;
}

/** What a production service lacks (empty when nothing), phrased like config errors: `expected …, got …`. */
export function productionProblems(settings: Pick<WebServiceSettings, "autoscaling" | "ingress">): string[] {
    const problems: string[] = [];
    const guaranteed = guaranteedReplicas(settings);
    if (guaranteed < 2) {
        const field = settings.autoscaling.kind === "none" ? "autoscaling.replicas" : "autoscaling.minReplicas";
        problems.push(`${field}: expected at least 2 guaranteed pods, got ${guaranteed}`);
    }
    if (settings.ingress && !settings.ingress.tls) {
        problems.push("ingress.tls: expected TLS on the Ingress, got none");
    }
    return problems;
}

/**
 * The kubelet's grace period: preStop sleep, then the service's drain and shutdown deadline, plus a margin,
 * so a clean shutdown is never cut short by SIGKILL.
 */
export function terminationGracePeriodSeconds(settings: Pick<WebServiceSettings, "shutdown">): number {
    const s = settings.shutdown;
    return s.preStopSleepSeconds + s.drainDelaySeconds + s.shutdownTimeoutSeconds + W.terminationGraceMarginSeconds;
}
