import * as k8s from "@pulumi/kubernetes";
import { ChildOptions } from "./child-options";

/**
 * The namespace, enforcing the "restricted" Pod Security Standard: a pod that is not restricted-compliant
 * (ours always is) is rejected at admission rather than discovered later.
 */
export function createNamespace(name: string, labels: Record<string, string>, annotations: Record<string, string> | undefined, opts: ChildOptions): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(`${name}-namespace`, {
        metadata: {
            name,
            annotations,
            labels: {
                ...labels,
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/warn": "restricted",
            },
        },
    }, opts);
}
