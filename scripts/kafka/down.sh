#!/usr/bin/env bash
# Stop the local Kafka broker that scripts/kafka/up.sh started (SIGTERM, then SIGKILL after 30 s, saying so) and
# remove its state, $GOSHIP_CACHE/kafka: data, logs, the generated configuration with the password. The jars in
# $GOSHIP_CACHE/kafka-v<V>/ stay cached. Checks that no broker of that state directory is left. Idempotent.
#
# Usage: scripts/kafka/down.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/kafka/lib.sh
. "$here/lib.sh"

state=$(kafka_state)
kafka_stop
left=$(kafka_stray_pids)
[[ -z $left ]] || kafka_die "a broker of $state still runs (pid $left)"
if [[ -e $state ]]; then
  rm -rf "$state"
  kafka_say "state removed ($state)"
else
  kafka_say "no broker state in $state (not started)"
fi
