import * as k8s from "@pulumi/kubernetes";
import { APP_CONTRACT } from "../defaults";
import { ChildOptions, ObjectMeta } from "./child-options";
import { metricsServiceLabels, selectorLabels } from "./labels";

/** How often the admin port is scraped: a rate needs two scrapes inside its window. */
export const SCRAPE_INTERVAL_SECONDS = 30;
/**
 * With a canary: its gates are judged one step interval after each weight change, on series that exist only from
 * the canary pods' first requests (a counter is born at its first increment), so they need samples every few seconds.
 */
export const CANARY_SCRAPE_INTERVAL_SECONDS = 10;

/**
 * Prometheus-operator ServiceMonitor for the admin port (needs the monitoring.coreos.com CRDs). With a canary it
 * scrapes through the metrics Service (primary and canary pods), named by jobLabel as the service itself, so the
 * SLO rules' and the dashboard's `job` stays the service's name.
 */
export function createServiceMonitor(meta: ObjectMeta, target: { canary: boolean }, opts: ChildOptions): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(`${meta.name}-servicemonitor`, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: meta,
        spec: {
            selector: { matchLabels: target.canary ? metricsServiceLabels(meta.name) : selectorLabels(meta.name) },
            jobLabel: target.canary ? "app.kubernetes.io/name" : undefined,
            endpoints: [{
                port: "admin",
                path: APP_CONTRACT.metricsPath,
                interval: `${target.canary ? CANARY_SCRAPE_INTERVAL_SECONDS : SCRAPE_INTERVAL_SECONDS}s`,
            }],
        },
    }, opts);
}
