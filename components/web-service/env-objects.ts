// ConfigMap and Secret for the service's environment, named after a hash of their content (like kustomize's
// generators): a content change creates a new immutable object, the Deployment rolls to it, and Pulumi deletes the
// old one only after the rollout succeeded, so running and rolled-back pods never see half-changed config.
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions, ObjectMeta } from "./child-options";

export function contentHash(data: Record<string, string>): string {
    const canonical = JSON.stringify(Object.keys(data).sort().map((key) => [key, data[key]]));
    return crypto.createHash("sha256").update(canonical).digest("hex").slice(0, 10);
}

export function createEnvConfigMap(
    meta: ObjectMeta,
    env: Record<string, string>,
    opts: ChildOptions,
): k8s.core.v1.ConfigMap | undefined {
    if (Object.keys(env).length === 0) {
        return undefined;
    }
    return new k8s.core.v1.ConfigMap(`${meta.name}-env`, {
        metadata: { ...meta, name: `${meta.name}-env-${contentHash(env)}` },
        immutable: true,
        data: env,
    }, { ...opts, deleteBeforeReplace: false });
}

export function createEnvSecret(
    meta: ObjectMeta,
    secretEnv: Record<string, pulumi.Input<string>> | undefined,
    opts: ChildOptions,
): k8s.core.v1.Secret | undefined {
    if (secretEnv === undefined || Object.keys(secretEnv).length === 0) {
        return undefined;
    }
    const values = pulumi.secret(pulumi.output(secretEnv));
    // Only a hash of the values (what kustomize's secretGenerator publishes too); it must stay readable in diffs.
    const suffix = pulumi.unsecret(values.apply(contentHash));
    return new k8s.core.v1.Secret(`${meta.name}-secret-env`, {
        metadata: { ...meta, name: pulumi.interpolate`${meta.name}-secret-env-${suffix}` },
        immutable: true,
        type: "Opaque",
        stringData: values,
    }, { ...opts, deleteBeforeReplace: false });
}

export function createPullSecret(
    meta: ObjectMeta,
    dockerConfigJson: pulumi.Input<string>,
    opts: ChildOptions,
): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(`${meta.name}-pull`, {
        metadata: { ...meta, name: `${meta.name}-pull` },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": pulumi.secret(dockerConfigJson) },
    }, opts);
}
