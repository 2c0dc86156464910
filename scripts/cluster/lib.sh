# shellcheck shell=bash
# Shared by scripts/cluster/*.sh: pinned versions, cache layout, process
# supervision helpers. Sourced, never run.
#
# Cache layout (CACHE = ${GOSHIP_CACHE:-$HOME/.cache/goship}, outside the repo):
#   $CACHE/kubernetes-v<K>/bin/{kube-apiserver,...,kubectl,pause}
#   $CACHE/kubernetes-v<K>/images/pause-<P>.tar     docker-archive, tagged registry.k8s.io/pause:<P>
#   $CACHE/kubernetes-v<K>/BUILDINFO                 module versions and checksums used
#   $CACHE/kubernetes-v<K>/wrapper/                  the wrapper Go module (go.mod, go.sum, tools.go)
#   $CACHE/coredns-v<C>/bin/coredns
#   $CACHE/cluster/{pki,etcd,logs,run,kubelet,...}   state of the running cluster (up.sh)

# shellcheck disable=SC2034 # the constants below are used by the scripts that source this file
_cluster_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/steps.sh
. "$_cluster_here/../lib/steps.sh"

# Newest 1.30 patch on the Go module proxy when this was written
# (`go list -m -versions k8s.io/kubernetes` lists v1.30.4 and v1.30.14).
# 1.30 is the ceiling: Debian's containerd is 1.6.20 and the host is cgroup v1.
KUBE_VERSION=${KUBE_VERSION:-1.30.14}
# Sandbox ("pause") image the 1.30 kubelet/kubeadm expect (cmd/kubeadm/app/constants PauseVersion).
PAUSE_VERSION=3.9
PAUSE_IMAGE=registry.k8s.io/pause:$PAUSE_VERSION
COREDNS_VERSION=${COREDNS_VERSION:-1.11.3}
COREDNS_IMAGE=registry.k8s.io/coredns/coredns:v$COREDNS_VERSION

# Add-ons (build-addons.sh / addons.sh).
# Traefik: v3.7 replaces a nested module by a local path the module zip omits
# (github.com/traefik/traefik/dynamic/ext => ./pkg/config/dynamic/ext), so it
# cannot be built from the proxy; v3.6.12 is the newest 3.6 the proxy lists.
TRAEFIK_VERSION=${TRAEFIK_VERSION:-3.6.12}
TRAEFIK_IMAGE=goship.local/traefik:v$TRAEFIK_VERSION
# metrics-server v0.7.2 uses the k8s 0.29 libraries (v0.9.0 needs k8s 0.36).
METRICS_SERVER_VERSION=${METRICS_SERVER_VERSION:-0.7.2}
METRICS_SERVER_IMAGE=goship.local/metrics-server:v$METRICS_SERVER_VERSION
# KEDA 2.16 supports Kubernetes 1.29-1.31: the operator, its metrics API server (adapter) and admission webhooks,
# built trimmed to goship's trigger types (build-addons.sh build_keda).
KEDA_VERSION=${KEDA_VERSION:-2.16.1}
KEDA_OPERATOR_IMAGE=goship.local/keda:v$KEDA_VERSION
KEDA_ADAPTER_IMAGE=goship.local/keda-metrics-apiserver:v$KEDA_VERSION
KEDA_WEBHOOKS_IMAGE=goship.local/keda-admission-webhooks:v$KEDA_VERSION
# Observability (issue #12). Prometheus, Alertmanager and the Prometheus Operator build in one wrapper module, so
# they share one version of every common dependency (client-go, prometheus/common, otel) and compile it once.
# Prometheus publishes v3.X.Y as module v0.3XX.Y. The versions are the newest that agree: Prometheus 3.16 requires
# automemlimit v1, whose API the operator (on v0.7) does not compile against; Alertmanager 0.35 requires
# client_golang 1.25, whose API promtool 3.15 does not; the proxy refuses operator v0.95.x and pkg/client v0.94.x.
PROMETHEUS_VERSION=${PROMETHEUS_VERSION:-3.15.1}
PROMETHEUS_IMAGE=goship.local/prometheus:v$PROMETHEUS_VERSION
ALERTMANAGER_VERSION=${ALERTMANAGER_VERSION:-0.34.2}
ALERTMANAGER_IMAGE=goship.local/alertmanager:v$ALERTMANAGER_VERSION
PROMETHEUS_OPERATOR_VERSION=${PROMETHEUS_OPERATOR_VERSION:-0.93.1}
PROMETHEUS_OPERATOR_IMAGE=goship.local/prometheus-operator:v$PROMETHEUS_OPERATOR_VERSION
CONFIG_RELOADER_IMAGE=goship.local/prometheus-config-reloader:v$PROMETHEUS_OPERATOR_VERSION
# Jaeger v2 is released as module github.com/jaegertracing/jaeger v1.<N> next to the v2 tag.
JAEGER_VERSION=${JAEGER_VERSION:-2.13.0}
JAEGER_MODULE_VERSION=${JAEGER_MODULE_VERSION:-1.76.0}
JAEGER_IMAGE=goship.local/jaeger:v$JAEGER_VERSION
# Storage: Rancher's local-path-provisioner (the provisioner kind and k3s ship) makes a directory per volume under
# $CACHE/cluster/volumes; its helper pods (mkdir, rm) run Debian's static busybox. v0.0.30 is the newest the proxy
# serves (v0.0.31/32 refused, v0.0.33 has no checksum-database entry).
LOCAL_PATH_VERSION=${LOCAL_PATH_VERSION:-0.0.30}
LOCAL_PATH_IMAGE=goship.local/local-path-provisioner:v$LOCAL_PATH_VERSION
BUSYBOX_VERSION=${BUSYBOX_VERSION:-1:1.35.0-4+deb12u1+b1}
BUSYBOX_IMAGE=goship.local/busybox:1.35.0
# Gateway API: the CRDs (module sigs.k8s.io/gateway-api, config/crd/standard) at the version Traefik 3.6.12's go.mod
# requires, i.e. the API its kubernetesgateway provider was built and tested against.
GATEWAY_API_VERSION=${GATEWAY_API_VERSION:-1.4.0}
# Flagger (progressive delivery, issue #14): built and installed only on demand (scripts/cluster/addon.sh flagger),
# with its metrics providers trimmed to those without a cloud SDK (build-addons.sh build_flagger).
FLAGGER_VERSION=${FLAGGER_VERSION:-1.41.0}
FLAGGER_IMAGE=goship.local/flagger:v$FLAGGER_VERSION
# Where the ingress controller listens (host network, loopback only).
INGRESS_ADDR=${GOSHIP_INGRESS_ADDR:-127.0.0.1:8000}
INGRESS_ADMIN_ADDR=${GOSHIP_INGRESS_ADMIN_ADDR:-127.0.0.1:8001}

KUBE_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

# Network plan.
POD_CIDR=10.244.0.0/16
NODE_POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/12
KUBERNETES_SVC_IP=10.96.0.1
DNS_SVC_IP=10.96.0.10
CLUSTER_DOMAIN=cluster.local
BRIDGE_NAME=goship0
BRIDGE_IP=10.244.0.1
# Traefik's metrics entrypoint: on the pod bridge, where Prometheus (a pod) reaches the host-network Traefik.
TRAEFIK_METRICS_ADDR=$BRIDGE_IP:9100
NODE_NAME=${GOSHIP_NODE_NAME:-goship-node}
CNI_CONF=/etc/cni/net.d/10-goship-bridge.conflist
# Context (and cluster, user) up.sh writes into the user's kubeconfig; Pulumi.local.yaml names it.
USER_CONTEXT=goship-local

# Loopback ports (defaults of the components, except etcd which avoids 2379/2380
# in case another etcd runs on this machine).
ETCD_CLIENT_PORT=${GOSHIP_ETCD_PORT:-23790}
ETCD_PEER_PORT=${GOSHIP_ETCD_PEER_PORT:-23800}
APISERVER_PORT=${GOSHIP_APISERVER_PORT:-6443}

cluster_die() {
  printf 'cluster: ERROR: %s\n' "$*" >&2
  exit 1
}
cluster_say() { printf 'cluster: %s\n' "$*"; }

cluster_cache() {
  local d
  d=$(cache_dir)
  mkdir -p "$d"
  (cd "$d" && pwd)
}
kube_dir() { printf '%s/kubernetes-v%s\n' "$(cluster_cache)" "$KUBE_VERSION"; }
kube_bin() { printf '%s/bin\n' "$(kube_dir)"; }
pause_tar() { printf '%s/images/pause-%s.tar\n' "$(kube_dir)" "$PAUSE_VERSION"; }
coredns_bin() { printf '%s/coredns-v%s/bin/coredns\n' "$(cluster_cache)" "$COREDNS_VERSION"; }
coredns_tar() { printf '%s/coredns-v%s/images/coredns.tar\n' "$(cluster_cache)" "$COREDNS_VERSION"; }
state_dir() { printf '%s/cluster\n' "$(cluster_cache)"; }
traefik_dir() { printf '%s/traefik-v%s\n' "$(cluster_cache)" "$TRAEFIK_VERSION"; }
metrics_server_dir() { printf '%s/metrics-server-v%s\n' "$(cluster_cache)" "$METRICS_SERVER_VERSION"; }
prometheus_dir() { printf '%s/prometheus-v%s\n' "$(cluster_cache)" "$PROMETHEUS_VERSION"; }
alertmanager_dir() { printf '%s/alertmanager-v%s\n' "$(cluster_cache)" "$ALERTMANAGER_VERSION"; }
prometheus_operator_dir() { printf '%s/prometheus-operator-v%s\n' "$(cluster_cache)" "$PROMETHEUS_OPERATOR_VERSION"; }
local_path_dir() { printf '%s/local-path-provisioner-v%s\n' "$(cluster_cache)" "$LOCAL_PATH_VERSION"; }
jaeger_dir() { printf '%s/jaeger-v%s\n' "$(cluster_cache)" "$JAEGER_VERSION"; }
keda_dir() { printf '%s/keda-v%s\n' "$(cluster_cache)" "$KEDA_VERSION"; }
keda_crds_dir() { printf '%s/crds\n' "$(keda_dir)"; }
gateway_api_dir() { printf '%s/gateway-api-v%s\n' "$(cluster_cache)" "$GATEWAY_API_VERSION"; }
flagger_dir() { printf '%s/flagger-v%s\n' "$(cluster_cache)" "$FLAGGER_VERSION"; }

# containerd of the node. Not the system default /run/containerd: dockerd adopts any containerd whose socket it
# finds there instead of starting its own, and would then run its builds in the node's containerd (and lose them
# when the cluster stops). Docker's own containerd lives under /run/docker/containerd.
CTRD_RUN=/run/goship/containerd
CTRD_SOCK=$CTRD_RUN/containerd.sock

# import_image TAR REF: load a docker-archive into the node's containerd unless REF is there from this same TAR
# (a stamp per REF records which: a rebuilt add-on keeps its tag). Sets IMAGE_REIMPORTED=1 when it replaced an
# image the node had, whose pods then run the old one until restarted.
import_image() {
  local stamp present=""
  stamp=$(state_dir)/imported/${2//[^A-Za-z0-9._-]/_}
  ctr --address "$CTRD_SOCK" -n k8s.io images ls -q | grep -qxF "$2" && present=1
  if [[ -z $present || ! $stamp -nt $1 ]]; then
    ctr --address "$CTRD_SOCK" -n k8s.io images import "$1" >/dev/null
    mkdir -p "${stamp%/*}"
    touch "$stamp"
    cluster_say "imported $2"
    if [[ -n $present ]]; then IMAGE_REIMPORTED=1; fi
  fi
}

# --- images without docker ----------------------------------------------------
# make_image_tar OUT.tar REF ROOTFS_DIR ENTRYPOINT_JSON [USER]
# Writes a single-layer docker-archive (what `docker save` produces; readable by
# `docker load`, `ctr images import` and skopeo's docker-archive: transport)
# from the files in ROOTFS_DIR. Deterministic: fixed mtimes and owners, so the
# same input gives the same image ID. Written to OUT.tmp.$$ and renamed.
make_image_tar() {
  local out=$1 ref=$2 root=$3 entrypoint=$4 user=${5:-} work layer_sha cfg cfg_sha
  work=$(mktemp -d)
  mkdir -p "$work/img"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$root" -cf "$work/layer.tar" .
  layer_sha=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  mkdir -p "$work/img/$layer_sha"
  mv "$work/layer.tar" "$work/img/$layer_sha/layer.tar"
  cfg=$(jq -cn --arg diff "sha256:$layer_sha" --argjson ep "$entrypoint" --arg user "$user" '{
      architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z",
      config: ({Entrypoint: $ep, Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}
               + (if $user == "" then {} else {User: $user} end)),
      rootfs: {type: "layers", diff_ids: [$diff]},
      history: [{created: "1970-01-01T00:00:00Z", created_by: "goship scripts/cluster make_image_tar"}]
    }')
  cfg_sha=$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)
  printf '%s' "$cfg" >"$work/img/$cfg_sha.json"
  jq -cn --arg c "$cfg_sha.json" --arg r "$ref" --arg l "$layer_sha/layer.tar" \
    '[{Config: $c, RepoTags: [$r], Layers: [$l]}]' >"$work/img/manifest.json"
  mkdir -p "$(dirname "$out")"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/img" -cf "$out.tmp.$$" .
  mv -f "$out.tmp.$$" "$out"
  rm -rf "$work"
}

# write_if_changed FILE [MODE] < content: replace FILE atomically, and only when
# the content differs (kube-proxy exits when its config file is rewritten, and
# proc_start restarts a component whose config content changed).
write_if_changed() {
  local f=$1 mode=${2:-644} tmp
  tmp=$(mktemp "$f.tmp.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  if cmp -s "$tmp" "$f"; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$f"
  fi
}

# --- process supervision ------------------------------------------------------
# Every component runs detached (setsid nohup), logs to $STATE/logs/<name>.log,
# and has $STATE/run/<name>.pid. `proc_alive NAME` checks the pid file AND that
# the pid still runs the expected executable (pids get reused).

proc_pidfile() { printf '%s/run/%s.pid\n' "$(state_dir)" "$1"; }
proc_log() { printf '%s/logs/%s.log\n' "$(state_dir)" "$1"; }

proc_pid() {
  local f
  f=$(proc_pidfile "$1")
  [[ -s "$f" ]] && cat "$f"
}

proc_alive() {
  local pid exe
  pid=$(proc_pid "$1") || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [[ "$(basename "${exe% (deleted)}")" == "$2" ]]
}

# proc_start NAME EXE ARGS... : start unless already alive (idempotent). A
# running process whose command line, or the content of the files listed in
# $PROC_CONFIG_FILES, changed since it was started is restarted.
proc_start() {
  local name=$1 exe=$2 log pidf sum f
  shift 2
  log=$(proc_log "$name")
  pidf=$(proc_pidfile "$name")
  mkdir -p "$(dirname "$log")" "$(dirname "$pidf")"
  sum=$({
    printf '%s\0' "$exe" "$@"
    for f in ${PROC_CONFIG_FILES:-}; do cat "$f"; done
  } | sha256sum | cut -d' ' -f1)
  if proc_alive "$name" "$(basename "$exe")"; then
    if [[ "$(cat "$pidf.sum" 2>/dev/null)" == "$sum" ]]; then
      cluster_say "$name already running (pid $(proc_pid "$name"))"
      return 0
    fi
    cluster_say "$name: command line or configuration changed; restarting"
    proc_stop "$name" "$(basename "$exe")"
  fi
  printf '\n=== %s start %s ===\n' "$name" "$(date -Is)" >>"$log"
  setsid nohup "$exe" "$@" >>"$log" 2>&1 </dev/null &
  local pid=$! i
  echo "$pid" >"$pidf"
  echo "$sum" >"$pidf.sum"
  # Until setsid and nohup have exec'd, /proc/<pid>/exe is theirs and proc_alive would call the process dead.
  for ((i = 0; i < 50; i++)); do
    proc_alive "$name" "$(basename "$exe")" || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  cluster_say "$name started (pid $pid, log $log)"
}

# proc_stop NAME EXE_BASENAME [TIMEOUT]: SIGTERM, wait, then SIGKILL.
proc_stop() {
  local name=$1 exe=$2 timeout=${3:-20} pid i
  if ! proc_alive "$name" "$exe"; then
    rm -f "$(proc_pidfile "$name")" "$(proc_pidfile "$name").sum"
    return 0
  fi
  pid=$(proc_pid "$name")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    cluster_say "$name (pid $pid) ignored SIGTERM for ${timeout}s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$(proc_pidfile "$name")" "$(proc_pidfile "$name").sum"
  cluster_say "$name stopped"
}

# wait_for NAME EXE TIMEOUT DESCRIPTION CMD...: poll CMD every 0.5s until it
# succeeds; fail with the log tail when the process dies or time runs out.
wait_for() {
  local name=$1 exe=$2 timeout=$3 what=$4 deadline
  shift 4
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$exe" ]] && ! proc_alive "$name" "$exe"; then
      printf 'cluster: ERROR: %s exited while waiting for %s. Last lines of %s:\n' "$name" "$what" "$(proc_log "$name")" >&2
      tail -n 40 "$(proc_log "$name")" >&2 || true
      return 1
    fi
    if ((SECONDS >= deadline)); then
      printf 'cluster: ERROR: %s: no %s within %ss. Last lines of %s:\n' "$name" "$what" "$timeout" "$(proc_log "$name")" >&2
      tail -n 40 "$(proc_log "$name")" >&2 || true
      return 1
    fi
    sleep 0.5
  done
}
