// The local Kafka broker that `npm run up` starts (scripts/kafka/): KRaft, one node, SASL/SCRAM-SHA-512 on the pod
// bridge. Messages go through it as goship; a wrong password and an unauthenticated client are refused, and the
// broker's log names the SCRAM failure. Uses a topic of its own and deletes it.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { clientConfig, KAFKA_LOG, KAFKA_STATE, kafkaTool, requireKafka } from "../helpers/kafka";

const TOPIC = `e2e-broker-${process.pid}`;
const GROUP = `${TOPIC}-group`;
const MESSAGES = 200;
const PARTITIONS = 3;

describe("local Kafka broker (KRaft, SASL/SCRAM-SHA-512)", () => {
    let scratch = "";
    before(() => {
        requireKafka();
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-e2e-"));
    });
    after(() => {
        kafkaTool("topics", ["--delete", "--if-exists", "--topic", TOPIC], { allowFailure: true });
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("keeps the files that hold the password private", () => {
        assert.equal(fs.statSync(KAFKA_STATE).mode & 0o777, 0o700);
        for (const file of ["server.properties", "client.properties"]) {
            assert.equal(fs.statSync(path.join(KAFKA_STATE, "config", file)).mode & 0o777, 0o600, file);
        }
    });

    it("carries every message produced as goship to a consumer group, which ends with no lag", () => {
        kafkaTool("topics", ["--create", "--topic", TOPIC, "--partitions", String(PARTITIONS), "--replication-factor", "1"]);
        const described = kafkaTool("topics", ["--describe", "--topic", TOPIC]).stdout;
        assert.match(described, new RegExp(`PartitionCount: ${PARTITIONS}\\b`));

        const sent = Array.from({ length: MESSAGES }, (_, i) => `order-${i}:{"id":${i}}`);
        kafkaTool("console-producer", ["--topic", TOPIC, "--reader-property", "parse.key=true", "--reader-property", "key.separator=:"], { input: `${sent.join("\n")}\n` });
        const consumed = kafkaTool("console-consumer", ["--topic", TOPIC, "--group", GROUP, "--from-beginning", "--max-messages", String(MESSAGES), "--timeout-ms", "30000",
            "--formatter-property", "print.key=true", "--formatter-property", "key.separator=:"]).stdout;
        const received = consumed.split("\n").filter((line) => line.startsWith("order-"));
        assert.deepEqual([...received].sort(), [...sent].sort(), "every message, exactly once");

        const lag = kafkaTool("consumer-groups", ["--describe", "--group", GROUP]).stdout.split("\n").filter((line) => line.includes(TOPIC));
        assert.equal(lag.length, PARTITIONS, `one row per partition:\n${lag.join("\n")}`);
        for (const row of lag) {
            assert.equal(row.trim().split(/\s+/)[5], "0", `lag 0: ${row}`);
        }
    });

    it("refuses a wrong SCRAM password, and its log names the failure", () => {
        const before = fs.readFileSync(KAFKA_LOG, "utf8").length;
        const refused = kafkaTool("topics", ["--list"], { commandConfig: clientConfig(scratch, { username: "goship", password: "not-the-password" }), allowFailure: true });
        assert.notEqual(refused.code, 0, "listing topics with a wrong password fails");
        assert.match(refused.stdout + refused.stderr, /invalid credentials with SASL mechanism SCRAM-SHA-512/);
        const logged = fs.readFileSync(KAFKA_LOG, "utf8").slice(before);
        assert.match(logged, /Failed authentication with \/10\.244\.0\.1 .*invalid credentials with SASL mechanism SCRAM-SHA-512/);
    });

    it("refuses an unknown user and an unauthenticated client", () => {
        const unknown = kafkaTool("topics", ["--list"], { commandConfig: clientConfig(scratch, { username: "intruder", password: "x" }), allowFailure: true });
        assert.notEqual(unknown.code, 0);
        assert.match(unknown.stdout + unknown.stderr, /Authentication failed/);
        const plaintext = kafkaTool("topics", ["--list"], { commandConfig: clientConfig(scratch, "plaintext"), allowFailure: true });
        assert.notEqual(plaintext.code, 0, "a client without SASL gets no answer");
    });
});
