// Whether KEDA has accepted a ScaledObject, read with kubectl: its Ready condition and the Warning events KEDA writes
// on it (KEDAScalerFailed carries the scaler's own error, e.g. a refused SASL login). pulumi-kubernetes'
// `pulumi.com/waitFor: condition=Ready` only says "Resource has condition Ready=False (want True)" and then times
// out; this names the trigger and KEDA's reason instead. Runs inside a dynamic provider, whose code Pulumi
// serializes: Node built-ins only.
import { kubectl } from "../kubectl";

export interface ScaledObjectTarget {
    namespace: string;
    name: string;
    /** What the trigger is, for the message: `kafka trigger (topic orders, consumer group …, brokers …)`. */
    trigger: string;
    /** A path, or a kubeconfig's contents; unset: kubectl's own default (KUBECONFIG, ~/.kube/config). */
    kubeconfig?: string;
    context?: string;
    timeoutSeconds: number;
}

interface Condition {
    type?: string;
    status?: string;
    reason?: string;
    message?: string;
}

export interface KedaEvent {
    type?: string;
    reason?: string;
    message?: string;
    /** Milliseconds since the epoch of the event's last occurrence. */
    at: number;
}

/** Ready must hold this long, with no Warning in between: KEDA keeps an old Ready=True until it re-reconciles a change. */
export const SETTLE_SECONDS = 10;
const POLL_SECONDS = 3;

export function readyCondition(scaledObject: unknown): Condition | undefined {
    const conditions = (scaledObject as { status?: { conditions?: Condition[] } } | undefined)?.status?.conditions ?? [];
    return conditions.find((condition) => condition.type === "Ready");
}

/** Warning events of a kubectl `get events -o json` answer, newest first, each reason and message once. */
export function warnings(eventList: unknown): KedaEvent[] {
    type Event = { type?: string; reason?: string; message?: string; lastTimestamp?: string; eventTime?: string;
        series?: { lastObservedTime?: string }; metadata?: { creationTimestamp?: string } };
    const items = (eventList as { items?: Event[] } | undefined)?.items ?? [];
    const seen = new Set<string>();
    return items
        .filter((event) => event.type === "Warning")
        .map((event) => ({
            type: event.type,
            reason: event.reason,
            message: String(event.message ?? "").trim(),
            at: Date.parse(event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp ?? "") || 0,
        }))
        .sort((a, b) => b.at - a.at)
        .filter((event) => {
            const key = `${event.reason}: ${event.message}`;
            return seen.has(key) ? false : (seen.add(key), true);
        });
}

/** The failure `pulumi up` reports: the object, its trigger, KEDA's Ready condition and its latest warnings. */
export function notReadyMessage(target: ScaledObjectTarget, ready: Condition | undefined, events: KedaEvent[]): string {
    const condition = ready
        ? `Ready=${ready.status}${ready.reason || ready.message ? ` (${[ready.reason, ready.message].filter(Boolean).join(": ")})` : ""}`
        : "no Ready condition (is the KEDA operator running?)";
    const latest = events.slice(0, 3).map((event) => `${event.reason}: ${event.message}`);
    return `ScaledObject ${target.namespace}/${target.name} with its ${target.trigger} did not become Ready within ${target.timeoutSeconds}s: ` +
        `KEDA reports ${condition}` + (latest.length > 0 ? `; KEDA's latest warnings: ${latest.join(" | ")}` : "; KEDA wrote no warning event") +
        ". Nothing scales on this trigger until it is fixed.";
}

/**
 * Resolves once the ScaledObject has been Ready for SETTLE_SECONDS with no new Warning event; rejects with
 * notReadyMessage when timeoutSeconds pass first, or at once when kubectl cannot read the object.
 */
export async function awaitScaledObjectReady(target: ScaledObjectTarget, timing: { settleSeconds: number; pollSeconds: number } = { settleSeconds: SETTLE_SECONDS, pollSeconds: POLL_SECONDS }): Promise<void> {
    const now = Date.now;
    const client = kubectl(target, `ScaledObject ${target.namespace}/${target.name}`, "install kubectl, set GOSHIP_KUBECTL to one, or set awaitReady false");
    const started = now();
    const deadline = started + target.timeoutSeconds * 1000;
    let readySince: number | undefined;
    let ready: Condition | undefined;
    let events: KedaEvent[] = [];
    try {
        for (;;) {
            const scaledObject = await client.get([`scaledobjects.keda.sh/${target.name}`]);
            const eventList = await client.get(["events", "--field-selector", `involvedObject.kind=ScaledObject,involvedObject.name=${target.name}`]);
            ready = readyCondition(scaledObject);
            events = warnings(eventList);
            const checkedAt = now();
            const newWarning = events.some((event) => event.at >= started - 1000 && event.at >= (readySince ?? checkedAt) - 1000);
            if (ready?.status === "True" && !newWarning) {
                readySince ??= checkedAt;
                if (checkedAt - readySince >= timing.settleSeconds * 1000) {
                    return;
                }
            } else {
                readySince = undefined;
            }
            if (checkedAt >= deadline) {
                // KEDA's warnings of this attempt, or, when it wrote none now, the last it wrote.
                const recent = events.filter((event) => event.at >= started - 60_000);
                throw new Error(notReadyMessage(target, ready, recent.length > 0 ? recent : events));
            }
            await new Promise((resolve) => setTimeout(resolve, timing.pollSeconds * 1000));
        }
    } finally {
        client.close();
    }
}
