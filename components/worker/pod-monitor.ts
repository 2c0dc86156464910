import * as k8s from "@pulumi/kubernetes";
import { APP_CONTRACT } from "../defaults";
import { ChildOptions, ObjectMeta } from "../web-service/child-options";
import { selectorLabels } from "../web-service/labels";

/** Prometheus-operator PodMonitor for the admin port: the worker has no Service a ServiceMonitor could select. */
export function createPodMonitor(meta: ObjectMeta, opts: ChildOptions): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(`${meta.name}-podmonitor`, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: meta,
        spec: {
            selector: { matchLabels: selectorLabels(meta.name) },
            podMetricsEndpoints: [{ port: "admin", path: APP_CONTRACT.metricsPath, interval: "30s" }],
        },
    }, opts);
}
