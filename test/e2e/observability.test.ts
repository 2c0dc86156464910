// Observability on the local cluster, for real: the Prometheus Operator's Prometheus scrapes the service through
// the ServiceMonitor the component renders, Jaeger receives the service's spans, and an SLO alert travels from the
// PrometheusRule through Alertmanager to a webhook this test runs. Needs `npm run up` first (the user's local stack
// and the monitoring add-ons); fails loudly without it.
//
// The alert test deploys a copy of the project into a namespace and an Ingress host of its own, with latency
// injected (goship:faultInjection, refused on production stacks) and a shortened `for` window.
import * as assert from "node:assert/strict";
import * as crypto from "crypto";
import * as http from "http";
import { after, before, describe, it } from "node:test";
import { ConstantLoad, INGRESS, readyPods, requireCluster, waitFor } from "../helpers/cluster";
import { Jaeger, Prometheus, WebhookReceiver, podLogLines } from "../helpers/monitoring";
import { ProjectCopy } from "../helpers/real-engine";

const SELECTOR = "app.kubernetes.io/name=goship";
/** The user's `npm run up` deployment (Pulumi.local.yaml). */
const LOCAL = { namespace: "goship", host: "127.0.0.1" };
const LATENCY_ALERT = "GoshipLatencyP99High";

function getWithHeaders(path: string, host: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
        const request = http.get({ ...INGRESS, path, headers: { Host: host, ...headers }, timeout: 5000 }, (response) => {
            response.resume();
            response.on("end", () => resolve(response.statusCode ?? 0));
        });
        request.on("timeout", () => request.destroy(new Error(`GET ${path} timed out`)));
        request.on("error", reject);
    });
}

describe("observability: metrics, traces and alerts on the local cluster", () => {
    let prometheus: Prometheus;
    let jaeger: Jaeger;

    before(() => {
        requireCluster();
        prometheus = new Prometheus();
        jaeger = new Jaeger();
        assert.ok(readyPods(LOCAL.namespace, SELECTOR).length >= 1, `no Ready pod in namespace ${LOCAL.namespace}: run \`npm run up\` first`);
    });

    it("Prometheus lists every Ready pod of the local stack as a healthy target through its ServiceMonitor", async () => {
        const pods = readyPods(LOCAL.namespace, SELECTOR);
        // The operator turns the ServiceMonitor into a scrape job; a new pod is up after its first scrape (30 s).
        const targets = await waitFor(`a healthy target for each of ${pods.length} pods`, 120_000, async () => {
            const mine = (await prometheus.activeTargets()).filter((t) => t.labels.namespace === LOCAL.namespace && t.labels.service === "goship");
            return pods.every((pod) => mine.some((t) => t.labels.pod === pod.name && t.health === "up")) ? mine : undefined;
        });
        for (const target of targets) {
            assert.match(target.scrapeUrl, /:9090\/metrics$/, "the admin port's /metrics");
        }
        const scraped = await prometheus.query(`sum(http_requests_total{namespace="${LOCAL.namespace}"})`);
        assert.equal(scraped.length, 1, "the service's own series are in Prometheus");
    });

    it("Traefik's metrics are scraped too", async () => {
        await waitFor("target job=traefik up", 90_000, async () =>
            (await prometheus.activeTargets()).some((t) => t.labels.job === "traefik" && t.health === "up") ? true : undefined);
        assert.ok((await prometheus.query("traefik_entrypoint_requests_total")).length > 0, "traefik_entrypoint_requests_total scraped");
    });

    it("a request with a traceparent: Jaeger has that trace, with a server span named by the route template, and the access log carries its ids", async () => {
        const traceId = crypto.randomBytes(16).toString("hex");
        const parentSpanId = crypto.randomBytes(8).toString("hex");
        assert.equal(await getWithHeaders("/api/v1/users/1", LOCAL.host, { traceparent: `00-${traceId}-${parentSpanId}-01` }), 200);

        // The SDK's batch span processor exports within its schedule delay (5 s by default).
        const spans = await waitFor(`trace ${traceId} in Jaeger`, 60_000, () => jaeger.traceSpans(traceId), 2000);
        const server = spans.find((span) => span.operationName === "GET /api/v1/users/:id");
        assert.ok(server, `a span named by the route template, got ${JSON.stringify(spans.map((s) => s.operationName))}`);
        assert.deepEqual(server.references.map((r) => [r.refType, r.spanID]), [["CHILD_OF", parentSpanId]], "child of the caller's span");
        assert.ok(server.tags.some((tag) => tag.key === "span.kind" && tag.value === "server"));

        const line = await waitFor("the access-log line of that request", 20_000, () =>
            podLogLines(LOCAL.namespace, SELECTOR).find((entry) => entry.trace_id === traceId));
        assert.equal(line.span_id, server.spanID, "the access log names the server span");
        assert.equal(line.path, "/api/v1/users/1");
    });

    describe("an SLO alert, from injected latency to the webhook and back", () => {
        const runId = `${Date.now().toString(36)}${process.pid}`;
        const namespace = `goship-e2e-slo-${runId}`;
        const host = `e2e-slo-${runId}.goship.test`;
        let project: ProjectCopy;
        let receiver: WebhookReceiver;
        let load: ConstantLoad | undefined;

        const up = () => {
            const result = project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true });
            assert.equal(result.code, 0, `pulumi up failed:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
        };
        const setConfig = (key: string, value: string, secret = false) =>
            project.pulumi(["config", "set", ...(secret ? ["--secret"] : []), key, value, "--stack", "local"]);

        before(async () => {
            receiver = await WebhookReceiver.start();
            project = ProjectCopy.create();
            project.pulumi(["stack", "init", "local", "--secrets-provider", "passphrase"]);
            const config: Record<string, string> = {
                "goship:imageRepository": `goship-e2e/${runId}`,
                "goship:namespace": namespace,
                "goship:ingressHost": host,
                "goship:publicUrl": `http://${host}:8000/`,
                "goship:minReplicas": "1",
                "goship:maxReplicas": "1",
                // The seed's 800 ms, held for one minute instead of three so the test takes minutes, not tens of them.
                "goship:slo": JSON.stringify({ latencyP99Ms: 800, latencyForMinutes: 1, errorRatePercent: 5, availabilityPercent: 99 }),
                "goship:faultInjection": JSON.stringify({ delayMs: 1200 }),
            };
            for (const [key, value] of Object.entries(config)) {
                setConfig(key, value);
            }
            setConfig("goship:alertWebhookUrl", receiver.url, true);
            up();
        });

        after(async () => {
            await load?.stop();
            if (project) {
                project.pulumi(["destroy", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true });
                project.remove();
            }
            await receiver?.close();
        });

        it("P99 above 800 ms fires the latency alert within its window and delivers it; it resolves once the latency is gone", async () => {
            load = ConstantLoad.start({ host, path: "/api/v1/users/1", ratePerSecond: 5 });
            const started = Date.now();
            // Scrape (30 s) + rate window + the 1 min `for` + evaluation (15 s) + Alertmanager's group_wait.
            const fired = await waitFor(`${LATENCY_ALERT} firing at the webhook`, 6 * 60_000, () => receiver.find(LATENCY_ALERT, "firing"), 2000);
            const firedAfter = (fired.receivedAt - started) / 1000;
            assert.equal(fired.alert.labels.namespace, namespace);
            assert.ok(fired.alert.annotations.summary && fired.alert.annotations.description && fired.alert.annotations.runbook_url,
                `summary, description and runbook_url: ${JSON.stringify(fired.alert.annotations)}`);
            assert.ok(firedAfter >= 60, `not before its 1 min window (${firedAfter} s)`);

            project.pulumi(["config", "rm", "goship:faultInjection", "--stack", "local"]);
            up();
            const removed = Date.now();
            const resolved = await waitFor(`${LATENCY_ALERT} resolved at the webhook`, 8 * 60_000,
                () => receiver.find(LATENCY_ALERT, "resolved", fired.receivedAt), 2000);
            const report = await load.stop();
            load = undefined;
            console.log(`# slo alert: fired ${firedAfter.toFixed(0)} s after 1.2 s latency began under ${report.rate.toFixed(1)} req/s; `
                + `resolved ${((resolved.receivedAt - removed) / 1000).toFixed(0)} s after the fault was removed`);
        });
    });
});
