// The users API on the local stack's PostgreSQL (a StatefulSet on a local-path volume), on the real local cluster:
// read-after-write across replicas, no acknowledged write lost or duplicated during a rolling update or a pod
// deletion, the database pod deleted under load, and a failing migration that stops `pulumi up` before the rollout.
// Needs `npm run up` first, and fails loudly without it.
//
// The copy deploys into a namespace and an Ingress host of its own, next to the user's `npm run up` deployment.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as http from "http";
import { after, before, describe, it } from "node:test";
import { ConstantLoad, INGRESS, LoadReport, LoadTarget, httpRequest, kubectl, kubectlJson, readyPods, requireCluster, waitFor } from "../helpers/cluster";
import { ProjectCopy, changedSteps } from "../helpers/real-engine";

const runId = `${Date.now().toString(36)}${process.pid}`;
const NAMESPACE = `goship-db-${runId}`;
const HOST = `db-${runId}.goship.test`;
const APP_SELECTOR = "app.kubernetes.io/name=goship";
const REPLICAS = 2;
const WRITE_RATE = 20;
const MIGRATION_JOB_TYPE = "kubernetes:batch/v1:Job";

interface User {
    id: number;
    name: string;
    email: string;
}

const viaIngress = (method: string, path: string, body?: unknown) => httpRequest({ ...INGRESS, hostHeader: HOST, method, path, body });

/** `count` distinct creates of this phase: every acknowledged one must be found afterwards, once. */
function writeTargets(phase: string, count: number): LoadTarget[] {
    return Array.from({ length: count }, (_, i) => ({
        method: "POST",
        url: `http://${INGRESS.host}:${INGRESS.port}/api/v1/users`,
        headers: { Host: HOST, "Content-Type": "application/json" },
        body: JSON.stringify({ name: `${phase} ${i}`, email: `${phase}-${i}@example.com` }),
    }));
}

/** The users a load acknowledged with 201, by id. */
function acknowledged(report: LoadReport): Map<number, User> {
    const users = new Map<number, User>();
    for (const response of report.responses) {
        if (response.method === "POST" && response.code === 201) {
            const user = JSON.parse(response.body) as User;
            users.set(user.id, user);
        }
    }
    return users;
}

function describeLoad(phase: string, report: LoadReport): string {
    return `${phase}: ${report.requests} requests at ${report.rate.toFixed(1)}/s, status ${JSON.stringify(report.statusCodes)}, `
        + `transport errors ${report.errors.length ? JSON.stringify(report.errors) : "none"}, p50 ${report.latencyP50Ms.toFixed(1)} ms, p99 ${report.latencyP99Ms.toFixed(1)} ms`;
}

describe("the users API on the local stack's PostgreSQL", () => {
    let project: ProjectCopy;

    const up = () => {
        const started = Date.now();
        const result = project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true });
        return { ...result, seconds: (Date.now() - started) / 1000 };
    };
    const deployedImage = (deployment = "goship") => kubectlJson(["-n", NAMESPACE, "get", "deployment", deployment]).spec.template.spec.containers[0].image as string;
    const databasePod = () => kubectlJson<{ items: any[] }>(["-n", NAMESPACE, "get", "pods", "-l", "app.kubernetes.io/component=database"]).items[0];
    /** Every stored user, page by page (the list is paginated: follow `next`). */
    const allUsers = async (): Promise<User[]> => {
        const users: User[] = [];
        for (let page: string | undefined = "/api/v1/users?limit=1000"; page;) {
            const response = await viaIngress("GET", page);
            assert.equal(response.status, 200, response.body);
            const body = JSON.parse(response.body) as { users: User[]; next?: string };
            users.push(...body.users);
            page = body.next;
        }
        return users;
    };

    /** Every acknowledged write is stored once, as acknowledged; nothing else of the phase is stored. */
    const assertNoWriteLost = async (phase: string, report: LoadReport) => {
        const acked = acknowledged(report);
        const stored = (await allUsers()).filter((user) => user.name.startsWith(`${phase} `));
        const byName = new Map<string, User[]>();
        for (const user of stored) {
            byName.set(user.name, [...(byName.get(user.name) ?? []), user]);
        }
        const duplicated = [...byName.values()].filter((users) => users.length > 1);
        const lost = [...acked.values()].filter((user) => !stored.some((s) => s.id === user.id && s.name === user.name && s.email === user.email));
        // A write whose answer was lost in transit may be stored without an acknowledgement; count those apart.
        const unacknowledged = stored.filter((user) => !acked.has(user.id));
        console.log(`${phase}: ${acked.size} writes acknowledged, ${stored.length} stored, ${lost.length} lost, ${duplicated.length} duplicated, ${unacknowledged.length} stored without an acknowledgement`);
        assert.ok(acked.size > 0, `${phase}: some writes were acknowledged`);
        assert.deepEqual(lost, [], `${phase}: acknowledged writes lost`);
        assert.deepEqual(duplicated, [], `${phase}: writes stored twice`);
        assert.ok(unacknowledged.length <= report.errors.length + (report.statusCodes["0"] ?? 0), `${phase}: stored writes nobody sent: ${JSON.stringify(unacknowledged.slice(0, 5))}`);
    };

    before(() => {
        requireCluster();
        project = ProjectCopy.create();
        project.pulumi(["stack", "init", "local", "--secrets-provider", "passphrase"]);
        const config: Record<string, string> = {
            "goship:namespace": NAMESPACE,
            "goship:ingressHost": HOST,
            "goship:publicUrl": `http://${HOST}:8000/`,
            "goship:autoscaling": "none",
            "goship:replicas": String(REPLICAS),
            "goship:rolloutTimeoutSeconds": "120",
        };
        for (const [key, value] of Object.entries(config)) {
            project.pulumi(["config", "set", key, value, "--stack", "local"]);
        }
        // A fixed pod count: the autoscaler's keys do not apply without one.
        for (const key of ["minReplicas", "maxReplicas", "targetCpuUtilization", "scaleDownStabilizationSeconds"]) {
            project.pulumi(["config", "rm", `goship:${key}`, "--stack", "local"]);
        }
    });

    after(() => {
        if (!project) {
            return;
        }
        const destroyed = project.pulumi(["destroy", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true });
        if (destroyed.code !== 0) {
            kubectl(["delete", "namespace", NAMESPACE, "--wait=false"], { allowFailure: true });
        }
        project.remove();
    });

    it("up provisions the database, migrates it with a Job before the Deployment, and the pods are Ready", () => {
        const deployed = up();
        assert.equal(deployed.code, 0, `pulumi up failed:\n${deployed.stdout.slice(-3000)}\n${deployed.stderr.slice(-3000)}`);
        const jobs = kubectlJson<{ items: any[] }>(["-n", NAMESPACE, "get", "jobs"]).items;
        assert.equal(jobs.length, 1, "one migration Job");
        assert.equal(jobs[0].status.succeeded, 1, "the migration Job succeeded");
        assert.equal(jobs[0].spec.template.spec.containers[0].image, deployedImage(), "the Job runs the Deployment's image");
        assert.equal(readyPods(NAMESPACE, APP_SELECTOR).length, REPLICAS);
        assert.equal(databasePod().status.phase, "Running");
        project.pulumi(["preview", "--stack", "local", "--expect-no-changes"]);
    });

    it("read-after-write across replicas: every 201 through the Ingress is readable, the same, from every pod", async () => {
        const pods = readyPods(NAMESPACE, APP_SELECTOR);
        assert.equal(pods.length, REPLICAS);
        const latencies: number[] = [];
        for (let i = 0; i < 50; i++) {
            const started = process.hrtime.bigint();
            const created = await viaIngress("POST", "/api/v1/users", { name: `raw ${i}`, email: `raw-${i}@example.com` });
            latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            assert.equal(created.status, 201, created.body);
            const user = JSON.parse(created.body) as User;
            for (const pod of pods) {
                const read = await httpRequest({ host: pod.ip, port: 8080, method: "GET", path: `/api/v1/users/${user.id}` });
                assert.equal(read.status, 200, `${pod.name}: ${read.body}`);
                assert.deepEqual(JSON.parse(read.body), user, `${pod.name} returns what was written`);
            }
        }
        latencies.sort((a, b) => a - b);
        console.log(`POST /api/v1/users through the Ingress, one at a time: p50 ${latencies[24].toFixed(1)} ms, max ${latencies[49].toFixed(1)} ms (50 writes)`);
    });

    it("a rolling update under a fixed write load: 0 acknowledged writes lost, 0 duplicated", async () => {
        fs.appendFileSync(project.file("app/cmd/server/main.go"), `\nfunc init() { version += "-${runId}" }\n`);
        const steps = changedSteps(project.pulumi(["preview", "--stack", "local", "--json"]).stdout);
        assert.ok(steps.some((step) => step.type === MIGRATION_JOB_TYPE), `a new image gets its own migration Job: ${JSON.stringify(steps)}`);
        const imageBefore = deployedImage();
        const load = ConstantLoad.startTargets({ targets: writeTargets("rollout", 20_000), ratePerSecond: WRITE_RATE });
        const deployed = up();
        await new Promise((resolve) => setTimeout(resolve, 15_000)); // the old pods finish terminating under load
        const report = await load.stop();
        console.log(describeLoad(`rolling update under writes (pulumi up ${deployed.seconds.toFixed(0)} s)`, report));
        assert.equal(deployed.code, 0, `pulumi up failed:\n${deployed.stdout.slice(-3000)}\n${deployed.stderr.slice(-3000)}`);
        assert.notEqual(deployedImage(), imageBefore, "the new image rolled out");
        assert.deepEqual(report.errors, [], "no transport errors");
        assert.equal(report.failures, 0, `every write answered 201: ${JSON.stringify(report.statusCodes)}`);
        await assertNoWriteLost("rollout", report);
    });

    it("an app pod deleted under a fixed write load: 0 acknowledged writes lost, 0 duplicated", async () => {
        const [victim] = readyPods(NAMESPACE, APP_SELECTOR);
        const load = ConstantLoad.startTargets({ targets: writeTargets("pod-deleted", 20_000), ratePerSecond: WRITE_RATE });
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        kubectl(["-n", NAMESPACE, "delete", "pod", victim.name, "--wait=true"]);
        await waitFor(`${REPLICAS} Ready pods again`, 90_000, () => readyPods(NAMESPACE, APP_SELECTOR).length >= REPLICAS ? true : undefined);
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const report = await load.stop();
        console.log(describeLoad("app pod deleted under writes", report));
        assert.deepEqual(report.errors, [], "no transport errors");
        assert.equal(report.failures, 0, `every write answered 201: ${JSON.stringify(report.statusCodes)}`);
        await assertNoWriteLost("pod-deleted", report);
    });

    it("the database pod deleted under load: 503 JSON while it is away, readiness follows, it recovers by itself", async () => {
        const pods = readyPods(NAMESPACE, APP_SELECTOR);
        const oldDatabasePod = databasePod().metadata.uid as string;
        const load = ConstantLoad.startTargets({ targets: writeTargets("db-deleted", 20_000), ratePerSecond: WRITE_RATE });
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const deletedAt = Date.now();
        kubectl(["-n", NAMESPACE, "delete", "pod", databasePod().metadata.name, "--wait=false"]);

        // Straight to a pod while the database is away: the API's own answers, not the ingress controller's.
        const seen = { writes: [] as { status: number; headers: http.IncomingHttpHeaders; body: string }[], readyz: new Set<number>(), livez: new Set<number>() };
        let polling = true;
        const poller = (async () => {
            while (polling) {
                seen.writes.push(await httpRequest({ host: pods[0].ip, port: 8080, method: "POST", path: "/api/v1/users", body: { name: `db-outage ${seen.writes.length}`, email: `db-outage-${seen.writes.length}@example.com` } }));
                seen.readyz.add((await httpRequest({ host: pods[0].ip, port: 8080, method: "GET", path: "/readyz" })).status);
                seen.livez.add((await httpRequest({ host: pods[0].ip, port: 8080, method: "GET", path: "/livez" })).status);
                await new Promise((resolve) => setTimeout(resolve, 200));
            }
        })();
        await waitFor("a new database pod, Ready", 120_000, () => {
            const pod = databasePod();
            const ready = pod && pod.metadata.uid !== oldDatabasePod && (pod.status.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True");
            return ready ? true : undefined;
        }, 1000);
        await waitFor("the app pods Ready again", 60_000, () => readyPods(NAMESPACE, APP_SELECTOR).length >= REPLICAS ? true : undefined, 1000);
        const recoveredSeconds = (Date.now() - deletedAt) / 1000;
        // The old server stopped cleanly (the image's SIGINT stop signal: a fast shutdown, not a kill at the end of
        // the grace period), so the new one starts without crash recovery.
        const startLog = kubectl(["-n", NAMESPACE, "logs", databasePod().metadata.name]).stdout;
        assert.match(startLog, /database system was shut down at/, startLog);
        assert.doesNotMatch(startLog, /not properly shut down|automatic recovery/, startLog);
        polling = false;
        await poller;
        const refused = seen.writes.filter((answer) => answer.status === 503);
        assert.ok(refused.length > 0, `the API answered 503 while the database was away: ${JSON.stringify(seen.writes.map((answer) => answer.status))}`);
        for (const answer of refused) {
            assert.equal(answer.headers["content-type"], "application/json; charset=utf-8");
            assert.equal(JSON.parse(answer.body).error.code, "unavailable", answer.body);
            assert.ok(answer.headers["retry-after"], "Retry-After tells clients when to retry");
        }
        assert.deepEqual([...new Set(seen.writes.map((answer) => answer.status))].sort(), [201, 503], "201 or 503, nothing else");
        assert.ok(seen.readyz.has(503), "readiness followed the database");
        assert.deepEqual([...seen.livez], [200], "liveness does not depend on the database (no restart storm)");
        await waitFor("a write through the Ingress answered 201 again", 30_000, async () => (await viaIngress("POST", "/api/v1/users", { name: "after outage", email: "after-outage@example.com" })).status === 201 ? true : undefined);
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const report = await load.stop();
        console.log(describeLoad(`database pod deleted under writes (recovered in ${recoveredSeconds.toFixed(0)} s)`, report));
        const unexpected = Object.keys(report.statusCodes).filter((code) => code !== "201" && code !== "503");
        assert.deepEqual(unexpected, [], `only 201 and 503 answers: ${JSON.stringify(report.statusCodes)}`);
        assert.deepEqual(report.errors, [], "no transport errors: never a hang past the client's 5 s timeout");
        assert.equal(kubectlJson(["-n", NAMESPACE, "get", "pods", "-l", APP_SELECTOR]).items.reduce((sum: number, pod: any) => sum + pod.status.containerStatuses[0].restartCount, 0), 0, "no app pod restarted");
        await assertNoWriteLost("db-deleted", report);
    });

    it("a failing migration stops pulumi up, names the migration, and the old pods keep serving", async () => {
        const migrations = project.file("app/internal/users/migrations");
        const [last] = fs.readdirSync(migrations).filter((file) => /^\d+_.*\.sql$/.test(file)).sort().reverse();
        const version = String(Number(last.split("_")[0]) + 1).padStart(last.split("_")[0].length, "0");
        const broken = `${version}_e2e_broken.sql`;
        fs.writeFileSync(`${migrations}/${broken}`, "-- +goose Up\nALTER TABLE users ADD COLUMN e2e_broken integer NOT NULL REFERENCES no_such_table (id);\n\n-- +goose Down\nSELECT 1;\n");
        const imageBefore = deployedImage();
        const workerImageBefore = deployedImage("goship-worker");
        const load = ConstantLoad.start({ host: HOST, path: "/api/v1/users/1", ratePerSecond: 20 });
        const deployed = up();
        const report = await load.stop();
        const output = `${deployed.stdout}\n${deployed.stderr}`;
        console.log(`what pulumi up reported (after ${deployed.seconds.toFixed(0)} s):\n${output.split("\n").filter((line) => line.includes(broken) || /error:/.test(line)).slice(0, 6).join("\n")}`);
        assert.notEqual(deployed.code, 0, "pulumi up must fail");
        assert.ok(output.includes(broken), `the failure names the migration ${broken}:\n${output.slice(-3000)}`);
        assert.match(output, /no_such_table/, "and says why");
        assert.equal(deployedImage(), imageBefore, "the Deployment was not changed");
        // The worker runs the same image on the same database: it waits for the migration too, so nothing times out.
        assert.equal(deployedImage("goship-worker"), workerImageBefore, "nor the worker's");
        assert.doesNotMatch(output, /goship-worker-deployment \*\*updating failed\*\*/, "the worker's rollout did not start");
        assert.equal(report.failures, 0, `the old pods kept serving: ${JSON.stringify(report.statusCodes)}`);
        assert.equal((await viaIngress("GET", "/readyz")).status, 200);
    });

    it("the exported state holds no plaintext database password", () => {
        const password = project.pulumi(["config", "get", "goship:databasePassword", "--stack", "local"]).stdout.trim();
        assert.ok(password.length >= 16);
        const exported = project.pulumi(["stack", "export", "--stack", "local"]).stdout;
        assert.ok(!exported.includes(password), "the database password is not in state");
    });
});
