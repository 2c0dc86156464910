import * as k8s from "@pulumi/kubernetes";
import { APP_CONTRACT } from "../defaults";
import { ChildOptions, ObjectMeta } from "./child-options";
import { selectorLabels } from "./labels";
import { EgressRule, NetworkPolicySettings } from "./types";

const fromNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });

/** DNS to the cluster's resolver (kube-system), which every allow-list needs or no name resolves. */
const DNS_EGRESS: k8s.types.input.networking.v1.NetworkPolicyEgressRule = {
    to: [fromNamespace("kube-system")],
    ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
};

function egressRule(rule: EgressRule): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
    return {
        to: [...(rule.cidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })), ...(rule.namespaces ?? []).map(fromNamespace)],
        ports: rule.ports?.map((port) => ({ protocol: "TCP", port })),
    };
}

/**
 * Default-deny ingress to the pods, except the ingress controller to the HTTP port and the metrics scraper to the
 * admin port (metrics and pprof). Kubelet probes come from the node and are not subject to it. With an egress
 * allow-list, outbound connections are denied too, except DNS and the listed destinations.
 */
export function createNetworkPolicy(
    meta: ObjectMeta,
    settings: NetworkPolicySettings,
    opts: ChildOptions,
): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(`${meta.name}-netpol`, {
        metadata: meta,
        spec: {
            podSelector: { matchLabels: selectorLabels(meta.name) },
            policyTypes: settings.egress ? ["Ingress", "Egress"] : ["Ingress"],
            ingress: [
                { from: [fromNamespace(settings.ingressControllerNamespace)], ports: [{ protocol: "TCP", port: APP_CONTRACT.httpPort }] },
                { from: [fromNamespace(settings.metricsNamespace)], ports: [{ protocol: "TCP", port: APP_CONTRACT.adminPort }] },
            ],
            egress: settings.egress ? [DNS_EGRESS, ...settings.egress.map(egressRule)] : undefined,
        },
    }, opts);
}
