// WebService's `kafka` argument: the API's producer of POST /api/v1/orders gets the contract's KAFKA_* env, the
// password only from a Secret, and the brokers in its egress allow-list; its problems come with the others.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WebService, WebServiceArgs } from "../../components/web-service";
import { ProgramRun, ofType, runProgram, single } from "../helpers/mocks";

const IMAGE = `registry.example.com/team/orders@sha256:${"c".repeat(64)}`;
const PASSWORD = "producer-password-0001";
const KAFKA = { bootstrapServers: "10.244.0.1:9092,kafka.example.com:9093", topic: "orders", mechanism: "SCRAM-SHA-512" as const, username: "goship", password: pulumi.secret(PASSWORD) };

function deploy(args: Partial<WebServiceArgs>): Promise<ProgramRun> {
    return runProgram("test", { config: {}, secretKeys: [] }, {
        program: () => void new WebService("orders", { provider: new k8s.Provider("cluster", {}), image: IMAGE, autoscaling: { kind: "none", replicas: 1 }, ...args }),
    });
}

const envOf = (run: ProgramRun): Record<string, any> => Object.fromEntries(single(run, "kubernetes:apps/v1:Deployment").inputs
    .spec.template.spec.containers[0].env.map((entry: any) => [entry.name, entry.value ?? entry.valueFrom]));

describe("WebService's kafka producer", () => {
    it("sets KAFKA_* as the worker reads them, the password by reference to a Secret only", async () => {
        const run = await deploy({ kafka: KAFKA });
        assert.equal(run.error, undefined, run.error?.message);
        const env = envOf(run);
        assert.equal(env.KAFKA_BROKERS, "10.244.0.1:9092,kafka.example.com:9093");
        assert.equal(env.KAFKA_TOPIC, "orders");
        assert.equal(env.KAFKA_SASL_MECHANISM, "SCRAM-SHA-512");
        assert.equal(env.KAFKA_USERNAME, "goship");
        assert.equal(env.KAFKA_TLS, "false");
        const secret = ofType(run, "kubernetes:core/v1:Secret").find((r) => r.name === "orders-kafka")!;
        assert.deepEqual(env.KAFKA_PASSWORD, { secretKeyRef: { name: secret.inputs.metadata.name, key: "password" } });
        assert.ok(secret.secretPaths.includes("stringData"));
        assert.ok(!JSON.stringify(single(run, "kubernetes:apps/v1:Deployment").inputs).includes(PASSWORD));
        assert.equal(ofType(run, "kubernetes:keda.sh/v1alpha1:TriggerAuthentication").length, 0, "the producer needs no KEDA object");
    });

    it("allows the brokers through an egress allow-list: an IP by address, a host name by port", async () => {
        const run = await deploy({ kafka: KAFKA, networkPolicy: { egress: [{ cidrs: ["10.30.0.0/16"], ports: [443] }] } });
        const egress = ofType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find((r) => r.name === "orders-netpol")!.inputs.spec.egress;
        assert.deepEqual(egress.slice(2), [
            { to: [{ ipBlock: { cidr: "10.244.0.1/32" } }], ports: [{ protocol: "TCP", port: 9092 }] },
            { ports: [{ protocol: "TCP", port: 9093 }] },
        ]);
        const open = await deploy({ kafka: KAFKA });
        assert.equal(ofType(open, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find((r) => r.name === "orders-netpol")!.inputs.spec.egress, undefined, "no allow-list: egress unrestricted");
    });

    it("without kafka sets no KAFKA_* variable", async () => {
        const env = envOf(await deploy({}));
        assert.deepEqual(Object.keys(env).filter((name) => name.startsWith("KAFKA_")), []);
    });

    it("reports its kafka problems with the others, and refuses KAFKA_* set by hand", async () => {
        const run = await deploy({ kafka: { ...KAFKA, bootstrapServers: "kafka", password: undefined }, env: { KAFKA_TOPIC: "orders" }, logLevel: "loud" as never });
        assert.equal(run.error?.message, "WebService orders: invalid arguments (4 problems):\n" +
            "  - logLevel: expected one of debug, info, warn, error, got \"loud\"\n" +
            "  - env.KAFKA_TOPIC: expected a name goship does not set itself (KAFKA_TOPIC comes from kafka), got \"KAFKA_TOPIC\"\n" +
            "  - kafka.bootstrapServers: expected comma-separated host:port brokers such as kafka:9092, got \"kafka\"\n" +
            "  - kafka.password: expected the SASL password (a secret) with SCRAM-SHA-512, got nothing");
    });
});
