// The CanaryVerdict: Flagger's status and events (as kubectl prints them, messages from Flagger v1.41.0's format
// strings) → promoted, rolled back with the gate, value, threshold and step, or a clear timeout; and the provider's
// diff, which makes only a new revision a release.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { builtinModules } from "module";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
    CanaryStatus,
    CanaryTarget,
    analysisIntervalSeconds,
    awaitCanaryInitialized,
    awaitCanaryVerdict,
    canaryEvents,
    canaryStatus,
    judge,
    parseHalt,
    rolledBackMessage,
} from "../../components/web-service/canary-status";
import { canaryVerdictProvider } from "../../components/web-service/canary-verdict";
import { Kubectl } from "../../components/kubectl";

const target: CanaryTarget = {
    namespace: "goship", name: "goship", timeoutSeconds: 30,
    image: "127.0.0.1:5000/goship@sha256:bbbb", stableImage: "127.0.0.1:5000/goship@sha256:aaaa",
};
const fast = { pollSeconds: 0, noStatusSeconds: 30 };

interface Frame {
    status?: Partial<CanaryStatus>;
    /** Event messages, Warning when they start with "Halt", "Rolling back" or "Canary failed!", one second apart. */
    events?: string[];
    interval?: string;
}

let clock = Date.parse("2026-12-03T12:00:00Z");

function canary(frame: Frame): object {
    return { spec: { analysis: { interval: frame.interval ?? "1m" } }, ...(frame.status ? { status: { conditions: [], ...frame.status } } : {}) };
}

function eventList(messages: string[]): object {
    return {
        items: messages.map((message) => ({
            type: /^(Halt|Rolling back|Canary failed!)/.test(message) ? "Warning" : "Normal",
            reason: "Synced",
            message,
            lastTimestamp: new Date((clock += 1000)).toISOString(),
        })),
    };
}

/** A kubectl that answers each look (the Canary, then its events) with the next frame; the last one repeats. */
function fakeKubectl(frames: Frame[], primaryImage = target.image): Kubectl & { calls: string[][]; closed: boolean } {
    let index = -1;
    const fake = {
        calls: [] as string[][],
        closed: false,
        get: async (args: string[]) => {
            fake.calls.push(args);
            if (args[0].startsWith("canaries.flagger.app/")) {
                index = Math.min(index + 1, frames.length - 1);
                return canary(frames[index]);
            }
            if (args[0] === "events") {
                return eventList(frames[index].events ?? []);
            }
            if (args[0].startsWith("deployments.apps/")) {
                return { spec: { template: { spec: { containers: [{ name: "app", image: primaryImage }] } } } };
            }
            throw new Error(`unexpected kubectl get ${args.join(" ")}`);
        },
        close: () => {
            fake.closed = true;
        },
    };
    return fake;
}

const stable = { phase: "Succeeded", lastAppliedSpec: "hashA", lastPromotedSpec: "hashA", lastTransitionTime: "2026-12-03T11:00:00Z" };
const analysisStart = ["New revision detected! Scaling up goship.goship", "Starting canary analysis for goship.goship"];
const progressing = (weight: number, failedChecks = 0) => ({
    phase: "Progressing", canaryWeight: weight, failedChecks, lastAppliedSpec: "hashB", lastPromotedSpec: "hashA", lastTransitionTime: `2026-12-03T12:0${weight % 10}:00Z`,
});

describe("the canary verdict: a release Flagger promotes", () => {
    it("waits through the steps and resolves with the promoted hash", async () => {
        const kubectl = fakeKubectl([
            { status: stable },
            { status: progressing(5), events: [...analysisStart, "Advance goship.goship canary weight 5"] },
            { status: progressing(20), events: [...analysisStart, "Advance goship.goship canary weight 5", "Advance goship.goship canary weight 20"] },
            { status: { phase: "Promoting", lastAppliedSpec: "hashB", lastPromotedSpec: "hashA", lastTransitionTime: "2026-12-03T12:05:00Z" } },
            { status: { phase: "Succeeded", lastAppliedSpec: "hashB", lastPromotedSpec: "hashB", lastTransitionTime: "2026-12-03T12:06:00Z" },
                events: [...analysisStart, "Promotion completed! Scaling down goship.goship"] },
        ]);
        assert.equal(await awaitCanaryVerdict(target, "hashA", fast, kubectl), "hashB");
        assert.ok(kubectl.closed);
        assert.deepEqual(kubectl.calls[0], ["canaries.flagger.app/goship"]);
        assert.deepEqual(kubectl.calls[1], ["events", "--field-selector", "involvedObject.kind=Canary,involvedObject.name=goship"]);
    });

    it("does not take the stable release's Succeeded, from before Flagger saw the new revision, for a verdict", () => {
        const watch = { recorded: "hashA", analysed: new Set<string>() };
        assert.equal(judge(watch, { ...stable, canaryWeight: 0, failedChecks: 0, iterations: 0 }), "waiting");
        assert.equal(judge(watch, { ...stable, canaryWeight: 0, failedChecks: 0, iterations: 0 }), "waiting", "the same status again decides nothing");
    });

    it("takes a revert to the stable version (Flagger runs no analysis for it, stays Failed) as promoted", () => {
        const watch = { recorded: "hashA", analysed: new Set<string>(), start: undefined as CanaryStatus | undefined };
        const failedBad = { phase: "Failed", canaryWeight: 0, failedChecks: 2, iterations: 0, lastAppliedSpec: "hashB", lastPromotedSpec: "hashA", lastTransitionTime: "t1" };
        assert.equal(judge({ ...watch, start: failedBad }, failedBad), "waiting", "the stale failure of the last release");
        assert.equal(judge({ ...watch, start: failedBad }, { ...failedBad, lastAppliedSpec: "hashA", lastTransitionTime: "t2" }), "promoted");
    });

    it("accepts a release an earlier up left to Flagger: Succeeded on it, unchanged for two intervals, the primary serving its image", async () => {
        const already = { phase: "Succeeded", lastAppliedSpec: "hashB", lastPromotedSpec: "hashB", lastTransitionTime: "2026-12-03T11:30:00Z" };
        const kubectl = fakeKubectl([{ status: already }]);
        const started = Date.now();
        assert.equal(await awaitCanaryVerdict(target, "hashA", { pollSeconds: 0.05, noStatusSeconds: 30, quietSeconds: 0.3 }, kubectl), "hashB");
        assert.ok(Date.now() - started >= 300, "not before the quiet time");
        assert.ok(kubectl.calls.some((args) => args[0] === "deployments.apps/goship-primary"));
        // The primary on another image: Flagger has not acted on this release (is it running?), so no verdict.
        await assert.rejects(awaitCanaryVerdict({ ...target, timeoutSeconds: 0.5 }, "hashA", { pollSeconds: 0.05, noStatusSeconds: 30, quietSeconds: 0.1 },
            fakeKubectl([{ status: already }], target.stableImage)), /reached no verdict .* phase Succeeded/);
    });
});

describe("the canary verdict: a release Flagger rolls back", () => {
    it("fails naming the gate, the value observed over its threshold, the step reached and the stable image", async () => {
        const halted = [...analysisStart, "Advance goship.goship canary weight 5",
            "Halt goship.goship advancement goship-p99-latency 1203.45 > 800",
            "Halt goship.goship advancement goship-p99-latency 1350.10 > 800"];
        const kubectl = fakeKubectl([
            { status: stable },
            { status: progressing(5), events: halted.slice(0, 3) },
            { status: progressing(5, 1), events: halted.slice(0, 4) },
            { status: { phase: "Failed", canaryWeight: 0, failedChecks: 2, lastAppliedSpec: "hashB", lastPromotedSpec: "hashA", lastTransitionTime: "2026-12-03T12:09:00Z" },
                events: [...halted, "Rolling back goship.goship failed checks threshold reached 2", "Canary failed! Scaling down goship.goship"] },
        ]);
        await assert.rejects(awaitCanaryVerdict(target, "hashA", fast, kubectl), (error: Error) => {
            assert.equal(error.message, "Canary goship/goship rolled back at step 5%: gate goship-p99-latency observed 1350.10 ms > 800 ms (2 failed checks); " +
                "the stable version 127.0.0.1:5000/goship@sha256:aaaa keeps serving, 127.0.0.1:5000/goship@sha256:bbbb does not.");
            return true;
        });
        assert.ok(kubectl.closed);
    });

    it("keeps the highest step seen, names every gate that failed, and ignores the halts of an earlier analysis", () => {
        const events = canaryEvents(eventList([
            "Starting canary analysis for goship.goship", "Halt goship.goship advancement goship-request-count 3.00 < 20",
            ...analysisStart, "Advance goship.goship canary weight 5", "Advance goship.goship canary weight 20",
            "Halt goship.goship advancement goship-error-rate 12.50 > 1",
            "Halt goship.goship advancement goship-p99-latency 900.00 > 800",
            "Rolling back goship.goship failed checks threshold reached 2",
        ]));
        const analysis = events.slice(2);
        assert.equal(rolledBackMessage(target, 20, 0, analysis),
            "Canary goship/goship rolled back at step 20%: gate goship-p99-latency observed 900.00 ms > 800 ms (also gate goship-error-rate observed 12.50 % > 1 %) " +
            "(2 failed checks); the stable version 127.0.0.1:5000/goship@sha256:aaaa keeps serving, 127.0.0.1:5000/goship@sha256:bbbb does not.");
    });

    it("says when a gate had no values (the canary served no requests) and when Flagger gave up on the deadline", () => {
        const noValues = canaryEvents(eventList([...analysisStart,
            "Halt advancement no values found for custom metric: goship-p99-latency: no values found",
            "Rolling back goship.goship failed checks threshold reached 2"]));
        assert.match(rolledBackMessage(target, 5, 2, noValues), /rolled back at step 5%: no values found for custom metric: goship-p99-latency: no values found \(did the canary receive requests\?\) \(2 failed checks\)/);
        const ab = canaryEvents(eventList([...analysisStart, "Advance goship.goship canary iteration 1/10", "Advance goship.goship canary iteration 2/10",
            "Halt goship.goship advancement goship-error-rate 5.00 > 1"]));
        assert.match(rolledBackMessage(target, 0, 2, ab), /rolled back at A\/B iteration 2\/10: gate goship-error-rate observed 5\.00 % > 1 %/);
        const deadline = canaryEvents(eventList([...analysisStart, "Rolling back goship.goship progress deadline exceeded canary deployment goship.goship not ready"]));
        assert.match(rolledBackMessage(target, 0, 0, deadline), /rolled back before its first step: Rolling back goship\.goship progress deadline exceeded canary deployment goship\.goship not ready; the stable/);
    });

    it("fails again at once when the release retried is the one Flagger already failed", async () => {
        const failed = { phase: "Failed", failedChecks: 2, lastAppliedSpec: "hashB", lastPromotedSpec: "hashA", lastTransitionTime: "2026-12-03T12:09:00Z" };
        const kubectl = fakeKubectl([
            { status: failed, events: [...analysisStart, "Advance goship.goship canary weight 5", "Halt goship.goship advancement goship-error-rate 40.00 > 1"] },
            { status: { ...failed, lastTransitionTime: "2026-12-03T12:10:00Z" },
                events: [...analysisStart, "Advance goship.goship canary weight 5", "Halt goship.goship advancement goship-error-rate 40.00 > 1"] },
        ]);
        await assert.rejects(awaitCanaryVerdict(target, "hashA", fast, kubectl), /rolled back at step 5%: gate goship-error-rate observed 40\.00 % > 1 %/);
    });

    it("does not take the last release's failure for this one's: Flagger re-syncs the new hash while still Failed, then starts", () => {
        const failedB = { phase: "Failed", canaryWeight: 0, failedChecks: 2, iterations: 0, lastAppliedSpec: "hashB", lastPromotedSpec: "hashA", lastTransitionTime: "t1" };
        const watch = { recorded: "hashA", analysed: new Set<string>(), start: failedB };
        assert.equal(judge(watch, { ...failedB, lastAppliedSpec: "hashC", lastTransitionTime: "t2" }), "waiting");
        assert.equal(judge(watch, { ...failedB, phase: "Progressing", canaryWeight: 5, lastAppliedSpec: "hashC", lastTransitionTime: "t3" }), "waiting");
        assert.equal(judge(watch, { ...failedB, lastAppliedSpec: "hashC", lastTransitionTime: "t4" }), "rolled back");
    });
});

describe("the canary verdict: no verdict", () => {
    it("fails early when Flagger writes no status", async () => {
        await assert.rejects(awaitCanaryVerdict(target, "hashA", { pollSeconds: 0.05, noStatusSeconds: 0.2 }, fakeKubectl([{}])),
            /Canary goship\/goship has no status after 0\.2s: is Flagger running\? kubectl -n flagger-system get deploy flagger/);
        await assert.rejects(awaitCanaryInitialized(target, { pollSeconds: 0.05, noStatusSeconds: 0.2 }, fakeKubectl([{}])), /is Flagger running\?/);
    });

    it("fails on its timeout with the last phase and events", async () => {
        const kubectl = fakeKubectl([{ status: progressing(5), events: [...analysisStart, "Advance goship.goship canary weight 5",
            "Halt advancement goship-primary.goship waiting for rollout to finish: 0 of 1 (readyThreshold 100%) updated replicas are available"] }]);
        await assert.rejects(awaitCanaryVerdict({ ...target, timeoutSeconds: 0.3 }, "hashA", { pollSeconds: 0.05, noStatusSeconds: 30 }, kubectl), (error: Error) => {
            assert.equal(error.message, "Canary goship/goship reached no verdict on 127.0.0.1:5000/goship@sha256:bbbb within 0.3s: " +
                "Flagger reports phase Progressing, canary weight 5%, 0 failed checks; its latest events: Starting canary analysis for goship.goship | " +
                "Advance goship.goship canary weight 5 | Halt advancement goship-primary.goship waiting for rollout to finish: 0 of 1 (readyThreshold 100%) updated replicas are available. " +
                "The analysis goes on in the cluster: `kubectl -n goship describe canary goship`.");
            return true;
        });
    });
});

describe("the canary verdict: kubectl failures", () => {
    it("rides out a failed kubectl or two during a wait, not three in a row", async () => {
        let calls = 0;
        const flaky = (failFrom: number, failTo: number): Kubectl => ({
            get: async (args) => {
                calls++;
                if (calls >= failFrom && calls <= failTo) {
                    throw new Error("kubectl get canaries.flagger.app/goship failed (exit 1): connection refused");
                }
                return args[0] === "events" ? { items: [] } : canary({ status: { phase: "Initialized", lastAppliedSpec: "hashA" } });
            },
            close: () => {},
        });
        assert.equal(await awaitCanaryInitialized(target, fast, flaky(1, 2)), "hashA");
        calls = 0;
        await assert.rejects(awaitCanaryInitialized(target, fast, flaky(1, 3)), /connection refused/);
    });
});

describe("the canary verdict: the first release", () => {
    it("waits for Initialized and records its hash; no analysis", async () => {
        const kubectl = fakeKubectl([
            { status: { phase: "Initializing" } },
            { status: { phase: "Initialized", lastAppliedSpec: "hashA", lastPromotedSpec: "hashA" }, events: ["Initialization done! goship.goship"] },
        ]);
        assert.equal(await awaitCanaryInitialized(target, fast, kubectl), "hashA");
    });

    it("reads the status, the interval and Flagger's halt messages", () => {
        assert.equal(canaryStatus({ status: { phase: "" } }), undefined);
        assert.equal(canaryStatus({}), undefined);
        assert.deepEqual(canaryStatus({ status: { phase: "Progressing", canaryWeight: 20, conditions: [{ type: "Promoted", message: "New revision detected, progressing canary analysis." }] } }), {
            phase: "Progressing", canaryWeight: 20, failedChecks: 0, iterations: 0, lastAppliedSpec: "", lastPromotedSpec: "", lastTransitionTime: "",
            promotedMessage: "New revision detected, progressing canary analysis.",
        });
        assert.deepEqual([analysisIntervalSeconds({ spec: { analysis: { interval: "30s" } } }), analysisIntervalSeconds({ spec: { analysis: { interval: "2m" } } }),
            analysisIntervalSeconds({ spec: { analysis: { interval: "1m30s" } } }), analysisIntervalSeconds({ spec: { analysis: { interval: "5s" } } }),
            analysisIntervalSeconds({})], [30, 120, 90, 10, 60]);
        assert.deepEqual(parseHalt("Halt goship.goship advancement goship-request-count 3.00 < 20"), { metric: "goship-request-count", value: "3.00", comparison: "<", threshold: "20" });
        assert.equal(parseHalt("Halt goship.goship advancement external check load-test failed timeout"), undefined);
        assert.deepEqual(canaryEvents({ items: [{ type: "Warning", message: "(combined from similar events): Halt goship.goship advancement goship-error-rate 2.00 > 1", lastTimestamp: "2026-12-03T12:00:00Z" }] })
            .map((event) => event.message), ["Halt goship.goship advancement goship-error-rate 2.00 > 1"]);
    });

    it("runs $GOSHIP_KUBECTL with the namespace and context, and says what to do when it cannot", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-kubectl-"));
        const script = path.join(dir, "kubectl");
        fs.writeFileSync(script, `#!/bin/sh\necho "$@" >> "${dir}/calls"\ncase "$*" in\n  *canaries.flagger.app/*) echo '{"status":{"phase":"Initialized","lastAppliedSpec":"h1"}}' ;;\n  *) echo '{"items":[]}' ;;\nesac\n`, { mode: 0o755 });
        const before = process.env.GOSHIP_KUBECTL;
        try {
            process.env.GOSHIP_KUBECTL = script;
            assert.equal(await awaitCanaryInitialized({ ...target, context: "goship-local" }, fast), "h1");
            assert.match(fs.readFileSync(path.join(dir, "calls"), "utf8"), /^--context goship-local --namespace goship get canaries\.flagger\.app\/goship --output json$/m);
            process.env.GOSHIP_KUBECTL = path.join(dir, "missing");
            await assert.rejects(awaitCanaryInitialized(target, fast), /cannot run .*missing to read Canary goship\/goship: .*install kubectl, or set GOSHIP_KUBECTL to one/);
        } finally {
            if (before === undefined) {
                delete process.env.GOSHIP_KUBECTL;
            } else {
                process.env.GOSHIP_KUBECTL = before;
            }
        }
    });
});

describe("the CanaryVerdict provider", () => {
    const olds = { namespace: "goship", name: "goship", revision: "r1", image: "i1", timeoutSeconds: 900, lastAppliedSpec: "hashA" };

    it("makes only a new revision a release: a new timeout or summary alone waits for nothing", async () => {
        assert.deepEqual(await canaryVerdictProvider.diff!("goship/goship", olds, { ...olds, timeoutSeconds: 60, summary: "steps 5→100 %" }),
            { changes: false, replaces: [], deleteBeforeReplace: false });
        assert.equal((await canaryVerdictProvider.diff!("goship/goship", olds, { ...olds, revision: "r2", image: "i2" })).changes, true);
    });

    it("serializes with Node built-ins only (the engine runs it without the project's node_modules)", async () => {
        const { text } = await pulumi.runtime.serializeFunction(() => canaryVerdictProvider);
        const required = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]))];
        assert.ok(required.length > 0, text.slice(0, 200));
        assert.deepEqual(required.filter((name) => !builtinModules.includes(name)), []);
    });

    it("replaces itself for another Canary: a first release there", async () => {
        assert.deepEqual(await canaryVerdictProvider.diff!("goship/goship", olds, { ...olds, namespace: "other" }),
            { changes: true, replaces: ["namespace"], deleteBeforeReplace: false });
    });
});
