#!/usr/bin/env bash
# npm run up: everything the local stack needs, then deploy it and check that it answers.
#
#   bootstrap (packages, node modules, Docker engine, Pulumi toolchain, registry, base images)
#   → Kubernetes binaries and add-ons built from the Go module proxy, Kafka's jars from Maven Central (cached)
#   → the single-node cluster → the Kafka broker on its pod bridge (SASL/SCRAM, scripts/kafka/)
#   → the cluster's add-ons (Traefik, metrics-server, KEDA, Prometheus, Jaeger, local-path storage)
#   → Flagger (scripts/cluster/addon.sh), only when the stack's goship:delivery is a canary
#   → pulumi up on the local stack (waits for Ready pods) → GET <url>ping through the Ingress
# Idempotent: a second run rebuilds nothing and `pulumi up` reports no changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/steps.sh
. scripts/lib/steps.sh

pulumi() { bash scripts/toolchain/pulumi-run.sh "$@"; }

# The Ingress is admitted when `pulumi up` returns; Traefik applies new routes within its 2 s throttle.
check_ping() {
  local url body="" deadline=$((SECONDS + 30))
  url=$(pulumi stack output url --stack local)
  until body=$(curl -fsS --max-time 3 "${url%/}/ping" 2>/dev/null) && [[ $body == '{"message":"pong"}' ]]; do
    if ((SECONDS >= deadline)); then
      echo "GET ${url%/}/ping did not answer {\"message\":\"pong\"} within 30 s (last answer: ${body:-none})." >&2
      echo "Look at: kubectl --context goship-local -n goship get pods,ingress; ~/.cache/goship/cluster/logs/" >&2
      return 1
    fi
    sleep 1
  done
  echo "GET ${url%/}/ping → $body"
}

# The broker's SCRAM password is the stack's secret goship:kafkaPassword (scripts/kafka/up.sh names the key when it
# is missing); its topic is the stack's goship:kafka topic, with the partitions the worker's maxReplicas is checked
# against (no goship:kafka: scripts/kafka/lib.sh's KAFKA_DEFAULT_TOPICS). GOSHIP_KAFKA_TOPICS, when set, replaces it.
kafka_broker() (
  if [[ -z ${GOSHIP_KAFKA_TOPICS+set} ]] && kafka=$(pulumi config get goship:kafka --stack local 2>/dev/null); then
    GOSHIP_KAFKA_TOPICS=$(jq -r '"\(.topic):\(.partitions)"' <<<"$kafka")
    export GOSHIP_KAFKA_TOPICS
  fi
  GOSHIP_KAFKA_PASSWORD=$(pulumi config get goship:kafkaPassword --stack local) bash scripts/kafka/up.sh
)

step "bootstrap" bash scripts/bootstrap.sh
step "Kubernetes v1.30 binaries (cached build)" bash scripts/cluster/build.sh
step "cluster add-ons (cached build)" bash scripts/cluster/build-addons.sh
step "Kafka jars (cached download from Maven Central)" bash scripts/kafka/build.sh
step "local cluster" bash scripts/cluster/up.sh
# Right after the cluster: the client listener binds to the pod bridge, which exists from then on.
step "Kafka broker (KRaft, SASL/SCRAM on the pod bridge)" kafka_broker
step "cluster add-ons: Traefik, metrics-server, KEDA, observability, storage" bash scripts/cluster/addons.sh
# Flagger is built and installed only for a stack that releases by canary (its cold build is not everyone's cost).
canary_engine() {
  local delivery
  if delivery=$(pulumi config get goship:delivery --stack local 2>/dev/null) && [[ $(jq -r '.kind // "rolling"' <<<"$delivery") == canary ]]; then
    bash scripts/cluster/addon.sh flagger
  else
    echo "the local stack releases by rolling update: Flagger not needed (goship:delivery)"
  fi
}
step "canary engine, when the stack uses it" canary_engine
step "pulumi up (local stack)" pulumi up --stack local --yes --skip-preview
step "service answers through the Ingress" check_ping
pulumi stack output --stack local
