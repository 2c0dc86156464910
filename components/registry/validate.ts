// Each registry adapter's arguments, checked before anything is registered (and without loading a cloud SDK, so the
// stack config can check them too): names the registry's API would refuse, options that contradict each other.
import * as pulumi from "@pulumi/pulumi";
import { Problem } from "../validation/problems";
import { BOOLEAN, Checks, NON_EMPTY, Rule, fieldsOf, integer, matching, oneOf, rule } from "../validation/rules";
import type { AcrEnterpriseRegistryArgs, AcrPersonalRegistryArgs } from "./acr";
import type { EcrRegistryArgs } from "./ecr";
import type { GenericRegistryArgs } from "./generic";

export const REGISTRY_TYPES = ["generic", "ecr", "acr-personal", "acr-enterprise"] as const;
export type RegistryType = (typeof REGISTRY_TYPES)[number];
export const ECR_ENCRYPTIONS = ["AES256", "KMS"] as const;
export type EcrEncryption = (typeof ECR_ENCRYPTIONS)[number];
export const ACR_ENDPOINTS = ["public", "vpc"] as const;
export type AcrEndpoint = (typeof ACR_ENDPOINTS)[number];

const COMPONENT = "[a-z0-9]+([._-][a-z0-9]+)*";

export const REGISTRY_RULES = {
    type: oneOf(REGISTRY_TYPES),
    server: rule("a registry host[:port] such as harbor.example.com or 127.0.0.1:5000 (no scheme)", (value) => {
        const match = typeof value === "string" ? /^[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?(:([0-9]{1,5}))?$/.exec(value) : null;
        return match !== null && (match[3] === undefined || (Number(match[3]) >= 1 && Number(match[3]) <= 65535));
    }),
    /** Docker's reference grammar: lowercase path components. */
    repository: matching(new RegExp(`^${COMPONENT}(/${COMPONENT})*$`), "a lowercase repository path such as team/goship", 255),
    /** ACR puts the repository inside a namespace: one path component. */
    acrRepository: matching(new RegExp(`^${COMPONENT}$`), "a lowercase repository name without '/' (the namespace is acrNamespace), 2 to 64 characters", 64),
    acrNamespace: matching(/^[a-z0-9][a-z0-9._-]{0,28}[a-z0-9]$/, "a lowercase namespace of 2 to 30 characters"),
    acrInstanceId: matching(/^cri-[a-z0-9]+$/, "an instance id such as cri-xxxx"),
    acrEndpoint: oneOf(ACR_ENDPOINTS),
    domain: matching(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, "a registry domain such as crpi-xxxx.cn-hangzhou.personal.cr.aliyuncs.com"),
    ecrEncryption: oneOf(ECR_ENCRYPTIONS),
    kmsKeyArn: matching(/^arn:aws[-a-z]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)\/[A-Za-z0-9/_-]+$/, "a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/…"),
    keepImages: integer(1, 1000),
    expireUntaggedDays: integer(1, 3650),
};

/** A value that may come from another stack: checked when it is a plain value, trusted when it is an Output. */
function checkInput(checks: Checks, path: string, value: unknown, r: Rule, secret = false): void {
    if (!pulumi.Output.isInstance(value)) {
        checks.check(path, value, r, { required: true, secret });
    }
}

const ACR = { repository: true, namespace: true, endpoint: true, createNamespace: true } as const;
const FIELDS: Record<RegistryType, string[]> = {
    generic: ["type", ...fieldsOf<GenericRegistryArgs>({ repository: true, server: true, username: true, password: true, insecure: true })],
    ecr: ["type", ...fieldsOf<EcrRegistryArgs>({
        repository: true, region: true, scanOnPush: true, immutableTags: true, encryption: true, kmsKeyArn: true, keepImages: true,
        expireUntaggedDays: true, forceDelete: true, tags: true,
    })],
    "acr-personal": ["type", ...fieldsOf<AcrPersonalRegistryArgs>({ ...ACR, username: true, password: true, domain: true })],
    "acr-enterprise": ["type", ...fieldsOf<AcrEnterpriseRegistryArgs>({ ...ACR, instanceId: true })],
};

/** Every problem of a registry's arguments, for the adapter of `type`. */
export function registryProblems(type: RegistryType, args: Record<string, unknown>): Problem[] {
    const checks = new Checks();
    if (!checks.check("type", type, REGISTRY_RULES.type, { required: true })) {
        return checks.problems;
    }
    checks.fields("", { type, ...args }, FIELDS[type], `${type} registry settings`);
    const acr = type.startsWith("acr-");
    checks.check("repository", args.repository, acr ? REGISTRY_RULES.acrRepository : REGISTRY_RULES.repository, { required: true });
    if (type === "generic" || type === "acr-personal") {
        checkInput(checks, "username", args.username, NON_EMPTY);
        checkInput(checks, "password", args.password, NON_EMPTY, true);
    }
    switch (type) {
        case "generic":
            checkInput(checks, "server", args.server, REGISTRY_RULES.server);
            checks.check("insecure", args.insecure, BOOLEAN);
            break;
        case "ecr":
            for (const field of ["scanOnPush", "immutableTags", "forceDelete"]) {
                checks.check(field, args[field], BOOLEAN);
            }
            checks.check("encryption", args.encryption, REGISTRY_RULES.ecrEncryption);
            if (args.encryption === "KMS") {
                checks.check("kmsKeyArn", args.kmsKeyArn, REGISTRY_RULES.kmsKeyArn, { required: true });
            } else if (args.kmsKeyArn !== undefined) {
                checks.add("kmsKeyArn", (n) => `unset unless ${n("encryption")} is KMS`, JSON.stringify(args.kmsKeyArn));
            }
            checks.check("keepImages", args.keepImages, REGISTRY_RULES.keepImages);
            checks.check("expireUntaggedDays", args.expireUntaggedDays, REGISTRY_RULES.expireUntaggedDays);
            break;
        default:
            checks.check("namespace", args.namespace, REGISTRY_RULES.acrNamespace, { required: true });
            checks.check("endpoint", args.endpoint, REGISTRY_RULES.acrEndpoint);
            checks.check("createNamespace", args.createNamespace, BOOLEAN);
            if (type === "acr-enterprise") {
                checks.check("instanceId", args.instanceId, REGISTRY_RULES.acrInstanceId, { required: true });
            } else {
                checks.check("domain", args.domain, REGISTRY_RULES.domain);
            }
    }
    return checks.problems;
}
