// The rules of Database's arguments, named once: its checks apply them and the stack-config table quotes them.
import { BYTE_QUANTITY } from "../quantity";
import { DNS_SUBDOMAIN } from "../validation/kubernetes-names";
import { isCidr, isIpAddress } from "../validation/net";
import { integer, matching, oneOf, rule } from "../validation/rules";
import { DATABASE_PROVIDERS } from "./types";

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export const ALICLOUD_CATEGORIES = ["HighAvailability", "Basic"] as const;
export const ALICLOUD_STORAGE_TYPES = ["cloud_ssd", "cloud_essd", "cloud_essd2", "cloud_essd3", "general_essd"] as const;
/** The special characters ApsaraDB RDS accepts in an account password. */
const ALICLOUD_SPECIALS = "!@#$%^&*()_+-=";

function characterClasses(text: string): number {
    return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(text)).length;
}

export const DATABASE_RULES = {
    provider: oneOf(DATABASE_PROVIDERS),
    // One rule for PostgreSQL, RDS and ApsaraDB: a lowercase identifier that needs no quoting.
    databaseName: matching(/^[a-z][a-z0-9_]{1,62}$/, "a lowercase identifier of 2 to 63 characters (letters, digits and '_', starting with a letter)"),
    username: matching(/^[a-z][a-z0-9_]{0,14}[a-z0-9]$/, "a lowercase identifier of 2 to 16 characters (letters, digits and '_', starting with a letter, not ending with '_')"),
    password: rule("at least 16 printable ASCII characters without spaces",
        (value) => typeof value === "string" && value.length >= 16 && /^[\x21-\x7e]+$/.test(value)),
    // RDS refuses these in a master password.
    awsPassword: rule("a password of at most 128 characters without /, ', \" or @ (RDS refuses them)",
        (value) => typeof value === "string" && value.length <= 128 && !/[/'"@]/.test(value)),
    alicloudPassword: rule(`a password of at most 32 characters from letters, digits and ${ALICLOUD_SPECIALS}, with at least 3 of lowercase, uppercase, digits and specials (ApsaraDB's rule)`,
        (value) => typeof value === "string" && value.length <= 32 && characterClasses(value) >= 3 &&
            [...value].every((char) => /[A-Za-z0-9]/.test(char) || ALICLOUD_SPECIALS.includes(char))),
    image: matching(/^[^\s@]+@sha256:[0-9a-f]{64}$/, "an image pinned by digest (repo@sha256:…; RegistryImage resolves a tag's digest)"),
    storageSize: BYTE_QUANTITY,
    storageClassName: DNS_SUBDOMAIN,
    // --- aws
    vpcId: matching(/^vpc-[0-9a-f]{8,17}$/, "a VPC id such as vpc-0123456789abcdef0"),
    subnetId: matching(/^subnet-[0-9a-f]{8,17}$/, "a subnet id such as subnet-0123456789abcdef0"),
    securityGroupId: matching(/^sg-[0-9a-f]{8,17}$/, "a security group id such as sg-0123456789abcdef0"),
    cidr: rule("a CIDR such as 10.0.0.0/16", (value) => typeof value === "string" && isCidr(value)),
    awsEngineVersion: matching(/^[0-9]+(\.[0-9]+)?$/, "a PostgreSQL version such as 15 or 15.7"),
    instanceClass: matching(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class such as db.t4g.micro"),
    allocatedStorageGb: integer(20, 65536),
    awsBackupRetentionDays: integer(1, 35),
    kmsKeyArn: matching(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[0-9a-f-]+$/, "a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/…"),
    // --- alicloud
    zoneId: matching(/^[a-z]{2}-[a-z0-9]+(-[a-z0-9]+)*$/, "a zone id such as cn-hangzhou-j"),
    vswitchId: matching(/^vsw-[a-z0-9]{6,}$/, "a vSwitch id such as vsw-bp1xxxxxxxx"),
    // 0.0.0.0/0 would whitelist the internet: ApsaraDB's whitelist is the only gate in front of the port.
    securityIp: rule("an IP or CIDR of the cluster's network, not 0.0.0.0/0",
        (value) => typeof value === "string" && (isIpAddress(value) || isCidr(value)) && !/^0\.0\.0\.0(\/0)?$/.test(value)),
    encryptionKeyId: matching(/^(key-[a-z0-9]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, "a KMS key id such as key-hzz62f1cb66fa42qo… or a UUID"),
    alicloudEngineVersion: matching(/^[0-9]+\.0$/, "a PostgreSQL major version as ApsaraDB writes it, such as 15.0"),
    category: oneOf(ALICLOUD_CATEGORIES),
    instanceType: matching(/^pg\.[a-z0-9.]+$/, "an ApsaraDB PostgreSQL instance type such as pg.n2.2c.2m"),
    instanceStorageGb: integer(20, 32768),
    storageType: oneOf(ALICLOUD_STORAGE_TYPES),
    alicloudBackupRetentionDays: integer(7, 730),
    weekday: oneOf(WEEKDAYS),
    backupTime: rule("a one-hour UTC window such as 18:00Z-19:00Z", (value) => {
        const match = typeof value === "string" ? /^([01][0-9]|2[0-3]):00Z-([01][0-9]|2[0-3]):00Z$/.exec(value) : null;
        return match !== null && (Number(match[1]) + 1) % 24 === Number(match[2]);
    }),
} as const;
