import * as k8s from "@pulumi/kubernetes";
import { ChildOptions, ObjectMeta } from "./child-options";

/** A dedicated identity that mounts no API token: the service never talks to the Kubernetes API. */
export function createServiceAccount(meta: ObjectMeta, opts: ChildOptions): k8s.core.v1.ServiceAccount {
    return new k8s.core.v1.ServiceAccount(`${meta.name}-sa`, {
        metadata: meta,
        automountServiceAccountToken: false,
    }, opts);
}
