// The brokers as NetworkPolicy egress: an IP broker is allowed by address and port; a broker named by host cannot be
// matched by a NetworkPolicy (it selects addresses, not names), so its port is allowed to any address.
import * as k8s from "@pulumi/kubernetes";
import { isIpAddress } from "../validation/net";

export function kafkaEgressRules(bootstrapServers: string): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
    const brokers = bootstrapServers.split(",").map((entry) => {
        const at = entry.lastIndexOf(":");
        return { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) };
    });
    const byAddress = brokers.filter((broker) => isIpAddress(broker.host));
    const byName = brokers.filter((broker) => !isIpAddress(broker.host));
    const rules: k8s.types.input.networking.v1.NetworkPolicyEgressRule[] = byAddress.map((broker) => ({
        to: [{ ipBlock: { cidr: `${broker.host}/32` } }],
        ports: [{ protocol: "TCP", port: broker.port }],
    }));
    const namedPorts = [...new Set(byName.map((broker) => broker.port))];
    if (namedPorts.length > 0) {
        rules.push({ ports: namedPorts.map((port) => ({ protocol: "TCP", port })) });
    }
    return rules;
}
