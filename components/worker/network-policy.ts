// The worker accepts no connections but the metrics scrape of its admin port, and opens none but DNS, the brokers,
// the database and what the caller lists: a consumer's destinations are all known.
import * as k8s from "@pulumi/kubernetes";
import { APP_CONTRACT } from "../defaults";
import { ChildOptions, ObjectMeta } from "../web-service/child-options";
import { selectorLabels } from "../web-service/labels";
import { DNS_EGRESS, egressRule, fromNamespace } from "../web-service/network-policy";
import { WorkerSettings } from "./types";

export function createWorkerNetworkPolicy(
    meta: ObjectMeta,
    settings: Exclude<WorkerSettings["networkPolicy"], false>,
    destinations: k8s.types.input.networking.v1.NetworkPolicyEgressRule[],
    opts: ChildOptions,
): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(`${meta.name}-netpol`, {
        metadata: meta,
        spec: {
            podSelector: { matchLabels: selectorLabels(meta.name) },
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: [fromNamespace(settings.metricsNamespace)], ports: [{ protocol: "TCP", port: APP_CONTRACT.adminPort }] }],
            egress: [DNS_EGRESS, ...destinations, ...settings.egress.map(egressRule)],
        },
    }, opts);
}
