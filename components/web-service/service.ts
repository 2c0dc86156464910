import * as k8s from "@pulumi/kubernetes";
import { APP_CONTRACT } from "../defaults";
import { ChildOptions, ObjectMeta } from "./child-options";
import { selectorLabels } from "./labels";

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
