// The connection Secret: the one contract between a Database and the services using it (docs/database.md). Its
// name carries a hash of its content, like the service's env Secret: a new password makes a new immutable Secret,
// the Deployment rolls to it, and the old one is deleted only after the rollout.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions, ObjectMeta } from "../web-service/child-options";
import { contentHash } from "../web-service/env-objects";

/** The key holding the URL: the name of the variable the Go service reads. */
export const CONNECTION_SECRET_KEY = "DATABASE_URL";

export function createConnectionSecret(
    meta: ObjectMeta,
    url: pulumi.Output<string>,
    opts: ChildOptions & { dependsOn: pulumi.Resource[] },
): k8s.core.v1.Secret {
    const data = pulumi.secret(url.apply((value) => ({ [CONNECTION_SECRET_KEY]: value })));
    // Only a hash of the URL; it must stay readable in diffs.
    const suffix = pulumi.unsecret(data.apply(contentHash));
    return new k8s.core.v1.Secret(`${meta.name}-connection`, {
        metadata: { ...meta, name: pulumi.interpolate`${meta.name}-connection-${suffix}` },
        immutable: true,
        type: "Opaque",
        stringData: data,
    }, { ...opts, deleteBeforeReplace: false });
}
