// How a workload reaches a Kafka topic: shared by WebService (the API produces orders) and Worker (it consumes them).
// Every field is optional unless said otherwise; its default is stated once, in its `@default`
// (components/defaults.ts holds the values; a unit test keeps the two the same).
import * as pulumi from "@pulumi/pulumi";

/** The SASL mechanisms the service's client (franz-go) and KEDA's kafka scaler both speak. */
export const KAFKA_MECHANISMS = ["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] as const;
export type KafkaMechanism = (typeof KAFKA_MECHANISMS)[number];

export interface KafkaArgs {
    /** Required. Comma-separated host:port brokers, e.g. 10.244.0.1:9092 (KAFKA_BROKERS). */
    bootstrapServers: string;
    /** Required. The topic produced to and consumed from (KAFKA_TOPIC). */
    topic: string;
    /**
     * The topic's partition count, as created. Required by a Worker: a consumer group never has more busy members
     * than partitions, so its maxReplicas is checked against it.
     */
    partitions?: number;
    /** SASL mechanism (KAFKA_SASL_MECHANISM); unset: no SASL (then no username or password either). */
    mechanism?: KafkaMechanism;
    /** SASL user (KAFKA_USERNAME); required with mechanism. */
    username?: string;
    /** SASL password, a secret Output (e.g. `config.requireSecret("kafkaPassword")`); required with mechanism. Kept in a Secret. */
    password?: pulumi.Input<string>;
    /** TLS to the brokers (KAFKA_TLS). @default false */
    tls?: boolean;
}
