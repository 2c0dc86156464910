import * as k8s from "@pulumi/kubernetes";
import { ChildOptions, ObjectMeta } from "./child-options";
import { AutoscalingSettings, ScalingBehavior } from "./types";

type HpaSettings = Extract<AutoscalingSettings, { kind: "hpa" }>;

/** autoscaling/v2 behavior from the stabilisation windows (shared with KEDA, which embeds an HPA). */
export function hpaBehavior(behavior: ScalingBehavior): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerBehavior {
    return {
        scaleUp: {
            stabilizationWindowSeconds: behavior.scaleUpStabilizationSeconds,
            selectPolicy: "Max",
            policies: [
                { type: "Percent", value: 100, periodSeconds: 15 },
                { type: "Pods", value: 4, periodSeconds: 15 },
            ],
        },
        scaleDown: {
            stabilizationWindowSeconds: behavior.scaleDownStabilizationSeconds,
            selectPolicy: "Max",
            policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
        },
    };
}

export function createHpa(
    meta: ObjectMeta,
    settings: HpaSettings,
    target: { deploymentName: k8s.apps.v1.Deployment["metadata"]["name"] },
    opts: ChildOptions,
): k8s.autoscaling.v2.HorizontalPodAutoscaler {
    const metrics: k8s.types.input.autoscaling.v2.MetricSpec[] = [];
    const utilization = (name: "cpu" | "memory", averageUtilization: number) => ({
        type: "Resource",
        resource: { name, target: { type: "Utilization", averageUtilization } },
    });
    if (settings.targetCpuUtilization !== undefined) {
        metrics.push(utilization("cpu", settings.targetCpuUtilization));
    }
    if (settings.targetMemoryUtilization !== undefined) {
        metrics.push(utilization("memory", settings.targetMemoryUtilization));
    }
    return new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${meta.name}-hpa`, {
        metadata: meta,
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target.deploymentName },
            minReplicas: settings.minReplicas,
            maxReplicas: settings.maxReplicas,
            metrics,
            behavior: hpaBehavior(settings),
        },
    }, opts);
}
