// RegistryImage: an image another process pushed (e.g. the local PostgreSQL image, scripts/database/postgres-image.sh)
// pinned by the digest its registry serves for the tag, read with the registry's login. Workloads then deploy
// `repo@sha256:…` (the policy pack's image-pinned-by-digest); a tag pushed over is noticed on the next run.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import type { ContainerRegistry } from "../registry/types";
import { refuseProblems } from "../validation/problems";
import { matching } from "../validation/rules";
import { DigestRequest, resolveDigest } from "./docker-cli";

interface RegistryImageOutputs {
    image: string;
    digest: string;
    ref: string;
}

async function resolve(inputs: DigestRequest): Promise<RegistryImageOutputs> {
    const digest = await resolveDigest(inputs);
    return { image: inputs.image, digest, ref: `${inputs.image.replace(/:[^/:]+$/, "")}@${digest}` };
}

const registryImageProvider: pulumi.dynamic.ResourceProvider = {
    // Asks the registry on every run: a tag pushed over (a rebuilt image) is deployed by its new digest.
    async diff(_id: string, olds: RegistryImageOutputs, news: DigestRequest): Promise<pulumi.dynamic.DiffResult> {
        if (olds.image !== news.image) {
            return { changes: true };
        }
        const digest = await resolveDigest(news).catch(() => undefined);
        return { changes: digest !== olds.digest };
    },
    async create(inputs: DigestRequest): Promise<pulumi.dynamic.CreateResult> {
        const outs = await resolve(inputs);
        return { id: outs.image, outs };
    },
    async update(_id: string, _olds: RegistryImageOutputs, news: DigestRequest): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: await resolve(news) };
    },
    // Nothing to delete: the image belongs to whoever pushed it.
    async delete(): Promise<void> {},
};

const TAGGED = matching(/^[^\s@]+\/[^\s@]+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "a registry image with a tag, such as 127.0.0.1:5000/goship/postgres:15.20-0-deb12u1");

export interface RegistryImageArgs {
    /** Required. `registry/repository:tag`, in `registry`. */
    image: string;
    /** Required. The registry holding it; its login reads the digest. */
    registry: ContainerRegistry;
    /** @default ".goship/logs/image-build.log" */
    logFile?: string;
}

export class RegistryImage extends pulumi.dynamic.Resource {
    /** `repository@sha256:…`. */
    declare readonly ref: pulumi.Output<string>;
    declare readonly digest: pulumi.Output<string>;

    constructor(name: string, args: RegistryImageArgs, opts?: pulumi.CustomResourceOptions) {
        refuseProblems(`RegistryImage ${name}`, TAGGED.accepts(args.image) ? [] : [{ path: "image", expected: TAGGED.expected, got: JSON.stringify(args.image) }]);
        const credentials = args.registry.credentials;
        super(registryImageProvider, name, {
            image: args.image,
            server: args.registry.server,
            username: credentials.apply((login) => login.username),
            password: pulumi.secret(credentials.apply((login) => login.password)),
            insecure: args.registry.insecure,
            logFile: path.resolve(args.logFile ?? DEFAULTS.image.logFile),
            digest: undefined,
            ref: undefined,
        }, opts, "goship", "RegistryImage");
    }
}
