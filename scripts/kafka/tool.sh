#!/usr/bin/env bash
# Kafka's CLI tools against the local broker, authenticated: --bootstrap-server and the SASL --command-config
# (client.properties, which scripts/kafka/up.sh writes) are filled in. For tests and operators.
#
# Usage: bash scripts/kafka/tool.sh TOOL [ARGS…]
#   topics             org.apache.kafka.tools.TopicCommand                      (kafka-topics.sh)
#   consumer-groups    org.apache.kafka.tools.consumer.group.ConsumerGroupCommand (kafka-consumer-groups.sh)
#   console-producer   org.apache.kafka.tools.ConsoleProducer                   (kafka-console-producer.sh)
#   console-consumer   org.apache.kafka.tools.consumer.ConsoleConsumer          (kafka-console-consumer.sh)
# e.g. bash scripts/kafka/tool.sh topics --create --topic orders --partitions 6 --replication-factor 1 --if-not-exists
#      bash scripts/kafka/tool.sh consumer-groups --describe --group orders-worker
# GOSHIP_KAFKA_COMMAND_CONFIG replaces client.properties (e.g. to try other credentials).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/kafka/lib.sh
. "$here/lib.sh"

usage() {
  echo "usage: bash scripts/kafka/tool.sh topics|consumer-groups|console-producer|console-consumer [args…]" >&2
  exit 2
}
(($#)) || usage
case $1 in
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  consumer-groups) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  console-producer) main=org.apache.kafka.tools.ConsoleProducer ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  *) usage ;;
esac
shift

kafka_require_libs
config=${GOSHIP_KAFKA_COMMAND_CONFIG:-$(kafka_client_properties)}
[[ -r $config ]] || kafka_die "no client configuration $config: start the broker first (GOSHIP_KAFKA_PASSWORD=… bash scripts/kafka/up.sh)"
kafka_java_cmd "$KAFKA_TOOL_JVM_OPTS" "$KAFKA_TOOL_LOG4J" "$main" --bootstrap-server "$KAFKA_CLIENT_ADDR" --command-config "$config" "$@"
exec "${KAFKA_CMD[@]}"
