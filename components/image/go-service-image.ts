// GoServiceImage: builds the Go service's Dockerfile, pushes it, and outputs `repository@sha256:…`.
// It rebuilds only when the Go build inputs change (see source-hash.ts).
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, IMAGE_TAG_PREFIX } from "../defaults";
import { ContainerRegistry } from "../registry/types";
import { goProxyBuildArgs } from "./go-proxy";
import { ImageProviderInputs, imageProvider } from "./provider";
import { hashBuildInputs, imageContentHash } from "./source-hash";

export interface GoServiceImageArgs {
    registry: ContainerRegistry;
    /** Absolute path of the build context: the Go module (go.mod at its root). */
    context: string;
    /** Dockerfile relative to the context (default: Dockerfile). */
    dockerfile?: string;
    /** Main package of the binary, relative to the module (default: ./cmd/server). */
    mainPackage?: string;
    /** os/arch of the cluster's nodes (default: linux/amd64). */
    platform?: string;
    /** Build args; part of the content hash. */
    buildArgs?: Record<string, string>;
    /** Pass this machine's Go proxy settings into the build (default: true); not part of the hash. */
    passGoProxy?: boolean;
    /** docker build --network, e.g. host. */
    network?: string;
    /** The builder's log (default: .goship/logs/image-build.log under the working directory). */
    logFile?: string;
}

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

    constructor(name: string, args: GoServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("goship:image:GoServiceImage", name, {}, opts);
        const dockerfile = args.dockerfile ?? DEFAULTS.image.dockerfile;
        const platform = args.platform ?? DEFAULTS.image.platform;
        const buildArgs = args.buildArgs ?? {};

        const source = hashBuildInputs({
            context: args.context,
            dockerfile,
            mainPackage: args.mainPackage ?? DEFAULTS.image.mainPackage,
            buildArgs,
            platform,
        });
        this.hashedFiles = source.files;
        this.contentHash = args.registry.repositoryUrl.apply((repository) => imageContentHash(source.hash, repository));

        const passGoProxy = args.passGoProxy ?? DEFAULTS.image.passGoProxy;
        const inputs: Record<keyof ImageProviderInputs, pulumi.Input<unknown>> = {
            repository: args.registry.repositoryUrl,
            tag: this.contentHash.apply((hash) => `${IMAGE_TAG_PREFIX}${hash.slice(0, 20)}`),
            contentHash: this.contentHash,
            context: args.context,
            dockerfile,
            platform,
            buildArgs: { ...(passGoProxy ? goProxyBuildArgs(path.join(args.context, dockerfile)) : {}), ...buildArgs },
            network: args.network,
            server: args.registry.server,
            username: args.registry.credentials.apply((credentials) => credentials.username),
            password: pulumi.secret(args.registry.credentials.apply((credentials) => credentials.password)),
            insecure: args.registry.insecure,
            logFile: args.logFile ?? path.resolve(".goship", "logs", "image-build.log"),
        };
        const build = new GoServiceImageBuild(name, inputs, { parent: this });
        this.ref = build.ref;
        this.digest = build.digest;
        this.registerOutputs({ ref: this.ref, digest: this.digest, contentHash: this.contentHash });
    }
}
