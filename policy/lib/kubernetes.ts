// Kubernetes objects as the policy engine hands them over: plain JSON in which any field may be missing.
/* eslint-disable @typescript-eslint/no-explicit-any -- policies read untyped property bags */

export type Props = Record<string, any>;

/** Where each pod-creating kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
    "kubernetes:core/v1:Pod": ["spec"],
    "kubernetes:core/v1:ReplicationController": ["spec", "template", "spec"],
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Long-running workloads: the ones that need probes. Jobs run to completion and have none. */
export const SERVING_KINDS = [
    "kubernetes:core/v1:Pod",
    "kubernetes:core/v1:ReplicationController",
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:ReplicaSet",
];

/** Workloads with a replica count that an autoscaler can own. */
export const SCALABLE_KINDS = [
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:core/v1:ReplicationController",
];

export const HPA_KINDS = [
    "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
];
export const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
export const PDB_KINDS = ["kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:policy/v1beta1:PodDisruptionBudget"];
export const INGRESS_KINDS = ["kubernetes:networking.k8s.io/v1:Ingress", "kubernetes:networking.k8s.io/v1beta1:Ingress"];

export function podSpecOf(type: string, props: Props): Props | undefined {
    const path = POD_SPEC_PATHS[type];
    if (!path) {
        return undefined;
    }
    let at: any = props;
    for (const key of path) {
        at = at?.[key];
    }
    return at ?? undefined;
}

/** Labels of the pods a workload creates (what a PodDisruptionBudget has to select). */
export function podLabelsOf(type: string, props: Props): Record<string, string> {
    if (type === "kubernetes:core/v1:Pod") {
        return props.metadata?.labels ?? {};
    }
    return props.spec?.template?.metadata?.labels ?? {};
}

export type ContainerKind = "container" | "init container" | "ephemeral container";

export interface ContainerRef {
    kind: ContainerKind;
    container: Props;
}

/** Every container of a pod spec; `init` and `ephemeral` add those lists. */
export function containersOf(podSpec: Props, include: { init: boolean; ephemeral: boolean }): ContainerRef[] {
    const refs: ContainerRef[] = (podSpec.containers ?? []).map((container: Props) => ({ kind: "container", container }));
    if (include.init) {
        refs.push(...(podSpec.initContainers ?? []).map((container: Props) => ({ kind: "init container" as const, container })));
    }
    if (include.ephemeral) {
        refs.push(...(podSpec.ephemeralContainers ?? []).map((container: Props) => ({ kind: "ephemeral container" as const, container })));
    }
    return refs;
}

export function describeContainer(ref: ContainerRef): string {
    return `${ref.kind} "${ref.container.name ?? "?"}"`;
}

/** The kind part of a type token: kubernetes:apps/v1:Deployment → Deployment. */
export function kindOf(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}

export function namespaceOf(props: Props): string {
    return props.metadata?.namespace ?? "default";
}

/** The object's Kubernetes name; the Pulumi resource name when the name is left to auto-naming. */
export function objectName(props: Props, resourceName: string): string {
    return props.metadata?.name ?? resourceName;
}

/** "Deployment goship/goship": how messages name an object. */
export function describeObject(type: string, props: Props, resourceName: string): string {
    return `${kindOf(type)} ${namespaceOf(props)}/${objectName(props, resourceName)}`;
}

/** A workload's identity as autoscalers and budgets refer to it. */
export function workloadKey(namespace: string, kind: string, name: string): string {
    return `${namespace}/${kind}/${name}`;
}

/** Whether a label selector (matchLabels and matchExpressions) selects pods with these labels. */
export function selectorMatches(selector: Props | undefined, labels: Record<string, string>): boolean {
    if (!selector) {
        return false;
    }
    const matchLabels: Record<string, string> = selector.matchLabels ?? {};
    const expressions: Props[] = selector.matchExpressions ?? [];
    if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
        // An empty selector selects every pod of the namespace.
        return true;
    }
    for (const [key, value] of Object.entries(matchLabels)) {
        if (labels[key] !== value) {
            return false;
        }
    }
    return expressions.every((expression) => {
        const present = expression.key in labels;
        const values: string[] = expression.values ?? [];
        switch (expression.operator) {
            case "In":
                return present && values.includes(labels[expression.key]);
            case "NotIn":
                return !present || !values.includes(labels[expression.key]);
            case "Exists":
                return present;
            case "DoesNotExist":
                return !present;
            default:
                return false;
        }
    });
}
