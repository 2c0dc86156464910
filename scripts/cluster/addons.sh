#!/usr/bin/env bash
# Install the add-ons the local stack needs on the running cluster (idempotent; after up.sh):
#
#   Gateway API       its standard CRDs; GatewayClass traefik and Gateway traefik/goship on the same address
#   Traefik v3        ingress controller on http://$GOSHIP_INGRESS_ADDR (default 127.0.0.1:8000), IngressClass traefik
#   metrics-server    resource metrics API (metrics.k8s.io), so HorizontalPodAutoscalers see CPU
#   KEDA              operator, metrics API server and admission webhooks (namespace keda, trimmed to the trigger
#                     types goship accepts): ScaledObjects are reconciled into HPAs on external metrics
#   monitoring        Prometheus Operator, one Prometheus and one Alertmanager (namespace monitoring): the
#                     components' ServiceMonitors, PrometheusRules and AlertmanagerConfigs are consumed
#   Jaeger v2         OTLP receiver and trace query API (Service monitoring/jaeger)
#   local-path        the default StorageClass: a PersistentVolumeClaim gets a directory under $CACHE/cluster/volumes
#   Flagger           only when installed before (scripts/cluster/addon.sh flagger installs it on demand): kept current
#
# Images and manifests come from build-addons.sh (run first when missing). Waits until each add-on works:
# Traefik answers on its address, the metrics API returns the node's usage, KEDA's APIService is Available.
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

# --- Gateway API CRDs --------------------------------------------------------------------------------------------
# Before Traefik: its kubernetesgateway provider watches these kinds. Server-side: the HTTPRoute CRD is larger than
# the client-side last-applied annotation allows.
install_gateway_api_crds() {
  kubectl_admin apply --server-side --force-conflicts -f "$(gateway_api_dir)/crds" >/dev/null
  kubectl_admin wait --for condition=Established --timeout "${TIMEOUT}s" -f "$(gateway_api_dir)/crds" >/dev/null
}
step "Gateway API v$GATEWAY_API_VERSION CRDs (standard channel)" install_gateway_api_crds

# --- Traefik --------------------------------------------------------------------------
ingress_answers() { curl -s -o /dev/null --max-time 2 "http://$INGRESS_ADDR/"; }
install_traefik() {
  import_image "$(traefik_dir)/images/traefik.tar" "$TRAEFIK_IMAGE"
  sed -e "s|@TRAEFIK_IMAGE@|$TRAEFIK_IMAGE|g" -e "s|@INGRESS_ADDR@|$INGRESS_ADDR|g" \
    -e "s|@INGRESS_ADMIN_ADDR@|$INGRESS_ADMIN_ADDR|g" -e "s|@INGRESS_IP@|${INGRESS_ADDR%:*}|g" \
    -e "s|@INGRESS_ADMIN_HOST@|${INGRESS_ADMIN_ADDR%:*}|g" -e "s|@INGRESS_ADMIN_PORT@|${INGRESS_ADMIN_ADDR##*:}|g" \
    -e "s|@TRAEFIK_METRICS_ADDR@|$TRAEFIK_METRICS_ADDR|g" \
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
  # The Gateway routes attach to; Programmed means Traefik's Gateway API provider synced and bound its listener.
  sed -e "s|@INGRESS_PORT@|${INGRESS_ADDR##*:}|g" "$here/manifests/gateway.yaml" | kubectl_admin apply -f - >/dev/null
  if ! wait_until "Programmed=True on Gateway traefik/goship from Traefik" gateway_programmed; then
    kubectl_admin -n traefik get gateway goship -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\n"}{end}' >&2 || true
    kubectl_admin -n traefik logs deploy/traefik --tail 20 >&2 || true
    exit 1
  fi
}
ingress_admitted() {
  [[ -n $(kubectl_admin -n traefik get ingress goship-admission-check -o jsonpath='{.status.loadBalancer.ingress[0].ip}') ]]
}
gateway_programmed() {
  [[ $(kubectl_admin -n traefik get gateway goship -o jsonpath='{.status.conditions[?(@.type=="Programmed")].status}') == True ]]
}
step "Traefik v$TRAEFIK_VERSION (ingress and Gateway traefik/goship on http://$INGRESS_ADDR)" install_traefik

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

# --- KEDA ------------------------------------------------------------------------------------------------------
# The CRDs (module config/crd/bases, server-side: the ScaledJob CRD is larger than the client-side last-applied
# annotation allows), then the operator, metrics API server and admission webhooks from the module's config/
# through manifests/keda/kustomization.yaml. Ready means: the three Deployments are Available, the APIService
# v1beta1.external.metrics.k8s.io is Available (the HPA controller reads KEDA's metrics through it), and the
# webhook rejects an invalid ScaledObject (its failurePolicy is Ignore, so a webhook without a working
# certificate would let everything through silently).
KEDA_DEPLOYMENTS=(keda-operator keda-metrics-apiserver keda-admission)
KEDA_APISERVICE=v1beta1.external.metrics.k8s.io
keda_where_to_look() {
  cluster_say "look at: kubectl -n keda get pods,events; kubectl -n keda logs deploy/keda-operator (it issues the" \
    "certificates, Secret keda/kedaorg-certs); kubectl get apiservice $KEDA_APISERVICE -o yaml"
}
keda_overlay() { # DIR: the module's config/ and our kustomization
  cp -r "$(keda_dir)/config" "$1/config"
  sed -e "s|@KEDA_VERSION@|$KEDA_VERSION|g" \
    -e "s|@KEDA_OPERATOR_IMAGE_NAME@|${KEDA_OPERATOR_IMAGE%:*}|g" -e "s|@KEDA_OPERATOR_IMAGE_TAG@|${KEDA_OPERATOR_IMAGE##*:}|g" \
    -e "s|@KEDA_ADAPTER_IMAGE_NAME@|${KEDA_ADAPTER_IMAGE%:*}|g" -e "s|@KEDA_ADAPTER_IMAGE_TAG@|${KEDA_ADAPTER_IMAGE##*:}|g" \
    -e "s|@KEDA_WEBHOOKS_IMAGE_NAME@|${KEDA_WEBHOOKS_IMAGE%:*}|g" -e "s|@KEDA_WEBHOOKS_IMAGE_TAG@|${KEDA_WEBHOOKS_IMAGE##*:}|g" \
    "$here/manifests/keda/kustomization.yaml" >"$1/kustomization.yaml"
}
keda_apiservice_available() {
  [[ $(kubectl_admin get apiservice "$KEDA_APISERVICE" -o jsonpath='{.status.conditions[?(@.type=="Available")].status}') == True ]]
}
# A server-side dry run that only the webhook refuses: two triggers with one name.
keda_webhook_rejects() {
  local out
  out=$(kubectl_admin -n keda apply --dry-run=server -f - 2>&1 <<'EOF_SO'
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: { name: goship-admission-check }
spec:
  scaleTargetRef: { name: goship-admission-check }
  triggers:
    - { type: cron, name: same, metadata: { timezone: Etc/UTC, start: 0 * * * *, end: 30 * * * *, desiredReplicas: "1" } }
    - { type: cron, name: same, metadata: { timezone: Etc/UTC, start: 0 * * * *, end: 30 * * * *, desiredReplicas: "1" } }
EOF_SO
  )
  grep -q 'defined multiple times' <<<"$out"
}
install_keda() {
  local overlay d
  IMAGE_REIMPORTED=""
  import_image "$(keda_dir)/images/keda.tar" "$KEDA_OPERATOR_IMAGE"
  import_image "$(keda_dir)/images/keda-adapter.tar" "$KEDA_ADAPTER_IMAGE"
  import_image "$(keda_dir)/images/keda-admission-webhooks.tar" "$KEDA_WEBHOOKS_IMAGE"
  kubectl_admin apply --server-side --force-conflicts -f "$(keda_crds_dir)" >/dev/null
  kubectl_admin wait --for condition=Established --timeout "${TIMEOUT}s" -f "$(keda_crds_dir)" >/dev/null
  overlay=$(mktemp -d)
  on_exit "rm -rf '$overlay'"
  keda_overlay "$overlay"
  kubectl_admin apply -k "$overlay" >/dev/null
  if [[ -n $IMAGE_REIMPORTED ]]; then
    # A rebuilt KEDA under the same tag: the running pods still have the old binaries.
    for d in "${KEDA_DEPLOYMENTS[@]}"; do kubectl_admin -n keda rollout restart "deploy/$d" >/dev/null; done
  fi
  for d in "${KEDA_DEPLOYMENTS[@]}"; do
    if ! kubectl_admin -n keda rollout status "deploy/$d" --timeout "${TIMEOUT}s"; then
      kubectl_admin -n keda get pods -o wide >&2 || true
      kubectl_admin -n keda logs "deploy/$d" --tail 30 >&2 || true
      keda_where_to_look >&2
      cluster_die "KEDA Deployment keda/$d did not become Available"
    fi
  done
  if ! wait_until "Available=True on APIService $KEDA_APISERVICE" keda_apiservice_available; then
    kubectl_admin get apiservice "$KEDA_APISERVICE" -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\n"}{end}' >&2 || true
    kubectl_admin -n keda logs deploy/keda-metrics-apiserver --tail 30 >&2 || true
    keda_where_to_look >&2
    exit 1
  fi
  if ! wait_until "rejection of an invalid ScaledObject by KEDA's admission webhook" keda_webhook_rejects; then
    kubectl_admin -n keda logs deploy/keda-admission --tail 30 >&2 || true
    keda_where_to_look >&2
    exit 1
  fi
}
step "KEDA v$KEDA_VERSION operator, metrics API server ($KEDA_APISERVICE), admission webhooks (namespace keda)" install_keda

# --- Prometheus Operator, Prometheus, Alertmanager ------------------------------------------------------------
# The operator's Deployment and RBAC are the module's example/rbac/prometheus-operator with our images and the
# monitoring namespace; Prometheus and Alertmanager are manifests/monitoring.yaml. Ready means: the operator has
# reconciled both (their pods Ready) and Prometheus scrapes itself.
monitoring_namespace() {
  kubectl_admin apply -f - >/dev/null <<'EOF_NS'
apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
  labels: { pod-security.kubernetes.io/enforce: baseline }
EOF_NS
}
# cluster_ip SERVICE: a monitoring Service's cluster IP (kube-proxy runs on this host, so it is reachable here).
cluster_ip() { kubectl_admin -n monitoring get svc "$1" -o jsonpath='{.spec.clusterIP}'; }
prometheus_scrapes_itself() {
  curl -sf --max-time 3 "http://$(cluster_ip prometheus):9090/api/v1/targets?state=active" |
    jq -e '[.data.activeTargets[] | select(.labels.job == "prometheus" and .health == "up")] | length > 0'
}
operator_overlay() { # DIR: a kustomization of the module's operator manifests with our images and namespace
  cp -r "$(prometheus_operator_dir)/manifests/prometheus-operator" "$1/base"
  # Its ServiceMonitor would be the only object needing the CRDs before the operator runs; not needed here.
  rm -f "$1/base/prometheus-operator-service-monitor.yaml"
  (cd "$1/base" && printf 'resources:\n' >kustomization.yaml && find . -name 'prometheus-operator-*.yaml' | sort | sed 's/^/  - /' >>kustomization.yaml)
  cat >"$1/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: monitoring
resources: [base]
images:
  - name: quay.io/prometheus-operator/prometheus-operator
    newName: ${PROMETHEUS_OPERATOR_IMAGE%:*}
    newTag: ${PROMETHEUS_OPERATOR_IMAGE##*:}
patches:
  - target: { kind: ClusterRoleBinding, name: prometheus-operator }
    patch: |-
      - op: replace
        path: /subjects/0/namespace
        value: monitoring
  - target: { kind: Deployment, name: prometheus-operator }
    patch: |-
      - op: replace
        path: /spec/template/spec/containers/0/imagePullPolicy
        value: Never
      - op: test
        path: /spec/template/spec/containers/0/args/1
        value: --prometheus-config-reloader=quay.io/prometheus-operator/prometheus-config-reloader:v$PROMETHEUS_OPERATOR_VERSION
      - op: replace
        path: /spec/template/spec/containers/0/args/1
        value: --prometheus-config-reloader=$CONFIG_RELOADER_IMAGE
EOF
}
install_monitoring() {
  local overlay sts
  import_image "$(prometheus_operator_dir)/images/operator.tar" "$PROMETHEUS_OPERATOR_IMAGE"
  import_image "$(prometheus_operator_dir)/images/prometheus-config-reloader.tar" "$CONFIG_RELOADER_IMAGE"
  import_image "$(prometheus_dir)/images/prometheus.tar" "$PROMETHEUS_IMAGE"
  import_image "$(alertmanager_dir)/images/alertmanager.tar" "$ALERTMANAGER_IMAGE"
  # Server-side apply: several of these CRDs exceed the client-side last-applied annotation's size limit.
  kubectl_admin apply --server-side --force-conflicts -f "$(prometheus_operator_dir)/crds" >/dev/null
  kubectl_admin wait --for condition=Established --timeout "${TIMEOUT}s" -f "$(prometheus_operator_dir)/crds" >/dev/null
  monitoring_namespace
  overlay=$(mktemp -d)
  on_exit "rm -rf '$overlay'"
  operator_overlay "$overlay"
  kubectl_admin apply -k "$overlay" >/dev/null
  if ! kubectl_admin -n monitoring rollout status deploy/prometheus-operator --timeout "${TIMEOUT}s"; then
    kubectl_admin -n monitoring logs deploy/prometheus-operator --tail 30 >&2 || true
    cluster_die "the Prometheus Operator did not become ready"
  fi
  sed -e "s|@PROMETHEUS_IMAGE@|$PROMETHEUS_IMAGE|g" -e "s|@PROMETHEUS_VERSION@|$PROMETHEUS_VERSION|g" \
    -e "s|@ALERTMANAGER_IMAGE@|$ALERTMANAGER_IMAGE|g" -e "s|@ALERTMANAGER_VERSION@|$ALERTMANAGER_VERSION|g" \
    -e "s|@TRAEFIK_METRICS_ADDR@|$TRAEFIK_METRICS_ADDR|g" "$here/manifests/monitoring.yaml" | kubectl_admin apply -f - >/dev/null
  for sts in prometheus-goship alertmanager-goship; do
    # The operator creates each StatefulSet a moment after its custom resource.
    wait_until "StatefulSet monitoring/$sts from the operator" kubectl_admin -n monitoring get statefulset "$sts"
    if ! kubectl_admin -n monitoring rollout status "statefulset/$sts" --timeout "${TIMEOUT}s"; then
      kubectl_admin -n monitoring describe pods | tail -n 30 >&2
      kubectl_admin -n monitoring logs deploy/prometheus-operator --tail 30 >&2 || true
      cluster_die "$sts did not become ready"
    fi
  done
  if ! wait_until "Prometheus scraping itself (target job=prometheus up)" prometheus_scrapes_itself; then
    curl -s "http://$(cluster_ip prometheus):9090/api/v1/targets" | jq -c '.data.activeTargets[] | {job: .labels.job, health, lastError}' >&2 || true
    exit 1
  fi
}
step "Prometheus Operator v$PROMETHEUS_OPERATOR_VERSION, Prometheus v$PROMETHEUS_VERSION, Alertmanager v$ALERTMANAGER_VERSION (namespace monitoring)" install_monitoring

# --- Jaeger -------------------------------------------------------------------------------------------------------
jaeger_answers() { curl -sf --max-time 3 "http://$(cluster_ip jaeger):16686/api/services" | jq -e '.data'; }
install_jaeger() {
  import_image "$(jaeger_dir)/images/jaeger.tar" "$JAEGER_IMAGE"
  monitoring_namespace
  sed -e "s|@JAEGER_IMAGE@|$JAEGER_IMAGE|g" "$here/manifests/jaeger.yaml" | kubectl_admin apply -f - >/dev/null
  if ! kubectl_admin -n monitoring rollout status deploy/jaeger --timeout "${TIMEOUT}s"; then
    kubectl_admin -n monitoring logs deploy/jaeger --tail 30 >&2 || true
    cluster_die "jaeger did not become ready"
  fi
  wait_until "answer from Jaeger's query API (monitoring/jaeger:16686)" jaeger_answers
}
step "Jaeger v$JAEGER_VERSION (OTLP on monitoring/jaeger:4318, query on :16686)" install_jaeger

# --- local-path-provisioner ------------------------------------------------------------------------------------
# The module's deploy/local-path-storage.yaml with our images, the volumes under the cache (down.sh --purge removes
# them) and its StorageClass as the cluster default. Ready means: a claim is bound and its directory exists.
local_path_overlay() { # DIR
  mkdir -p "$1/base" "$(state_dir)/volumes"
  cp "$(local_path_dir)/manifests/local-path-storage.yaml" "$1/base/"
  printf 'resources: [local-path-storage.yaml]\n' >"$1/base/kustomization.yaml"
  cat >"$1/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [base]
images:
  - name: rancher/local-path-provisioner
    newName: ${LOCAL_PATH_IMAGE%:*}
    newTag: ${LOCAL_PATH_IMAGE##*:}
patches:
  - target: { kind: Namespace, name: local-path-storage }
    patch: |-
      - op: add
        path: /metadata/labels
        value: { pod-security.kubernetes.io/enforce: privileged }
  - target: { kind: StorageClass, name: local-path }
    patch: |-
      - op: add
        path: /metadata/annotations
        value: { storageclass.kubernetes.io/is-default-class: "true" }
  - target: { kind: Deployment, name: local-path-provisioner }
    patch: |-
      - op: replace
        path: /spec/template/spec/containers/0/imagePullPolicy
        value: Never
  - target: { kind: ConfigMap, name: local-path-config }
    patch: |-
      - op: replace
        path: /data/config.json
        value: '{"nodePathMap":[{"node":"DEFAULT_PATH_FOR_NON_LISTED_NODES","paths":["$(state_dir)/volumes"]}]}'
      - op: test
        path: /data/helperPod.yaml
        value: |-
          apiVersion: v1
          kind: Pod
          metadata:
            name: helper-pod
          spec:
            priorityClassName: system-node-critical
            tolerations:
              - key: node.kubernetes.io/disk-pressure
                operator: Exists
                effect: NoSchedule
            containers:
            - name: helper-pod
              image: busybox
              imagePullPolicy: IfNotPresent
      - op: replace
        path: /data/helperPod.yaml
        value: |-
          apiVersion: v1
          kind: Pod
          metadata:
            name: helper-pod
          spec:
            priorityClassName: system-node-critical
            tolerations:
              - key: node.kubernetes.io/disk-pressure
                operator: Exists
                effect: NoSchedule
            containers:
            - name: helper-pod
              image: $BUSYBOX_IMAGE
              imagePullPolicy: Never
EOF
}
claim_bound() { [[ $(kubectl_admin -n local-path-storage get pvc goship-storage-check -o jsonpath='{.status.phase}') == Bound ]]; }
install_local_path() {
  local overlay
  import_image "$(local_path_dir)/images/local-path-provisioner.tar" "$LOCAL_PATH_IMAGE"
  import_image "$(local_path_dir)/images/busybox.tar" "$BUSYBOX_IMAGE"
  overlay=$(mktemp -d)
  on_exit "rm -rf '$overlay'"
  local_path_overlay "$overlay"
  kubectl_admin apply -k "$overlay" >/dev/null
  if ! kubectl_admin -n local-path-storage rollout status deploy/local-path-provisioner --timeout "${TIMEOUT}s"; then
    kubectl_admin -n local-path-storage logs deploy/local-path-provisioner --tail 30 >&2 || true
    cluster_die "local-path-provisioner did not become ready"
  fi
  # A claim binds only once a pod uses it (WaitForFirstConsumer): a throw-away pod and claim prove the whole path.
  kubectl_admin -n local-path-storage apply -f - >/dev/null <<EOF_CHECK
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: goship-storage-check }
spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Mi } } }
---
apiVersion: v1
kind: Pod
metadata: { name: goship-storage-check }
spec:
  restartPolicy: Never
  containers:
    - { name: check, image: $BUSYBOX_IMAGE, imagePullPolicy: Never, command: [sh, -c, "echo ok > /data/ok"], volumeMounts: [{ name: data, mountPath: /data }] }
  volumes: [{ name: data, persistentVolumeClaim: { claimName: goship-storage-check } }]
EOF_CHECK
  if ! wait_until "a bound PersistentVolumeClaim from local-path-provisioner" claim_bound; then
    kubectl_admin -n local-path-storage describe pvc goship-storage-check | tail -n 10 >&2
    kubectl_admin -n local-path-storage logs deploy/local-path-provisioner --tail 30 >&2 || true
    exit 1
  fi
  kubectl_admin -n local-path-storage wait --for=jsonpath='{.status.phase}'=Succeeded pod/goship-storage-check --timeout "${TIMEOUT}s" >/dev/null
  kubectl_admin -n local-path-storage delete pod/goship-storage-check pvc/goship-storage-check --wait=false >/dev/null
}
step "local-path-provisioner v$LOCAL_PATH_VERSION (default StorageClass local-path, volumes in $(state_dir)/volumes)" install_local_path

# --- Flagger (on demand) -----------------------------------------------------------------------------------------
# Not built for every cluster; once addon.sh installed it, a new version or manifest here reaches it too.
if kubectl_admin -n flagger-system get deployment flagger >/dev/null 2>&1; then
  "$here/addon.sh" flagger
fi
