// The stack config of the orders topic and its worker (goship:kafka, goship:kafkaPassword, goship:worker): what the
// keys become, and each problem worded with the key the user wrote, once, before anything is registered.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertStackInvariants } from "../helpers/invariants";
import { ofType, runProgram, single } from "../helpers/mocks";
import { runPolicies } from "../helpers/policy-harness";
import { parse } from "yaml";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR, readStackConfig, secretValue, toEngineConfig } from "../helpers/stack-config";

const BASE = {
    registryServer: "registry.example.com",
    registryUsername: "robot",
    registryPassword: secretValue("registry-password"),
    kubeContext: "test",
    kafka: { bootstrapServers: "kafka-0.kafka:9092,kafka-1.kafka:9092", topic: "orders", partitions: 6, mechanism: "SCRAM-SHA-256", username: "orders" },
    kafkaPassword: secretValue("kafka-password-0001"),
    worker: { maxReplicas: 6 },
};

async function problems(config: Record<string, unknown>): Promise<string[]> {
    const run = await runProgram("test", toEngineConfig({ ...BASE, ...config }));
    assert.ok(run.error, "the config is refused");
    assert.equal(run.resources.filter((r) => r.type.startsWith("kubernetes:")).length, 0, "nothing is registered");
    return run.error.message.split("\n").slice(1).map((line) => line.replace(/^ {2}- /, ""));
}

describe("stack config: kafka and the worker", () => {
    it("deploys a worker named after the service, with the stack's namespace, and the producer's env on the service", async () => {
        const run = await runProgram("test", toEngineConfig({ ...BASE, namespace: "shop", serviceMonitor: "true" }));
        assert.equal(run.error, undefined, run.error?.message);
        const worker = ofType(run, "kubernetes:apps/v1:Deployment").find((r) => r.name === "goship-worker-deployment")!.inputs;
        assert.equal(worker.metadata.namespace, "shop");
        assert.equal(single(run, "kubernetes:keda.sh/v1alpha1:ScaledObject").inputs.spec.maxReplicaCount, 6);
        assert.equal(ofType(run, "kubernetes:monitoring.coreos.com/v1:PodMonitor").length, 1, "serviceMonitor turns the worker's PodMonitor on too");
        const service = ofType(run, "kubernetes:apps/v1:Deployment").find((r) => r.name === "goship-deployment")!.inputs;
        const env = Object.fromEntries(service.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
        assert.equal(env.KAFKA_BROKERS, "kafka-0.kafka:9092,kafka-1.kafka:9092");
        assert.equal(env.KAFKA_SASL_MECHANISM, "SCRAM-SHA-256");
        assert.ok(env.KAFKA_PASSWORD.secretKeyRef);
        assert.equal(run.outputs.workerScaledObject, "goship-worker");
    });

    it("the producer alone: kafka without worker deploys no worker", async () => {
        const run = await runProgram("test", toEngineConfig({ ...BASE, worker: undefined }));
        assert.equal(run.error, undefined, run.error?.message);
        assert.equal(ofType(run, "kubernetes:apps/v1:Deployment").length, 1);
        assert.equal(run.outputs.workerName, undefined);
    });

    it("refuses maxReplicas above the partitions under the keys the user wrote", async () => {
        assert.deepEqual(await problems({ worker: { maxReplicas: 8 } }), [
            "worker.maxReplicas: expected at most the topic's kafka.partitions (6): a consumer group has no more busy members than partitions, " +
            "and KEDA caps the count at 6 without a word (or set worker.allowIdleConsumers true for idle spares), got 8",
        ]);
    });

    it("says the maxReplicas above the partitions is the default when the user set none", async () => {
        assert.deepEqual(await problems({ kafka: { ...BASE.kafka, partitions: 3 }, worker: {} }), [
            "worker.maxReplicas: expected at most the topic's kafka.partitions (3): a consumer group has no more busy members than partitions, " +
            "and KEDA caps the count at 3 without a word (or set worker.allowIdleConsumers true for idle spares), got 6 (the default)",
        ]);
    });

    it("reports a kafka problem once, though the service and the worker both check it", async () => {
        assert.deepEqual(await problems({ kafka: { ...BASE.kafka, topic: "bad topic" } }), [
            "kafka.topic: expected a Kafka topic name (letters, digits, '.', '_' and '-', at most 249 characters), got \"bad topic\"",
        ]);
    });

    it("names the secret key for a missing password, and the worker's own fields under worker", async () => {
        assert.deepEqual(await problems({ kafkaPassword: undefined, worker: { lagThreshold: 0, maxReplicaz: 3 } }), [
            "kafkaPassword: expected the SASL password (a secret) with SCRAM-SHA-256, got nothing",
            "worker.maxReplicaz: expected a field of a Worker argument (did you mean maxReplicas?): provider, image, kafka, namespace, consumerGroup, minReplicas, maxReplicas, " +
            "allowIdleConsumers, lagThreshold, activationLagThreshold, pollingIntervalSeconds, cooldownSeconds, scaleUpStabilizationSeconds, scaleDownStabilizationSeconds, " +
            "drainTimeoutSeconds, awaitReady, readyTimeoutSeconds, rolloutTimeoutSeconds, resources, logLevel, env, database, networkPolicy, podMonitor, faultInjection, " +
            "production, forceApply, imagePullDockerConfigJson, got an unknown field",
            "worker.lagThreshold: expected an integer from 1 to 1000000000, got 0",
        ]);
    });

    it("refuses worker fields the program sets itself", async () => {
        assert.deepEqual(await problems({ worker: { namespace: "other", kafka: { topic: "x" } } }), [
            "worker.kafka: expected unset (the program gives the worker the stack's kafka key), got a value",
            "worker.namespace: expected unset (the program gives the worker the stack's namespace), got a value",
        ]);
    });

    it("refuses a worker without kafka, a password without kafka, and partitions missing for the worker", async () => {
        assert.deepEqual(await problems({ kafka: undefined }), [
            "kafkaPassword: expected unset unless kafka is set (it is the SASL password of kafka.username), got a value (not shown: it is secret)",
            "worker: expected unset unless kafka is set (the topic the worker consumes), got worker settings",
        ]);
        assert.deepEqual(await problems({ kafka: { ...BASE.kafka, partitions: undefined } }), ["kafka.partitions: expected an integer from 1 to 10000, got nothing"]);
    });

    it("refuses a password inside the kafka or database map (plaintext in the stack file), naming the secret key instead", async () => {
        assert.deepEqual(await problems({ kafka: { ...BASE.kafka, password: "hunter2" }, kafkaPassword: undefined }), [
            "kafka.password: expected unset (the password is the secret key kafkaPassword: pulumi config set --secret kafkaPassword …), got a value (not shown: it is secret)",
            "kafkaPassword: expected the SASL password (a secret) with SCRAM-SHA-256, got nothing",
        ]);
        const database = { provider: "kubernetes", image: "127.0.0.1:5000/goship/postgres:15.20-0-deb12u1", storageSize: "1Gi", password: "hunter2" };
        assert.deepEqual(await problems({ database, databasePassword: secretValue("Test-Database-Pw-0001") }), [
            "database.password: expected unset (the password is the secret key databasePassword: pulumi config set --secret databasePassword …), got a value (not shown: it is secret)",
        ]);
    });

    it("refuses a worker name that is not a string and unknown resources fields rather than falling back to the defaults", async () => {
        assert.deepEqual(await problems({ worker: { name: 5, resources: { cpuRequests: "100m" } } }), [
            "worker.name: expected a DNS label starting with a letter, at most 40 characters, got 5",
            "worker.resources.cpuRequests: expected a field of resources (did you mean cpuRequest?): cpuRequest, cpuLimit, memoryRequest, memoryLimit, ephemeralStorageRequest, " +
            "ephemeralStorageLimit, got an unknown field",
        ]);
    });

    it("the production shape in Pulumi.prod.yaml's comment is a valid stack: SASL over TLS, 3 to 24 pods on 24 partitions", async () => {
        const commented = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8").split("\n")
            .filter((line) => /^ {2}# {1,5}(goship:(kafka|worker):| {2}\w+:)/.test(line) && !line.includes("pulumi config")).map((line) => line.replace(/^ {2}# /, "  ")).join("\n");
        const shape = parse(`config:\n${commented}`).config as Record<string, unknown>;
        assert.deepEqual(Object.keys(shape), ["goship:kafka", "goship:worker"]);
        const run = await runProgram("prod", readStackConfig("prod", { ...shape, "goship:kafkaPassword": secretValue("prod-kafka-password-0001") }));
        assert.equal(run.error, undefined, run.error?.message);
        assertStackInvariants(run, { production: true });
        const scaled = ofType(run, "kubernetes:keda.sh/v1alpha1:ScaledObject").find((r) => r.name === "goship-worker-scaledobject")!.inputs.spec;
        assert.deepEqual([scaled.minReplicaCount, scaled.maxReplicaCount], [3, 24]);
        assert.ok(scaled.triggers[0].authenticationRef.name, "production-authenticated-kafka holds");
        const auth = single(run, "kubernetes:keda.sh/v1alpha1:TriggerAuthentication").inputs.spec.secretTargetRef;
        assert.deepEqual(auth.map((ref: any) => ref.parameter), ["sasl", "username", "password", "tls"]);
        const resources = run.resources.map((resource) => ({ type: resource.type, props: resource.inputs, name: resource.name }));
        assert.deepEqual(runPolicies(resources), [], "the whole pack passes the production worker");
    });
});
