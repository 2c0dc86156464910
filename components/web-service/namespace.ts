import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { ChildOptions, applyAnnotations } from "./child-options";
import { commonLabels } from "./labels";

/**
 * The namespace, enforcing the "restricted" Pod Security Standard: a pod that is not restricted-compliant
 * (ours always is) is rejected at admission rather than discovered later.
 */
export function createNamespace(
    name: string,
    labels: Record<string, string>,
    annotations: Record<string, string> | undefined,
    opts: Omit<ChildOptions, "parent"> & pulumi.CustomResourceOptions,
): k8s.core.v1.Namespace {
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

/**
 * The namespace WebService `service` would create, created ahead of it so that other components (a Database, whose
 * Secret the service reads) can live in it: pass its `metadata.name` as WebService's `namespace` with
 * `createNamespace: false`. The alias keeps a namespace that an earlier WebService created (no replacement).
 */
export function createServiceNamespace(
    service: string,
    args: { provider: k8s.Provider; namespace?: string; forceApply?: boolean },
): k8s.core.v1.Namespace {
    return createNamespace(args.namespace ?? DEFAULTS.namespace, commonLabels(service), applyAnnotations(args.forceApply ?? DEFAULTS.forceApply), {
        provider: args.provider,
        aliases: [{ parent: pulumi.createUrn(service, "goship:kubernetes:WebService") }],
    });
}
