// Alternative builder: @pulumi/docker's Image (BuildKit through the Docker engine API), for users who have the
// pulumi-resource-docker plugin. Same tag scheme and digest-pinned output as GoServiceImage, but docker.Image diffs
// the whole build context, so unrelated edits (README, tests) rebuild. It cannot be used offline (its plugin cannot
// be built from the Go module proxy), so the local stack uses GoServiceImage.
import * as path from "path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { refuseProblems } from "../validation/problems";
import { GoServiceImageArgs, planImageBuild } from "./build-plan";
import { imageProblems } from "./validate";

export class PulumiDockerGoServiceImage extends pulumi.ComponentResource {
    readonly ref: pulumi.Output<string>;
    readonly contentHash: pulumi.Output<string>;

    constructor(name: string, args: GoServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
        refuseProblems(`PulumiDockerGoServiceImage ${name}`, imageProblems(args));
        super("goship:image:PulumiDockerGoServiceImage", name, {}, opts);
        const plan = planImageBuild(args);
        this.contentHash = plan.contentHash;

        const image = new docker.Image(name, {
            imageName: pulumi.interpolate`${args.registry.repositoryUrl}:${plan.tag}`,
            build: {
                context: args.context,
                dockerfile: path.join(args.context, plan.dockerfile),
                platform: plan.platform,
                network: args.network,
                args: plan.buildArgs,
            },
            registry: {
                server: args.registry.server,
                username: args.registry.credentials.apply((credentials) => credentials.username),
                password: pulumi.secret(args.registry.credentials.apply((credentials) => credentials.password)),
            },
        }, { parent: this });
        this.ref = image.repoDigest;
        this.registerOutputs({ ref: this.ref });
    }
}
