// The rules of the Kafka settings, named once: WebService and Worker check them, and the stack-config table quotes them.
import * as pulumi from "@pulumi/pulumi";
import { TRIGGER_FIELDS } from "../web-service/keda-triggers";
import { BOOLEAN, Checks, NON_EMPTY, fieldsOf, integer, matching, oneOf } from "../validation/rules";
import { KAFKA_MECHANISMS, KafkaArgs } from "./types";

export const KAFKA_RULES = {
    /** KEDA's kafka trigger parses bootstrapServers the same way; one rule for both. */
    bootstrapServers: TRIGGER_FIELDS.kafka.bootstrapServers.rule,
    // Kafka's own rule (kafka.common.internals.Topic): legal characters, at most 249 of them, not "." or "..".
    topic: matching(/^(?!\.{1,2}$)[a-zA-Z0-9._-]{1,249}$/, "a Kafka topic name (letters, digits, '.', '_' and '-', at most 249 characters)"),
    partitions: integer(1, 10_000),
    mechanism: oneOf(KAFKA_MECHANISMS),
    username: NON_EMPTY,
} as const;

const FIELDS = fieldsOf<KafkaArgs>({ bootstrapServers: true, topic: true, partitions: true, mechanism: true, username: true, password: true, tls: true });

/** Every problem of a `kafka` argument at `path`; `partitionsRequired` for a consumer. */
export function checkKafka(checks: Checks, path: string, kafka: unknown, options: { partitionsRequired: boolean }): kafka is KafkaArgs {
    const source = checks.fields(path, kafka, FIELDS, "Kafka settings {bootstrapServers, topic, …}");
    if (!source) {
        return false;
    }
    checks.check(`${path}.bootstrapServers`, source.bootstrapServers, KAFKA_RULES.bootstrapServers, { required: true });
    checks.check(`${path}.topic`, source.topic, KAFKA_RULES.topic, { required: true });
    checks.check(`${path}.partitions`, source.partitions, KAFKA_RULES.partitions, { required: options.partitionsRequired });
    checks.check(`${path}.tls`, source.tls, BOOLEAN);
    const sasl = source.mechanism !== undefined;
    if (checks.check(`${path}.mechanism`, source.mechanism, KAFKA_RULES.mechanism) && sasl) {
        checks.check(`${path}.username`, source.username, KAFKA_RULES.username, { required: true });
        const password = source.password;
        if (password === undefined) {
            checks.add(`${path}.password`, `the SASL password (a secret) with ${String(source.mechanism)}`, "nothing");
        } else if (!pulumi.Output.isInstance(password) && (typeof password !== "string" || password === "")) {
            checks.add(`${path}.password`, "a non-empty string or a secret Output", "a value (not shown: it is secret)");
        }
    }
    if (!sasl) {
        for (const field of ["username", "password"] as const) {
            if (source[field] !== undefined) {
                checks.add(`${path}.${field}`, (n) => `unset without ${n(`${path}.mechanism`)} (no SASL)`, field === "password" ? "a value (not shown: it is secret)" : JSON.stringify(source[field]));
            }
        }
    }
    return true;
}
