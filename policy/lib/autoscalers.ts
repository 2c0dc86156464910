// Autoscalers and the workloads they target, as the stack policies see them.
import { PolicyResource } from "@pulumi/policy";
import { HPA_KINDS, Props, SCALED_OBJECT, SCALABLE_KINDS, describeObject, kindOf, namespaceOf, objectName, workloadKey } from "./kubernetes";

export interface Autoscaler {
    resource: PolicyResource;
    /** "HorizontalPodAutoscaler goship/goship" */
    description: string;
    kind: "hpa" | "keda";
    /** workloadKey of the target. */
    target: string;
    /** Pods the autoscaler never goes below. */
    minReplicas: number;
}

export function autoscalersOf(resources: PolicyResource[]): Autoscaler[] {
    const found: Autoscaler[] = [];
    for (const resource of resources) {
        const props: Props = resource.props;
        const isHpa = HPA_KINDS.includes(resource.type);
        if (!isHpa && resource.type !== SCALED_OBJECT) {
            continue;
        }
        const ref: Props = props.spec?.scaleTargetRef ?? {};
        found.push({
            resource,
            description: describeObject(resource.type, props, resource.name),
            kind: isHpa ? "hpa" : "keda",
            // A ScaledObject's target kind defaults to Deployment; an HPA must name it.
            target: workloadKey(namespaceOf(props), ref.kind ?? "Deployment", ref.name ?? "?"),
            // Kubernetes defaults: HPA minReplicas 1; KEDA minReplicaCount 0 (scale to zero).
            minReplicas: isHpa ? (props.spec?.minReplicas ?? 1) : (props.spec?.minReplicaCount ?? 0),
        });
    }
    return found;
}

export interface Workload {
    resource: PolicyResource;
    description: string;
    key: string;
}

export function scalableWorkloadsOf(resources: PolicyResource[]): Workload[] {
    return resources
        .filter((resource) => SCALABLE_KINDS.includes(resource.type))
        .map((resource) => ({
            resource,
            description: describeObject(resource.type, resource.props, resource.name),
            key: workloadKey(namespaceOf(resource.props), kindOf(resource.type), objectName(resource.props, resource.name)),
        }));
}

/** Pods that run whatever the autoscaler does, and where that floor comes from (for messages). */
export function guaranteedPods(workload: Workload, autoscalers: Autoscaler[]): { pods: number; source: string } {
    const owners = autoscalers.filter((autoscaler) => autoscaler.target === workload.key);
    if (owners.length > 0) {
        const lowest = owners.reduce((low, autoscaler) => (autoscaler.minReplicas < low.minReplicas ? autoscaler : low));
        const field = lowest.kind === "hpa" ? "minReplicas" : "minReplicaCount";
        return { pods: lowest.minReplicas, source: `${lowest.description} ${field} ${lowest.minReplicas}` };
    }
    const replicas = workload.resource.props.spec?.replicas ?? 1;
    return { pods: replicas, source: `replicas ${replicas}` };
}
