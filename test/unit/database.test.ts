// The Database component and its use by the stacks, under mocks: the resources each provider creates and their key
// properties, the password never in plaintext, the migration Job before the Deployment, and every argument problem
// reported at once.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { Database, DatabaseArgs, connectionUrl, databaseProblems } from "../../components/database";
import { formatProblem } from "../../components/validation/problems";
import { migrationJobName } from "../../components/web-service";
import { ProgramRun, RecordedResource, ofType, runProgram } from "../helpers/mocks";
import { PROJECT_DIR, TEST_DATABASE_PASSWORD, readStackConfig } from "../helpers/stack-config";

/** Every input value outside the resource's secret paths, as text. */
function plaintextInputs(resource: RecordedResource): string {
    const strip = (value: unknown, at: string): unknown => {
        if (resource.secretPaths.includes(at === "" ? "." : at)) {
            return "<secret>";
        }
        if (Array.isArray(value)) {
            return value.map((item, index) => strip(item, `${at}[${index}]`));
        }
        if (typeof value === "object" && value !== null) {
            return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, strip(child, at ? `${at}.${key}` : key)]));
        }
        return value;
    };
    return JSON.stringify(strip(resource.inputs, ""));
}

function assertPasswordNeverPlain(run: ProgramRun, password: string): void {
    const encoded = encodeURIComponent(password);
    for (const resource of run.resources) {
        const text = plaintextInputs(resource);
        assert.ok(!text.includes(password) && !text.includes(encoded), `${resource.type} ${resource.name} holds the password outside a secret`);
    }
}

const byName = (run: ProgramRun, type: string, name: string) => {
    const found = ofType(run, type).find((resource) => resource.name === name);
    assert.ok(found, `${type} ${name}`);
    return found.inputs;
};

describe("connection URL", () => {
    it("percent-encodes the password, so URL syntax in it stays part of it", () => {
        assert.equal(connectionUrl({ username: "goship", password: "p@ss/w:rd%?#x", host: "db.svc", port: 5432, databaseName: "goship", sslmode: "require" }),
            "postgres://goship:p%40ss%2Fw%3Ard%25%3F%23x@db.svc:5432/goship?sslmode=require");
    });
});

describe("Database arguments", () => {
    it("reports every problem at once, the password never shown", () => {
        const problems = databaseProblems("db", {
            provider: "aws", kubernetesProvider: undefined as unknown as k8s.Provider, namespace: "app", password: "short",
            vpcId: "vpc-1", subnetIds: ["subnet-0123456789abcdef0"], backupRetentionDays: 0,
        } as DatabaseArgs).map((problem) => formatProblem(problem));
        assert.deepEqual(problems, [
            "kubernetesProvider: expected the Kubernetes provider of the app's cluster (the connection Secret is created there), got nothing",
            "password: expected at least 16 printable ASCII characters without spaces, got a value (not shown: it is secret)",
            "vpcId: expected a VPC id such as vpc-0123456789abcdef0, got \"vpc-1\"",
            "subnetIds: expected at least two private subnets in different availability zones (an RDS subnet group's rule), got 1",
            "allowedCidrs: expected the cluster's CIDRs, or allowedSecurityGroupIds: who may connect to port 5432, got neither",
            "backupRetentionDays: expected an integer from 1 to 35, got 0",
        ]);
    });

    it("holds an ApsaraDB password to ApsaraDB's rules and a log retention to the data retention", () => {
        const problems = databaseProblems("db", {
            provider: "alicloud", kubernetesProvider: new k8s.Provider("k", {}), namespace: "app", password: "alllowercaseletters-and-no-digits-at-all",
            zoneId: "cn-hangzhou-j", zoneIdSlaveA: "cn-hangzhou-k", vswitchIds: ["vsw-bp1abcdefgh"], securityIps: ["0.0.0.0/0"],
            encryptionKeyId: "key-hzz62f1cb66fa42qo", backupRetentionDays: 7, logBackupRetentionDays: 30,
        } as DatabaseArgs).map((problem) => problem.path);
        assert.deepEqual(problems, ["password", "vswitchIds", "securityIps[0]", "logBackupRetentionDays"]);
    });
});

describe("local stack: PostgreSQL in the cluster", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("local", readStackConfig("local"));
        assert.equal(run.error, undefined, run.error?.message);
    });

    it("runs one restricted postgres pod of the image pinned by its registry digest, with a volume from the default class", () => {
        const image = byName(run, "pulumi-nodejs:dynamic/goship:RegistryImage", "postgres-image");
        assert.equal(image.image, "127.0.0.1:5000/goship/postgres:15.20-0-deb12u1");
        // The tag the bootstrap pushes: scripts/database/postgres-image.sh's pin, "+" spelled "-".
        const pin = /^POSTGRES_VERSION=(\S+)$/m.exec(fs.readFileSync(path.join(PROJECT_DIR, "scripts/database/postgres-image.sh"), "utf8"))?.[1];
        assert.equal(image.image.split(":").pop(), pin?.replace(/\+/g, "-"), "Pulumi.local.yaml names the image scripts/database/postgres-image.sh builds");
        const sts = byName(run, "kubernetes:apps/v1:StatefulSet", "goship-db-statefulset");
        assert.equal(sts.spec.replicas, 1);
        const pod = sts.spec.template.spec;
        const container = pod.containers[0];
        assert.match(container.image, /^127\.0\.0\.1:5000\/goship\/postgres@sha256:[0-9a-f]{64}$/);
        assert.deepEqual([pod.securityContext.runAsUser, pod.securityContext.runAsGroup, pod.securityContext.fsGroup], [999, 999, 999]);
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
        assert.deepEqual(container.volumeMounts.map((mount: { mountPath: string }) => mount.mountPath), ["/var/lib/postgresql/data", "/var/run/postgresql", "/tmp"]);
        assert.equal(container.readinessProbe.exec.command[0], "/usr/lib/postgresql/15/bin/pg_isready");
        assert.deepEqual(container.env.find((entry: { name: string }) => entry.name === "POSTGRES_PASSWORD").valueFrom.secretKeyRef, { name: "goship-db-postgres", key: "POSTGRES_PASSWORD" });
        const claim = sts.spec.volumeClaimTemplates[0].spec;
        assert.equal(claim.storageClassName, undefined, "the cluster's default StorageClass (local-path)");
        assert.equal(claim.resources.requests.storage, "1Gi");
        assert.deepEqual(pod.imagePullSecrets, [{ name: "goship-db-pull" }]);
        assert.deepEqual(container.resources, {
            requests: { cpu: "100m", memory: "256Mi", "ephemeral-storage": "64Mi" },
            limits: { cpu: "500m", memory: "512Mi", "ephemeral-storage": "256Mi" },
        });
        // The governing Service is headless; clients use the ClusterIP one.
        assert.equal(sts.spec.serviceName, "goship-db-headless");
        assert.equal(byName(run, "kubernetes:core/v1:Service", "goship-db-headless").spec.clusterIP, "None");
        assert.equal(byName(run, "kubernetes:core/v1:Service", "goship-db-service").spec.type, "ClusterIP");
    });

    it("admits port 5432 only from the service's pods, its migration Job's and its worker's", () => {
        const policy = byName(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "goship-db-netpol").spec;
        assert.deepEqual(policy.ingress, [{
            from: [
                { podSelector: { matchLabels: { "app.kubernetes.io/name": "goship", "app.kubernetes.io/instance": "goship" } } },
                { podSelector: { matchLabels: { "app.kubernetes.io/name": "goship-migrate", "app.kubernetes.io/instance": "goship", "app.kubernetes.io/component": "migration" } } },
                { podSelector: { matchLabels: { "app.kubernetes.io/name": "goship-worker", "app.kubernetes.io/instance": "goship-worker" } } },
            ],
            ports: [{ protocol: "TCP", port: 5432 }],
        }]);
        assert.deepEqual(policy.egress, []);
    });

    it("hands the service a DATABASE_URL Secret; the service migrates in a Job named after its digest before the Deployment", () => {
        const secret = byName(run, "kubernetes:core/v1:Secret", "goship-db-connection");
        assert.match(secret.metadata.name, /^goship-db-connection-[0-9a-f]{10}$/);
        assert.equal(secret.stringData.DATABASE_URL, `postgres://goship:${TEST_DATABASE_PASSWORD}@goship-db.goship.svc:5432/goship?sslmode=disable`);
        const deployment = byName(run, "kubernetes:apps/v1:Deployment", "goship-deployment");
        const env = deployment.spec.template.spec.containers[0].env;
        assert.deepEqual(env.filter((entry: { name: string }) => ["USERS_STORE", "DATABASE_URL"].includes(entry.name)), [
            { name: "USERS_STORE", value: "postgres" },
            { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "DATABASE_URL" } } },
        ]);
        const job = byName(run, "kubernetes:batch/v1:Job", "goship-migrate");
        const image = deployment.spec.template.spec.containers[0].image as string;
        assert.equal(job.metadata.name, migrationJobName("goship", image));
        assert.equal(job.metadata.name, `goship-migrate-${image.split("@sha256:")[1].slice(0, 10)}`);
        assert.equal(job.spec.backoffLimit, 0);
        assert.equal(job.spec.activeDeadlineSeconds, 300);
        assert.equal(job.spec.ttlSecondsAfterFinished, undefined);
        assert.equal(job.metadata.annotations["pulumi.com/timeoutSeconds"], "360");
        const pod = job.spec.template.spec;
        const app = deployment.spec.template.spec;
        assert.equal(pod.restartPolicy, "Never");
        assert.deepEqual([pod.serviceAccountName, pod.securityContext, pod.imagePullSecrets], [app.serviceAccountName, app.securityContext, app.imagePullSecrets]);
        const migrate = pod.containers[0];
        assert.deepEqual(migrate.args, ["migrate"]);
        assert.equal(migrate.image, image);
        assert.equal(migrate.terminationMessagePolicy, "FallbackToLogsOnError");
        // The service's environment but the Kafka producer's: `server migrate` talks to the database only.
        const withoutKafka = (env: { name: string }[]) => env.filter((entry) => !entry.name.startsWith("KAFKA_"));
        assert.deepEqual([migrate.env, migrate.resources, migrate.envFrom], [withoutKafka(app.containers[0].env), app.containers[0].resources, app.containers[0].envFrom]);
        // The Deployment waits for the Job: the mocks record it as a dependency.
        const jobIndex = run.resources.findIndex((resource) => resource.name === "goship-migrate");
        const deploymentIndex = run.resources.findIndex((resource) => resource.name === "goship-deployment");
        assert.ok(jobIndex < deploymentIndex, "the Job is registered before the Deployment that depends on it");
    });

    it("never holds the password in plaintext", () => assertPasswordNeverPlain(run, passwordOf(run)));
});

/** The password the stack's config gave (the test default unless the stack file sets an encrypted one). */
function passwordOf(run: ProgramRun): string {
    const url = ofType(run, "kubernetes:core/v1:Secret").find((resource) => resource.name.endsWith("-connection"))!.inputs.stringData.DATABASE_URL as string;
    return decodeURIComponent(/^postgres:\/\/[^:]+:([^@]+)@/.exec(url)![1]);
}

describe("dev stack: AWS RDS", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("dev", readStackConfig("dev"));
        assert.equal(run.error, undefined, run.error?.message);
    });

    it("creates a private, encrypted, backed-up PostgreSQL 15 instance in the dev subnets, reachable from the cluster's CIDR", () => {
        const instance = byName(run, "aws:rds/instance:Instance", "goship-db");
        assert.deepEqual(
            [instance.engine, instance.engineVersion, instance.instanceClass, instance.storageEncrypted, instance.publiclyAccessible, instance.backupRetentionPeriod, instance.deletionProtection, instance.skipFinalSnapshot, instance.finalSnapshotIdentifier],
            ["postgres", "15", "db.t4g.micro", true, false, 7, false, true, undefined],
        );
        assert.deepEqual(byName(run, "aws:rds/subnetGroup:SubnetGroup", "goship-db-subnets").subnetIds, ["subnet-0a1b2c3d4e5f60708", "subnet-0b1c2d3e4f5a60718"]);
        const sg = byName(run, "aws:ec2/securityGroup:SecurityGroup", "goship-db-sg");
        assert.deepEqual(sg.ingress.map((rule: Record<string, unknown>) => [rule.fromPort, rule.toPort, rule.cidrBlocks]), [[5432, 5432, ["10.20.0.0/16"]]]);
        const secret = byName(run, "kubernetes:core/v1:Secret", "goship-db-connection");
        assert.match(secret.stringData.DATABASE_URL, /^postgres:\/\/goship:.+@goship-db\.abcdefghijkl\.eu-west-1\.rds\.amazonaws\.com:5432\/goship\?sslmode=require$/);
    });

    it("never holds the password in plaintext", () => assertPasswordNeverPlain(run, TEST_DATABASE_PASSWORD));
});

describe("prod stack: ApsaraDB RDS", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram("prod", readStackConfig("prod"));
        assert.equal(run.error, undefined, run.error?.message);
    });

    it("creates an HA, encrypted, deletion-protected instance whitelisting the cluster's VPC, with backups, a database and its owner", () => {
        const instance = byName(run, "alicloud:rds/instance:Instance", "goship-db");
        assert.deepEqual(
            [instance.engine, instance.engineVersion, instance.category, instance.zoneId, instance.zoneIdSlaveA, instance.vswitchId, instance.securityIps, instance.encryptionKey, instance.deletionProtection, instance.instanceChargeType, instance.dbInstanceStorageType, instance.sslAction],
            ["PostgreSQL", "15.0", "HighAvailability", "cn-hangzhou-j", "cn-hangzhou-k", "vsw-bp1goshipdbj01,vsw-bp1goshipdbk01", ["10.10.0.0/16"], "key-hzz62f1cb66fa42qogship", true, "Postpaid", "cloud_essd", "Open"],
        );
        const backup = byName(run, "alicloud:rds/backupPolicy:BackupPolicy", "goship-db-backup");
        assert.deepEqual([backup.backupRetentionPeriod, backup.enableBackupLog, backup.logBackupRetentionPeriod, backup.preferredBackupTime], [30, true, 30, "18:00Z-19:00Z"]);
        assert.equal(byName(run, "alicloud:rds/database:Database", "goship-db-database").dataBaseName, "goship");
        assert.equal(byName(run, "alicloud:rds/rdsAccount:RdsAccount", "goship-db-account").accountName, "goship");
        assert.equal(byName(run, "alicloud:rds/accountPrivilege:AccountPrivilege", "goship-db-privilege").privilege, "DBOwner");
    });

    it("lets the pods reach the database's vSwitches only, on 5432", () => {
        const egress = byName(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "goship-netpol").spec.egress;
        assert.equal(egress, undefined, "prod restricts no egress: nothing to add");
    });

    it("never holds the password in plaintext", () => assertPasswordNeverPlain(run, TEST_DATABASE_PASSWORD));
});

describe("a Database's password given as an Output", () => {
    it("is checked when it resolves, before any resource gets it", async () => {
        const run = await runProgram("test", { config: {}, secretKeys: [] }, {
            program: () => void new Database("db", {
                provider: "kubernetes", kubernetesProvider: new k8s.Provider("k", {}), namespace: "app",
                password: Promise.resolve("too-short") as never, image: `r.example.com/pg@sha256:${"a".repeat(64)}`,
            }),
        });
        assert.ok(run.resources.every((resource) => resource.type !== "kubernetes:core/v1:Secret"), "no Secret holds a refused password");
    });
});
