import * as k8s from "@pulumi/kubernetes";
import { APP_CONTRACT } from "../defaults";
import { ChildOptions, ObjectMeta } from "./child-options";
import { migrationSelectorLabels, servicePodSelector } from "./labels";
import { EgressRule, NetworkPolicySettings } from "./types";

export const fromNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });

/** DNS to the cluster's resolver (kube-system), which every allow-list needs or no name resolves. */
export const DNS_EGRESS: k8s.types.input.networking.v1.NetworkPolicyEgressRule = {
    to: [fromNamespace("kube-system")],
    ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
};

export function egressRule(rule: EgressRule): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
    return {
        to: [...(rule.cidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })), ...(rule.namespaces ?? []).map(fromNamespace)],
        ports: rule.ports?.map((port) => ({ protocol: "TCP", port })),
    };
}

/**
 * Default-deny ingress to the pods, except the ingress controller to the HTTP port and the metrics scraper to the
 * admin port (metrics and pprof). Kubelet probes come from the node and are not subject to it. With an egress
 * allow-list, outbound connections are denied too, except DNS, the listed destinations and `destinations` (the
 * database, the Kafka brokers).
 */
export function createNetworkPolicy(
    meta: ObjectMeta,
    settings: NetworkPolicySettings,
    destinations: k8s.types.input.networking.v1.NetworkPolicyEgressRule[],
    target: { canary: boolean },
    opts: ChildOptions,
): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(`${meta.name}-netpol`, {
        metadata: meta,
        spec: {
            podSelector: servicePodSelector(meta.name, target.canary),
            policyTypes: settings.egress ? ["Ingress", "Egress"] : ["Ingress"],
            ingress: [
                { from: [fromNamespace(settings.ingressControllerNamespace)], ports: [{ protocol: "TCP", port: APP_CONTRACT.httpPort }] },
                { from: [fromNamespace(settings.metricsNamespace)], ports: [{ protocol: "TCP", port: APP_CONTRACT.adminPort }] },
            ],
            egress: settings.egress ? [DNS_EGRESS, ...settings.egress.map(egressRule), ...destinations] : undefined,
        },
    }, opts);
}

/**
 * The migration Job's pods accept no connections; with an egress allow-list they reach only DNS and the database
 * (the database is all `server migrate` talks to).
 */
export function createMigrationNetworkPolicy(
    meta: ObjectMeta,
    settings: NetworkPolicySettings,
    database: k8s.types.input.networking.v1.NetworkPolicyEgressRule | undefined,
    opts: ChildOptions,
): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(`${meta.name}-migrate-netpol`, {
        metadata: { ...meta, name: `${meta.name}-migrate` },
        spec: {
            podSelector: { matchLabels: migrationSelectorLabels(meta.name) },
            policyTypes: settings.egress ? ["Ingress", "Egress"] : ["Ingress"],
            ingress: [],
            egress: settings.egress ? [DNS_EGRESS, ...(database ? [database] : [])] : undefined,
        },
    }, opts);
}
