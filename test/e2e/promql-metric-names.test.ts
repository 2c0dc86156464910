// Every PromQL query goship ships — the PrometheusRule's expressions and the dashboard's targets — parses with
// Prometheus's own parser (test/promql, a Go module at the Prometheus version the cluster runs) and reads only
// metrics that exist: ones the service exports (scraped from a real build of app/ on loopback), a recording rule of
// the same PrometheusRule, or `up`. Here and not in the unit suite: it builds two Go programs.
import * as assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { WebService } from "../../components/web-service";
import { runProgram, single } from "../helpers/mocks";
import { PROJECT_DIR } from "../helpers/stack-config";

/**
 * Exported only when the service runs under a cgroup limit (a container with limits), so a scrape on this machine
 * may miss them; each must be registered somewhere in app/'s source instead.
 */
const CONDITIONAL_METRICS = ["goship_container_cpu_limit_cores", "goship_container_memory_limit_bytes"];
/** Grafana's interval variables are not PromQL; the dashboard's queries are parsed with a duration in their place. */
const GRAFANA_INTERVALS = /\$__(rate_)?interval/g;

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        }).on("error", reject);
    });
}

async function fetchText(url: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            const response = await fetch(url);
            if (response.ok) {
                return await response.text();
            }
        } catch {
            // not listening yet
        }
        if (Date.now() > deadline) {
            throw new Error(`${url} did not answer within ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

/** Metric names of a text exposition: histograms and summaries as the series they expand to. */
function exposedNames(text: string): Set<string> {
    const names = new Set<string>();
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        const suffixes = type === "histogram" ? ["_bucket", "_sum", "_count"] : type === "summary" ? ["", "_sum", "_count"] : [""];
        suffixes.forEach((suffix) => names.add(name + suffix));
    }
    return names;
}

function goSources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const at = path.join(dir, entry.name);
        return entry.isDirectory() ? goSources(at) : entry.name.endsWith(".go") && !entry.name.endsWith("_test.go") ? [at] : [];
    });
}

describe("PromQL of the rules and the dashboard", () => {
    let queries: { from: string; expr: string }[];
    let records: string[];
    let server: ChildProcess | undefined;
    let exported: Set<string>;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "goship-promql-"));

    before(async () => {
        const run = await runProgram("test", { config: {}, secretKeys: [] }, {
            program: () => void new WebService("orders", {
                provider: new k8s.Provider("cluster", {}), image: `r.example.com/orders@sha256:${"a".repeat(64)}`,
                namespace: "shop", serviceMonitor: true, autoscaling: { kind: "hpa", minReplicas: 2, maxReplicas: 5 },
                slo: { latencyP99Ms: 800, errorRatePercent: 5, availabilityPercent: 99.9 },
                database: { connectionSecret: { name: "orders-db-connection", key: "DATABASE_URL" } },
            }),
        });
        assert.equal(run.error, undefined, run.error?.message);
        const rules = single(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule").inputs.spec.groups
            .flatMap((group: { rules: { record?: string; alert?: string; expr: string }[] }) => group.rules);
        records = rules.filter((rule: { record?: string }) => rule.record).map((rule: { record: string }) => rule.record);
        const dashboard = JSON.parse(run.resources.find((r) => r.name === "orders-dashboard")!.inputs.data["orders.json"]);
        queries = [
            ...rules.map((rule: { record?: string; alert?: string; expr: string }) => ({ from: `rule ${rule.record ?? rule.alert}`, expr: rule.expr })),
            ...dashboard.panels.flatMap((panel: { title: string; targets: { expr: string }[] }) =>
                panel.targets.map((target) => ({ from: `panel "${panel.title}"`, expr: target.expr.replace(GRAFANA_INTERVALS, "1m") }))),
        ];

        // The service, built and run on loopback with the PostgreSQL store pointed at a closed port (it connects
        // lazily); a request of each kind, so the request and database metrics have series.
        const binary = path.join(work, "server");
        execFileSync("go", ["build", "-o", binary, "./cmd/server"], { cwd: path.join(PROJECT_DIR, "app"), stdio: "inherit" });
        const [port, adminPort, noDatabase] = [await freePort(), await freePort(), await freePort()];
        server = spawn(binary, [], {
            env: { ...process.env, USERS_STORE: "postgres", DATABASE_URL: `postgres://goship:unused@127.0.0.1:${noDatabase}/goship`, LISTEN_HOST: "127.0.0.1", PORT: String(port), ADMIN_PORT: String(adminPort) },
            stdio: "ignore",
        });
        await fetchText(`http://127.0.0.1:${port}/ping`);
        const users = await fetch(`http://127.0.0.1:${port}/api/v1/users/1`);
        assert.equal(users.status, 503, "no database: the store answers unavailable, and its metrics record it");
        exported = exposedNames(await fetchText(`http://127.0.0.1:${adminPort}/metrics`));
    });

    after(() => {
        server?.kill("SIGTERM");
        fs.rmSync(work, { recursive: true, force: true });
    });

    it("every query parses and reads only metrics that exist", () => {
        let output: string;
        try {
            output = execFileSync("go", ["run", "."], { cwd: path.join(PROJECT_DIR, "test", "promql"), input: JSON.stringify(queries.map((q) => q.expr)), encoding: "utf8" });
        } catch (error) {
            assert.fail(`a query does not parse:\n${(error as { stdout?: string }).stdout ?? error}`);
        }
        const parsed = JSON.parse(output) as { query: string; metrics: string[] }[];
        assert.equal(parsed.length, queries.length);
        const known = new Set([...exported, ...records, ...CONDITIONAL_METRICS, "up"]);
        const unknown = parsed.flatMap((result, index) => result.metrics.filter((name) => !known.has(name)).map((name) => `${queries[index].from}: ${name}`));
        assert.deepEqual(unknown, [], "metrics neither exported by the service, recorded by the rules, nor `up`");
        const used = new Set(parsed.flatMap((result) => result.metrics));
        for (const name of ["http_requests_total", "http_request_duration_seconds_bucket", "http_requests_in_flight", "process_cpu_seconds_total",
            "process_resident_memory_bytes", "go_sched_gomaxprocs_threads", "go_gc_gomemlimit_bytes", ...CONDITIONAL_METRICS,
            "goship_db_pool_connections", "goship_db_pool_max_connections", "goship_db_query_duration_seconds_bucket", "goship_db_query_errors_total"]) {
            assert.ok(used.has(name), `some query reads ${name}`);
        }
    });

    it("the metrics the service exports only under a cgroup limit are registered in app/'s source", () => {
        const source = goSources(path.join(PROJECT_DIR, "app")).map((file) => fs.readFileSync(file, "utf8")).join("\n");
        for (const name of CONDITIONAL_METRICS) {
            assert.ok(source.includes(`"${name}"`), `${name} is registered in app/ (a Go string literal naming it)`);
        }
    });
});
