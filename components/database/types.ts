// Database's arguments: one PostgreSQL database for the service, on the cluster (kubernetes), on AWS RDS (aws) or on
// ApsaraDB RDS (alicloud), and always a Kubernetes Secret in the app's namespace holding its DATABASE_URL. Every
// field is optional unless said otherwise; its default is stated once, in its `@default` (components/defaults.ts
// holds the values; a unit test keeps the two the same).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const DATABASE_PROVIDERS = ["kubernetes", "aws", "alicloud"] as const;
export type DatabaseProvider = (typeof DATABASE_PROVIDERS)[number];

export interface DatabaseCommonArgs {
    /** Required. The Kubernetes provider of the app's cluster: the connection Secret is created there. */
    kubernetesProvider: k8s.Provider;
    /** Required. The app's namespace (a name, or a Namespace's `metadata.name` so every object waits for it). */
    namespace: pulumi.Input<string>;
    /**
     * Required. The database user's password, a secret Output (e.g. `config.requireSecret("databasePassword")`): at
     * least 16 characters, printable ASCII without spaces (percent-encoded in the URL), plus the provider's own rules.
     */
    password: pulumi.Input<string>;
    /** @default "goship" */
    databaseName?: string;
    /** @default "goship" */
    username?: string;
    /**
     * Server-side apply with force (pulumi.com/patchForce) on the Kubernetes objects, as WebService's forceApply.
     * @default false
     */
    forceApply?: boolean;
}

export interface KubernetesDatabaseResources {
    /** @default "100m" */
    cpuRequest?: string;
    /** @default "500m" */
    cpuLimit?: string;
    /** @default "256Mi" */
    memoryRequest?: string;
    /** @default "512Mi" */
    memoryLimit?: string;
    /** Local disk besides the volume: /tmp, the socket directory, the container's logs. @default "64Mi" */
    ephemeralStorageRequest?: string;
    /** Local disk beyond which the kubelet evicts the pod. @default "256Mi" */
    ephemeralStorageLimit?: string;
}

/** PostgreSQL as a one-pod StatefulSet on the app's cluster: for local and test clusters. */
export interface KubernetesDatabaseArgs extends DatabaseCommonArgs {
    provider: "kubernetes";
    /**
     * Required. A PostgreSQL image honouring images/postgres/Dockerfile's contract (uid 999, PGDATA initialised from
     * POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB, pg_isready), pinned by digest: `repo@sha256:…`
     * (`RegistryImage` resolves a tag's digest).
     */
    image: pulumi.Input<string>;
    /** Size of the data volume. @default "1Gi" */
    storageSize?: string;
    /** StorageClass of the data volume; unset: the cluster's default class. */
    storageClassName?: string;
    resources?: KubernetesDatabaseResources;
    /**
     * Label sets of the pods allowed to connect (the NetworkPolicy admits port 5432 only from them), e.g.
     * `webServiceDatabaseClients("goship")`: the service's pods and its migration Job's. @default []
     */
    clients?: Record<string, string>[];
    /** `.dockerconfigjson` of a pull secret for the image (registry/pull-secret.ts). */
    imagePullDockerConfigJson?: pulumi.Input<string>;
}

/** AWS RDS for PostgreSQL in private subnets of the cluster's VPC. */
export interface AwsDatabaseArgs extends DatabaseCommonArgs {
    provider: "aws";
    /** AWS region; unset: the aws provider's. */
    region?: string;
    /** Required. The VPC of the cluster (the security group's). */
    vpcId: string;
    /** Required. At least two private subnets in different availability zones (an RDS subnet group's rule). */
    subnetIds: string[];
    /** CIDRs allowed to port 5432 (the cluster's pod or node ranges). At least one of these or allowedSecurityGroupIds. */
    allowedCidrs?: string[];
    /** Security groups allowed to port 5432 (e.g. the EKS cluster's node or pod security group). */
    allowedSecurityGroupIds?: string[];
    /** @default "15" */
    engineVersion?: string;
    /** @default "db.t4g.micro" */
    instanceClass?: string;
    /** @default 20 */
    allocatedStorageGb?: number;
    /** Days of automated backups (point-in-time recovery window), 1 to 35. @default 7 */
    backupRetentionDays?: number;
    /** Refuse to delete the instance; a protected instance leaves a final snapshot when it is deleted. @default false */
    deletionProtection?: boolean;
    /** A standby in a second availability zone. @default false */
    multiAz?: boolean;
    /** KMS key for storage encryption; unset: the account's aws/rds key (storage is encrypted either way). */
    kmsKeyArn?: string;
    tags?: Record<string, string>;
}

/** ApsaraDB RDS for PostgreSQL (Alibaba Cloud) in vSwitches of the cluster's VPC. */
export interface AlicloudDatabaseArgs extends DatabaseCommonArgs {
    provider: "alicloud";
    /** Required. Zone of the primary instance, e.g. cn-hangzhou-j. */
    zoneId: string;
    /** Zone of the standby (HighAvailability); unset: the primary's zone. */
    zoneIdSlaveA?: string;
    /** Required. The vSwitches of the instance: one per zone used (the primary's first). */
    vswitchIds: string[];
    /** Required. The whitelist: CIDRs allowed to connect, e.g. the cluster's VPC CIDR. */
    securityIps: string[];
    /** Required. KMS key id for cloud-disk encryption (ApsaraDB takes a key id, not ServiceKey, at creation). */
    encryptionKeyId: string;
    /** @default "15.0" */
    engineVersion?: string;
    /** HighAvailability (primary and standby) or Basic (one node). @default "HighAvailability" */
    category?: "HighAvailability" | "Basic";
    /** @default "pg.n2.2c.2m" */
    instanceType?: string;
    /** @default 50 */
    instanceStorageGb?: number;
    /** @default "cloud_essd" */
    storageType?: string;
    /** Days of data backups, 7 to 730. @default 7 */
    backupRetentionDays?: number;
    /** Days of log backups (point-in-time recovery), 7 to 730 and at most backupRetentionDays. @default 7 */
    logBackupRetentionDays?: number;
    /** Weekdays of the data backups, at least two. @default ["Monday", "Wednesday", "Friday", "Sunday"] */
    preferredBackupPeriods?: string[];
    /** Backup window in UTC, one hour: HH:00Z-HH:00Z. @default "18:00Z-19:00Z" */
    preferredBackupTime?: string;
    /** @default true */
    deletionProtection?: boolean;
    tags?: Record<string, string>;
}

export type DatabaseArgs = KubernetesDatabaseArgs | AwsDatabaseArgs | AlicloudDatabaseArgs;

/** Where a service's pods open their database connections: one egress rule of its NetworkPolicy. */
export type DatabaseEgress =
    /** Pods of the app's namespace with these labels. */
    | { podSelector: Record<string, string>; port: number }
    /** Addresses in these CIDRs (cloud databases: their subnets). */
    | { cidrs: pulumi.Input<string[]>; port: number };

/**
 * What a service needs of a database: the Secret holding its DATABASE_URL (any Secret with one: a Database's, or a
 * platform team's own) and, optionally, where the connections go.
 */
export interface DatabaseConnection {
    /** Required. A Secret in the service's namespace and the key holding a postgres:// URL. */
    connectionSecret: { name: pulumi.Input<string>; key: string };
    /** Added to the service's egress allow-list, when it has one; unset: none added. */
    egress?: DatabaseEgress;
    /**
     * What brings the schema to the image's version: a WebService's migration Job (its `migratedDatabase` sets this).
     * A Worker of the same image changes its pods only after it, so a failed migration leaves them as they are.
     * Unset: nothing to wait for.
     */
    migration?: pulumi.Resource;
}
