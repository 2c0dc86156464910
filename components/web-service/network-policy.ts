import * as k8s from "@pulumi/kubernetes";
import { APP_CONTRACT } from "../defaults";
import { ChildOptions, ObjectMeta } from "./child-options";
import { selectorLabels } from "./labels";
import { NetworkPolicySettings } from "./types";

/**
 * Default-deny ingress to the pods, except the ingress controller to the HTTP port and the metrics scraper to the
 * admin port (metrics and pprof). Kubelet probes come from the node and are not subject to it.
 */
export function createNetworkPolicy(
    meta: ObjectMeta,
    settings: NetworkPolicySettings,
    opts: ChildOptions,
): k8s.networking.v1.NetworkPolicy {
    const fromNamespace = (name: string) => [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } }];
    return new k8s.networking.v1.NetworkPolicy(`${meta.name}-netpol`, {
        metadata: meta,
        spec: {
            podSelector: { matchLabels: selectorLabels(meta.name) },
            policyTypes: ["Ingress"],
            ingress: [
                { from: fromNamespace(settings.ingressControllerNamespace), ports: [{ protocol: "TCP", port: APP_CONTRACT.httpPort }] },
                { from: fromNamespace(settings.metricsNamespace), ports: [{ protocol: "TCP", port: APP_CONTRACT.adminPort }] },
            ],
        },
    }, opts);
}
