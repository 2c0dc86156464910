// AWS RDS for PostgreSQL in the cluster's VPC: private (no public address), encrypted, backed up, reachable on
// 5432 only from the CIDRs and security groups the caller names. Loaded only for provider "aws", so programs that
// never use it need no AWS plugin.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { ProvisionedDatabase } from "./provisioned";
import { AwsDatabaseArgs } from "./types";

const A = DEFAULTS.database.aws;
const PORT = DEFAULTS.database.port;

export function createAwsDatabase(
    name: string,
    args: AwsDatabaseArgs,
    names: { databaseName: string; username: string },
    password: pulumi.Output<string>,
    opts: { parent: pulumi.Resource },
): ProvisionedDatabase {
    const region = args.region;
    const tags = { "app.kubernetes.io/part-of": "goship", ...args.tags };
    const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, {
        region,
        subnetIds: args.subnetIds,
        description: `goship database ${name}`,
        tags,
    }, opts);
    const securityGroup = new aws.ec2.SecurityGroup(`${name}-sg`, {
        region,
        vpcId: args.vpcId,
        description: `goship database ${name}: PostgreSQL from the cluster`,
        ingress: [{
            protocol: "tcp",
            fromPort: PORT,
            toPort: PORT,
            cidrBlocks: args.allowedCidrs,
            securityGroups: args.allowedSecurityGroupIds,
            description: "PostgreSQL from the cluster",
        }],
        // The instance opens no connections.
        egress: [],
        tags,
    }, opts);

    const deletionProtection = args.deletionProtection ?? A.deletionProtection;
    const instance = new aws.rds.Instance(name, {
        region,
        engine: "postgres",
        engineVersion: args.engineVersion ?? A.engineVersion,
        instanceClass: args.instanceClass ?? A.instanceClass,
        allocatedStorage: args.allocatedStorageGb ?? A.allocatedStorageGb,
        storageType: "gp3",
        storageEncrypted: true,
        kmsKeyId: args.kmsKeyArn,
        dbName: names.databaseName,
        username: names.username,
        password: pulumi.secret(password),
        port: PORT,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [securityGroup.id],
        publiclyAccessible: false,
        multiAz: args.multiAz ?? A.multiAz,
        backupRetentionPeriod: args.backupRetentionDays ?? A.backupRetentionDays,
        copyTagsToSnapshot: true,
        deletionProtection,
        // A protected database is one whose data matters: deleting it (after lifting the protection) leaves a snapshot.
        skipFinalSnapshot: !deletionProtection,
        finalSnapshotIdentifier: deletionProtection ? `${name}-final` : undefined,
        tags,
    }, opts);

    // The pods reach the instance's addresses in the subnet group's subnets.
    const cidrs = pulumi.all(args.subnetIds.map((id) => aws.ec2.getSubnetOutput({ id, region }, opts).cidrBlock));
    return {
        host: instance.address,
        port: instance.port,
        sslmode: "require",
        egress: { cidrs, port: PORT },
        ready: [instance],
    };
}
