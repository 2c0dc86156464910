// PLACEHOLDER (branch delivery): the contract's CanaryVerdict interface only, so WebService can be written and tested
// against it. The real resource (kubectl waits for Flagger's verdict) is written on branch `verdict`; the lead takes
// that file in place of this one. This one waits for nothing.
import * as pulumi from "@pulumi/pulumi";

export interface CanaryVerdictArgs {
    namespace: pulumi.Input<string>;
    /** The Canary's (= the WebService's) name. */
    name: pulumi.Input<string>;
    /** sha256 of the target Deployment's pod template inputs: a change = a release. */
    revision: pulumi.Input<string>;
    /** The image being released (repo@sha256:...), for messages and preview. */
    image: pulumi.Input<string>;
    /** How long `pulumi up` waits for Flagger's verdict. */
    timeoutSeconds: number;
    kubeconfig?: pulumi.Input<string>;
    context?: string;
}

const placeholderProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: `${inputs.namespace}/${inputs.name}`, outs: inputs };
    },
};

export class CanaryVerdict extends pulumi.dynamic.Resource {
    constructor(name: string, args: CanaryVerdictArgs, opts?: pulumi.CustomResourceOptions) {
        super(placeholderProvider, name, args, opts, "goship", "CanaryVerdict");
    }
}
