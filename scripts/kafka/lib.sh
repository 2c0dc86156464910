# shellcheck shell=bash
# Shared by scripts/kafka/*.sh: the pinned version, the cache and state layout, and how a JVM of the jars is
# started. Sourced, never run.
#
#   $CACHE/kafka-v<V>/libs/*.jar          the broker and the CLI tools with their dependencies (build.sh; kept)
#   $CACHE/kafka-v<V>/pom.xml             the generated pom they were resolved from
#   $CACHE/kafka/config/                  server.properties, client.properties (0600: they hold the password)
#   $CACHE/kafka/data/                    the KRaft metadata log and the topics' partitions
#   $CACHE/kafka/logs/kafka.log           the broker's log (stdout and stderr)
#   $CACHE/kafka/run/kafka.pid            the broker's pid; kafka.pid.sum what it was started with (command line and
#                                         configuration); scram.sha256 the password the data was formatted with
# The state directory ($CACHE/kafka, 0700) is disposable: down.sh removes it whole.

# shellcheck disable=SC2034 # the constants below are used by the scripts that source this file
_kafka_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# BRIDGE_IP, BRIDGE_NAME (the pod bridge the client listener binds to) and steps.sh's cache_dir, step, on_exit.
# shellcheck source=scripts/cluster/lib.sh
. "$_kafka_here/../cluster/lib.sh"

# Apache Kafka 4.4.0: the newest release Maven Central serves here (4.0.1…4.4.0), and it runs on Debian 12's Java 17,
# the machine's default JDK: its broker modules are compiled for Java 17 (class file version 61; kafka-clients for
# 11), the minimum Kafka 4 sets for brokers. build.sh runs a class of the resolved jars to check it.
KAFKA_VERSION=${KAFKA_VERSION:-4.4.0}
KAFKA_SCALA_VERSION=2.13
# Kafka 4 logs through SLF4J (its poms declare slf4j-api 1.7.36) and its release ships log4j2 as the binding.
KAFKA_LOG4J_VERSION=${KAFKA_LOG4J_VERSION:-2.25.3}

# Client listener: SASL on the pod bridge, where pods and host processes both reach it. Controller: loopback.
KAFKA_CLIENT_PORT=${GOSHIP_KAFKA_PORT:-9092}
KAFKA_CLIENT_ADDR=$BRIDGE_IP:$KAFKA_CLIENT_PORT
KAFKA_CONTROLLER_ADDR=127.0.0.1:${GOSHIP_KAFKA_CONTROLLER_PORT:-9093}
KAFKA_SASL_MECHANISM=SCRAM-SHA-512
KAFKA_USER=${GOSHIP_KAFKA_USER:-goship}
# The topics up.sh creates when GOSHIP_KAFKA_TOPICS is unset (name:partitions,…): the order worker's topic.
KAFKA_DEFAULT_TOPICS=orders:6
# The broker's heap (Kafka's own default is 1 GiB): a single-node development broker with a few topics.
KAFKA_HEAP_OPTS=${GOSHIP_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}
KAFKA_MAIN_CLASS=kafka.Kafka

kafka_say() { printf 'kafka: %s\n' "$*"; }
kafka_die() {
  printf 'kafka: ERROR: %s\n' "$*" >&2
  exit 1
}

kafka_dist_dir() { printf '%s/kafka-v%s\n' "$(cluster_cache)" "$KAFKA_VERSION"; }
kafka_libs() { printf '%s/libs\n' "$(kafka_dist_dir)"; }
kafka_state() { printf '%s/kafka\n' "$(cluster_cache)"; }
kafka_server_properties() { printf '%s/config/server.properties\n' "$(kafka_state)"; }
kafka_client_properties() { printf '%s/config/client.properties\n' "$(kafka_state)"; }
kafka_pidfile() { printf '%s/run/kafka.pid\n' "$(kafka_state)"; }
kafka_log() { printf '%s/logs/kafka.log\n' "$(kafka_state)"; }

kafka_require_libs() {
  [[ -s "$(kafka_libs)/kafka_$KAFKA_SCALA_VERSION-$KAFKA_VERSION.jar" ]] ||
    kafka_die "Kafka $KAFKA_VERSION jars are not in $(kafka_libs); run: bash scripts/kafka/build.sh"
}

# kafka_java_cmd JVM_OPTS LOG4J_CONFIG MAIN_CLASS ARGS...: sets the array KAFKA_CMD to the command line of a JVM
# on the cached jars, for the caller to run, background or exec.
kafka_java_cmd() {
  local opts=$1 log4j=$2 main=$3
  shift 3
  # shellcheck disable=SC2206 # the option string is split on purpose (ours, no globs)
  KAFKA_CMD=(java $opts -Djava.awt.headless=true "-Dlog4j2.configurationFile=$log4j" -cp "$(kafka_libs)/*" "$main" "$@")
}

# JVM options of the short-lived CLI tools: the C1 compiler only and the serial collector start fastest and keep
# them from competing with the broker for the 2 cores.
KAFKA_TOOL_JVM_OPTS="-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData"
KAFKA_TOOL_LOG4J=$_kafka_here/log4j2-tools.properties
KAFKA_BROKER_LOG4J=$_kafka_here/log4j2-broker.properties

# The pid of the broker this state directory runs, if any: the pid file's process must still be a JVM whose
# command line names our server.properties (pids get reused).
kafka_pid() {
  local pid
  [[ -s "$(kafka_pidfile)" ]] || return 1
  pid=$(cat "$(kafka_pidfile)")
  _kafka_is_broker "$pid" "$(kafka_server_properties)" || return 1
  printf '%s\n' "$pid"
}

# _kafka_is_broker PID SERVER_PROPERTIES: the process runs kafka.Kafka with that file (builtins only: it is called
# for every process on the machine).
_kafka_is_broker() {
  local argv=() arg main="" config=""
  mapfile -d '' -t argv 2>/dev/null <"/proc/$1/cmdline" || return 1
  for arg in "${argv[@]}"; do
    [[ $arg == "$KAFKA_MAIN_CLASS" ]] && main=1
    [[ $arg == "$2" ]] && config=1
  done
  [[ -n $main && -n $config ]]
}

# Brokers of this state directory whatever the pid file says (one started by hand, or a lost pid file): every
# process whose command line is kafka.Kafka with our server.properties. Narrow on purpose: never a broad pattern.
kafka_stray_pids() {
  local dir config
  config=$(kafka_server_properties)
  for dir in /proc/[0-9]*; do
    if _kafka_is_broker "${dir#/proc/}" "$config"; then printf '%s\n' "${dir#/proc/}"; fi
  done
}

_kafka_any_alive() {
  local pid
  for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}

# kafka_stop: SIGTERM every broker of this state directory (a controlled shutdown: it flushes its logs and closes
# the metadata log), wait up to 30 s, then SIGKILL what is left, saying so.
kafka_stop() {
  local pids=() pid i
  mapfile -t pids < <({ kafka_pid || true; kafka_stray_pids; } | sort -u)
  rm -f "$(kafka_pidfile)" "$(kafka_pidfile).sum"
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    _kafka_any_alive "${pids[@]}" || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kafka_say "broker (pid $pid) did not stop within 30 s of SIGTERM; SIGKILL (its log: $(kafka_log))"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for ((i = 0; i < 50; i++)); do
    _kafka_any_alive "${pids[@]}" || break
    sleep 0.1
  done
  _kafka_any_alive "${pids[@]}" && kafka_die "broker (pid ${pids[*]}) still runs after SIGKILL"
  kafka_say "broker stopped (pid ${pids[*]})"
}
