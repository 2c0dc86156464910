// KEDA ScaledObject with typed triggers. KEDA creates and owns the HPA itself: never combine it with createHpa.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions, ObjectMeta } from "./child-options";
import { hpaBehavior } from "./hpa";
import { kedaTrigger } from "./keda-triggers";
import { AutoscalingSettings } from "./types";

type KedaSettings = Extract<AutoscalingSettings, { kind: "keda" }>;

/** What a ScaledObject's spec is made of: WebService's keda autoscaling, or a Worker's kafka scaling. */
export type ScaledObjectSettings = Pick<KedaSettings, "minReplicas" | "maxReplicas" | "pollingIntervalSeconds" | "cooldownSeconds" | "fallbackReplicas"
    | "scaleUpStabilizationSeconds" | "scaleDownStabilizationSeconds">;

/** The spec of a ScaledObject scaling a Deployment; KEDA creates and owns the HPA it describes. */
export function scaledObjectSpec(
    settings: ScaledObjectSettings,
    deploymentName: pulumi.Input<string>,
    triggers: Record<string, unknown>[],
): Record<string, unknown> {
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
        minReplicaCount: settings.minReplicas,
        maxReplicaCount: settings.maxReplicas,
        pollingInterval: settings.pollingIntervalSeconds,
        cooldownPeriod: settings.cooldownSeconds,
        fallback: settings.fallbackReplicas === undefined
            ? undefined
            : { failureThreshold: 3, replicas: settings.fallbackReplicas },
        advanced: { horizontalPodAutoscalerConfig: { behavior: hpaBehavior(settings) } },
        triggers,
    };
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
        spec: scaledObjectSpec(settings, target.deployment.metadata.name, settings.triggers.map((trigger) => kedaTrigger(trigger))),
    }, { ...opts, dependsOn: [target.deployment] });
}
