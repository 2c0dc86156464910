import * as k8s from "@pulumi/kubernetes";
import { APP_CONTRACT } from "../defaults";
import { ChildOptions, ObjectMeta } from "./child-options";
import { metricsServiceLabels, selectorLabels } from "./labels";

/**
 * ClusterIP Service for the HTTP port. The admin port (metrics and pprof) is added only for a ServiceMonitor, which
 * scrapes through a Service port; annotation-based scrapers reach the pods directly.
 */
export function createService(
    meta: ObjectMeta,
    ports: { servicePort: number; exposeAdmin: boolean },
    opts: ChildOptions,
): k8s.core.v1.Service {
    const servicePorts: k8s.types.input.core.v1.ServicePort[] = [
        { name: "http", port: ports.servicePort, targetPort: "http", protocol: "TCP" },
    ];
    if (ports.exposeAdmin) {
        servicePorts.push({ name: "admin", port: APP_CONTRACT.adminPort, targetPort: "admin", protocol: "TCP" });
    }
    return new k8s.core.v1.Service(`${meta.name}-service`, {
        metadata: meta,
        spec: {
            type: "ClusterIP",
            selector: selectorLabels(meta.name),
            ports: servicePorts,
        },
    }, opts);
}

/**
 * With a canary, Flagger owns the Services in front of the HTTP port (`<name>`, `-primary`, `-canary`); the admin port
 * is scraped through this headless Service instead, selecting the primary's pods and the canary's by their instance
 * label (only the migration Job's pods share it, and they have no admin port, so they are no endpoint of it).
 */
export function createMetricsService(meta: ObjectMeta, opts: ChildOptions): k8s.core.v1.Service {
    return new k8s.core.v1.Service(`${meta.name}-metrics-service`, {
        metadata: { ...meta, name: `${meta.name}-metrics`, labels: metricsServiceLabels(meta.name) },
        spec: {
            type: "ClusterIP",
            clusterIP: "None",
            selector: { "app.kubernetes.io/instance": meta.name },
            ports: [{ name: "admin", port: APP_CONTRACT.adminPort, targetPort: "admin", protocol: "TCP" }],
        },
    }, opts);
}
