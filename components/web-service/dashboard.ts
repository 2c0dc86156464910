// A Grafana dashboard for the service, shipped as a ConfigMap labelled for Grafana's dashboard sidecar
// (grafana_dashboard: "1"): traffic, errors, latency percentiles, saturation against the container's limits and the
// Go runtime's, the pods against the autoscaler's bounds, and with a database its pool and queries. Its queries
// read what the ServiceMonitor scrapes.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChildOptions, ObjectMeta } from "./child-options";

/** The sidecar's default label (grafana helm chart: sidecar.dashboards.label / labelValue). */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

export interface DashboardInputs {
    name: string;
    namespace: string;
    /** The autoscaler's bounds (or the fixed replica count twice). */
    minPods: number;
    maxPods: number;
    /** The service keeps its users in PostgreSQL: draw its pool and queries (goship_db_*). */
    database: boolean;
}

interface Target { expr: string; legendFormat: string }

export function dashboardModel(inputs: DashboardInputs): Record<string, unknown> {
    const labels = `job="${inputs.name}",namespace="${inputs.namespace}"`;
    const traffic = `${labels},route!~"/livez|/readyz"`;
    const rate = (selector: string) => `rate(${selector}[$__rate_interval])`;
    const panels: { title: string; unit: string; targets: Target[] }[] = [
        { title: "Traffic: requests per second by route", unit: "reqps", targets: [
            { expr: `sum by (route) (${rate(`http_requests_total{${traffic}}`)})`, legendFormat: "{{route}}" },
        ] },
        { title: "Errors: 5xx ratio", unit: "percentunit", targets: [
            { expr: `sum(${rate(`http_requests_total{${traffic},code=~"5.."}`)}) / sum(${rate(`http_requests_total{${traffic}}`)})`, legendFormat: "5xx ratio" },
        ] },
        { title: "Errors: 4xx and 5xx per second by code", unit: "reqps", targets: [
            { expr: `sum by (code) (${rate(`http_requests_total{${traffic},code=~"[45].."}`)})`, legendFormat: "{{code}}" },
        ] },
        { title: "Latency: p50, p90, p99 by route", unit: "s", targets: [0.5, 0.9, 0.99].map((q) => ({
            expr: `histogram_quantile(${q}, sum by (route, le) (${rate(`http_request_duration_seconds_bucket{${traffic}}`)}))`,
            legendFormat: `p${Math.round(q * 100)} {{route}}`,
        })) },
        { title: "Saturation: CPU used vs the cgroup limit and GOMAXPROCS", unit: "short", targets: [
            { expr: `sum by (pod) (${rate(`process_cpu_seconds_total{${labels}}`)})`, legendFormat: "used {{pod}}" },
            { expr: `max(goship_container_cpu_limit_cores{${labels}})`, legendFormat: "cgroup limit (cores)" },
            { expr: `max(go_sched_gomaxprocs_threads{${labels}})`, legendFormat: "GOMAXPROCS" },
        ] },
        { title: "Saturation: memory RSS vs the cgroup limit and GOMEMLIMIT", unit: "bytes", targets: [
            { expr: `sum by (pod) (process_resident_memory_bytes{${labels}})`, legendFormat: "RSS {{pod}}" },
            { expr: `max(goship_container_memory_limit_bytes{${labels}})`, legendFormat: "cgroup limit" },
            { expr: `max(go_gc_gomemlimit_bytes{${labels}})`, legendFormat: "GOMEMLIMIT" },
        ] },
        { title: "Saturation: requests in flight", unit: "short", targets: [
            { expr: `sum by (pod) (http_requests_in_flight{${labels}})`, legendFormat: "{{pod}}" },
        ] },
        { title: "Pods: up targets vs the autoscaler's bounds", unit: "short", targets: [
            { expr: `count(up{${labels}} == 1) or vector(0)`, legendFormat: "up" },
            { expr: `vector(${inputs.minPods})`, legendFormat: "min" },
            { expr: `vector(${inputs.maxPods})`, legendFormat: "max" },
        ] },
    ];
    if (inputs.database) {
        panels.push(
            { title: "Database: pool connections in use and idle vs DB_MAX_CONNS", unit: "short", targets: [
                { expr: `sum by (state) (goship_db_pool_connections{${labels}})`, legendFormat: "{{state}}" },
                { expr: `sum(goship_db_pool_max_connections{${labels}})`, legendFormat: "max (all pods)" },
                { expr: `sum(${rate(`goship_db_pool_empty_acquires_total{${labels}}`)})`, legendFormat: "waits for a connection /s" },
            ] },
            { title: "Database: query p99 by operation, failures per second by kind", unit: "s", targets: [
                { expr: `histogram_quantile(0.99, sum by (operation, le) (${rate(`goship_db_query_duration_seconds_bucket{${labels}}`)}))`, legendFormat: "p99 {{operation}}" },
                { expr: `sum by (kind) (${rate(`goship_db_query_errors_total{${labels}}`)})`, legendFormat: "failed {{kind}} /s" },
            ] },
        );
    }
    const datasource = { type: "prometheus", uid: "${datasource}" };
    return {
        uid: `goship-${inputs.namespace}-${inputs.name}`.slice(0, 40),
        title: `${inputs.name} (${inputs.namespace})`,
        tags: ["goship"],
        schemaVersion: 39,
        refresh: "30s",
        time: { from: "now-1h", to: "now" },
        templating: { list: [{ name: "datasource", type: "datasource", query: "prometheus", label: "Prometheus" }] },
        panels: panels.map((panel, index) => ({
            id: index + 1,
            type: "timeseries",
            title: panel.title,
            datasource,
            gridPos: { x: (index % 2) * 12, y: Math.floor(index / 2) * 8, w: 12, h: 8 },
            fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
            targets: panel.targets.map((target, t) => ({ refId: String.fromCharCode(65 + t), datasource, ...target })),
        })),
    };
}

export function createDashboardConfigMap(meta: ObjectMeta, shape: Omit<DashboardInputs, "name" | "namespace">, opts: ChildOptions): k8s.core.v1.ConfigMap {
    return new k8s.core.v1.ConfigMap(`${meta.name}-dashboard`, {
        metadata: { ...meta, name: `${meta.name}-dashboard`, labels: { ...meta.labels, ...DASHBOARD_LABEL } },
        data: pulumi.output(meta.namespace).apply((namespace) => ({
            [`${meta.name}.json`]: JSON.stringify(dashboardModel({ name: meta.name, namespace, ...shape }), null, 2),
        })),
    }, opts);
}
