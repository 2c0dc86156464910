// AWS ECR: a hardened repository (scan on push, immutable tags, encryption, lifecycle policy) and push
// credentials from an authorization token fetched on every run (tokens last 12 hours; stored ones go stale).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, IMAGE_TAG_PREFIX } from "../defaults";
import { refuseProblems } from "../validation/problems";
import { SHORT_LIVED_TOKENS } from "./pull-secret";
import { ContainerRegistry, RegistryCommonArgs, RegistryCredentials } from "./types";
import { EcrEncryption, registryProblems } from "./validate";

export interface EcrRegistryArgs extends RegistryCommonArgs {
    /** AWS region; unset: the aws provider's. */
    region?: string;
    /** @default true */
    scanOnPush?: boolean;
    /** @default true */
    immutableTags?: boolean;
    /** Encryption at rest. @default "AES256" */
    encryption?: EcrEncryption;
    /** Required when encryption is KMS, refused otherwise. */
    kmsKeyArn?: string;
    /** Lifecycle: keep this many images pushed by this program (tag prefix IMAGE_TAG_PREFIX). @default 30 */
    keepImages?: number;
    /** Lifecycle: expire untagged images after this many days. @default 7 */
    expireUntaggedDays?: number;
    /** Delete the repository even if it holds images. @default false */
    forceDelete?: boolean;
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
    readonly shortLivedToken = SHORT_LIVED_TOKENS.ecr;
    readonly repository: aws.ecr.Repository;

    /** Every problem of the arguments is reported at once, before anything is registered. */
    constructor(name: string, args: EcrRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        refuseProblems(`EcrRegistry ${name}`, registryProblems("ecr", { ...args }));
        super("goship:registry:EcrRegistry", name, {}, opts);
        const region = args.region;
        const E = DEFAULTS.ecr;

        this.repository = new aws.ecr.Repository(`${name}-repo`, {
            name: args.repository,
            region,
            imageScanningConfiguration: { scanOnPush: args.scanOnPush ?? E.scanOnPush },
            imageTagMutability: args.immutableTags ?? E.immutableTags ? "IMMUTABLE" : "MUTABLE",
            encryptionConfigurations: [
                args.encryption === "KMS" ? { encryptionType: "KMS", kmsKey: args.kmsKeyArn } : { encryptionType: "AES256" },
            ],
            forceDelete: args.forceDelete ?? E.forceDelete,
            tags: args.tags,
        }, { parent: this });

        new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, {
            repository: this.repository.name,
            region,
            policy: ecrLifecyclePolicy(args.keepImages ?? E.keepImages, args.expireUntaggedDays ?? E.expireUntaggedDays),
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
