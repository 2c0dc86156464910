import * as k8s from "@pulumi/kubernetes";
import { ChildOptions, ObjectMeta } from "./child-options";
import { servicePodSelector } from "./labels";

/**
 * At most one pod voluntarily disrupted at a time (node drains, cluster upgrades). Only created when at least two
 * pods are guaranteed: with one, a budget would block every drain. Pods that are not Ready may always be evicted
 * (AlwaysAllow): they serve nothing, and under the default policy a stuck one blocks the drain.
 */
export function createPodDisruptionBudget(meta: ObjectMeta, opts: ChildOptions, target: { canary: boolean } = { canary: false }): k8s.policy.v1.PodDisruptionBudget {
    return new k8s.policy.v1.PodDisruptionBudget(`${meta.name}-pdb`, {
        metadata: meta,
        spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow", selector: servicePodSelector(meta.name, target.canary) },
    }, opts);
}
