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
}
