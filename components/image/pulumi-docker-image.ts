// Alternative builder: @pulumi/docker's Image (BuildKit through the Docker engine API), for users who have the
// pulumi-resource-docker plugin. Same tag scheme and digest-pinned output as GoServiceImage, but docker.Image diffs
// the whole build context, so unrelated edits (README, tests) rebuild. It cannot be used offline (its plugin cannot
// be built from the Go module proxy), so the local stack uses GoServiceImage.
import * as path from "path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, IMAGE_TAG_PREFIX } from "../defaults";
import { goProxyBuildArgs } from "./go-proxy";
import { GoServiceImageArgs } from "./go-service-image";
import { hashBuildInputs, imageContentHash } from "./source-hash";

export class PulumiDockerGoServiceImage extends pulumi.ComponentResource {
    readonly ref: pulumi.Output<string>;
    readonly contentHash: pulumi.Output<string>;

    constructor(name: string, args: GoServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("goship:image:PulumiDockerGoServiceImage", name, {}, opts);
        const dockerfile = args.dockerfile ?? DEFAULTS.image.dockerfile;
        const platform = args.platform ?? DEFAULTS.image.platform;
        const buildArgs = args.buildArgs ?? {};
        const source = hashBuildInputs({
            context: args.context, dockerfile, mainPackage: args.mainPackage ?? DEFAULTS.image.mainPackage, buildArgs, platform,
        });
        this.contentHash = args.registry.repositoryUrl.apply((repository) => imageContentHash(source.hash, repository));
        const passGoProxy = args.passGoProxy ?? DEFAULTS.image.passGoProxy;

        const image = new docker.Image(name, {
            imageName: pulumi.interpolate`${args.registry.repositoryUrl}:${IMAGE_TAG_PREFIX}${this.contentHash.apply((hash) => hash.slice(0, 20))}`,
            build: {
                context: args.context,
                dockerfile: path.join(args.context, dockerfile),
                platform,
                network: args.network,
                args: { ...(passGoProxy ? goProxyBuildArgs(path.join(args.context, dockerfile)) : {}), ...buildArgs },
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
