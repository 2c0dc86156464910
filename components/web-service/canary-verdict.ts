// CanaryVerdict: a dynamic resource that makes `pulumi up` wait for Flagger's verdict on a release (canary-status.ts)
// and fail, naming the gate, the value observed and the step, when Flagger rolled it back. Its `revision` is the hash
// of the target Deployment's pod template inputs: a change is a release, so an `up` that changes nothing waits for
// no analysis. It owns nothing in the cluster (Flagger owns the primary and the routes), so delete does nothing.
import * as pulumi from "@pulumi/pulumi";
import { CanaryTarget, awaitCanaryInitialized, awaitCanaryVerdict } from "./canary-status";

export interface CanaryVerdictArgs {
    namespace: pulumi.Input<string>;
    /** The Canary's (= the WebService's) name. */
    name: pulumi.Input<string>;
    /** sha256 of the target Deployment's pod template inputs: a change = a release. */
    revision: pulumi.Input<string>;
    /** The image being released (repo@sha256:…), for messages and the preview summary. */
    image: pulumi.Input<string>;
    /** How long `pulumi up` waits for Flagger's verdict. */
    timeoutSeconds: number;
    /** What the analysis is, for the preview summary: "steps 5→20→100 %, P99 ≤ 800 ms, errors ≤ 1 %, ≥ 20 requests/step". */
    summary?: pulumi.Input<string>;
    /** The cluster the provider talks to: its kubeconfig (path or contents) and context. */
    kubeconfig?: pulumi.Input<string>;
    context?: string;
}

export interface CanaryVerdictInputs {
    namespace: string;
    name: string;
    revision: string;
    image: string;
    timeoutSeconds: number;
    summary?: string;
    kubeconfig?: string;
    context?: string;
}

export interface CanaryVerdictOutputs extends CanaryVerdictInputs {
    /** Flagger's hash of the pod template it last initialized or promoted: what the next release must differ from. */
    lastAppliedSpec: string;
}

/** What an analysis is, in the words the preview summary shows: `steps 5→20→100 %, P99 ≤ 800 ms, errors ≤ 1 %, ≥ 20 requests/step`. */
export function analysisSummary(analysis: {
    stepWeights: number[];
    gates: { maxP99LatencyMs: number; maxErrorPercent: number; minRequests: number };
    /** The A/B match, described: `cookie user-group=canary`, `header x-canary: always`. */
    match?: string;
}): string {
    const { gates } = analysis;
    return `steps ${analysis.stepWeights.join("→")} %, P99 ≤ ${gates.maxP99LatencyMs} ms, errors ≤ ${gates.maxErrorPercent} %, ≥ ${gates.minRequests} requests/step` +
        (analysis.match ? `; ${analysis.match} reaches the canary first` : "");
}

function target(inputs: CanaryVerdictInputs, stableImage?: string): CanaryTarget {
    return { namespace: inputs.namespace, name: inputs.name, image: inputs.image, stableImage, timeoutSeconds: inputs.timeoutSeconds,
        kubeconfig: inputs.kubeconfig, context: inputs.context };
}

export const canaryVerdictProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: CanaryVerdictOutputs, news: CanaryVerdictInputs): Promise<pulumi.dynamic.DiffResult> {
        // Another Canary is a first release again; only a new revision is a release of this one. The other inputs
        // (timeout, summary, connection) are taken as they are, without an analysis to wait for.
        const replaces = (["namespace", "name"] as const).filter((field) => olds[field] !== news[field]);
        return { changes: replaces.length > 0 || olds.revision !== news.revision, replaces, deleteBeforeReplace: false };
    },
    async create(inputs: CanaryVerdictInputs): Promise<pulumi.dynamic.CreateResult> {
        const lastAppliedSpec = await awaitCanaryInitialized(target(inputs));
        return { id: `${inputs.namespace}/${inputs.name}`, outs: { ...inputs, lastAppliedSpec } };
    },
    async update(_id: string, olds: CanaryVerdictOutputs, news: CanaryVerdictInputs): Promise<pulumi.dynamic.UpdateResult> {
        // olds are the last verdict's (a failed update records nothing): its image is the one the primary serves.
        const lastAppliedSpec = await awaitCanaryVerdict(target(news, olds.image), olds.lastAppliedSpec);
        return { outs: { ...news, lastAppliedSpec } };
    },
    async delete(): Promise<void> {},
};

export class CanaryVerdict extends pulumi.dynamic.Resource {
    /** Flagger's hash of the pod template it last initialized or promoted. */
    public readonly lastAppliedSpec!: pulumi.Output<string>;

    constructor(name: string, args: CanaryVerdictArgs, opts?: pulumi.CustomResourceOptions) {
        super(canaryVerdictProvider, name, {
            ...args,
            kubeconfig: args.kubeconfig === undefined ? undefined : pulumi.secret(args.kubeconfig),
            lastAppliedSpec: undefined,
        }, opts, "goship", "CanaryVerdict");
    }
}
