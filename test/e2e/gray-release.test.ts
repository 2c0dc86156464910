// Gray release on the local cluster, for real: Flagger shifts the Gateway API route (Traefik) 5 → 20 → 100 % to the
// new version while it queries the service's own metrics in Prometheus, promotes a good version and rolls back a slow
// or failing one; `pulumi up` waits for that verdict. Needs `npm run up` first (the cluster, Traefik's Gateway,
// Prometheus); Flagger is installed on demand (scripts/cluster/addon.sh flagger). Fails loudly without them.
//
// The copy deploys into a namespace and a host of its own. Each release is a new image (the VERSION build arg), and the
// service answers with X-Goship-Version, so every response of a constant-rate load through the Gateway is counted by
// version and by the step Flagger was at when it was sent. Figures are printed as `# figure:` lines for
// docs/benchmarks.md.
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { ConstantLoad, LoadReport, httpRequest, kubectl, requireCluster, waitFor } from "../helpers/cluster";
import { ProjectCopy, changedSteps } from "../helpers/real-engine";
import { PROJECT_DIR } from "../helpers/stack-config";

const runId = `${Date.now().toString(36)}${process.pid}`;
const NAMESPACE = `goship-canary-${runId}`;
const HOST = `canary-${runId}.goship.test`;
const NAME = "goship";
const STEPS = [5, 20, 100];
/** Three scrapes of the canary's metrics Service (every 10 s) per step, and over 100 requests in each step's window. */
const INTERVAL_SECONDS = 30;
const RATE = 40;
const P99_GATE_MS = 400;
/** Allowed distance between a step's weight and the share of its responses the canary served. */
const SPLIT_TOLERANCE_PP = 3;
/** Responses sent within this long after Flagger changed the weight are not counted: Traefik applies the route then. */
const SETTLE_MS = 3000;

const DELIVERY = {
    kind: "canary",
    router: "gatewayapi",
    gateway: { name: "goship", namespace: "traefik" },
    stepWeights: STEPS,
    stepIntervalSeconds: INTERVAL_SECONDS,
    gates: { maxP99LatencyMs: P99_GATE_MS, maxErrorPercent: 1, minRequests: 20 },
    failedChecks: 2,
};

function figure(text: string): void {
    console.log(`# figure: ${text}`);
}

interface CanaryStatus {
    phase?: string;
    canaryWeight?: number;
    /** A/B testing: the analysis' iterations so far (Flagger routes the matching requests from the first). */
    iterations?: number;
}

function canaryStatus(): CanaryStatus {
    const found = kubectl(["-n", NAMESPACE, "get", "canary", NAME, "-o", "json"], { allowFailure: true });
    return found.code === 0 ? (JSON.parse(found.stdout).status ?? {}) : {};
}

/** Flagger's phase and weight, sampled while `pulumi up` runs: when each step began. */
class WeightTimeline {
    readonly changes: { at: number; weight: number; phase: string; iterations: number }[] = [];
    private timer?: NodeJS.Timeout;

    start(): this {
        this.timer = setInterval(() => {
            const status = canaryStatus();
            const weight = status.canaryWeight ?? 0;
            const phase = status.phase ?? "";
            const iterations = status.iterations ?? 0;
            const last = this.changes[this.changes.length - 1];
            if (!last || last.weight !== weight || last.phase !== phase || last.iterations !== iterations) {
                this.changes.push({ at: Date.now(), weight, phase, iterations });
            }
        }, 500);
        return this;
    }

    stop(): void {
        clearInterval(this.timer);
    }

    /** The weights Flagger set, in order. */
    weights(): number[] {
        return this.changes.map((change) => change.weight).filter((weight, i, all) => weight > 0 && weight !== all[i - 1]);
    }

    /** [from, to) of each period at one weight > 0, without the settling time after each change. */
    windows(): { weight: number; from: number; to: number }[] {
        const windows: { weight: number; from: number; to: number }[] = [];
        this.changes.forEach((change, i) => {
            const next = this.changes[i + 1];
            if (change.weight > 0 && next && next.weight !== change.weight) {
                windows.push({ weight: change.weight, from: change.at + SETTLE_MS, to: next.at - 500 });
            }
        });
        return windows;
    }
}

/** Share of the responses sent in [from, to) that the given version answered, in percent. */
function share(report: LoadReport, version: string, from: number, to: number): { percent: number; count: number } {
    const inWindow = report.responses.filter((response) => response.at >= from && response.at < to);
    const ofVersion = inWindow.filter((response) => response.version === version).length;
    return { percent: inWindow.length === 0 ? Number.NaN : (100 * ofVersion) / inWindow.length, count: inWindow.length };
}

function versionsOf(report: LoadReport): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const response of report.responses) {
        counts[response.version ?? "(none)"] = (counts[response.version ?? "(none)"] ?? 0) + 1;
    }
    return counts;
}

describe("gray release with Flagger on the local cluster", () => {
    let project: ProjectCopy;
    let stable = "v1";

    const setConfig = (key: string, value: string) => project.pulumi(["config", "set", key, value, "--stack", "local"]);
    const release = (version: string, faults?: { delayMs?: number; errorPercent?: number }) => {
        setConfig("goship:imageBuildArgs", JSON.stringify({ VERSION: version }));
        if (faults) {
            setConfig("goship:faultInjection", JSON.stringify({ delayMs: faults.delayMs ?? 0, errorPercent: faults.errorPercent ?? 0 }));
        } else {
            project.pulumi(["config", "rm", "goship:faultInjection", "--stack", "local"], { allowFailure: true });
        }
    };
    /** `pulumi up` under a constant load through the Gateway, Flagger's steps sampled meanwhile. */
    const upUnderLoad = async (headers?: Record<string, string>) => {
        const load = ConstantLoad.startTargets({
            targets: [{ method: "GET", url: `http://127.0.0.1:8000/ping`, headers: { Host: HOST, ...headers } }],
            ratePerSecond: RATE,
        });
        const timeline = new WeightTimeline().start();
        const started = Date.now();
        const result = await project.pulumiAsync(["up", "--stack", "local", "--yes", "--skip-preview"]);
        const seconds = (Date.now() - started) / 1000;
        // The load goes on a little past the verdict: what serves right after a promotion or a rollback counts too.
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 5000));
        timeline.stop();
        const report = await load.stop();
        return { result, seconds, timeline, report };
    };
    const mustSucceed = (result: { code: number; stdout: string; stderr: string }, what: string) =>
        assert.equal(result.code, 0, `${what} failed:\n${result.stdout.slice(-5000)}\n${result.stderr.slice(-3000)}`);

    before(async () => {
        requireCluster();
        const installed = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "cluster", "addon.sh"), "flagger"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        assert.equal(installed.status, 0, `scripts/cluster/addon.sh flagger failed:\n${installed.stdout.slice(-3000)}\n${installed.stderr.slice(-3000)}`);
        project = ProjectCopy.create();
        project.pulumi(["stack", "init", "local", "--secrets-provider", "passphrase"]);
        const config: Record<string, string> = {
            "goship:imageRepository": `goship-e2e/${runId}`,
            "goship:namespace": NAMESPACE,
            "goship:ingressHost": HOST,
            "goship:publicUrl": `http://${HOST}:8000/`,
            "goship:minReplicas": "2",
            "goship:maxReplicas": "2",
            "goship:env": JSON.stringify({ APP_GREETING: "hello from the gray-release test", VERSION_HEADER: "true" }),
            "goship:imageBuildArgs": JSON.stringify({ VERSION: stable }),
        };
        for (const [key, value] of Object.entries(config)) {
            setConfig(key, value);
        }
        // The service alone: no database, Kafka or worker (the event-driven and database tests cover those).
        for (const key of ["goship:database", "goship:databasePassword", "goship:kafka", "goship:kafkaPassword", "goship:worker", "goship:tracing"]) {
            project.pulumi(["config", "rm", key, "--stack", "local"]);
        }

        // The baseline: a rolling update of the same kind of change (a new image) on the same stack, before the
        // stack turns to canary delivery.
        mustSucceed(project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true }), "the first (rolling) up");
        release("v1-rolling");
        const rollingStarted = Date.now();
        mustSucceed(project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true }), "the rolling update");
        figure(`rolling update of a new image: ${((Date.now() - rollingStarted) / 1000).toFixed(0)} s`);
        // From rolling to canary, a fresh start: Flagger creates the Service `goship` that the rolling stack owned.
        project.pulumi(["destroy", "--stack", "local", "--yes", "--skip-preview"]);
        setConfig("goship:delivery", JSON.stringify(DELIVERY));
        // The route is the Gateway's (an HTTPRoute Flagger writes), not an Ingress of class traefik.
        project.pulumi(["config", "rm", "goship:ingressClassName", "--stack", "local"]);
        release(stable);
        const first = project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true });
        mustSucceed(first, "the first canary-delivery up (Flagger initialises, no analysis)");
        assert.equal(canaryStatus().phase, "Initialized", "Flagger initialised the Canary without an analysis");
        // http.request, not fetch: fetch drops a Host header.
        let last = "no answer";
        await waitFor("the stable version answering through the Gateway", 60_000, async () => {
            const response = await httpRequest({ host: "127.0.0.1", port: 8000, method: "GET", path: "/ping", hostHeader: HOST }).catch((error) => {
                last = String(error);
                return undefined;
            });
            if (response) {
                last = `${response.status} ${JSON.stringify(response.headers)} ${response.body.slice(0, 200)}`;
            }
            return response?.status === 200 && response.headers["x-goship-version"] === stable ? true : undefined;
        }).catch((error) => {
            const routes = kubectl(["-n", NAMESPACE, "get", "httproute,svc,endpointslices", "-o", "wide"], { allowFailure: true });
            throw new Error(`${error.message}; last answer: ${last}\n${routes.stdout}${routes.stderr}`);
        });
    });

    after(() => {
        if (project) {
            project.pulumi(["destroy", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true });
            project.remove();
        }
    });

    it("a no-op up starts no analysis, and the preview says which digests a release would analyse", () => {
        project.pulumi(["preview", "--stack", "local", "--expect-no-changes"]);
        release("v2");
        const preview = project.pulumi(["preview", "--stack", "local", "--json"]).stdout;
        const steps = changedSteps(preview);
        assert.ok(steps.some((step) => step.type.endsWith("CanaryVerdict") && step.op === "update"), `the verdict is updated: ${JSON.stringify(steps)}`);
        const summary = project.run(process.execPath,
            ["--require", "ts-node/register/transpile-only", project.file("scripts/preview-summary/cli.ts"), "--stack", "local"], { allowFailure: true });
        assert.match(summary.stdout, /canary analysis will run/i, `the preview summary announces the analysis:\n${summary.stdout}\n${summary.stderr}`);
        release(stable);
    });

    it("a good release is promoted through 5 → 20 → 100 %, each step's split within ±3 pp, with no failed request", async () => {
        release("v2");
        const { result, seconds, timeline, report } = await upUnderLoad();
        mustSucceed(result, "the good release's up");
        assert.deepEqual(timeline.weights(), STEPS, `Flagger's steps: ${JSON.stringify(timeline.changes)}`);
        for (const window of timeline.windows()) {
            const { percent, count } = share(report, "v2", window.from, window.to);
            figure(`good release, step ${window.weight} %: canary served ${percent.toFixed(1)} % of ${count} requests`);
            assert.ok(count >= 100, `enough requests at step ${window.weight} % (${count})`);
            assert.ok(Math.abs(percent - window.weight) <= SPLIT_TOLERANCE_PP, `step ${window.weight} %: the canary served ${percent.toFixed(1)} %`);
        }
        assert.equal(report.failures, 0, `no non-2xx response: ${JSON.stringify(report.statusCodes)}`);
        assert.deepEqual(report.errors, [], "no transport error");
        assert.equal(canaryStatus().phase, "Succeeded");
        figure(`canary release of a new image (${STEPS.join(" → ")} %, ${INTERVAL_SECONDS} s steps): ${seconds.toFixed(0)} s; ` +
            `${report.requests} requests at ${report.rate.toFixed(1)}/s, versions ${JSON.stringify(versionsOf(report))}`);
        stable = "v2";
        // Flagger's objects and Pulumi's do not fight: the next preview has nothing to do.
        project.pulumi(["preview", "--stack", "local", "--expect-no-changes"]);
    });

    for (const bad of [
        { what: "slow", version: "v3-slow", faults: { delayMs: 2 * P99_GATE_MS }, gate: /latency/i },
        { what: "failing", version: "v3-failing", faults: { errorPercent: 50 }, gate: /error/i },
    ]) {
        it(`a ${bad.what} release is rolled back at the first step; up fails naming the gate; the stable version keeps serving`, async () => {
            release(bad.version, bad.faults);
            const { result, timeline, report } = await upUnderLoad();
            const output = `${result.stdout}\n${result.stderr}`;
            assert.notEqual(result.code, 0, "the up of a bad release fails");
            assert.match(output, bad.gate, `the failure names the gate:\n${output.slice(-3000)}`);
            assert.match(output, /rolled back at step 5 ?%/i, `the failure names the step:\n${output.slice(-3000)}`);
            assert.deepEqual(timeline.weights(), [STEPS[0]], `rolled back at the first step: ${JSON.stringify(timeline.changes)}`);
            assert.equal(canaryStatus().phase, "Failed");
            // The share of all requests (of the whole up) that met the bad version: at most the first step's weight.
            const met = report.responses.filter((response) => response.version === bad.version).length;
            const analysed = timeline.changes.length > 0 ? report.responses.filter((response) => response.at >= timeline.changes[0].at) : report.responses;
            const metPercent = (100 * met) / Math.max(1, analysed.length);
            figure(`${bad.what} release: ${met} of ${analysed.length} requests (${metPercent.toFixed(1)} %) met it before the rollback`);
            assert.ok(metPercent <= STEPS[0] + SPLIT_TOLERANCE_PP, `at most ${STEPS[0]} + ${SPLIT_TOLERANCE_PP} % met the bad version (${metPercent.toFixed(1)} %)`);
            const after = report.responses.filter((response) => response.at > timeline.changes[timeline.changes.length - 1].at + SETTLE_MS);
            assert.ok(after.length > 0 && after.every((response) => response.version === stable && response.code === 200),
                `after the rollback only ${stable} answers: ${JSON.stringify(versionsOf({ ...report, responses: after }))}`);
            // Nothing but the verdict differs from what is deployed: Flagger changed none of Pulumi's fields.
            const pending = changedSteps(project.pulumi(["preview", "--stack", "local", "--json"]).stdout);
            assert.deepEqual(pending.map((step) => step.type.split(":").pop()), ["CanaryVerdict"], `after the rollback: ${JSON.stringify(pending)}`);
            // A good version after it goes through.
            release(`v4-after-${bad.what}`);
            const fixed = await upUnderLoad();
            mustSucceed(fixed.result, "the good release after a rollback");
            assert.equal(fixed.report.failures, 0, `no non-2xx response: ${JSON.stringify(fixed.report.statusCodes)}`);
            stable = `v4-after-${bad.what}`;
            project.pulumi(["preview", "--stack", "local", "--expect-no-changes"]);
        });
    }

    it("with a cookie match, matching requests reach the canary from the start, others stay on the stable version", async () => {
        // Flagger's A/B testing takes no weights: iterations of the step interval instead (docs/gray-release.md).
        setConfig("goship:delivery", JSON.stringify({ ...DELIVERY, stepWeights: undefined, match: { cookie: { name: "user-group", value: "canary" } } }));
        mustSucceed(project.pulumi(["up", "--stack", "local", "--yes", "--skip-preview"], { allowFailure: true }), "switching on the match");
        release("v5-ab");
        const internal = ConstantLoad.startTargets({
            targets: [{ method: "GET", url: `http://127.0.0.1:8000/ping`, headers: { Host: HOST, Cookie: "user-group=canary" } }],
            ratePerSecond: 10,
        });
        const { result, timeline, report } = await upUnderLoad();
        const matched = await internal.stop();
        mustSucceed(result, "the A/B release's up");
        // From the first A/B iteration, when Flagger routes the matching requests to the canary, to the promotion.
        const analysisFrom = timeline.changes.find((change) => change.iterations >= 1)?.at;
        const analysisTo = timeline.changes.find((change) => change.phase === "Promoting")?.at;
        assert.ok(analysisFrom && analysisTo, `an analysis ran: ${JSON.stringify(timeline.changes)}`);
        const matchedShare = share(matched, "v5-ab", analysisFrom + SETTLE_MS, analysisTo);
        const othersShare = share(report, "v5-ab", analysisFrom + SETTLE_MS, analysisTo);
        figure(`cookie match: matching requests on the canary ${matchedShare.percent.toFixed(1)} % of ${matchedShare.count}, others ${othersShare.percent.toFixed(1)} % of ${othersShare.count}`);
        assert.ok(matchedShare.percent >= 100 - SPLIT_TOLERANCE_PP, "matching requests reach the canary");
        assert.ok(othersShare.percent <= SPLIT_TOLERANCE_PP, "the others stay on the stable version during the analysis");
        assert.equal(report.failures + matched.failures, 0, "no non-2xx response");
    });
});
