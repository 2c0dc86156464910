export * from "./types";
export { KAFKA_RULES, checkKafka } from "./rules";
export { KAFKA_ENV, kafkaEnv } from "./env";
export { KAFKA_SECRET_KEYS, KafkaSecret, createKafkaSecret } from "./secret";
export { kafkaEgressRules } from "./egress";
