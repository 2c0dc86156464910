// Worker used directly, as a platform team's program does: what it renders (Deployment by digest running `worker`,
// Kafka env with the password from a Secret, TriggerAuthentication and ScaledObject wired together, NetworkPolicy,
// PodMonitor, PDB), every problem of its arguments at once, and the readiness check's failure message.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createKubernetesProvider } from "../../components/kubernetes-provider";
import { WebService } from "../../components/web-service";
import { Worker, WorkerArgs, awaitScaledObjectReady, notReadyMessage } from "../../components/worker";
import { ProgramRun, RecordedResource, ofType, runProgram, single } from "../helpers/mocks";

const IMAGE = `registry.example.com/team/orders@sha256:${"c".repeat(64)}`;
const PASSWORD = "kafka-password-not-in-plain-env";
const KAFKA: WorkerArgs["kafka"] = { bootstrapServers: "10.244.0.1:9092", topic: "orders", partitions: 6, mechanism: "SCRAM-SHA-512", username: "goship" };
const DATABASE: WorkerArgs["database"] = { connectionSecret: { name: "orders-database", key: "DATABASE_URL" }, egress: { podSelector: { app: "postgres" }, port: 5432 } };

type Given = Omit<WorkerArgs, "provider" | "image" | "kafka"> & { kafka?: Partial<WorkerArgs["kafka"]>; image?: string };

function deploy(args: Given = {}): Promise<ProgramRun> {
    return runProgram("test", { config: {}, secretKeys: [] }, {
        program: () => {
            const provider = createKubernetesProvider("cluster", { context: "test-context" });
            new Worker("orders-worker", {
                provider,
                image: IMAGE,
                database: DATABASE,
                ...args,
                kafka: { ...KAFKA, password: pulumi.secret(PASSWORD), ...args.kafka } as WorkerArgs["kafka"],
            });
        },
    });
}

const byKind = (run: ProgramRun, kind: string): RecordedResource => single(run, `kubernetes:${kind}`);
const container = (run: ProgramRun) => byKind(run, "apps/v1:Deployment").inputs.spec.template.spec.containers[0];
const envOf = (run: ProgramRun): Record<string, any> => Object.fromEntries(container(run).env.map((entry: any) => [entry.name, entry.value ?? entry.valueFrom]));

describe("Worker as a library", () => {
    it("runs the service image by digest as `worker`, probed on the admin port, with no Service or Ingress", async () => {
        const run = await deploy();
        assert.equal(run.error, undefined, run.error?.message);
        const deployment = byKind(run, "apps/v1:Deployment").inputs;
        const pod = deployment.spec.template.spec;
        const app = container(run);
        assert.equal(app.image, IMAGE);
        assert.deepEqual(app.args, ["worker"]);
        assert.deepEqual(app.ports, [{ name: "admin", containerPort: 9090, protocol: "TCP" }]);
        assert.deepEqual(app.livenessProbe.httpGet, { path: "/healthz", port: "admin" });
        assert.deepEqual(app.startupProbe.httpGet, { path: "/healthz", port: "admin" });
        assert.deepEqual(app.readinessProbe.httpGet, { path: "/readyz", port: "admin" });
        assert.equal(app.securityContext.readOnlyRootFilesystem, true);
        assert.deepEqual(app.securityContext.capabilities.drop, ["ALL"]);
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(pod.automountServiceAccountToken, false);
        assert.ok(app.resources.limits.cpu && app.resources.limits.memory && app.resources.requests.cpu);
        assert.equal(deployment.spec.replicas, undefined, "KEDA owns the count");
        assert.equal(ofType(run, "kubernetes:core/v1:Service").length, 0);
        assert.equal(ofType(run, "kubernetes:networking.k8s.io/v1:Ingress").length, 0);
    });

    it("gives the pod a grace period above its drain timeout: WORKER_DRAIN_TIMEOUT plus the library's 5 s margin", async () => {
        const run = await deploy({ drainTimeoutSeconds: 40 });
        assert.equal(envOf(run).WORKER_DRAIN_TIMEOUT, "40s");
        assert.equal(byKind(run, "apps/v1:Deployment").inputs.spec.template.spec.terminationGracePeriodSeconds, 45);
        const defaults = await deploy();
        assert.equal(envOf(defaults).WORKER_DRAIN_TIMEOUT, "25s");
        assert.equal(byKind(defaults, "apps/v1:Deployment").inputs.spec.template.spec.terminationGracePeriodSeconds, 30);
    });

    it("sets the contract's Kafka env, the password only by reference to a Secret (never in plain env), and the database's", async () => {
        const run = await deploy();
        const env = envOf(run);
        assert.equal(env.KAFKA_BROKERS, "10.244.0.1:9092");
        assert.equal(env.KAFKA_TOPIC, "orders");
        assert.equal(env.KAFKA_SASL_MECHANISM, "SCRAM-SHA-512");
        assert.equal(env.KAFKA_USERNAME, "goship");
        assert.equal(env.KAFKA_TLS, "false");
        assert.equal(env.KAFKA_CONSUMER_GROUP, "orders-worker", "the consumer group defaults to the worker's name");
        assert.equal(env.USERS_STORE, "postgres");
        assert.deepEqual(env.DATABASE_URL, { secretKeyRef: { name: "orders-database", key: "DATABASE_URL" } });
        const secret = ofType(run, "kubernetes:core/v1:Secret").find((r) => r.name === "orders-worker-kafka")!;
        assert.deepEqual(env.KAFKA_PASSWORD, { secretKeyRef: { name: secret.inputs.metadata.name, key: "password" } });
        assert.ok(secret.secretPaths.includes("stringData"), "the Secret's data is a secret Output");
        assert.deepEqual(secret.inputs.stringData, { sasl: "scram_sha512", username: "goship", password: PASSWORD });
        assert.match(secret.inputs.metadata.name, /^orders-worker-kafka-[0-9a-f]{10}$/);
        assert.equal(secret.inputs.immutable, true);
        const deployment = byKind(run, "apps/v1:Deployment");
        assert.ok(!JSON.stringify(deployment.inputs).includes(PASSWORD), "the password appears nowhere in the Deployment");
    });

    it("wires the ScaledObject's kafka trigger to a TriggerAuthentication reading sasl, username and password from that Secret", async () => {
        const run = await deploy({ lagThreshold: 50, activationLagThreshold: 5, minReplicas: 1, maxReplicas: 6, cooldownSeconds: 60, scaleDownStabilizationSeconds: 30 });
        const secretName = ofType(run, "kubernetes:core/v1:Secret").find((r) => r.name === "orders-worker-kafka")!.inputs.metadata.name;
        const auth = byKind(run, "keda.sh/v1alpha1:TriggerAuthentication").inputs;
        assert.equal(auth.metadata.name, secretName, "named after the credentials: new ones make KEDA rebuild the scaler");
        assert.deepEqual(auth.spec.secretTargetRef, ["sasl", "username", "password"].map((parameter) => ({ parameter, name: secretName, key: parameter })));
        const scaled = byKind(run, "keda.sh/v1alpha1:ScaledObject").inputs;
        assert.deepEqual(scaled.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "orders-worker" });
        assert.equal(scaled.spec.minReplicaCount, 1);
        assert.equal(scaled.spec.maxReplicaCount, 6);
        assert.equal(scaled.spec.pollingInterval, 30);
        assert.equal(scaled.spec.cooldownPeriod, 60);
        assert.equal(scaled.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds, 30);
        assert.deepEqual(scaled.spec.triggers, [{
            type: "kafka",
            metadata: { bootstrapServers: "10.244.0.1:9092", consumerGroup: "orders-worker", topic: "orders", lagThreshold: "50", activationLagThreshold: "5", offsetResetPolicy: "earliest" },
            authenticationRef: { name: secretName },
        }]);
        assert.equal(scaled.metadata.annotations?.["pulumi.com/waitFor"], undefined, "readiness is the dynamic check's, not the provider's");
    });

    it("adds tls to the Secret and the TriggerAuthentication when TLS is on, and no TriggerAuthentication without SASL or TLS", async () => {
        const tls = await deploy({ kafka: { tls: true } });
        assert.deepEqual(byKind(tls, "keda.sh/v1alpha1:TriggerAuthentication").inputs.spec.secretTargetRef.map((ref: any) => ref.parameter), ["sasl", "username", "password", "tls"]);
        assert.equal(envOf(tls).KAFKA_TLS, "true");
        const plain = await deploy({ kafka: { mechanism: undefined, username: undefined, password: undefined } });
        assert.equal(plain.error, undefined, plain.error?.message);
        assert.equal(ofType(plain, "kubernetes:keda.sh/v1alpha1:TriggerAuthentication").length, 0);
        assert.equal(byKind(plain, "keda.sh/v1alpha1:ScaledObject").inputs.spec.triggers[0].authenticationRef, undefined);
        assert.equal(envOf(plain).KAFKA_PASSWORD, undefined);
    });

    it("waits for the ScaledObject with a readiness check that names the trigger, on the provider's own cluster", async () => {
        const run = await deploy({ readyTimeoutSeconds: 90 });
        const ready = single(run, "pulumi-nodejs:dynamic/goship:ScaledObjectReadiness").inputs;
        assert.equal(ready.name, "orders-worker");
        assert.equal(ready.namespace, "goship");
        assert.equal(ready.context, "test-context");
        assert.equal(ready.timeoutSeconds, 90);
        assert.equal(ready.trigger, "kafka trigger (topic orders, consumer group orders-worker, brokers 10.244.0.1:9092)");
        const off = await deploy({ awaitReady: false });
        assert.equal(ofType(off, "pulumi-nodejs:dynamic/goship:ScaledObjectReadiness").length, 0);
    });

    it("given a WebService's migratedDatabase, its Deployment and ScaledObject change only after the service's migration Job", async () => {
        const waitsFor: Record<string, unknown> = {};
        let migration: pulumi.Resource | undefined;
        const run = await runProgram("test", { config: {}, secretKeys: [] }, {
            program: () => {
                const provider = createKubernetesProvider("cluster", { context: "test-context" });
                const service = new WebService("orders", { provider, image: IMAGE, database: DATABASE });
                migration = service.migratedDatabase?.migration;
                new Worker("orders-worker", { provider, image: IMAGE, database: service.migratedDatabase, kafka: { ...KAFKA, password: pulumi.secret(PASSWORD) } }, {
                    transformations: [({ name, opts }) => {
                        waitsFor[name] = opts.dependsOn;
                        return undefined;
                    }],
                });
            },
        });
        assert.equal(run.error, undefined, run.error?.message);
        assert.ok(migration instanceof k8s.batch.v1.Job, "migratedDatabase carries the service's migration Job");
        assert.ok((waitsFor["orders-worker-deployment"] as unknown[]).includes(migration), "the worker's Deployment depends on it");
        const scaledObject = await new Promise<unknown[]>((resolve) => (waitsFor["orders-worker-scaledobject"] as pulumi.Output<unknown[]>).apply(resolve));
        assert.ok(scaledObject.includes(migration), "its ScaledObject is registered with the Deployment, after it too");
        const direct = await deploy();
        assert.equal(direct.error, undefined, "a database without a migration waits for nothing");
        const wrong = await deploy({ database: { ...DATABASE!, migration: "the job" as unknown as pulumi.Resource } });
        assert.match(wrong.error?.message ?? "", /database\.migration: expected a Pulumi resource to wait for/);
    });

    it("denies ingress but the metrics scrape, and egress but DNS, the brokers and the database", async () => {
        const run = await deploy();
        const policy = byKind(run, "networking.k8s.io/v1:NetworkPolicy").inputs.spec;
        assert.deepEqual(policy.policyTypes, ["Ingress", "Egress"]);
        assert.deepEqual(policy.ingress, [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 9090 }] }]);
        assert.deepEqual(policy.egress.slice(1), [
            { to: [{ ipBlock: { cidr: "10.244.0.1/32" } }], ports: [{ protocol: "TCP", port: 9092 }] },
            { to: [{ podSelector: { matchLabels: { app: "postgres" } } }], ports: [{ protocol: "TCP", port: 5432 }] },
        ]);
        assert.deepEqual(policy.egress[0].ports, [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
    });

    it("adds a PodMonitor when monitoring is on and a PDB when at least 2 pods are guaranteed, as WebService does", async () => {
        const run = await deploy({ podMonitor: true, minReplicas: 2 });
        const monitor = byKind(run, "monitoring.coreos.com/v1:PodMonitor").inputs.spec;
        assert.deepEqual(monitor.podMetricsEndpoints, [{ port: "admin", path: "/metrics", interval: "30s" }]);
        assert.equal(byKind(run, "policy/v1:PodDisruptionBudget").inputs.spec.maxUnavailable, 1);
        const single1 = await deploy();
        assert.equal(ofType(single1, "kubernetes:monitoring.coreos.com/v1:PodMonitor").length, 0);
        assert.equal(ofType(single1, "kubernetes:policy/v1:PodDisruptionBudget").length, 0);
    });

    it("refuses maxReplicas above the topic's partitions (KEDA would cap it silently) unless idle consumers are allowed", async () => {
        const run = await deploy({ maxReplicas: 8 });
        assert.equal(run.error?.message, "Worker orders-worker: invalid arguments (1 problem):\n" +
            "  - maxReplicas: expected at most the topic's kafka.partitions (6): a consumer group has no more busy members than partitions, " +
            "and KEDA caps the count at 6 without a word (or set allowIdleConsumers true for idle spares), got 8");
        assert.equal(ofType(run, "kubernetes:apps/v1:Deployment").length, 0, "nothing is created");
        const allowed = await deploy({ maxReplicas: 8, allowIdleConsumers: true });
        assert.equal(allowed.error, undefined, allowed.error?.message);
        assert.equal(byKind(allowed, "keda.sh/v1alpha1:ScaledObject").inputs.spec.maxReplicaCount, 8);
    });

    it("reports every problem of its arguments at once", async () => {
        const run = await deploy({
            kafka: { bootstrapServers: "kafka", topic: "bad topic!", partitions: 0, mechanism: "SCRAM-SHA-1" as never, password: undefined },
            minReplicas: 7, maxReplicas: 6, lagThreshold: 0, activationLagThreshold: -1, consumerGroup: "", drainTimeoutSeconds: 0,
            env: { WORKER_DRAIN_TIMEOUT: "1s", KAFKA_TOPIC: "x" }, database: { connectionSecret: { name: "db", key: "DATABASE_URL" } },
        });
        const lines = run.error?.message.split("\n").slice(1).map((line) => line.replace(/^ {2}- /, "").split(":")[0]);
        assert.deepEqual(lines, [
            "kafka.bootstrapServers", "kafka.topic", "kafka.partitions", "kafka.mechanism", "consumerGroup", "minReplicas",
            "lagThreshold", "activationLagThreshold", "drainTimeoutSeconds", "env.KAFKA_TOPIC", "env.WORKER_DRAIN_TIMEOUT", "database.egress",
        ], run.error?.message);
        assert.match(run.error!.message, /^Worker orders-worker: invalid arguments \(12 problems\)/);
    });

    it("requires the SASL password with a mechanism, and refuses a missing kafka, image and provider, naming each", async () => {
        const noPassword = await deploy({ kafka: { password: undefined } });
        assert.match(noPassword.error!.message, /kafka\.password: expected the SASL password \(a secret\) with SCRAM-SHA-512, got nothing/);
        const bare = await runProgram("test", { config: {}, secretKeys: [] }, {
            program: () => void new Worker("orders-worker", {} as WorkerArgs),
        });
        assert.equal(bare.error?.message, "Worker orders-worker: invalid arguments (3 problems):\n" +
            "  - image: expected the service's image reference pinned by digest (repo@sha256:…), got nothing\n" +
            "  - provider: expected a Kubernetes provider (k8s.Provider), got nothing\n" +
            "  - kafka: expected Kafka settings {bootstrapServers, topic, …}, got nothing");
    });

    it("warns when its provider is not createKubernetesProvider's (the readiness check would read kubectl's default cluster)", async () => {
        const run = await runProgram("test", { config: {}, secretKeys: [] }, {
            program: () => void new Worker("orders-worker", { provider: new k8s.Provider("own", {}), image: IMAGE, database: DATABASE, kafka: { ...KAFKA, password: "x-password" } }),
        });
        assert.equal(run.error, undefined, run.error?.message);
        const ready = single(run, "pulumi-nodejs:dynamic/goship:ScaledObjectReadiness").inputs;
        assert.equal(ready.context, undefined);
    });
});

describe("the ScaledObject readiness check", () => {
    const target = { namespace: "goship", name: "orders-worker", trigger: "kafka trigger (topic orders, consumer group orders-worker, brokers 10.244.0.1:9092)", timeoutSeconds: 2 };

    /** A kubectl that answers `get scaledobjects…` and `get events…` with the given JSON. */
    function fakeKubectl(scaledObject: object, events: object): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-kubectl-"));
        fs.writeFileSync(path.join(dir, "scaledobject.json"), JSON.stringify(scaledObject));
        fs.writeFileSync(path.join(dir, "events.json"), JSON.stringify(events));
        const script = path.join(dir, "kubectl");
        fs.writeFileSync(script, `#!/bin/sh\necho "$@" >> "${dir}/calls"\ncase "$*" in\n  *scaledobjects.keda.sh/*) cat "${dir}/scaledobject.json" ;;\n  *events*) cat "${dir}/events.json" ;;\n  *) echo "unexpected: $*" >&2; exit 2 ;;\nesac\n`, { mode: 0o755 });
        return script;
    }

    async function withKubectl<T>(binary: string, run: () => Promise<T>): Promise<T> {
        const before = process.env.GOSHIP_KUBECTL;
        process.env.GOSHIP_KUBECTL = binary;
        try {
            return await run();
        } finally {
            if (before === undefined) {
                delete process.env.GOSHIP_KUBECTL;
            } else {
                process.env.GOSHIP_KUBECTL = before;
            }
        }
    }

    it("fails after its timeout naming the trigger, KEDA's Ready condition and its scaler's error", async () => {
        const now = new Date().toISOString();
        const kubectl = fakeKubectl(
            { status: { conditions: [{ type: "Ready", status: "False", reason: "ScaledObjectCheckFailed", message: "Failed to ensure HPA is correctly created for ScaledObject" }] } },
            { items: [
                { type: "Warning", reason: "KEDAScalerFailed", message: "error creating kafka client: kafka: client has run out of available brokers to talk to: EOF", lastTimestamp: now },
                { type: "Warning", reason: "ScaledObjectCheckFailed", message: "Failed to ensure HPA is correctly created for ScaledObject", lastTimestamp: now },
                { type: "Normal", reason: "KEDAScalersStarted", message: "Scaler kafka is built.", lastTimestamp: now },
            ] },
        );
        await assert.rejects(withKubectl(kubectl, () => awaitScaledObjectReady({ ...target, context: "goship-local" }, { settleSeconds: 1, pollSeconds: 0.5 })), (error: Error) => {
            assert.equal(error.message, "ScaledObject goship/orders-worker with its kafka trigger (topic orders, consumer group orders-worker, brokers 10.244.0.1:9092) " +
                "did not become Ready within 2s: KEDA reports Ready=False (ScaledObjectCheckFailed: Failed to ensure HPA is correctly created for ScaledObject); " +
                "KEDA's latest warnings: KEDAScalerFailed: error creating kafka client: kafka: client has run out of available brokers to talk to: EOF | " +
                "ScaledObjectCheckFailed: Failed to ensure HPA is correctly created for ScaledObject. Nothing scales on this trigger until it is fixed.");
            return true;
        });
        const calls = fs.readFileSync(path.join(path.dirname(kubectl), "calls"), "utf8");
        assert.match(calls, /^--context goship-local --namespace goship get scaledobjects\.keda\.sh\/orders-worker --output json$/m);
    });

    it("passes once Ready has held without a new warning", async () => {
        const kubectl = fakeKubectl({ status: { conditions: [{ type: "Ready", status: "True", reason: "ScaledObjectReady" }] } }, { items: [] });
        const started = Date.now();
        await withKubectl(kubectl, () => awaitScaledObjectReady({ ...target, timeoutSeconds: 60 }, { settleSeconds: 1, pollSeconds: 0.5 }));
        assert.ok(Date.now() - started >= 1000, "Ready must hold for the settle time, not pass on the first look");
    });

    it("fails at once, saying what to do, when kubectl cannot run", async () => {
        await assert.rejects(withKubectl("/nonexistent/kubectl", () => awaitScaledObjectReady(target)),
            /cannot run \/nonexistent\/kubectl to read ScaledObject goship\/orders-worker: .*set GOSHIP_KUBECTL to one, or set awaitReady false/);
    });

    it("says when there is no Ready condition at all (no KEDA operator)", () => {
        assert.match(notReadyMessage(target, undefined, []), /KEDA reports no Ready condition \(is the KEDA operator running\?\); KEDA wrote no warning event/);
    });
});
