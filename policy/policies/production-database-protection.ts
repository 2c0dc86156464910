// A production database must survive a mistake: encrypted storage, automated backups, and protection against being
// deleted by a `pulumi destroy` or a replacement. Checked on the cloud databases goship provisions (AWS RDS and
// ApsaraDB RDS instances), whoever declared them.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { knownOrUndefined } from "../lib/known";
import { PRODUCTION_CONFIG_SCHEMA, ProductionConfig, isProductionStack } from "../lib/production";

const AWS_INSTANCE = "aws:rds/instance:Instance";
const ALICLOUD_INSTANCE = "alicloud:rds/instance:Instance";
const ALICLOUD_BACKUP_POLICY = "alicloud:rds/backupPolicy:BackupPolicy";

const prop = (resource: PolicyResource, name: string): unknown => knownOrUndefined(() => resource.props[name]);
/** A value not known during a preview is judged by `pulumi up`, when it is. */
const unknown = (resource: PolicyResource, name: string) => knownOrUndefined(() => resource.props[name]) === undefined && name in (resource.props ?? {});

function awsProblems(instance: PolicyResource): string[] {
    const problems: string[] = [];
    if (prop(instance, "storageEncrypted") !== true && !unknown(instance, "storageEncrypted")) {
        problems.push("storage is not encrypted (set storageEncrypted: true)");
    }
    const retention = prop(instance, "backupRetentionPeriod");
    if (!(typeof retention === "number" && retention >= 1) && !unknown(instance, "backupRetentionPeriod")) {
        problems.push(`automated backups are off (backupRetentionPeriod ${retention ?? "unset"}; set at least 1, goship's default is 7)`);
    }
    if (prop(instance, "deletionProtection") !== true && !unknown(instance, "deletionProtection")) {
        problems.push("deletion protection is off (set deletionProtection: true; goship: deletionProtection in goship:database)");
    }
    return problems;
}

function alicloudProblems(instance: PolicyResource, backupPolicies: PolicyResource[]): string[] {
    const problems: string[] = [];
    const key = prop(instance, "encryptionKey");
    const tde = prop(instance, "tdeStatus");
    const encrypted = (typeof key === "string" && key !== "" && key !== "disabled") || tde === "Enabled";
    if (!encrypted && !unknown(instance, "encryptionKey")) {
        problems.push("its disks are not encrypted (set encryptionKey to a KMS key id, or tdeStatus: Enabled)");
    }
    if (prop(instance, "deletionProtection") !== true && !unknown(instance, "deletionProtection")) {
        problems.push("deletion protection is off (set deletionProtection: true with instanceChargeType Postpaid)");
    }
    // A BackupPolicy names its instance by id, which is unknown until the instance exists: only a policy known to
    // belong to another instance is not counted.
    const instanceId = knownOrUndefined(() => instance.props.id);
    const ownBackups = backupPolicies.filter((policy) => {
        const target = knownOrUndefined(() => policy.props.instanceId);
        return instanceId === undefined || target === undefined || target === instanceId;
    });
    const retained = ownBackups.some((policy) => {
        if (!("backupRetentionPeriod" in (policy.props ?? {}))) {
            return true; // the provider's default, 7 days
        }
        const days = knownOrUndefined(() => policy.props.backupRetentionPeriod);
        return days === undefined || (typeof days === "number" && days >= 7);
    });
    if (!retained) {
        problems.push("it has no BackupPolicy with a retention (add an alicloud.rds.BackupPolicy with backupRetentionPeriod ≥ 7)");
    }
    return problems;
}

export const productionDatabaseProtection: StackValidationPolicy = {
    name: "production-database-protection",
    description: "On a production stack every RDS (AWS) and ApsaraDB RDS (Alicloud) instance is encrypted, backed up and deletion-protected.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...PRODUCTION_CONFIG_SCHEMA } },
    validateStack: (args, reportViolation) => {
        if (!isProductionStack(args.getConfig<ProductionConfig>(), args.stackTags, args.resources)) {
            return;
        }
        const backupPolicies = args.resources.filter((resource) => resource.type === ALICLOUD_BACKUP_POLICY);
        for (const resource of args.resources) {
            const problems = resource.type === AWS_INSTANCE ? awsProblems(resource)
                : resource.type === ALICLOUD_INSTANCE ? alicloudProblems(resource, backupPolicies)
                    : [];
            if (problems.length > 0) {
                const what = resource.type === AWS_INSTANCE ? "RDS instance" : "ApsaraDB RDS instance";
                reportViolation(`${what} ${resource.name} on a production stack: ${problems.join("; ")}.`, resource.urn);
            }
        }
    },
};
