#!/usr/bin/env bash
# Install the add-ons the local stack needs on the running cluster (idempotent; after up.sh):
#
#   Traefik v3        ingress controller on http://$GOSHIP_INGRESS_ADDR (default 127.0.0.1:8000), IngressClass traefik
#   metrics-server    resource metrics API (metrics.k8s.io), so HorizontalPodAutoscalers see CPU
#   KEDA CRDs         ScaledObject & co. are accepted (the KEDA operator itself is not installed)
#
# Images and manifests come from build-addons.sh (run first when missing). Waits until each add-on works:
# Traefik answers on its address, the metrics API returns the node's usage, the CRDs are established.
#
# Usage: scripts/cluster/addons.sh
#   GOSHIP_INGRESS_ADDR  GOSHIP_INGRESS_ADMIN_ADDR  GOSHIP_UP_TIMEOUT (seconds per wait, default 120)
# Another GOSHIP_INGRESS_ADDR (e.g. when 8000 is taken) also needs goship:publicUrl in Pulumi.local.yaml, and the
# end-to-end tests assume 127.0.0.1:8000.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/cluster/lib.sh
. "$here/lib.sh"

[[ $(id -u) -eq 0 ]] || cluster_die "must run as root (imports images into the node's containerd)"
STATE=$(state_dir)
BIN=$(kube_bin)
TIMEOUT=${GOSHIP_UP_TIMEOUT:-120}
[[ -s $STATE/admin.kubeconfig ]] || cluster_die "no cluster: run scripts/cluster/up.sh first"
kubectl_admin() { "$BIN/kubectl" --kubeconfig "$STATE/admin.kubeconfig" "$@"; }

# wait_until DESCRIPTION CMD...: poll every second; on timeout print DESCRIPTION's diagnostics hint and fail.
wait_until() {
  local what=$1 deadline=$((SECONDS + TIMEOUT))
  shift
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      printf 'cluster: ERROR: no %s within %ss\n' "$what" "$TIMEOUT" >&2
      return 1
    fi
    sleep 1
  done
}

"$here/build-addons.sh"

# --- Traefik --------------------------------------------------------------------------
ingress_answers() { curl -s -o /dev/null --max-time 2 "http://$INGRESS_ADDR/"; }
install_traefik() {
  import_image "$(traefik_dir)/images/traefik.tar" "$TRAEFIK_IMAGE"
  sed -e "s|@TRAEFIK_IMAGE@|$TRAEFIK_IMAGE|g" -e "s|@INGRESS_ADDR@|$INGRESS_ADDR|g" \
    -e "s|@INGRESS_ADMIN_ADDR@|$INGRESS_ADMIN_ADDR|g" -e "s|@INGRESS_IP@|${INGRESS_ADDR%:*}|g" \
    -e "s|@INGRESS_ADMIN_HOST@|${INGRESS_ADMIN_ADDR%:*}|g" -e "s|@INGRESS_ADMIN_PORT@|${INGRESS_ADMIN_ADDR##*:}|g" \
    "$here/manifests/traefik.yaml" | kubectl_admin apply -f - >/dev/null
  if ! kubectl_admin -n traefik rollout status deploy/traefik --timeout "${TIMEOUT}s"; then
    kubectl_admin -n traefik describe pods | tail -n 30 >&2
    kubectl_admin -n traefik logs deploy/traefik --tail 30 >&2 || true
    cluster_die "traefik did not become ready (is $INGRESS_ADDR free? set GOSHIP_INGRESS_ADDR)"
  fi
  wait_until "answer from Traefik on http://$INGRESS_ADDR" ingress_answers
  # Answering is not enough: its Kubernetes provider must have synced (it waits for every informer, and a
  # missing RBAC rule stalls it silently). A throw-away Ingress is admitted (status set) only after that.
  kubectl_admin -n traefik apply -f - >/dev/null <<'EOF_INGRESS'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: goship-admission-check }
spec:
  ingressClassName: traefik
  rules: [{ host: admission-check.goship.invalid, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: none, port: { number: 80 } } } }] } }]
EOF_INGRESS
  if ! wait_until "status on a test Ingress from Traefik" ingress_admitted; then
    kubectl_admin -n traefik logs deploy/traefik --tail 20 >&2 || true
    exit 1
  fi
  kubectl_admin -n traefik delete ingress goship-admission-check >/dev/null
}
ingress_admitted() {
  [[ -n $(kubectl_admin -n traefik get ingress goship-admission-check -o jsonpath='{.status.loadBalancer.ingress[0].ip}') ]]
}
step "Traefik v$TRAEFIK_VERSION (ingress on http://$INGRESS_ADDR)" install_traefik

# --- metrics-server -----------------------------------------------------------------------
# The module's own manifests, with our image, and the kubelet's serving certificate verified against the
# cluster CA (upstream's quick start uses --kubelet-insecure-tls instead).
metrics_api_serves() { kubectl_admin get --raw "/apis/metrics.k8s.io/v1beta1/nodes/$NODE_NAME" | grep -q '"usage"'; }
install_metrics_server() {
  local overlay
  import_image "$(metrics_server_dir)/images/metrics-server.tar" "$METRICS_SERVER_IMAGE"
  overlay=$(mktemp -d)
  on_exit "rm -rf '$overlay'"
  cp -r "$(metrics_server_dir)/manifests/base" "$overlay/base"
  cat >"$overlay/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [base]
images:
  - name: gcr.io/k8s-staging-metrics-server/metrics-server
    newName: ${METRICS_SERVER_IMAGE%:*}
    newTag: ${METRICS_SERVER_IMAGE##*:}
patches:
  - target: { kind: Deployment, name: metrics-server }
    patch: |-
      - op: replace
        path: /spec/template/spec/containers/0/imagePullPolicy
        value: Never
      - op: add
        path: /spec/template/spec/containers/0/args/-
        value: --kubelet-certificate-authority=/var/run/secrets/kubernetes.io/serviceaccount/ca.crt
EOF
  kubectl_admin apply -k "$overlay" >/dev/null
  if ! kubectl_admin -n kube-system rollout status deploy/metrics-server --timeout "${TIMEOUT}s"; then
    kubectl_admin -n kube-system logs deploy/metrics-server --tail 30 >&2 || true
    cluster_die "metrics-server did not become ready"
  fi
  # The first scrape lands one resolution (15 s) after start.
  if ! wait_until "node metrics from metrics.k8s.io" metrics_api_serves; then
    kubectl_admin get apiservice v1beta1.metrics.k8s.io -o yaml | tail -n 12 >&2
    kubectl_admin -n kube-system logs deploy/metrics-server --tail 30 >&2 || true
    exit 1
  fi
}
step "metrics-server v$METRICS_SERVER_VERSION (metrics.k8s.io)" install_metrics_server

# --- KEDA CRDs ------------------------------------------------------------------------------
install_keda_crds() {
  # Server-side apply: the ScaledJob CRD is larger than the client-side last-applied annotation allows.
  kubectl_admin apply --server-side --force-conflicts -f "$(keda_crds_dir)" >/dev/null
  kubectl_admin wait --for condition=Established --timeout "${TIMEOUT}s" -f "$(keda_crds_dir)" >/dev/null
}
step "KEDA v$KEDA_VERSION CRDs" install_keda_crds
