// Flagger's verdict on a release, read with kubectl: the Canary's status (phase, weight, failed checks, the hash of
// the target's pod template it last saw) and the events Flagger writes on it (pkg/controller/scheduler*.go in
// fluxcd/flagger v1.41.0). `pulumi up` then fails naming the gate, the value observed, the threshold and the step
// instead of succeeding while Flagger rolls back. Runs inside a dynamic provider, whose code Pulumi serializes:
// Node built-ins only.
import { Kubectl, KubectlConnection, kubectl } from "../kubectl";

export interface CanaryTarget extends KubectlConnection {
    /** The Canary's name (= the WebService's and its target Deployment's). */
    name: string;
    /** The image being released, and the one the primary serves until it is promoted (for the messages). */
    image: string;
    stableImage?: string;
    timeoutSeconds: number;
}

export interface CanaryStatus {
    phase: string;
    canaryWeight: number;
    failedChecks: number;
    iterations: number;
    /** Flagger's hash of the target's pod template at its last status write, and of the one it last promoted. */
    lastAppliedSpec: string;
    lastPromotedSpec: string;
    lastTransitionTime: string;
    /** The Promoted condition's message, e.g. "Canary analysis failed, Deployment scaled to zero." */
    promotedMessage?: string;
}

export interface CanaryEvent {
    type: string;
    message: string;
    /** Milliseconds since the epoch of the event's last occurrence (Flagger's clock). */
    at: number;
}

/** A failed check: `Halt <name>.<ns> advancement <metric> <value> > <threshold>` (or `<` for a minimum). */
export interface Halt {
    metric: string;
    value: string;
    comparison: ">" | "<";
    threshold: string;
}

/** How a verdict stands after one look: keep polling, or Flagger promoted, or rolled back. */
export type Verdict = "waiting" | "promoted" | "rolled back";

/** Phases in which an analysis runs (Flagger's shouldAdvance). */
export const ANALYSIS_PHASES = ["Progressing", "Waiting", "WaitingPromotion", "Promoting", "Finalising"];
/** With no status this long, Flagger is not reconciling the Canary at all. */
export const NO_STATUS_SECONDS = 60;
/** Flagger's default analysis interval, when the Canary names none. */
const DEFAULT_INTERVAL_SECONDS = 60;
const POLL_SECONDS = 3;
const COMBINED = "(combined from similar events): ";

/** The Canary's status, or undefined while Flagger has written none. */
export function canaryStatus(canary: unknown): CanaryStatus | undefined {
    type Status = Partial<Record<keyof CanaryStatus, unknown>> & { conditions?: { type?: string; message?: string }[] };
    const status = (canary as { status?: Status } | undefined)?.status;
    if (!status || typeof status.phase !== "string" || status.phase === "") {
        return undefined;
    }
    const text = (value: unknown) => (typeof value === "string" ? value : "");
    const count = (value: unknown) => (typeof value === "number" ? value : 0);
    return {
        phase: status.phase,
        canaryWeight: count(status.canaryWeight),
        failedChecks: count(status.failedChecks),
        iterations: count(status.iterations),
        lastAppliedSpec: text(status.lastAppliedSpec),
        lastPromotedSpec: text(status.lastPromotedSpec),
        lastTransitionTime: text(status.lastTransitionTime),
        promotedMessage: status.conditions?.find((condition) => condition.type === "Promoted")?.message,
    };
}

/** The Canary's analysis interval in seconds (spec.analysis.interval, a Go duration; Flagger's floor is 10 s). */
export function analysisIntervalSeconds(canary: unknown): number {
    const interval = (canary as { spec?: { analysis?: { interval?: unknown } } } | undefined)?.spec?.analysis?.interval;
    if (typeof interval !== "string" || !/^(\d+(h|m|s))+$/.test(interval)) {
        return DEFAULT_INTERVAL_SECONDS;
    }
    const seconds = [...interval.matchAll(/(\d+)(h|m|s)/g)].reduce((sum, [, n, u]) => sum + Number(n) * { h: 3600, m: 60, s: 1 }[u as "h" | "m" | "s"], 0);
    return Math.max(10, seconds);
}

/**
 * The events of a kubectl `get events -o json` answer, oldest first. Flagger writes every event with reason Synced,
 * so after ten in ten minutes Kubernetes folds the next into one "(combined from similar events): …" event: the
 * prefix is dropped, the message kept.
 */
export function canaryEvents(eventList: unknown): CanaryEvent[] {
    type Event = { type?: string; message?: string; lastTimestamp?: string; eventTime?: string;
        series?: { lastObservedTime?: string }; metadata?: { creationTimestamp?: string } };
    const items = (eventList as { items?: Event[] } | undefined)?.items ?? [];
    return items
        .map((event) => {
            const message = String(event.message ?? "").trim();
            return {
                type: event.type ?? "",
                message: message.startsWith(COMBINED) ? message.slice(COMBINED.length) : message,
                at: Date.parse(event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp ?? "") || 0,
            };
        })
        .sort((a, b) => a.at - b.at);
}

/** The events of the latest analysis: from its last "New revision detected! Scaling up" / "Starting canary analysis". */
export function latestAnalysis(events: CanaryEvent[]): CanaryEvent[] {
    let start = -1;
    events.forEach((event, index) => {
        if (/^(New revision detected! (Scaling up|Restarting analysis)|Starting canary analysis) /.test(event.message)) {
            start = index;
        }
    });
    return start < 0 ? events : events.slice(start);
}

/** `Halt goship.goship advancement goship-p99-latency 1203.45 > 800` → the gate, its value and threshold. */
export function parseHalt(message: string): Halt | undefined {
    const match = /^Halt \S+ advancement (\S+) (\S+) ([<>]) (\S+)$/.exec(message);
    return match ? { metric: match[1], value: match[2], comparison: match[3] as ">" | "<", threshold: match[4] } : undefined;
}

/** The highest canary weight an analysis reached, from Flagger's "Advance <name>.<ns> canary weight <n>" events. */
export function highestWeight(events: CanaryEvent[]): number {
    return events.reduce((highest, event) => {
        const match = /^Advance \S+ canary weight (\d+)$/.exec(event.message);
        return match ? Math.max(highest, Number(match[1])) : highest;
    }, 0);
}

/** The last A/B testing iteration of an analysis ("Advance <name>.<ns> canary iteration 2/10"), as "2/10". */
export function lastIteration(events: CanaryEvent[]): string | undefined {
    return [...events].reverse().map((event) => /^Advance \S+ canary iteration (\d+\/\d+)$/.exec(event.message)?.[1]).find(Boolean);
}

/** The gate's unit, from the MetricTemplate it names (`<name>-p99-latency` in ms, `<name>-error-rate` in %). */
function unit(metric: string): string {
    return metric.endsWith("p99-latency") ? " ms" : metric.endsWith("error-rate") ? " %" : "";
}

function describeHalt(halt: Halt): string {
    const u = unit(halt.metric);
    return `gate ${halt.metric} observed ${halt.value}${u} ${halt.comparison} ${halt.threshold}${u}`;
}

/** Why Flagger rolled back, from the events of the analysis: the gates that halted it, or its own reason. */
export function rollbackReason(analysis: CanaryEvent[]): string {
    const halts = analysis.map((event) => parseHalt(event.message)).filter((halt): halt is Halt => halt !== undefined);
    if (halts.length > 0) {
        // The latest failed check first; each other gate that failed once, at its latest value.
        const latest = halts[halts.length - 1];
        const others = new Map(halts.filter((halt) => halt.metric !== latest.metric).map((halt) => [halt.metric, halt]));
        return describeHalt(latest) + (others.size > 0 ? ` (also ${[...others.values()].map(describeHalt).join(", ")})` : "");
    }
    const noValues = [...analysis].reverse().find((event) => /^Halt advancement no values found for /.test(event.message));
    if (noValues) {
        return `${noValues.message.replace(/^Halt advancement /, "")} (did the canary receive requests?)`;
    }
    const warning = [...analysis].reverse().find((event) => event.type === "Warning" && !/^(Rolling back \S+ failed checks|Canary failed!)/.test(event.message));
    return warning ? warning.message : "Flagger wrote no reason (kubectl describe canary for its events)";
}

/** The failure `pulumi up` reports when Flagger rolled a release back. */
export function rolledBackMessage(target: CanaryTarget, step: number, failedChecks: number, analysis: CanaryEvent[]): string {
    const threshold = [...analysis].reverse().map((event) => /^Rolling back \S+ failed checks threshold reached (\d+)$/.exec(event.message)).find(Boolean);
    const checks = threshold ? Number(threshold[1]) : failedChecks;
    const iteration = lastIteration(analysis);
    // With weights the step reached; in A/B testing (a match and iterations, no weights) the iteration.
    const where = step > 0 ? `at step ${step}%` : iteration ? `at A/B iteration ${iteration}` : "before its first step";
    return `Canary ${target.namespace}/${target.name} rolled back ${where}: ${rollbackReason(analysis)}` +
        (checks > 0 ? ` (${checks} failed checks)` : "") +
        `; the stable version ${target.stableImage ?? "(the primary's)"} keeps serving, ${target.image} does not.`;
}

/** What a timeout reports: the last phase Flagger wrote and its latest events. */
export function timeoutMessage(target: CanaryTarget, status: CanaryStatus | undefined, events: CanaryEvent[]): string {
    const phase = status
        ? `phase ${status.phase}, canary weight ${status.canaryWeight}%, ${status.failedChecks} failed checks${status.promotedMessage ? ` (${status.promotedMessage})` : ""}`
        : "no status";
    const latest = events.slice(-3).map((event) => event.message);
    return `Canary ${target.namespace}/${target.name} reached no verdict on ${target.image} within ${target.timeoutSeconds}s: Flagger reports ${phase}` +
        (latest.length > 0 ? `; its latest events: ${latest.join(" | ")}` : "; Flagger wrote no event") +
        ". The analysis goes on in the cluster: `kubectl -n " + target.namespace + " describe canary " + target.name + "`.";
}

/** What one look at the status says about a release, given what was seen before it. */
export interface Watch {
    /** lastAppliedSpec recorded by the last verdict (the stable release's hash). */
    recorded?: string;
    /** The status at the first look: until Flagger writes another, it may predate the release. */
    start?: CanaryStatus;
    /** Hashes seen in an analysis phase while waiting. */
    analysed: Set<string>;
}

function changed(a: CanaryStatus, b: CanaryStatus | undefined): boolean {
    return !b || a.phase !== b.phase || a.lastAppliedSpec !== b.lastAppliedSpec || a.lastTransitionTime !== b.lastTransitionTime;
}

/**
 * The verdict on a release (an update of the target Deployment), from one status. Flagger writes status only when it
 * acts, so a status equal to the first look may be from before the release: it decides nothing. Promoted: Succeeded
 * with the promoted hash applied, after an analysis of it or a write since the first look; or Failed with the promoted
 * hash applied since (a revert to the stable version: Flagger runs no analysis for it). Rolled back: Failed after an
 * analysis of that hash, or Failed again on the hash that had failed before the release (the same release retried).
 */
export function judge(watch: Watch, status: CanaryStatus): Verdict {
    const fresh = changed(status, watch.start);
    if (ANALYSIS_PHASES.includes(status.phase)) {
        watch.analysed.add(status.lastAppliedSpec);
        return "waiting";
    }
    const analysed = watch.analysed.has(status.lastAppliedSpec);
    const promoted = status.lastAppliedSpec !== "" && status.lastAppliedSpec === status.lastPromotedSpec;
    if (status.phase === "Succeeded" && promoted && (analysed || (fresh && status.lastAppliedSpec !== watch.recorded))) {
        return "promoted";
    }
    if (status.phase === "Failed") {
        if (promoted && fresh) {
            return "promoted";
        }
        const sameFailure = fresh && watch.start?.phase === "Failed" && watch.start.lastAppliedSpec === status.lastAppliedSpec;
        if (!promoted && (analysed || sameFailure)) {
            return "rolled back";
        }
    }
    return "waiting";
}

export interface Timing {
    pollSeconds: number;
    /** How long a missing status is tolerated. */
    noStatusSeconds: number;
    /** How long an unchanged Succeeded counts as Flagger seeing nothing new; default two analysis intervals. */
    quietSeconds?: number;
}

const defaultKubectl = (target: CanaryTarget): Kubectl => kubectl(target, `Canary ${target.namespace}/${target.name}`,
    "install kubectl, or set GOSHIP_KUBECTL to one");

/** The images of a Deployment's containers, e.g. the primary Flagger promotes to. */
export function deploymentImages(deployment: unknown): string[] {
    const containers = (deployment as { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } } | undefined)?.spec?.template?.spec?.containers ?? [];
    return containers.map((container) => container.image ?? "");
}

/** kubectl failures in a row that end a wait: an analysis lasts minutes, and the API server may blink meanwhile. */
export const KUBECTL_RETRIES = 3;

interface Look { canary?: unknown; status?: CanaryStatus; events: CanaryEvent[] }

/** The Canary and its events; the previous look again after a failed kubectl, until KUBECTL_RETRIES in a row. */
async function look(client: Kubectl, target: CanaryTarget, previous: Look & { failures?: number }): Promise<Look & { failures: number }> {
    try {
        const canary = await client.get([`canaries.flagger.app/${target.name}`]);
        const events = canaryEvents(await client.get(["events", "--field-selector", `involvedObject.kind=Canary,involvedObject.name=${target.name}`]));
        return { canary, status: canaryStatus(canary), events, failures: 0 };
    } catch (error) {
        const failures = (previous.failures ?? 0) + 1;
        // No kubectl at all is not a blink.
        if (failures >= KUBECTL_RETRIES || /^cannot run /.test((error as Error).message)) {
            throw error;
        }
        return { ...previous, failures };
    }
}

function noStatusError(target: CanaryTarget, seconds: number): Error {
    return new Error(`Canary ${target.namespace}/${target.name} has no status after ${seconds}s: is Flagger running? ` +
        "kubectl -n flagger-system get deploy flagger (and its logs: kubectl -n flagger-system logs deploy/flagger)");
}

/**
 * The first release of a Canary: Flagger creates the primary from the target and reports Initialized (no analysis).
 * Resolves with the lastAppliedSpec to record; rejects when Flagger fails the initialization, has written no status
 * after noStatusSeconds, or when timeoutSeconds pass.
 */
export async function awaitCanaryInitialized(target: CanaryTarget, timing: Timing = { pollSeconds: POLL_SECONDS, noStatusSeconds: NO_STATUS_SECONDS },
    client: Kubectl = defaultKubectl(target)): Promise<string> {
    const started = Date.now();
    let last: Look & { failures?: number } = { events: [] };
    try {
        for (;;) {
            last = await look(client, target, last);
            const status = last.status;
            if (status && (status.phase === "Initialized" || status.phase === "Succeeded")) {
                return status.lastAppliedSpec;
            }
            if (status?.phase === "Failed") {
                throw new Error(`Canary ${target.namespace}/${target.name} failed to initialize with ${target.image}: ${rollbackReason(last.events)}`);
            }
            const elapsed = (Date.now() - started) / 1000;
            if (!status && elapsed >= timing.noStatusSeconds) {
                throw noStatusError(target, timing.noStatusSeconds);
            }
            if (elapsed >= target.timeoutSeconds) {
                throw new Error(timeoutMessage(target, status, latestAnalysis(last.events)));
            }
            await new Promise((resolve) => setTimeout(resolve, timing.pollSeconds * 1000));
        }
    } finally {
        client.close();
    }
}

/**
 * A release: Flagger analyses the new revision step by step and promotes or rolls it back. Resolves with the promoted
 * lastAppliedSpec; rejects with rolledBackMessage, or on timeout with the last phase and events. `recorded` is the
 * lastAppliedSpec of the last verdict. A status that stays as it was at the first look for two analysis intervals
 * while Succeeded (or Initialized), with the primary serving the image released, is a release Flagger already promoted (an earlier
 * `up` that timed out): promoted.
 */
export async function awaitCanaryVerdict(target: CanaryTarget, recorded: string | undefined,
    timing: Timing = { pollSeconds: POLL_SECONDS, noStatusSeconds: NO_STATUS_SECONDS }, client: Kubectl = defaultKubectl(target)): Promise<string> {
    const started = Date.now();
    const watch: Watch = { recorded, analysed: new Set() };
    let step = 0;
    let last: Look & { failures?: number } = { events: [] };
    try {
        for (;;) {
            last = await look(client, target, last);
            const status = last.status;
            const elapsed = (Date.now() - started) / 1000;
            if (status) {
                watch.start ??= status;
                const analysis = latestAnalysis(last.events);
                // Flagger sets the weight back to 0 when it rolls back: the step is the highest weight seen.
                step = Math.max(step, status.canaryWeight, ANALYSIS_PHASES.includes(status.phase) || watch.analysed.size > 0 ? highestWeight(analysis) : 0);
                const verdict = judge(watch, status);
                if (verdict === "promoted") {
                    return status.lastAppliedSpec;
                }
                if (verdict === "rolled back") {
                    throw new Error(rolledBackMessage(target, step || highestWeight(analysis), status.failedChecks, analysis));
                }
                if ((status.phase === "Succeeded" || status.phase === "Initialized") && !changed(status, watch.start) && watch.analysed.size === 0 &&
                    elapsed >= (timing.quietSeconds ?? 2 * analysisIntervalSeconds(last.canary) + timing.pollSeconds)) {
                    const primary = deploymentImages(await client.get([`deployments.apps/${target.name}-primary`]));
                    if (primary.includes(target.image)) {
                        return status.lastAppliedSpec;
                    }
                }
            } else if (elapsed >= timing.noStatusSeconds) {
                throw noStatusError(target, timing.noStatusSeconds);
            }
            if (elapsed >= target.timeoutSeconds) {
                throw new Error(timeoutMessage(target, status, latestAnalysis(last.events)));
            }
            await new Promise((resolve) => setTimeout(resolve, timing.pollSeconds * 1000));
        }
    } finally {
        client.close();
    }
}
