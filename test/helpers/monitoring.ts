// The local cluster's observability add-ons (scripts/cluster/addons.sh), as the end-to-end tests use them:
// Prometheus's and Jaeger's HTTP APIs through their Services' cluster IPs (kube-proxy runs on this host), and an
// Alertmanager webhook receiver on the pod bridge's address, where pods reach this host.
import * as http from "http";
import { AddressInfo } from "net";
import { kubectl, kubectlJson } from "./cluster";

/** The host's address on the pod bridge (scripts/cluster/lib.sh BRIDGE_IP). */
export const BRIDGE_IP = "10.244.0.1";

function clusterIp(service: string): string {
    const found = kubectl(["-n", "monitoring", "get", "service", service, "-o", "jsonpath={.spec.clusterIP}"], { allowFailure: true });
    if (found.code !== 0 || !found.stdout.trim()) {
        throw new Error(`no Service monitoring/${service} (${found.stderr.trim()}): run \`npm run up\`, which installs the observability add-ons`);
    }
    return found.stdout.trim();
}

export function getJson<T = any>(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T | undefined }> {
    return new Promise((resolve, reject) => {
        const request = http.get(url, { headers, timeout: 5000 }, (response) => {
            let text = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => (text += chunk));
            response.on("end", () => {
                let body: T | undefined;
                try {
                    body = JSON.parse(text) as T;
                } catch {
                    body = undefined;
                }
                resolve({ status: response.statusCode ?? 0, body });
            });
        });
        request.on("timeout", () => request.destroy(new Error(`GET ${url} timed out`)));
        request.on("error", reject);
    });
}

export interface Target {
    labels: Record<string, string>;
    health: string;
    lastError: string;
    scrapeUrl: string;
}

export class Prometheus {
    readonly base = `http://${clusterIp("prometheus")}:9090`;

    async activeTargets(): Promise<Target[]> {
        const { body } = await getJson<{ data: { activeTargets: Target[] } }>(`${this.base}/api/v1/targets?state=active`);
        return body?.data.activeTargets ?? [];
    }

    /** An instant query's result vector. */
    async query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
        const { status, body } = await getJson<{ status: string; data: { result: any[] }; error?: string }>(
            `${this.base}/api/v1/query?query=${encodeURIComponent(promql)}`);
        if (status !== 200 || body?.status !== "success") {
            throw new Error(`Prometheus query ${promql}: HTTP ${status} ${body?.error ?? ""}`);
        }
        return body.data.result;
    }

    /** Alerting rules Prometheus loaded, by name, with their state (inactive, pending, firing). */
    async alertingRules(): Promise<{ name: string; state: string; labels: Record<string, string> }[]> {
        const { body } = await getJson<{ data: { groups: { rules: any[] }[] } }>(`${this.base}/api/v1/rules?type=alert`);
        return (body?.data.groups ?? []).flatMap((group) => group.rules);
    }
}

export interface JaegerSpan {
    traceID: string;
    spanID: string;
    operationName: string;
    references: { refType: string; traceID: string; spanID: string }[];
    tags: { key: string; value: unknown }[];
}

export class Jaeger {
    readonly base = `http://${clusterIp("jaeger")}:16686`;

    /** The trace's spans, or undefined while Jaeger has not received it. */
    async traceSpans(traceId: string): Promise<JaegerSpan[] | undefined> {
        const { status, body } = await getJson<{ data: { spans: JaegerSpan[] }[] }>(`${this.base}/api/traces/${traceId}`);
        return status === 200 && body?.data?.length ? body.data.flatMap((trace) => trace.spans) : undefined;
    }
}

export interface WebhookAlert {
    status: "firing" | "resolved";
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
}

/** Alertmanager's webhook payload (version 4), as received. */
export interface WebhookNotification {
    receivedAt: number;
    status: string;
    alerts: WebhookAlert[];
}

/** An Alertmanager webhook receiver on the pod bridge: what the cluster's Alertmanager delivered, in order. */
export class WebhookReceiver {
    readonly notifications: WebhookNotification[] = [];

    private constructor(private readonly server: http.Server) {}

    static async start(): Promise<WebhookReceiver> {
        const server = http.createServer();
        const receiver = new WebhookReceiver(server);
        server.on("request", (request, response) => {
            let text = "";
            request.setEncoding("utf8");
            request.on("data", (chunk: string) => (text += chunk));
            request.on("end", () => {
                try {
                    const payload = JSON.parse(text) as { status: string; alerts: WebhookAlert[] };
                    receiver.notifications.push({ receivedAt: Date.now(), status: payload.status, alerts: payload.alerts });
                    response.writeHead(200).end();
                } catch {
                    response.writeHead(400).end();
                }
            });
        });
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject);
            server.listen(0, BRIDGE_IP, () => resolve());
        });
        return receiver;
    }

    get url(): string {
        return `http://${BRIDGE_IP}:${(this.server.address() as AddressInfo).port}/alerts`;
    }

    /** The first delivered alert named alertname with that status, received after `since`. */
    find(alertname: string, status: WebhookAlert["status"], since = 0): { alert: WebhookAlert; receivedAt: number } | undefined {
        for (const notification of this.notifications) {
            const alert = notification.alerts.find((a) => a.labels.alertname === alertname && a.status === status);
            if (alert && notification.receivedAt >= since) {
                return { alert, receivedAt: notification.receivedAt };
            }
        }
        return undefined;
    }

    close(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}

/** Lines of every container of the pods matching selector, parsed where they are JSON. */
export function podLogLines(namespace: string, selector: string): Record<string, unknown>[] {
    const pods = kubectlJson<{ items: { metadata: { name: string } }[] }>(["-n", namespace, "get", "pods", "-l", selector]).items;
    return pods.flatMap((pod) => kubectl(["-n", namespace, "logs", pod.metadata.name, "--tail", "5000"]).stdout.split("\n"))
        .flatMap((line) => {
            try {
                return [JSON.parse(line) as Record<string, unknown>];
            } catch {
                return [];
            }
        });
}
