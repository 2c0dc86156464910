import * as k8s from "@pulumi/kubernetes";
import { ChildOptions, ObjectMeta } from "./child-options";
import { IngressSettings } from "./types";

export function createIngress(
    meta: ObjectMeta,
    settings: IngressSettings,
    backend: { serviceName: k8s.core.v1.Service["metadata"]["name"]; port: number },
    opts: ChildOptions,
): k8s.networking.v1.Ingress {
    const annotations: Record<string, string> = { ...meta.annotations, ...settings.annotations };
    if (settings.tls?.certManagerIssuer) {
        annotations["cert-manager.io/cluster-issuer"] = settings.tls.certManagerIssuer;
    }
    if (settings.skipAwait) {
        // Some controllers never publish status.loadBalancer; waiting for it would time out.
        annotations["pulumi.com/skipAwait"] = "true";
    }
    return new k8s.networking.v1.Ingress(`${meta.name}-ingress`, {
        metadata: { ...meta, annotations },
        spec: {
            ingressClassName: settings.className,
            tls: settings.tls
                ? [{ secretName: settings.tls.secretName, hosts: settings.host ? [settings.host] : undefined }]
                : undefined,
            rules: [{
                host: settings.host,
                http: {
                    paths: [{
                        path: settings.path,
                        pathType: settings.pathType,
                        backend: { service: { name: backend.serviceName, port: { number: backend.port } } },
                    }],
                },
            }],
        },
    }, opts);
}

/** The URL the Ingress serves, for the stack outputs: a regex path's literal prefix. */
export function ingressUrl(settings: IngressSettings): string {
    const scheme = settings.tls ? "https" : "http";
    const path = settings.pathType === "ImplementationSpecific" ? settings.path.replace(/[()[\]{}*+?|^$\\].*$/, "") : settings.path;
    return `${scheme}://${settings.host ?? "127.0.0.1"}${path}`;
}
