// A database's egress rule as a NetworkPolicy egress entry: its pods (in-cluster) or its subnets' CIDRs (cloud).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseEgress } from "../database/types";

export function databaseEgressRule(egress: DatabaseEgress): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
    const ports = [{ protocol: "TCP", port: egress.port }];
    if ("podSelector" in egress) {
        return { to: [{ podSelector: { matchLabels: egress.podSelector } }], ports };
    }
    return { to: pulumi.output(egress.cidrs).apply((cidrs) => cidrs.map((cidr) => ({ ipBlock: { cidr } }))), ports };
}
