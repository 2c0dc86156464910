// The local Kafka broker from the tests' side (scripts/kafka/): its CLI tools, authenticated as goship through
// scripts/kafka/tool.sh, and where its log and state are. Everything here talks to the pod bridge only.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandResult } from "./cluster";
import { PROJECT_DIR } from "./stack-config";

/** The client listener (scripts/kafka/lib.sh: SASL_PLAINTEXT on the pod bridge). */
export const KAFKA_BOOTSTRAP = "10.244.0.1:9092";

const CACHE = process.env.GOSHIP_CACHE || path.join(os.homedir(), ".cache", "goship");
/** The broker's state directory; its log is logs/kafka.log, the tools' SASL configuration config/client.properties. */
export const KAFKA_STATE = path.join(CACHE, "kafka");
export const KAFKA_LOG = path.join(KAFKA_STATE, "logs", "kafka.log");

export type KafkaTool = "topics" | "consumer-groups" | "console-producer" | "console-consumer";

/**
 * `bash scripts/kafka/tool.sh TOOL ARGS…`: input goes to its stdin (console-producer: one message a line);
 * commandConfig replaces the SASL client.properties (e.g. another password). Throws on a non-zero exit unless
 * allowFailure.
 */
export function kafkaTool(tool: KafkaTool, args: string[], options: { input?: string; commandConfig?: string; allowFailure?: boolean; timeoutMs?: number } = {}): CommandResult {
    const env = { ...process.env, ...(options.commandConfig ? { GOSHIP_KAFKA_COMMAND_CONFIG: options.commandConfig } : {}) };
    const result = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "kafka", "tool.sh"), tool, ...args], {
        encoding: "utf8", input: options.input ?? "", env, maxBuffer: 256 * 1024 * 1024, timeout: options.timeoutMs ?? 120_000,
    });
    const outcome = { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
    if (outcome.code !== 0 && !options.allowFailure) {
        throw new Error(`scripts/kafka/tool.sh ${tool} ${args.join(" ")} failed (exit ${outcome.code}${result.error ? `, ${result.error.message}` : ""}): ${outcome.stderr.slice(-2000)}`);
    }
    return outcome;
}

/** Fails the suite loudly when the broker does not answer an authenticated request (tests never skip silently). */
export function requireKafka(): void {
    const listed = kafkaTool("topics", ["--list"], { allowFailure: true, timeoutMs: 60_000 });
    if (listed.code !== 0) {
        throw new Error(`the local Kafka broker does not answer on ${KAFKA_BOOTSTRAP} (scripts/kafka/tool.sh topics --list: ${listed.stderr.trim().slice(-500)}); run \`npm run up\` first`);
    }
}

/** A client configuration file (deleted by the caller) for SASL/SCRAM as `username` with `password`, or plain text. */
export function clientConfig(dir: string, settings: { username: string; password: string } | "plaintext"): string {
    const file = path.join(dir, "client.properties");
    const lines = settings === "plaintext"
        ? ["security.protocol=PLAINTEXT"]
        : ["security.protocol=SASL_PLAINTEXT", "sasl.mechanism=SCRAM-SHA-512",
            `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${settings.username}" password="${settings.password}";`];
    // Fail fast instead of retrying for the admin client's default minute.
    fs.writeFileSync(file, [...lines, "default.api.timeout.ms=10000", "request.timeout.ms=5000", ""].join("\n"), { mode: 0o600 });
    return file;
}
