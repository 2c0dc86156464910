// The dynamic provider behind GoServiceImage. Its diff looks only at the content hash of the Go build inputs and at
// where the image goes, so fresh credentials on every run (ECR and ACR tokens) never trigger a rebuild.
import * as pulumi from "@pulumi/pulumi";
import { BuildRequest, buildAndPush } from "./docker-cli";

/** What the provider receives: a build request plus the hash that identifies the image. */
export interface ImageProviderInputs extends BuildRequest {
    contentHash: string;
}

/** What the resource records in state: no credentials. */
export interface ImageProviderOutputs {
    repository: string;
    tag: string;
    contentHash: string;
    platform: string;
    digest: string;
    /** `repository@digest`: what the cluster deploys. */
    ref: string;
}

/** Inputs whose change means another image. */
const IMAGE_IDENTITY = ["contentHash", "repository", "platform"] as const;

async function publish(inputs: ImageProviderInputs): Promise<ImageProviderOutputs> {
    const { digest } = await buildAndPush(inputs);
    return {
        repository: inputs.repository,
        tag: inputs.tag,
        contentHash: inputs.contentHash,
        platform: inputs.platform,
        digest,
        ref: `${inputs.repository}@${digest}`,
    };
}

export const imageProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: ImageProviderOutputs, news: ImageProviderInputs): Promise<pulumi.dynamic.DiffResult> {
        const changed = IMAGE_IDENTITY.filter((key) => olds[key] !== news[key]);
        return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
    },

    async create(inputs: ImageProviderInputs): Promise<pulumi.dynamic.CreateResult> {
        const outs = await publish(inputs);
        return { id: `${outs.repository}:${outs.tag}`, outs };
    },

    async update(_id: string, _olds: ImageProviderOutputs, news: ImageProviderInputs): Promise<pulumi.dynamic.UpdateResult> {
        return { outs: await publish(news) };
    },

    // Images stay in the registry after the resource is gone: a rollback or another stack may still deploy them.
    // The registry's lifecycle policy (ECR) or retention rules prune them.
    async delete(): Promise<void> {},
};
