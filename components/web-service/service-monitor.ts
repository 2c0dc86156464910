import * as k8s from "@pulumi/kubernetes";
import { APP_CONTRACT } from "../defaults";
import { ChildOptions, ObjectMeta } from "./child-options";
import { selectorLabels } from "./labels";

/** Prometheus-operator ServiceMonitor for the admin port (needs the monitoring.coreos.com CRDs). */
export function createServiceMonitor(meta: ObjectMeta, opts: ChildOptions): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(`${meta.name}-servicemonitor`, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: meta,
        spec: {
            selector: { matchLabels: selectorLabels(meta.name) },
            endpoints: [{ port: "admin", path: APP_CONTRACT.metricsPath, interval: "30s" }],
        },
    }, opts);
}
