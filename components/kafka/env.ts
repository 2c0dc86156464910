// The Kafka client's environment, the same names for the API's producer and the worker's consumer (app/README.md):
// plain settings as values, the password only by reference to the credentials' Secret.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { KAFKA_SECRET_KEYS } from "./secret";
import { KafkaArgs } from "./types";

/** Variables the kafka settings set; a hand-set one would be overridden. */
export const KAFKA_ENV = ["KAFKA_BROKERS", "KAFKA_TOPIC", "KAFKA_SASL_MECHANISM", "KAFKA_USERNAME", "KAFKA_PASSWORD", "KAFKA_TLS"] as const;

export function kafkaEnv(kafka: KafkaArgs, secretName: pulumi.Input<string> | undefined): k8s.types.input.core.v1.EnvVar[] {
    const env: k8s.types.input.core.v1.EnvVar[] = [
        { name: "KAFKA_BROKERS", value: kafka.bootstrapServers },
        { name: "KAFKA_TOPIC", value: kafka.topic },
        { name: "KAFKA_TLS", value: String(kafka.tls ?? DEFAULTS.kafka.tls) },
    ];
    if (kafka.mechanism !== undefined && secretName !== undefined) {
        env.push(
            { name: "KAFKA_SASL_MECHANISM", value: kafka.mechanism },
            { name: "KAFKA_USERNAME", value: kafka.username },
            { name: "KAFKA_PASSWORD", valueFrom: { secretKeyRef: { name: secretName, key: KAFKA_SECRET_KEYS.password } } },
        );
    }
    return env;
}
