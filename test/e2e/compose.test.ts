// The compose setup (compose/, scripts/compose/) on the real Docker engine: `npm run compose:up` runs the local
// stack's image under its content-hash tag, two replicas behind nginx built from Debian packages, their users in one
// PostgreSQL (migrated by a one-shot `migrate` first, its password generated outside the repository); the API answers
// through nginx with one request id and the right client IP; a user written through nginx reads back the same from
// both replicas and survives another compose:up; stopping a replica under constant load costs no request;
// `npm run compose:down` leaves nothing, the database's volume and password file included. Needs the Docker engine and the base images (`npm run up` or
// `npm run bootstrap` first) and fails loudly without them.
//
// The copy runs as a compose project of its own, on its own port and subnet, next to a user's `npm run compose:up`.
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
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
const PASSWORD_FILE = path.join(process.env.GOSHIP_CACHE ?? path.join(os.homedir(), ".cache", "goship"), "compose", PROJECT, "db-password");
const APP_SERVICES = ["migrate", "app-1", "app-2"];
const RUNNING = ["db", "app-1", "app-2", "nginx"];

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

/** GET from one replica, through nginx's internal :8081 /replicas/<n>/ route (docker exec: the replicas publish nothing). */
function getFromReplica(replica: string, urlPath: string): { status: number; body: string } {
    const request = `exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET /replicas/${replica}${urlPath} HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' >&3 && cat <&3`;
    const response = docker(["exec", container("nginx"), "bash", "-c", request]);
    const [head, ...body] = response.split("\r\n\r\n");
    return { status: Number(head.split(" ")[1]), body: body.join("\r\n\r\n") };
}

async function createUser(name: string, email: string): Promise<{ location: string; body: string }> {
    const created = await fetch(`${URL_BASE}/api/v1/users`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name, email }), signal: AbortSignal.timeout(5000),
    });
    assert.equal(created.status, 201);
    const location = created.headers.get("location") ?? "";
    assert.match(location, /^\/api\/v1\/users\/\d+$/);
    return { location, body: await created.text() };
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
        for (const service of APP_SERVICES) {
            assert.equal(inspect(container(service)).Config.Image, image.ref, `${service} runs the local stack's image`);
        }
        assert.equal(inspect(container("nginx")).State.Health.Status, "healthy");
        // The database: the local stack's PostgreSQL image, healthy; the schema migrated once before the replicas.
        const db = inspect(container("db"));
        assert.match(db.Config.Image, /^goship\/postgres:15\.\d+-/);
        assert.equal(db.State.Health.Status, "healthy");
        const migrate = inspect(container("migrate"));
        assert.deepEqual([migrate.State.Status, migrate.State.ExitCode, migrate.Config.Cmd], ["exited", 0, ["migrate"]]);
        assert.match(logs("migrate").stdout, /"msg":"migrations complete".*"schema_version":3/);
        for (const service of ["app-1", "app-2"]) {
            const env: string[] = inspect(container(service)).Config.Env;
            assert.ok(env.includes("USERS_STORE=postgres"), `${service}: USERS_STORE=postgres`);
            assert.ok(env.some((v) => /^DATABASE_URL=postgres:\/\/goship:[A-Za-z0-9]{24}@db:5432\/goship\?sslmode=disable$/.test(v)), `${service}: DATABASE_URL`);
        }
        // The password: generated once, 0600, outside the repository.
        assert.ok(up.output.includes(`generated ${PASSWORD_FILE}`), "compose:up generated the password file");
        assert.equal(fs.statSync(PASSWORD_FILE).mode & 0o777, 0o600);
        assert.match(fs.readFileSync(PASSWORD_FILE, "utf8"), /^[A-Za-z0-9]{24}\n$/);
        assert.ok(!path.resolve(PASSWORD_FILE).startsWith(PROJECT_DIR + path.sep), "not in the repository");
    });

    it("a second compose:up builds nothing, recreates nothing, reuses the password and keeps the users", async () => {
        const kept = await createUser("Before the second up", "kept@example.com");
        const password = fs.readFileSync(PASSWORD_FILE, "utf8");
        const before = RUNNING.map((service) => inspect(container(service)));
        const up = script("up");
        assert.equal(up.code, 0, `compose:up failed:\n${up.output.slice(-4000)}`);
        console.log(`compose:up, warm (everything built and running): ${up.seconds.toFixed(1)} s`);
        assert.match(up.output, /is in the local engine: nothing to build/);
        assert.doesNotMatch(up.output, /---> Running in/, "the nginx and PostgreSQL builds are all cache");
        assert.match(up.output, /reusing .*db-password/);
        assert.equal(fs.readFileSync(PASSWORD_FILE, "utf8"), password);
        const afterUp = RUNNING.map((service) => inspect(container(service)));
        assert.deepEqual(afterUp.map((c) => [c.Id, c.Image, c.State.StartedAt]), before.map((c) => [c.Id, c.Image, c.State.StartedAt]));
        const migrate = inspect(container("migrate"));
        assert.deepEqual([migrate.State.Status, migrate.State.ExitCode], ["exited", 0], "migrate ran again: nothing to do");
        const again = await get(kept.location);
        assert.deepEqual([again.status, again.body], [200, kept.body], "the user survives compose:up");
    });

    it("the replicas, the migration and the database are locked down like the pods; only nginx is published, on 127.0.0.1", () => {
        for (const service of ["db", ...APP_SERVICES, "nginx"]) {
            const c = inspect(container(service));
            assert.equal(c.Config.User, service === "db" ? "999:999" : "65532:65532", `${service} user`);
            assert.equal(c.HostConfig.ReadonlyRootfs, true, `${service} read-only root`);
            assert.deepEqual(c.HostConfig.CapDrop, ["ALL"], `${service} capabilities`);
            assert.deepEqual(c.HostConfig.SecurityOpt, ["no-new-privileges:true"], `${service} no-new-privileges`);
            const published = Object.values(c.NetworkSettings.Ports ?? {}).filter(Boolean).flat() as { HostIp: string; HostPort: string }[];
            assert.deepEqual(published, service === "nginx" ? [{ HostIp: "127.0.0.1", HostPort: String(PORT) }] : [], `${service} published ports`);
            assert.deepEqual(Object.keys(c.NetworkSettings.Networks), [`${PROJECT}_goship`], `${service} networks`);
        }
        const db = inspect(container("db"));
        assert.deepEqual(Object.keys(db.HostConfig.Tmpfs).sort(), ["/tmp", "/var/run/postgresql"]);
        assert.deepEqual(db.Mounts.map((m: any) => [m.Type, m.Name, m.Destination]), [["volume", `${PROJECT}_db-data`, "/var/lib/postgresql/data"]]);
        assert.equal(db.Config.StopSignal, "SIGINT", "PostgreSQL's fast shutdown");
        assert.equal(db.Config.StopTimeout, 10);
        assert.equal(inspect(container("migrate")).HostConfig.RestartPolicy.Name, "no");
    });

    it("/ping and the users API through nginx; one request id in both logs; the client IP nginx saw", async () => {
        const ping = await get("/ping");
        assert.deepEqual([ping.status, ping.body], [200, '{"message":"pong"}']);
        assert.match(ping.requestId ?? "", /^[0-9a-f]{32}$/, "nginx's own id when the client sends none");

        const requestId = `e2e-${runId}-users`;
        const users = await get("/api/v1/users", { "X-Request-ID": requestId, "X-Forwarded-For": "203.0.113.9" });
        assert.equal(users.status, 200);
        const seeded = JSON.parse(users.body).users.slice(0, 2).map((u: { id: number; name: string }) => [u.id, u.name]);
        assert.deepEqual(seeded, [[1, "Ada Lovelace"], [2, "Grace Hopper"]], `the seed users (migration 00002): ${users.body}`);
        assert.equal(users.requestId, requestId, "the client's id, echoed by the service");

        await createUser("Compose", "compose@example.com");
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

    it("a user created through nginx reads back identically from both replicas (one PostgreSQL)", async () => {
        const created = await createUser("Read after write", `raw-${runId}@example.com`);
        for (const replica of ["app-1", "app-2"]) {
            const read = getFromReplica(replica, created.location);
            assert.deepEqual([read.status, read.body], [200, created.body], `GET ${created.location} from ${replica}`);
        }
        // And through nginx: sequential requests tie under least_conn, which then takes the replicas in turn.
        const ids = Array.from({ length: 8 }, (_, i) => `e2e-${runId}-raw-${i}`);
        for (const id of ids) {
            const read = await get(created.location, { "X-Request-ID": id });
            assert.deepEqual([read.status, read.body], [200, created.body], `GET ${created.location} through nginx (${id})`);
        }
        const servedBy = await waitFor("nginx's log lines", 10_000, () => {
            const lines = jsonLogs("nginx").filter((line) => ids.includes(line.request_id));
            return lines.length === ids.length ? new Set(lines.map((line) => line.upstream_addr)) : undefined;
        });
        assert.equal(servedBy.size, 2, `both replicas answered: ${[...servedBy]}`);
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
        assert.equal(fs.existsSync(PASSWORD_FILE), false, "the password file is removed with the volume");
        await assert.rejects(fetch(`${URL_BASE}/ping`, { signal: AbortSignal.timeout(2000) }), "nothing listens on the port");
        const again = script("down");
        assert.equal(again.code, 0, "a second compose:down is a no-op");
        assert.match(again.output, /nothing of compose project .* exists/);
    });
});
