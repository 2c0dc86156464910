// What both image builders agree on before building: defaults applied, the content hash, the tag derived from it,
// and the build args (the machine's Go proxy settings joined in, outside the hash).
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, IMAGE_TAG_PREFIX, withDefaults } from "../defaults";
import { ContainerRegistry } from "../registry/types";
import { goProxyBuildArgs } from "./go-proxy";
import { hashBuildInputs, imageContentHash } from "./source-hash";

/** os/arch pairs Kubernetes nodes run, as docker build --platform names them. */
export const IMAGE_PLATFORMS = [
    "linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/ppc64le", "linux/s390x", "linux/riscv64",
] as const;
export type ImagePlatform = (typeof IMAGE_PLATFORMS)[number];

export interface GoServiceImageArgs {
    /** Required. Where the image is pushed. */
    registry: ContainerRegistry;
    /** Required. Absolute path of the build context: the Go module (go.mod at its root). */
    context: string;
    /** Dockerfile, relative to the context. @default "Dockerfile" */
    dockerfile?: string;
    /** Main package of the binary, relative to the module; its import closure is hashed. @default "./cmd/server" */
    mainPackage?: string;
    /** os/arch of the cluster's nodes. @default "linux/amd64" */
    platform?: ImagePlatform;
    /** Build args, each one the Dockerfile declares (ARG); part of the content hash. @default {} */
    buildArgs?: Record<string, string>;
    /** Pass this machine's Go proxy settings into the build; not part of the hash. @default true */
    passGoProxy?: boolean;
    /** docker build --network, e.g. host; unset: docker's default. */
    network?: string;
    /** The builder's log. @default ".goship/logs/image-build.log" under the working directory */
    logFile?: string;
}

/** The arguments with their defaults applied. */
export function resolveImageArgs(args: Omit<GoServiceImageArgs, "registry">): Required<Omit<GoServiceImageArgs, "registry" | "network">> & Pick<GoServiceImageArgs, "network"> {
    const { dockerfile, mainPackage, platform, passGoProxy, logFile } = DEFAULTS.image;
    const resolved = withDefaults({ dockerfile, mainPackage, platform, passGoProxy, buildArgs: {} }, args);
    return { ...resolved, logFile: path.resolve(args.logFile ?? logFile) };
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
    logFile: string;
}

export interface BuildPlan extends Omit<SourcePlan, "sourceHash"> {
    /** Identity of the image: the source hash plus the repository. */
    contentHash: pulumi.Output<string>;
    tag: pulumi.Output<string>;
}

/** Defaults applied, the sources hashed and the build args joined with this machine's Go proxy settings. */
export function planSourceBuild(args: Omit<GoServiceImageArgs, "registry">): SourcePlan {
    const resolved = resolveImageArgs(args);
    const source = hashBuildInputs({
        context: resolved.context,
        dockerfile: resolved.dockerfile,
        mainPackage: resolved.mainPackage,
        buildArgs: resolved.buildArgs,
        platform: resolved.platform,
    });
    const proxyArgs = resolved.passGoProxy ? goProxyBuildArgs(path.join(resolved.context, resolved.dockerfile)) : {};
    return {
        dockerfile: resolved.dockerfile,
        platform: resolved.platform,
        buildArgs: { ...proxyArgs, ...resolved.buildArgs },
        sourceHash: source.hash,
        hashedFiles: source.files,
        logFile: resolved.logFile,
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
