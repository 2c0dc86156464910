// AWS ECR: a hardened repository (scan on push, immutable tags, encryption, lifecycle policy) and push
// credentials from an authorization token fetched on every run (tokens last 12 hours; stored ones go stale).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IMAGE_TAG_PREFIX } from "../defaults";
import { ContainerRegistry, RegistryCommonArgs, RegistryCredentials } from "./types";

export interface EcrRegistryArgs extends RegistryCommonArgs {
    /** AWS region; default: the aws provider's. */
    region?: string;
    scanOnPush: boolean;
    immutableTags: boolean;
    encryption: { type: "AES256" } | { type: "KMS"; kmsKeyArn: string };
    /** Lifecycle: keep this many images pushed by this program (tag prefix IMAGE_TAG_PREFIX). */
    keepImages: number;
    /** Lifecycle: expire untagged images after this many days. */
    expireUntaggedDays: number;
    forceDelete: boolean;
    tags?: Record<string, string>;
}

/** The lifecycle policy document, rules in ascending priority (out-of-order rules replace on every deploy). */
export function ecrLifecyclePolicy(keepImages: number, expireUntaggedDays: number): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: `expire untagged images after ${expireUntaggedDays} days`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: expireUntaggedDays },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `keep the last ${keepImages} images built by goship`,
                selection: { tagStatus: "tagged", tagPrefixList: [IMAGE_TAG_PREFIX], countType: "imageCountMoreThan", countNumber: keepImages },
                action: { type: "expire" },
            },
        ],
    });
}

export class EcrRegistry extends pulumi.ComponentResource implements ContainerRegistry {
    readonly server: pulumi.Output<string>;
    readonly repositoryUrl: pulumi.Output<string>;
    readonly credentials: pulumi.Output<RegistryCredentials>;
    readonly insecure = false;
    readonly repository: aws.ecr.Repository;

    constructor(name: string, args: EcrRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("goship:registry:EcrRegistry", name, {}, opts);
        const region = args.region;

        this.repository = new aws.ecr.Repository(`${name}-repo`, {
            name: args.repository,
            region,
            imageScanningConfiguration: { scanOnPush: args.scanOnPush },
            imageTagMutability: args.immutableTags ? "IMMUTABLE" : "MUTABLE",
            encryptionConfigurations: [
                args.encryption.type === "KMS"
                    ? { encryptionType: "KMS", kmsKey: args.encryption.kmsKeyArn }
                    : { encryptionType: "AES256" },
            ],
            forceDelete: args.forceDelete,
            tags: args.tags,
        }, { parent: this });

        new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, {
            repository: this.repository.name,
            region,
            policy: ecrLifecyclePolicy(args.keepImages, args.expireUntaggedDays),
        }, { parent: this });

        const token = aws.ecr.getAuthorizationTokenOutput(
            { registryId: this.repository.registryId, region },
            { parent: this },
        );
        this.repositoryUrl = this.repository.repositoryUrl;
        this.server = this.repositoryUrl.apply((url) => url.split("/")[0]);
        this.credentials = pulumi.secret(
            pulumi.all([token.userName, token.password]).apply(([username, password]) => ({ username, password })),
        );
        this.registerOutputs({ server: this.server, repositoryUrl: this.repositoryUrl });
    }
}
