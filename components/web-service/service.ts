import * as k8s from "@pulumi/kubernetes";
import { APP_CONTRACT } from "../defaults";
import { ChildOptions, ObjectMeta } from "./child-options";
import { selectorLabels } from "./labels";

/** ClusterIP Service: the HTTP port for the Ingress, the admin port (metrics, pprof) for the scraper. */
export function createService(meta: ObjectMeta, servicePort: number, opts: ChildOptions): k8s.core.v1.Service {
    return new k8s.core.v1.Service(`${meta.name}-service`, {
        metadata: meta,
        spec: {
            type: "ClusterIP",
            selector: selectorLabels(meta.name),
            ports: [
                { name: "http", port: servicePort, targetPort: "http", protocol: "TCP" },
                { name: "admin", port: APP_CONTRACT.adminPort, targetPort: "admin", protocol: "TCP" },
            ],
        },
    }, opts);
}
