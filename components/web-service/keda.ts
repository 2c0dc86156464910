// KEDA ScaledObject with typed triggers. KEDA creates and owns the HPA itself: never combine it with createHpa.
import * as k8s from "@pulumi/kubernetes";
import { ChildOptions, ObjectMeta } from "./child-options";
import { hpaBehavior } from "./hpa";
import { AutoscalingSettings, KedaTrigger } from "./types";

type KedaSettings = Extract<AutoscalingSettings, { kind: "keda" }>;

/** KEDA's metadata holds strings only; unset optional fields are left out. */
function metadataOf(values: Record<string, string | number | undefined>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(values).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]),
    );
}

export function kedaTrigger(trigger: KedaTrigger): Record<string, unknown> {
    const { type, ...fields } = trigger;
    if (trigger.type === "cpu" || trigger.type === "memory") {
        return { type, metricType: "Utilization", metadata: metadataOf({ value: trigger.utilization }) };
    }
    return { type, metadata: metadataOf(fields as Record<string, string | number | undefined>) };
}

export function createScaledObject(
    meta: ObjectMeta,
    settings: KedaSettings,
    target: { deployment: k8s.apps.v1.Deployment },
    opts: ChildOptions,
): k8s.apiextensions.CustomResource {
    const annotations: Record<string, string> = { ...meta.annotations };
    if (settings.awaitReady) {
        // Custom resources get no readiness await of their own.
        annotations["pulumi.com/waitFor"] = "condition=Ready";
    }
    return new k8s.apiextensions.CustomResource(`${meta.name}-scaledobject`, {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: { ...meta, annotations },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target.deployment.metadata.name },
            minReplicaCount: settings.minReplicas,
            maxReplicaCount: settings.maxReplicas,
            pollingInterval: settings.pollingIntervalSeconds,
            cooldownPeriod: settings.cooldownSeconds,
            fallback: settings.fallbackReplicas === undefined
                ? undefined
                : { failureThreshold: 3, replicas: settings.fallbackReplicas },
            advanced: { horizontalPodAutoscalerConfig: { behavior: hpaBehavior(settings) } },
            triggers: settings.triggers.map(kedaTrigger),
        },
    }, { ...opts, dependsOn: [target.deployment] });
}
