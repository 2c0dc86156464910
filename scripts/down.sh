#!/usr/bin/env bash
# npm run down: destroy the local stack's resources, then stop everything `npm run up` started — the Kafka broker
# (its state goes with it), the cluster (scripts/cluster/down.sh checks that no process, mount, iptables chain or
# link of it is left), the registry, and the Docker engine if the bootstrap started it. Caches (Kafka's jars too)
# and the registry's data are kept (npm run up is then warm). --purge also deletes the cluster's state (PKI, etcd
# data, images).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/cluster/lib.sh
. scripts/cluster/lib.sh

purge=""
for a in "$@"; do
  case $a in
    --purge) purge=--purge ;;
    *) echo "usage: npm run down [-- --purge]" >&2; exit 2 ;;
  esac
done

pulumi() { bash scripts/toolchain/pulumi-run.sh "$@"; }
cache=$(cache_dir)

# Resources in the stack live in the cluster: destroying them needs the API server, so a stopped cluster
# with a non-empty stack is started first.
destroy_stack() {
  local count
  if ! pulumi stack select local >/dev/null 2>&1; then
    echo "no local stack"
    return
  fi
  count=$(pulumi stack export --stack local | jq '[.deployment.resources // [] | .[] | select(.type != "pulumi:pulumi:Stack")] | length')
  if ((count == 0)); then
    echo "local stack is empty"
    return
  fi
  if ! "$(kube_bin)/kubectl" --kubeconfig "$(state_dir)/admin.kubeconfig" --request-timeout 3s get --raw /readyz >/dev/null 2>&1; then
    echo "the stack has $count resources and the cluster is stopped: starting it to destroy them"
    bash scripts/cluster/up.sh >/dev/null
  fi
  pulumi destroy --stack local --yes --skip-preview
}

stop_pidfile() { # NAME PIDFILE EXE
  local pid
  [[ -s $2 ]] || { echo "$1 not started by us"; return; }
  pid=$(cat "$2")
  if kill -0 "$pid" 2>/dev/null && [[ $(basename "$(readlink "/proc/$pid/exe")") == "$3" ]]; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && { echo "$1 (pid $pid) did not stop" >&2; return 1; }
    echo "$1 stopped (pid $pid)"
  else
    echo "$1 not running"
  fi
  rm -f "$2"
}

step "destroy the local stack" destroy_stack
# Before the cluster: the broker listens on the pod bridge that the cluster's down removes.
step "stop the Kafka broker, remove its state" bash scripts/kafka/down.sh
step "stop the cluster" bash scripts/cluster/down.sh $purge
step "stop the registry" stop_pidfile registry "$cache/registry/registry.pid" docker-registry
step "stop the Docker engine (if the bootstrap started it)" stop_pidfile dockerd "$cache/run/dockerd.pid" dockerd
