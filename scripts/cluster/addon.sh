#!/usr/bin/env bash
# Install an on-demand add-on on the running cluster (after addons.sh). These are built only when something uses
# them, so a cold `npm run up` never waits for their builds; once installed, addons.sh keeps them current.
# Idempotent: with nothing changed a run builds nothing, imports nothing, and only checks (a few seconds).
#
#   flagger   Flagger v$FLAGGER_VERSION in namespace flagger-system: canary analysis routed through the Gateway API
#             (Gateway traefik/goship, served by Traefik) with gates on Prometheus (monitoring/prometheus:9090).
#             Ready means: its CRDs Established and its Deployment Available (/healthz answers once the CRDs are
#             verified and its informers synced).
#
# Usage: scripts/cluster/addon.sh flagger
#   GOSHIP_UP_TIMEOUT (seconds per wait, default 120)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/cluster/lib.sh
. "$here/lib.sh"

[[ $# -eq 1 ]] || cluster_die "usage: $0 flagger"
[[ $(id -u) -eq 0 ]] || cluster_die "must run as root (imports images into the node's containerd)"
STATE=$(state_dir)
BIN=$(kube_bin)
TIMEOUT=${GOSHIP_UP_TIMEOUT:-120}
[[ -s $STATE/admin.kubeconfig ]] || cluster_die "no cluster: run npm run up (or scripts/cluster/up.sh and addons.sh) first"
kubectl_admin() { "$BIN/kubectl" --kubeconfig "$STATE/admin.kubeconfig" "$@"; }

# Where Flagger's gates read from: the monitoring namespace's Prometheus (addons.sh).
FLAGGER_PROMETHEUS_URL=http://prometheus.monitoring:9090

install_flagger() {
  # The routes it writes attach to this Gateway, and its gates query this Prometheus: both come from addons.sh.
  kubectl_admin -n traefik get gateway goship >/dev/null 2>&1 ||
    cluster_die "no Gateway traefik/goship: run scripts/cluster/addons.sh first"
  kubectl_admin -n monitoring get service prometheus >/dev/null 2>&1 ||
    cluster_die "no Service monitoring/prometheus: run scripts/cluster/addons.sh first"
  IMAGE_REIMPORTED=""
  import_image "$(flagger_dir)/images/flagger.tar" "$FLAGGER_IMAGE"
  # Server-side, like the other add-ons' CRDs (the Canary CRD is 50 kB of schema).
  kubectl_admin apply --server-side --force-conflicts -f "$(flagger_dir)/crds" >/dev/null
  kubectl_admin wait --for condition=Established --timeout "${TIMEOUT}s" -f "$(flagger_dir)/crds" >/dev/null
  sed -e "s|@FLAGGER_IMAGE@|$FLAGGER_IMAGE|g" -e "s|@PROMETHEUS_URL@|$FLAGGER_PROMETHEUS_URL|g" \
    "$here/manifests/flagger.yaml" | kubectl_admin apply -f - >/dev/null
  if [[ -n $IMAGE_REIMPORTED ]]; then
    # A rebuilt Flagger under the same tag: the running pod still has the old binary.
    kubectl_admin -n flagger-system rollout restart deploy/flagger >/dev/null
  fi
  flagger_rollout
  if ! flagger_reached_prometheus; then
    # It checks Prometheus once, at start (5 s timeout). Started by the kubelet with the rest of a restarted cluster,
    # it may have checked before Prometheus was ready (addons.sh waits for it before this step): start it again.
    echo "    Flagger started before Prometheus answered; restarting it"
    kubectl_admin -n flagger-system rollout restart deploy/flagger >/dev/null
    flagger_rollout
    flagger_reached_prometheus || {
      kubectl_admin -n flagger-system logs deploy/flagger --tail 30 >&2 || true
      cluster_die "Flagger cannot reach $FLAGGER_PROMETHEUS_URL (kubectl -n monitoring get pods; logs deploy/flagger above)"
    }
  fi
}
flagger_rollout() {
  if ! kubectl_admin -n flagger-system rollout status deploy/flagger --timeout "${TIMEOUT}s"; then
    kubectl_admin -n flagger-system get pods -o wide >&2 || true
    kubectl_admin -n flagger-system logs deploy/flagger --tail 30 >&2 || true
    cluster_die "Flagger did not become ready (kubectl -n flagger-system describe pods; logs deploy/flagger)"
  fi
}
# Its start-up check, logged before it serves /healthz: so a Ready Flagger has logged it.
flagger_reached_prometheus() {
  local logs
  logs=$(kubectl_admin -n flagger-system logs deploy/flagger)
  [[ $logs == *"\"Connected to metrics server $FLAGGER_PROMETHEUS_URL\""* ]]
}

case $1 in
  flagger)
    "$here/build-addons.sh" flagger
    step "Flagger v$FLAGGER_VERSION (namespace flagger-system, mesh provider gatewayapi:v1, gates on $FLAGGER_PROMETHEUS_URL)" install_flagger
    ;;
  *) cluster_die "unknown add-on '$1' (on-demand add-ons: flagger)" ;;
esac
