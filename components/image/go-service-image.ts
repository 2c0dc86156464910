// GoServiceImage: builds the Go service's Dockerfile, pushes it, and outputs `repository@sha256:…`.
// It rebuilds only when the Go build inputs change (see source-hash.ts).
import * as pulumi from "@pulumi/pulumi";
import { refuseProblems } from "../validation/problems";
import { GoServiceImageArgs, planImageBuild } from "./build-plan";
import { ImageProviderInputs, imageProvider } from "./provider";
import { imageProblems } from "./validate";

export { GoServiceImageArgs, IMAGE_PLATFORMS, ImagePlatform, resolveImageArgs } from "./build-plan";

/** The dynamic resource; its outputs are what the provider returns (never the credentials). */
class GoServiceImageBuild extends pulumi.dynamic.Resource {
    declare readonly ref: pulumi.Output<string>;
    declare readonly digest: pulumi.Output<string>;
    declare readonly tag: pulumi.Output<string>;

    constructor(name: string, inputs: Record<keyof ImageProviderInputs, pulumi.Input<unknown>>, opts: pulumi.CustomResourceOptions) {
        super(imageProvider, name, { ...inputs, ref: undefined, digest: undefined }, opts, "goship", "GoServiceImageBuild");
    }
}

export class GoServiceImage extends pulumi.ComponentResource {
    /** `repository@sha256:…`, pinned by digest. */
    readonly ref: pulumi.Output<string>;
    readonly digest: pulumi.Output<string>;
    /** Identity of the image: source hash plus repository. Its first 20 hex digits are the pushed tag. */
    readonly contentHash: pulumi.Output<string>;
    /** The files hashed, relative to the context. */
    readonly hashedFiles: string[];

    /** Every problem of the arguments is reported at once, before anything is registered. */
    constructor(name: string, args: GoServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
        refuseProblems(`GoServiceImage ${name}`, imageProblems(args));
        super("goship:image:GoServiceImage", name, {}, opts);
        const plan = planImageBuild(args);
        this.contentHash = plan.contentHash;
        this.hashedFiles = plan.hashedFiles;

        const inputs: Record<keyof ImageProviderInputs, pulumi.Input<unknown>> = {
            repository: args.registry.repositoryUrl,
            tag: plan.tag,
            contentHash: plan.contentHash,
            context: args.context,
            dockerfile: plan.dockerfile,
            platform: plan.platform,
            buildArgs: plan.buildArgs,
            network: args.network,
            server: args.registry.server,
            username: args.registry.credentials.apply((credentials) => credentials.username),
            password: pulumi.secret(args.registry.credentials.apply((credentials) => credentials.password)),
            insecure: args.registry.insecure,
            logFile: plan.logFile,
        };
        const build = new GoServiceImageBuild(name, inputs, { parent: this });
        this.ref = build.ref;
        this.digest = build.digest;
        this.registerOutputs({ ref: this.ref, digest: this.digest, contentHash: this.contentHash });
    }
}
