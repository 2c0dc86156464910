// The compose setup (compose/, scripts/compose/) on the real Docker engine: `npm run compose:up` runs the local
// stack's image under its content-hash tag, two replicas behind nginx built from Debian packages; the API answers
// through nginx with one request id and the right client IP; stopping a replica under constant load costs no
// request; `npm run compose:down` leaves nothing. Needs the Docker engine and the base images (`npm run up` or
// `npm run bootstrap` first) and fails loudly without them.
//
// The copy runs as a compose project of its own, on its own port and subnet, next to a user's `npm run compose:up`.
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { localStackImage } from "../../scripts/compose/app-image";
import { ConstantLoad, LoadReport, waitFor } from "../helpers/cluster";
import { PROJECT_DIR } from "../helpers/stack-config";

const runId = `${Date.now().toString(36)}${process.pid}`;
const PROJECT = `goship-e2e-${runId}`;
const PORT = 18088;
const SUBNET = "10.203.17.0/24";
const URL_BASE = `http://127.0.0.1:${PORT}`;
const ENV = { ...process.env, GOSHIP_COMPOSE_PROJECT: PROJECT, GOSHIP_COMPOSE_PORT: String(PORT), GOSHIP_COMPOSE_SUBNET: SUBNET };
const LABEL = `label=com.docker.compose.project=${PROJECT}`;

interface Run {
    code: number;
    output: string;
    seconds: number;
}

/** Runs scripts/compose/<name>.sh with stdout and stderr in one stream, in order. */
function script(name: "up" | "down"): Run {
    const started = Date.now();
    const result = spawnSync("bash", ["-c", 'bash "$0" 2>&1', path.join(PROJECT_DIR, "scripts", "compose", `${name}.sh`)], {
        env: ENV, encoding: "utf8", maxBuffer: 64 * 1024 * 1024,
    });
    return { code: result.status ?? 1, output: result.stdout, seconds: (Date.now() - started) / 1000 };
}

function docker(args: string[]): string {
    const result = spawnSync("docker", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) {
        throw new Error(`docker ${args.join(" ")} failed (exit ${result.status}): ${result.error?.message ?? result.stderr}`);
    }
    return result.stdout;
}

/** The project's container for a compose service. */
function container(service: string): string {
    const id = docker(["ps", "-aq", "--filter", LABEL, "--filter", `label=com.docker.compose.service=${service}`]).trim();
    assert.ok(id, `a container for ${service}`);
    return id;
}

function inspect(id: string): any {
    return JSON.parse(docker(["inspect", id]))[0];
}

function logs(service: string): { stdout: string; stderr: string } {
    return spawnSync("docker", ["logs", container(service)], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

/** The JSON lines a container wrote to stdout (the access logs). */
function jsonLogs(service: string): Record<string, any>[] {
    return logs(service).stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
}

/** nginx's error log, counted by what failed: "connect() failed (111: Connection refused)" and the like. */
function upstreamErrors(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [, kind] of logs("nginx").stderr.matchAll(/\[(?:error|warn)\] [^:]+: \*\d+ (.+?) while/g)) {
        counts[kind] = (counts[kind] ?? 0) + 1;
    }
    return counts;
}

function leftovers(): string[] {
    return ["ps -aq", "network ls -q", "volume ls -q"].flatMap((command) =>
        docker([...command.split(" "), "--filter", LABEL]).split("\n").filter(Boolean).map((id) => `${command.split(" ")[0]} ${id}`));
}

async function get(urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; requestId: string | null }> {
    const response = await fetch(`${URL_BASE}${urlPath}`, { headers, signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: await response.text(), requestId: response.headers.get("x-request-id") };
}

function describeLoad(phase: string, report: LoadReport): string {
    return `${phase}: ${report.requests} requests at ${report.rate.toFixed(1)}/s, status ${JSON.stringify(report.statusCodes)}, `
        + `failures by target ${JSON.stringify(report.failuresByTarget)}, transport errors ${report.errors.length ? JSON.stringify(report.errors) : "none"}, `
        + `p99 ${report.latencyP99Ms.toFixed(1)} ms, max ${report.latencyMaxMs.toFixed(1)} ms`;
}

describe("compose: the local stack's image, two replicas behind nginx", () => {
    let down: Run | undefined;

    before(() => {
        const info = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" });
        if (info.status !== 0) {
            throw new Error(`the Docker engine is not running (docker info: ${(info.stderr || info.error?.message || "").trim()}); run \`npm run up\` first`);
        }
    });

    after(() => {
        if (!down) {
            script("down");
        }
    });

    it("compose:up builds what is missing, starts, waits until healthy and prints the URL", () => {
        const image = localStackImage();
        const appBuilt = spawnSync("docker", ["image", "inspect", image.ref]).status !== 0;
        const up = script("up");
        assert.equal(up.code, 0, `compose:up failed:\n${up.output.slice(-4000)}`);
        const nginxBuild = up.output.slice(up.output.indexOf("==> nginx image"), up.output.indexOf("<== nginx image"));
        console.log(`compose:up, first run: ${up.seconds.toFixed(1)} s (app image ${appBuilt ? "built" : "already in the engine"}, `
            + `nginx image ${/---> Running in/.test(nginxBuild) ? "built" : "from the layer cache"})`);
        assert.match(up.output, new RegExp(`GET ${URL_BASE}/ping → \\{"message":"pong"\\}`));
        assert.equal(up.output.trim().split("\n").filter((line) => line.startsWith("http")).pop(), `${URL_BASE}/`);
        for (const service of ["app-1", "app-2"]) {
            assert.equal(inspect(container(service)).Config.Image, image.ref, `${service} runs the local stack's image`);
        }
        assert.equal(inspect(container("nginx")).State.Health.Status, "healthy");
    });

    it("a second compose:up builds nothing and recreates nothing", () => {
        const before = ["app-1", "app-2", "nginx"].map((service) => inspect(container(service)));
        const up = script("up");
        assert.equal(up.code, 0, `compose:up failed:\n${up.output.slice(-4000)}`);
        console.log(`compose:up, warm (everything built and running): ${up.seconds.toFixed(1)} s`);
        assert.match(up.output, /is in the local engine: nothing to build/);
        assert.doesNotMatch(up.output, /---> Running in/, "the nginx build is all cache");
        const afterUp = ["app-1", "app-2", "nginx"].map((service) => inspect(container(service)));
        assert.deepEqual(afterUp.map((c) => [c.Id, c.Image, c.State.StartedAt]), before.map((c) => [c.Id, c.Image, c.State.StartedAt]));
    });

    it("the replicas are locked down like the pods; only nginx is published, on 127.0.0.1", () => {
        for (const service of ["app-1", "app-2", "nginx"]) {
            const c = inspect(container(service));
            assert.equal(c.Config.User, "65532:65532", `${service} user`);
            assert.equal(c.HostConfig.ReadonlyRootfs, true, `${service} read-only root`);
            assert.deepEqual(c.HostConfig.CapDrop, ["ALL"], `${service} capabilities`);
            assert.deepEqual(c.HostConfig.SecurityOpt, ["no-new-privileges:true"], `${service} no-new-privileges`);
            const published = Object.values(c.NetworkSettings.Ports ?? {}).filter(Boolean).flat() as { HostIp: string; HostPort: string }[];
            assert.deepEqual(published, service === "nginx" ? [{ HostIp: "127.0.0.1", HostPort: String(PORT) }] : [], `${service} published ports`);
        }
    });

    it("/ping and the users API through nginx; one request id in both logs; the client IP nginx saw", async () => {
        const ping = await get("/ping");
        assert.deepEqual([ping.status, ping.body], [200, '{"message":"pong"}']);
        assert.match(ping.requestId ?? "", /^[0-9a-f]{32}$/, "nginx's own id when the client sends none");

        const requestId = `e2e-${runId}-users`;
        const users = await get("/api/v1/users", { "X-Request-ID": requestId, "X-Forwarded-For": "203.0.113.9" });
        assert.equal(users.status, 200);
        assert.ok(JSON.parse(users.body).users.length >= 2, `the seed users: ${users.body}`);
        assert.equal(users.requestId, requestId, "the client's id, echoed by the service");

        const created = await fetch(`${URL_BASE}/api/v1/users`, {
            method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: "Compose", email: "compose@example.com" }),
        });
        assert.equal(created.status, 201);
        assert.match(created.headers.get("location") ?? "", /^\/api\/v1\/users\/\d+$/);
        assert.equal((await get("/metrics")).status, 404, "the admin port is not behind nginx");
        const missing = await get("/api/v1/users/999999");
        assert.equal(missing.status, 404);
        assert.equal(JSON.parse(missing.body).error.code, "not_found", "the service's JSON errors pass through");

        const proxied = await waitFor("nginx's log line", 10_000, () => jsonLogs("nginx").find((line) => line.request_id === requestId));
        const served = await waitFor("the replica's log line", 10_000, () =>
            [...jsonLogs("app-1"), ...jsonLogs("app-2")].find((line) => line.msg === "request" && line.request_id === requestId));
        const nginxIp = inspect(container("nginx")).NetworkSettings.Networks[`${PROJECT}_goship`].IPAddress;
        assert.equal(served.client_ip, proxied.client_ip, "the service logs the client address nginx saw");
        assert.notEqual(served.client_ip, nginxIp, "not nginx's own address");
        assert.notEqual(served.client_ip, "203.0.113.9", "a client-chosen X-Forwarded-For is not believed");
        assert.equal(proxied.status, 200);
        assert.match(proxied.upstream_addr, /^10\.203\.17\.\d+:8080$/);
    });

    it("one replica stopped and started again under constant load: 0 failed requests (nginx retries the refused connects)", async () => {
        const target = (method: string, urlPath: string, body?: string) => ({
            method, url: `${URL_BASE}${urlPath}`, ...(body ? { body, headers: { "Content-Type": "application/json" } } : {}),
        });
        const load = ConstantLoad.startTargets({
            ratePerSecond: 60,
            targets: [target("GET", "/ping"), target("GET", "/api/v1/users"), target("POST", "/api/v1/users", '{"name":"Load","email":"load@example.com"}')],
        });
        const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
        const app2 = container("app-2");
        let report: LoadReport;
        let stopSeconds: number, backSeconds: number, restartedAt: string;
        try {
            await pause(3000);
            const stopping = Date.now();
            docker(["stop", "--time", "15", app2]);
            stopSeconds = (Date.now() - stopping) / 1000;
            // Longer than fail_timeout (5 s): nginx tries the stopped replica again meanwhile, and retries again.
            await pause(7000);
            const starting = Date.now();
            restartedAt = new Date(starting).toISOString();
            docker(["start", app2]);
            await waitFor("nginx healthy with both replicas again", 30_000, () => inspect(container("nginx")).State.Health.Status === "healthy" ? true : undefined);
            backSeconds = (Date.now() - starting) / 1000;
            await pause(7000);
        } finally {
            report = await load.stop();
        }
        const lines = jsonLogs("nginx").filter((line) => line.user_agent?.startsWith("Go-http-client") || line.method === "POST");
        const retried = lines.filter((line) => String(line.upstream_addr).includes(","));
        const afterRestart = lines.filter((line) => line.time >= restartedAt.slice(0, 19));
        const servedBy = new Set(afterRestart.slice(-100).map((line) => String(line.upstream_addr).split(", ").pop()));
        console.log(describeLoad(`one of 2 replicas stopped (docker stop ${stopSeconds.toFixed(1)} s) and started again `
            + `(healthy again after ${backSeconds.toFixed(1)} s); requests nginx passed to the other replica: ${retried.length} `
            + `(${retried.filter((line) => line.method === "POST").length} of them POST); nginx's error log: ${JSON.stringify(upstreamErrors())}`, report));
        assert.deepEqual(report.errors, [], "no transport errors");
        assert.equal(report.failures, 0, `no non-2xx responses: ${JSON.stringify(report.statusCodes)}`);
        assert.ok(report.requests >= 60 * 15, `the load ran throughout (${report.requests} requests)`);
        assert.equal(servedBy.size, 2, `both replicas serve again after the restart: ${[...servedBy]}`);
    });

    it("compose:down leaves no container, network or volume, and frees the port", async () => {
        down = script("down");
        assert.equal(down.code, 0, `compose:down failed:\n${down.output.slice(-4000)}`);
        console.log(`compose:down: ${down.seconds.toFixed(1)} s`);
        assert.match(down.output, /no container, network or volume of compose project/);
        assert.deepEqual(leftovers(), []);
        await assert.rejects(fetch(`${URL_BASE}/ping`, { signal: AbortSignal.timeout(2000) }), "nothing listens on the port");
        const again = script("down");
        assert.equal(again.code, 0, "a second compose:down is a no-op");
        assert.match(again.output, /nothing of compose project .* exists/);
    });
});
