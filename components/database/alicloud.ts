// ApsaraDB RDS for PostgreSQL (Alibaba Cloud) in the cluster's VPC: high availability over two zones, cloud-disk
// encryption with a KMS key, SSL, data and log backups, deletion protection, and a whitelist of the cluster's
// network. Loaded only for provider "alicloud", so programs that never use it need no Alicloud plugin.
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { ProvisionedDatabase } from "./provisioned";
import { AlicloudDatabaseArgs } from "./types";

const C = DEFAULTS.database.alicloud;
const PORT = DEFAULTS.database.port;

export function createAlicloudDatabase(
    name: string,
    args: AlicloudDatabaseArgs,
    names: { databaseName: string; username: string },
    password: pulumi.Output<string>,
    opts: { parent: pulumi.Resource },
): ProvisionedDatabase {
    const tags = { "app.kubernetes.io/part-of": "goship", ...args.tags };
    const instance = new alicloud.rds.Instance(name, {
        instanceName: name,
        engine: "PostgreSQL",
        engineVersion: args.engineVersion ?? C.engineVersion,
        category: args.category ?? C.category,
        instanceType: args.instanceType ?? C.instanceType,
        instanceStorage: args.instanceStorageGb ?? C.instanceStorageGb,
        dbInstanceStorageType: args.storageType ?? C.storageType,
        // Deletion protection is honoured for pay-as-you-go instances only.
        instanceChargeType: "Postpaid",
        zoneId: args.zoneId,
        zoneIdSlaveA: args.zoneIdSlaveA,
        vswitchId: args.vswitchIds.join(","),
        securityIps: args.securityIps,
        // Cloud-disk encryption; at creation ApsaraDB takes a key id (not ServiceKey). It cannot be turned off later.
        encryptionKey: args.encryptionKeyId,
        sslAction: "Open",
        caType: "aliyun",
        deletionProtection: args.deletionProtection ?? C.deletionProtection,
        port: String(PORT),
        tags,
    }, opts);

    const backupPolicy = new alicloud.rds.BackupPolicy(`${name}-backup`, {
        instanceId: instance.id,
        backupRetentionPeriod: args.backupRetentionDays ?? C.backupRetentionDays,
        preferredBackupPeriods: args.preferredBackupPeriods ?? [...C.preferredBackupPeriods],
        preferredBackupTime: args.preferredBackupTime ?? C.preferredBackupTime,
        // Log backups make point-in-time recovery possible.
        enableBackupLog: true,
        logBackupRetentionPeriod: args.logBackupRetentionDays ?? C.logBackupRetentionDays,
    }, opts);
    const database = new alicloud.rds.Database(`${name}-database`, {
        instanceId: instance.id,
        dataBaseName: names.databaseName,
        characterSet: "UTF8",
    }, opts);
    const account = new alicloud.rds.RdsAccount(`${name}-account`, {
        dbInstanceId: instance.id,
        accountName: names.username,
        accountPassword: pulumi.secret(password),
        accountType: "Normal",
    }, opts);
    // A Normal account owns nothing until it is granted the database.
    const privilege = new alicloud.rds.AccountPrivilege(`${name}-privilege`, {
        instanceId: instance.id,
        accountName: account.accountName,
        dbNames: [database.dataBaseName],
        privilege: "DBOwner",
    }, opts);

    const vswitches = alicloud.vpc.getSwitchesOutput({ ids: args.vswitchIds }, opts);
    return {
        host: instance.connectionString,
        port: instance.port.apply(Number),
        sslmode: "require",
        egress: { cidrs: vswitches.vswitches.apply((found) => found.map((vswitch) => vswitch.cidrBlock)), port: PORT },
        ready: [privilege, backupPolicy],
    };
}
