// ScaledObjectReadiness: a dynamic resource whose create and update wait for KEDA to report the ScaledObject Ready
// (keda-status.ts), so `pulumi up` fails naming the trigger and KEDA's reason when it does not, instead of KEDA falling
// back without a word. It re-checks whenever the ScaledObject or its TriggerAuthentication changes (their
// resourceVersions are inputs); it owns nothing in the cluster, so delete does nothing.
import * as pulumi from "@pulumi/pulumi";
import { ScaledObjectTarget, awaitScaledObjectReady } from "./keda-status";

interface ReadinessInputs extends ScaledObjectTarget {
    /** The objects' resourceVersions: a change of either is a new configuration for KEDA to accept. */
    revisions: string[];
}

const readinessProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: ReadinessInputs, news: ReadinessInputs): Promise<pulumi.dynamic.DiffResult> {
        const changed = (["namespace", "name", "trigger", "timeoutSeconds", "context"] as const).some((field) => olds[field] !== news[field]) ||
            JSON.stringify(olds.revisions) !== JSON.stringify(news.revisions);
        return { changes: changed };
    },
    async create(inputs: ReadinessInputs): Promise<pulumi.dynamic.CreateResult> {
        await awaitScaledObjectReady(inputs);
        return { id: `${inputs.namespace}/${inputs.name}`, outs: inputs };
    },
    async update(_id: string, _olds: ReadinessInputs, news: ReadinessInputs): Promise<pulumi.dynamic.UpdateResult> {
        await awaitScaledObjectReady(news);
        return { outs: news };
    },
    async delete(): Promise<void> {},
};

export interface ScaledObjectReadinessArgs {
    namespace: pulumi.Input<string>;
    name: pulumi.Input<string>;
    trigger: string;
    timeoutSeconds: number;
    revisions: pulumi.Input<string>[];
    /** The cluster the provider talks to: its kubeconfig (path or contents) and context. */
    kubeconfig?: pulumi.Input<string>;
    context?: string;
}

export class ScaledObjectReadiness extends pulumi.dynamic.Resource {
    constructor(name: string, args: ScaledObjectReadinessArgs, opts?: pulumi.CustomResourceOptions) {
        super(readinessProvider, name, {
            ...args,
            kubeconfig: args.kubeconfig === undefined ? undefined : pulumi.secret(args.kubeconfig),
        }, opts, "goship", "ScaledObjectReadiness");
    }
}
