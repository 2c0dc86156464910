#!/usr/bin/env bash
# Prove the local cluster (after up.sh): a pod from a locally built image becomes
# Ready through an httpGet readiness probe, a ClusterIP Service routes to it
# through kube-proxy (curl from the host), and, when CoreDNS runs, names resolve
# inside the pod (kubernetes.default and the Service's own name).
#
# The image is scripts/cluster/demo (static Go server) in a one-layer scratch
# image made without docker. Delivery:
#   default                            ctr import into containerd's k8s.io namespace
#                                      (imagePullPolicy: Never)
#   GOSHIP_SMOKE_REGISTRY=host:port    push to that plain-http registry with `ctr push`
#                                      (it must be in up.sh's GOSHIP_REGISTRIES) and let
#                                      the kubelet pull it (imagePullPolicy: Always)
#   GOSHIP_SMOKE_REGISTRY_USER=u:p     credentials for that push
#
# Usage: scripts/cluster/smoke.sh [--keep]   (--keep leaves namespace goship-smoke)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/cluster/lib.sh
. "$here/lib.sh"

keep=""
[[ "${1:-}" == --keep ]] && keep=1
STATE=$(state_dir)
BIN=$(kube_bin)
export KUBECONFIG=$STATE/admin.kubeconfig
[[ -s "$KUBECONFIG" ]] || cluster_die "$KUBECONFIG missing: run scripts/cluster/up.sh first"
k() { "$BIN/kubectl" "$@"; }
NS=goship-smoke
CTR=(ctr --address "$CTRD_SOCK")
REG=${GOSHIP_SMOKE_REGISTRY:-}
work=$(mktemp -d)
on_exit "rm -rf '$work'"
[[ -n "$keep" ]] || on_exit "'$BIN/kubectl' delete namespace $NS --wait=false >/dev/null 2>&1"

build_image() {
  mkdir -p "$work/root"
  (cd "$here/demo" && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$work/root/demo" main.go)
  local tag
  tag=$(sha256sum "$work/root/demo" | cut -c1-12)
  if [[ -n "$REG" ]]; then IMAGE=$REG/goship/cluster-smoke:$tag; else IMAGE=goship.local/cluster-smoke:$tag; fi
  make_image_tar "$work/demo.tar" "$IMAGE" "$work/root" '["/demo"]' 65532:65532
}
step "build demo image (go build + scratch image, no docker)" build_image

deliver_image() {
  if [[ -n "$REG" ]]; then
    # Import into a namespace the kubelet does not use, push from there, so the
    # node has to pull it through containerd's registry configuration.
    "${CTR[@]}" -n goship-smoke images import "$work/demo.tar" >/dev/null
    "${CTR[@]}" -n goship-smoke images push --plain-http ${GOSHIP_SMOKE_REGISTRY_USER:+--user "$GOSHIP_SMOKE_REGISTRY_USER"} "$IMAGE" >/dev/null
    "${CTR[@]}" -n goship-smoke images rm "$IMAGE" >/dev/null
    "${CTR[@]}" -n k8s.io images rm "$IMAGE" >/dev/null 2>&1 || true
    PULL=Always
  else
    "${CTR[@]}" -n k8s.io images import "$work/demo.tar" >/dev/null
    PULL=Never
  fi
  cluster_say "image $IMAGE (imagePullPolicy $PULL)"
}
step "deliver image" deliver_image

k delete namespace "$NS" --ignore-not-found --wait=true >/dev/null
t_apply=$SECONDS
deploy() {
  k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata: {name: $NS}
---
apiVersion: v1
kind: Pod
metadata:
  name: cluster-smoke
  namespace: $NS
  labels: {app: cluster-smoke}
spec:
  automountServiceAccountToken: false
  containers:
    - name: demo
      image: $IMAGE
      imagePullPolicy: $PULL
      ports: [{containerPort: 8080, name: http}]
      readinessProbe:
        httpGet: {path: /healthz, port: http}
        periodSeconds: 1
      securityContext:
        runAsNonRoot: true
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: {drop: [ALL]}
---
apiVersion: v1
kind: Service
metadata:
  name: cluster-smoke
  namespace: $NS
spec:
  type: ClusterIP
  selector: {app: cluster-smoke}
  ports: [{port: 80, targetPort: http}]
EOF
  if ! k -n "$NS" wait --for=condition=Ready pod/cluster-smoke --timeout=120s; then
    k -n "$NS" describe pod cluster-smoke | tail -25 >&2
    return 1
  fi
}
step "pod Ready (httpGet readiness probe)" deploy
cluster_say "pod Ready $((SECONDS - t_apply))s after kubectl apply"

service() {
  local ip out i
  ip=$(k -n "$NS" get svc cluster-smoke -o jsonpath='{.spec.clusterIP}')
  for ((i = 0; i < 30; i++)); do
    out=$(curl -fsS --max-time 2 "http://$ip/" 2>&1) && break
    sleep 1
  done
  [[ "$out" == "hello from cluster-smoke" ]] || cluster_die "curl http://$ip/ gave: $out"
  cluster_say "curl http://$ip/ (ClusterIP, kube-proxy iptables) -> $out"
  SVC_IP=$ip
}
step "ClusterIP Service from the host" service

dns() {
  local out name
  for name in "kubernetes.default.svc.$CLUSTER_DOMAIN=$KUBERNETES_SVC_IP" "cluster-smoke.$NS.svc.$CLUSTER_DOMAIN=$SVC_IP" "kubernetes.default=$KUBERNETES_SVC_IP"; do
    out=$(curl -fsS --max-time 10 "http://$SVC_IP/resolve?name=${name%%=*}" 2>&1) || cluster_die "DNS lookup of ${name%%=*} in the pod failed: $out"
    [[ "$out" == "${name#*=}" ]] || cluster_die "DNS: ${name%%=*} resolved to '$out', want ${name#*=}"
    cluster_say "in pod: ${name%%=*} -> $out"
  done
}
if k -n kube-system get svc kube-dns >/dev/null 2>&1; then
  step "cluster DNS (lookups inside the pod via CoreDNS)" dns
else
  cluster_say "no kube-dns Service: DNS not checked"
fi
cluster_say "smoke test passed"
