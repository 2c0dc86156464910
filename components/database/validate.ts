// Every argument of a Database checked at once, before it registers anything: what PostgreSQL, RDS or ApsaraDB
// would refuse later, after other resources had already been created. A password known only as an Output is
// checked when its value arrives (passwordProblems), still before any resource receives it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parseBytes } from "../quantity";
import { QUALIFIED_NAME } from "../validation/kubernetes-names";
import { Problem } from "../validation/problems";
import { DEFAULTS } from "../defaults";
import { BOOLEAN, Checks, Rule, STRING, fieldsOf, isRecord, key, matching } from "../validation/rules";
import { SERVICE_RULES } from "../web-service/rules";
import { DATABASE_RULES as R } from "./rules";
import {
    AlicloudDatabaseArgs, AwsDatabaseArgs, DatabaseArgs, DatabaseCommonArgs, DatabaseProvider, KubernetesDatabaseArgs, KubernetesDatabaseResources,
} from "./types";

const COMMON = { provider: true, kubernetesProvider: true, namespace: true, password: true, databaseName: true, username: true, forceApply: true } as const;
const FIELDS: Record<DatabaseProvider, string[]> = {
    kubernetes: fieldsOf<KubernetesDatabaseArgs>({ ...COMMON, image: true, storageSize: true, storageClassName: true, resources: true, clients: true, imagePullDockerConfigJson: true }),
    aws: fieldsOf<AwsDatabaseArgs>({
        ...COMMON, region: true, vpcId: true, subnetIds: true, allowedCidrs: true, allowedSecurityGroupIds: true, engineVersion: true,
        instanceClass: true, allocatedStorageGb: true, backupRetentionDays: true, deletionProtection: true, multiAz: true, kmsKeyArn: true, tags: true,
    }),
    alicloud: fieldsOf<AlicloudDatabaseArgs>({
        ...COMMON, zoneId: true, zoneIdSlaveA: true, vswitchIds: true, securityIps: true, encryptionKeyId: true, engineVersion: true,
        category: true, instanceType: true, instanceStorageGb: true, storageType: true, backupRetentionDays: true, logBackupRetentionDays: true,
        preferredBackupPeriods: true, preferredBackupTime: true, deletionProtection: true, tags: true,
    }),
};
const RESOURCE_FIELDS = fieldsOf<KubernetesDatabaseResources>({ cpuRequest: true, cpuLimit: true, memoryRequest: true, memoryLimit: true, ephemeralStorageRequest: true, ephemeralStorageLimit: true });
const LABEL_VALUE = matching(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/, "a label value (at most 63 letters, digits, '-', '_' or '.')");
const TAG_KEY = matching(/^.{1,128}$/, "a tag key of 1 to 128 characters");

/** The password's problems under the provider's rules (empty when none); the value is never shown. */
export function passwordProblems(provider: DatabaseProvider, password: unknown): Problem[] {
    const checks = new Checks();
    if (password === undefined) {
        checks.add("password", "a secret password (stack config: pulumi config set --secret goship:databasePassword …)", "nothing");
        return checks.problems;
    }
    const extra: Partial<Record<DatabaseProvider, Rule>> = { aws: R.awsPassword, alicloud: R.alicloudPassword };
    for (const r of [R.password, extra[provider]]) {
        if (r && !checks.check("password", password, r, { secret: true })) {
            break;
        }
    }
    return checks.problems;
}

/**
 * A Database writes its password into Secrets on every provider (the connection Secret's DATABASE_URL; kubernetes:
 * also POSTGRES_PASSWORD), and a provider that renders manifests writes Secrets to files in plaintext.
 */
export function renderingProblems(renderYamlTo: string | undefined): Problem[] {
    const checks = new Checks();
    if (renderYamlTo !== undefined) {
        checks.add("kubernetesProvider", "a provider that applies manifests (the database password is in its Secrets, which rendering writes to files in plaintext)",
            `one that renders to ${JSON.stringify(renderYamlTo)}`);
    }
    return checks.problems;
}

/** Every problem of a Database's arguments; `context.renderYamlTo`: where its Kubernetes provider renders to. */
export function databaseProblems(name: string, args: DatabaseArgs, context: { renderYamlTo?: string } = {}): Problem[] {
    const checks = new Checks();
    checks.problems.push(...renderingProblems(context.renderYamlTo));
    checks.check("name", name, SERVICE_RULES.name, { required: true });
    if (!isRecord(args) || !checks.check("provider", args.provider, R.provider, { required: true })) {
        return checks.problems;
    }
    checks.fields("", args, FIELDS[args.provider], `a ${args.provider} Database argument`);
    checkCommon(checks, args);
    switch (args.provider) {
        case "kubernetes":
            checkKubernetes(checks, args);
            break;
        case "aws":
            checkAws(checks, args);
            break;
        case "alicloud":
            checkAlicloud(checks, args);
            break;
    }
    return checks.problems;
}

function checkCommon(checks: Checks, args: DatabaseArgs): void {
    if (!pulumi.ProviderResource.isInstance(args.kubernetesProvider) || !(args.kubernetesProvider instanceof k8s.Provider)) {
        checks.add("kubernetesProvider", "the Kubernetes provider of the app's cluster (the connection Secret is created there)", args.kubernetesProvider === undefined ? "nothing" : "something else");
    }
    if (args.namespace === undefined) {
        checks.add("namespace", "the app's namespace (a name or a Namespace's metadata.name)", "nothing");
    } else if (!pulumi.Output.isInstance(args.namespace)) {
        checks.check("namespace", args.namespace, SERVICE_RULES.namespace);
    }
    if (!pulumi.Output.isInstance(args.password)) {
        checks.problems.push(...passwordProblems(args.provider, args.password));
    } else if (args.password === undefined) {
        checks.problems.push(...passwordProblems(args.provider, undefined));
    }
    checks.check("databaseName", args.databaseName, R.databaseName);
    checks.check("username", args.username, R.username);
    checks.check("forceApply", (args as DatabaseCommonArgs).forceApply, BOOLEAN);
}

function checkKubernetes(checks: Checks, args: KubernetesDatabaseArgs): void {
    if (args.image === undefined) {
        checks.add("image", R.image.expected, "nothing");
    } else if (!pulumi.Output.isInstance(args.image)) {
        checks.check("image", args.image, R.image);
    }
    checks.check("storageSize", args.storageSize, R.storageSize);
    checks.check("storageClassName", args.storageClassName, R.storageClassName);
    if (args.resources !== undefined && checks.fields("resources", args.resources, RESOURCE_FIELDS, "database resources")) {
        const rules: Record<string, Rule> = { cpuRequest: SERVICE_RULES.cpu, cpuLimit: SERVICE_RULES.cpu, memoryRequest: SERVICE_RULES.bytes, memoryLimit: SERVICE_RULES.bytes,
            ephemeralStorageRequest: SERVICE_RULES.bytes, ephemeralStorageLimit: SERVICE_RULES.bytes };
        for (const [field, r] of Object.entries(rules)) {
            checks.check(key("resources", field), (args.resources as Record<string, unknown>)[field], r);
        }
        const { memoryRequest, memoryLimit } = args.resources;
        const request = memoryRequest && parseBytes(memoryRequest);
        const limit = memoryLimit && parseBytes(memoryLimit);
        if (typeof request === "number" && typeof limit === "number" && request > limit) {
            checks.add("resources.memoryRequest", (n) => `at most ${n("resources.memoryLimit")} (${memoryLimit})`, JSON.stringify(memoryRequest));
        }
    }
    checks.list("clients", args.clients, (at, labels) => {
        if (!isRecord(labels) || Object.keys(labels).length === 0) {
            checks.add(at, "a non-empty map of pod labels", JSON.stringify(labels));
            return;
        }
        checks.map(at, labels, QUALIFIED_NAME, LABEL_VALUE);
    });
}

function checkAws(checks: Checks, args: AwsDatabaseArgs): void {
    checks.check("vpcId", args.vpcId, R.vpcId, { required: true });
    if (args.subnetIds === undefined) {
        checks.add("subnetIds", "at least two private subnets in different availability zones", "nothing");
    }
    checks.list("subnetIds", args.subnetIds, (at, id) => checks.check(at, id, R.subnetId));
    if (Array.isArray(args.subnetIds) && args.subnetIds.length < 2) {
        checks.add("subnetIds", "at least two private subnets in different availability zones (an RDS subnet group's rule)", `${args.subnetIds.length}`);
    }
    checks.list("allowedCidrs", args.allowedCidrs, (at, cidr) => checks.check(at, cidr, R.cidr));
    checks.list("allowedSecurityGroupIds", args.allowedSecurityGroupIds, (at, id) => checks.check(at, id, R.securityGroupId));
    if ((args.allowedCidrs?.length ?? 0) + (args.allowedSecurityGroupIds?.length ?? 0) === 0) {
        checks.add("allowedCidrs", (n) => `the cluster's CIDRs, or ${n("allowedSecurityGroupIds")}: who may connect to port 5432`, "neither");
    }
    checks.check("engineVersion", args.engineVersion, R.awsEngineVersion);
    checks.check("instanceClass", args.instanceClass, R.instanceClass);
    checks.check("allocatedStorageGb", args.allocatedStorageGb, R.allocatedStorageGb);
    checks.check("backupRetentionDays", args.backupRetentionDays, R.awsBackupRetentionDays);
    checks.check("deletionProtection", args.deletionProtection, BOOLEAN);
    checks.check("multiAz", args.multiAz, BOOLEAN);
    checks.check("kmsKeyArn", args.kmsKeyArn, R.kmsKeyArn);
    checks.map("tags", args.tags, TAG_KEY, STRING);
}

function checkAlicloud(checks: Checks, args: AlicloudDatabaseArgs): void {
    checks.check("zoneId", args.zoneId, R.zoneId, { required: true });
    checks.check("zoneIdSlaveA", args.zoneIdSlaveA, R.zoneId);
    if (args.vswitchIds === undefined) {
        checks.add("vswitchIds", "the instance's vSwitches, one per zone used", "nothing");
    }
    checks.list("vswitchIds", args.vswitchIds, (at, id) => checks.check(at, id, R.vswitchId), { nonEmpty: "at least one vSwitch" });
    const zones = new Set([args.zoneId, args.zoneIdSlaveA ?? args.zoneId]).size;
    if (Array.isArray(args.vswitchIds) && args.vswitchIds.length > 0 && args.vswitchIds.length !== zones) {
        checks.add("vswitchIds", (n) => `one vSwitch per zone used (${zones}: ${n("zoneId")}${zones > 1 ? ` and ${n("zoneIdSlaveA")}` : ""})`, `${args.vswitchIds.length}`);
    }
    if (args.securityIps === undefined) {
        checks.add("securityIps", "the whitelist: the cluster's VPC CIDR", "nothing");
    }
    checks.list("securityIps", args.securityIps, (at, ip) => checks.check(at, ip, R.securityIp), { nonEmpty: "at least one CIDR (the cluster's VPC)" });
    checks.check("encryptionKeyId", args.encryptionKeyId, R.encryptionKeyId, { required: true });
    checks.check("engineVersion", args.engineVersion, R.alicloudEngineVersion);
    if (checks.check("category", args.category, R.category) && args.category === "Basic" && args.zoneIdSlaveA !== undefined) {
        checks.add("zoneIdSlaveA", (n) => `unset with ${n("category")} Basic (one node, no standby)`, JSON.stringify(args.zoneIdSlaveA));
    }
    checks.check("instanceType", args.instanceType, R.instanceType);
    checks.check("instanceStorageGb", args.instanceStorageGb, R.instanceStorageGb);
    checks.check("storageType", args.storageType, R.storageType);
    const retention = checks.check("backupRetentionDays", args.backupRetentionDays, R.alicloudBackupRetentionDays);
    if (checks.check("logBackupRetentionDays", args.logBackupRetentionDays, R.alicloudBackupRetentionDays) && retention) {
        const data = args.backupRetentionDays ?? DEFAULTS.database.alicloud.backupRetentionDays;
        if (args.logBackupRetentionDays !== undefined && args.logBackupRetentionDays > data) {
            // The provider would silently send the data retention instead and show a diff forever.
            checks.add("logBackupRetentionDays", (n) => `at most ${n("backupRetentionDays")} (${data})`, String(args.logBackupRetentionDays));
        }
    }
    checks.list("preferredBackupPeriods", args.preferredBackupPeriods, (at, day) => checks.check(at, day, R.weekday));
    if (Array.isArray(args.preferredBackupPeriods) && new Set(args.preferredBackupPeriods).size < 2) {
        checks.add("preferredBackupPeriods", "at least two different weekdays (ApsaraDB backs up at least twice a week)", JSON.stringify(args.preferredBackupPeriods));
    }
    checks.check("preferredBackupTime", args.preferredBackupTime, R.backupTime);
    checks.check("deletionProtection", args.deletionProtection, BOOLEAN);
    checks.map("tags", args.tags, TAG_KEY, STRING);
}
