// What both image builders agree on before building: defaults applied, the content hash, the tag derived from it,
// and the build args (the machine's Go proxy settings joined in, outside the hash).
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, IMAGE_TAG_PREFIX } from "../defaults";
import { ContainerRegistry } from "../registry/types";
import { goProxyBuildArgs } from "./go-proxy";
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

/** What the sources alone decide: everything but the repository (which the registry may know only later). */
export interface SourcePlan {
    dockerfile: string;
    platform: string;
    /** Build args as passed to docker build (hashed ones and proxy settings). */
    buildArgs: Record<string, string>;
    /** Hash of the Go build inputs; imageContentHash joins the repository to it. */
    sourceHash: string;
    /** The files hashed, relative to the context. */
    hashedFiles: string[];
}

export interface BuildPlan extends Omit<SourcePlan, "sourceHash"> {
    /** Identity of the image: the source hash plus the repository. */
    contentHash: pulumi.Output<string>;
    tag: pulumi.Output<string>;
}

/** Defaults applied, the sources hashed and the build args joined with this machine's Go proxy settings. */
export function planSourceBuild(args: Omit<GoServiceImageArgs, "registry">): SourcePlan {
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
    const proxyArgs = args.passGoProxy ?? DEFAULTS.image.passGoProxy ? goProxyBuildArgs(path.join(args.context, dockerfile)) : {};
    return {
        dockerfile,
        platform,
        buildArgs: { ...proxyArgs, ...buildArgs },
        sourceHash: source.hash,
        hashedFiles: source.files,
    };
}

export function planImageBuild(args: GoServiceImageArgs): BuildPlan {
    const { sourceHash, ...source } = planSourceBuild(args);
    const contentHash = args.registry.repositoryUrl.apply((repository) => imageContentHash(sourceHash, repository));
    return { ...source, contentHash, tag: contentHash.apply(imageTag) };
}

/** The pushed tag: the prefix and the first 20 hex digits of the content hash. */
export function imageTag(contentHash: string): string {
    return `${IMAGE_TAG_PREFIX}${contentHash.slice(0, 20)}`;
}
