import { DEFAULTS, withDefaults } from "../defaults";
import { AutoscalingArgs, AutoscalingSettings, DeliveryArgs, DeliverySettings, WebServiceArgs, WebServiceSettings } from "./types";

const W = DEFAULTS.workload;
const I = DEFAULTS.ingress;

/** Fills every setting a caller left out with its default, field by field. */
export function resolveSettings(name: string, args: Omit<WebServiceArgs, "provider" | "image">): WebServiceSettings {
    return {
        production: args.production ?? DEFAULTS.production,
        // An output (another resource's namespace) is used as given by WebService; only a name can be created.
        namespace: typeof args.namespace === "string" ? args.namespace : DEFAULTS.namespace,
        createNamespace: args.createNamespace ?? DEFAULTS.createNamespace,
        autoscaling: resolveAutoscaling(args.autoscaling ?? { kind: "none" }),
        resources: withDefaults(DEFAULTS.resources, args.resources),
        shutdown: withDefaults(DEFAULTS.shutdown, args.shutdown),
        rollout: withDefaults(DEFAULTS.rollout, args.rollout),
        logLevel: args.logLevel ?? W.logLevel,
        zoneSpread: args.zoneSpread ?? W.zoneSpread,
        servicePort: args.servicePort ?? W.servicePort,
        env: args.env ?? {},
        trustedProxies: args.trustedProxies,
        ingress: args.ingress && {
            ...withDefaults({ path: I.path, pathType: I.pathType, annotations: {}, skipAwait: I.skipAwait }, args.ingress),
            tls: args.ingress.tls && withDefaults({ secretName: `${name}${I.tlsSecretSuffix}` }, args.ingress.tls),
        },
        // Default-deny is the safe default; opting out is an explicit `false`.
        networkPolicy: args.networkPolicy === false ? false : withDefaults({
            ingressControllerNamespace: DEFAULTS.networkPolicy.ingressControllerNamespace,
            metricsNamespace: DEFAULTS.networkPolicy.metricsNamespace,
        }, args.networkPolicy),
        serviceMonitor: args.serviceMonitor ?? DEFAULTS.serviceMonitor,
        tracing: args.tracing && withDefaults({ samplingRatio: DEFAULTS.tracing.samplingRatio, resourceAttributes: {} }, args.tracing),
        faultInjection: args.faultInjection && withDefaults({ ...DEFAULTS.faultInjection }, args.faultInjection),
        slo: args.slo && withDefaults({ ...DEFAULTS.slo }, args.slo),
        alerting: args.alerting && withDefaults({ ...DEFAULTS.alerting }, {
            groupWaitSeconds: args.alerting.groupWaitSeconds,
            groupIntervalSeconds: args.alerting.groupIntervalSeconds,
            repeatIntervalMinutes: args.alerting.repeatIntervalMinutes,
        }),
        // The dashboard's queries read the series the ServiceMonitor has scraped.
        dashboard: args.dashboard ?? args.serviceMonitor ?? DEFAULTS.serviceMonitor,
        forceApply: args.forceApply ?? DEFAULTS.forceApply,
        publicUrl: args.publicUrl,
        database: args.database && withDefaults({ ...DEFAULTS.migration.settings }, {
            migrate: args.database.migrate,
            migrationTimeoutSeconds: args.database.migrationTimeoutSeconds,
        }),
        delivery: resolveDelivery(args.delivery),
    };
}

function resolveDelivery(args: DeliveryArgs | undefined): DeliverySettings {
    if (args?.kind !== "canary") {
        return { kind: "rolling" };
    }
    const { gates, ...canary } = DEFAULTS.delivery.canary;
    return {
        ...withDefaults({ ...canary, stepWeights: [...canary.stepWeights] }, args),
        kind: "canary",
        gates: withDefaults({ ...gates }, args.gates),
    };
}

function resolveAutoscaling(args: AutoscalingArgs): AutoscalingSettings {
    const { kind, replicas, targetCpuUtilization, pollingIntervalSeconds, cooldownSeconds, awaitReady, ...scaler } = DEFAULTS.autoscaling;
    switch (args.kind) {
        case "none":
            return withDefaults({ kind, replicas }, args);
        case "hpa":
            return withDefaults({ ...scaler, targetCpuUtilization }, args);
        case "keda":
            return withDefaults({ ...scaler, triggers: [], pollingIntervalSeconds, cooldownSeconds, awaitReady }, args);
    }
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
