// The Kafka credentials' Secret, read two ways: the pods' KAFKA_PASSWORD (secretKeyRef) and KEDA's
// TriggerAuthentication (secretTargetRef of `sasl`, `username`, `password`, `tls`, in the kafka scaler's own spelling).
// Named after a hash of its content, like the env Secret: a new password makes a new immutable Secret, the pods roll to
// it, and the old one is deleted only after the rollout.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { ChildOptions, ObjectMeta } from "../web-service/child-options";
import { contentHash } from "../web-service/env-objects";
import { KafkaArgs, KafkaMechanism } from "./types";

/** KEDA's kafka scaler names the mechanisms its own way (pkg/scalers/kafka_scaler.go). */
const KEDA_SASL: Record<KafkaMechanism, string> = { "SCRAM-SHA-512": "scram_sha512", "SCRAM-SHA-256": "scram_sha256", PLAIN: "plaintext" };

/** The Secret's keys: KEDA's parameter names, so each secretTargetRef reads the key of its own name. */
export const KAFKA_SECRET_KEYS = { sasl: "sasl", username: "username", password: "password", tls: "tls" } as const;

export interface KafkaSecret {
    secret: k8s.core.v1.Secret;
    /** The parameters KEDA reads from it (`tls` only when TLS is on: KEDA's default is off). */
    parameters: (keyof typeof KAFKA_SECRET_KEYS)[];
}

/** Undefined without SASL or TLS: nothing to authenticate with. */
export function createKafkaSecret(meta: ObjectMeta, kafka: KafkaArgs, opts: ChildOptions): KafkaSecret | undefined {
    if (kafka.mechanism === undefined && !(kafka.tls ?? DEFAULTS.kafka.tls)) {
        return undefined;
    }
    const values = pulumi.secret(pulumi.output(kafka.password ?? "").apply((password) => ({
        ...(kafka.mechanism ? { sasl: KEDA_SASL[kafka.mechanism], username: kafka.username ?? "", password } : {}),
        ...((kafka.tls ?? DEFAULTS.kafka.tls) ? { tls: "enable" } : {}),
    } as Record<string, string>)));
    // Only a hash of the values; it must stay readable in diffs.
    const suffix = pulumi.unsecret(values.apply(contentHash));
    const secret = new k8s.core.v1.Secret(`${meta.name}-kafka`, {
        metadata: { ...meta, name: pulumi.interpolate`${meta.name}-kafka-${suffix}` },
        immutable: true,
        type: "Opaque",
        stringData: values,
    }, { ...opts, deleteBeforeReplace: false });
    const parameters: KafkaSecret["parameters"] = [
        ...(kafka.mechanism ? (["sasl", "username", "password"] as const) : []),
        ...((kafka.tls ?? DEFAULTS.kafka.tls) ? (["tls"] as const) : []),
    ];
    return { secret, parameters };
}
