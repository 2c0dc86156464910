import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Every Kubernetes object gets its parent and, explicitly, the provider of the target cluster. */
export interface ChildOptions {
    parent: pulumi.Resource;
    provider: k8s.Provider;
}

/** Metadata shared by every namespaced object. */
export interface ObjectMeta {
    name: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    /** Shared by every object (forceApply's annotation); a file adding its own merges these in. */
    annotations?: Record<string, string>;
}

/** The Kubernetes provider's per-object switch for server-side apply with force. */
export function applyAnnotations(forceApply: boolean): Record<string, string> | undefined {
    return forceApply ? { "pulumi.com/patchForce": "true" } : undefined;
}
