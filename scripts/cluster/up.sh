#!/usr/bin/env bash
# Bring up a real single-node Kubernetes on this machine as host processes
# (idempotent: running components are left alone, missing ones are started).
#
#   etcd (Debian etcd-server, TLS, loopback) -> kube-apiserver -> controller-manager,
#   scheduler -> containerd (Debian, own config) -> kubelet -> kube-proxy (iptables)
#   -> CoreDNS (a pod, if build.sh built it)
#
# Binaries come from scripts/cluster/build.sh (run first when missing: a cold
# build takes a long time). State lives in $CACHE/cluster (CACHE=${GOSHIP_CACHE:-~/.cache/goship}):
#   pki/  kubeconfigs/  etcd/  containerd/  config/  logs/<component>.log  run/<component>.pid
#   admin.kubeconfig   env.sh (export KUBECONFIG=...; PATH=...)
# The node's address is $GOSHIP_NODE_IP (default 172.30.255.1/32) on a port-less
# bridge "goship-node"; the API server listens there (not on external interfaces).
#
# Usage: scripts/cluster/up.sh [--no-dns]
# Environment:
#   GOSHIP_CACHE                cache root
#   GOSHIP_NODE_IP              node address (default 172.30.255.1)
#   GOSHIP_REGISTRIES           plain-http registries containerd may pull from
#                               (default "127.0.0.1:5000"; space separated host:port)
#   GOSHIP_REGISTRY_AUTH_FILE   optional file with lines "host:port user password";
#                               written into containerd's CRI registry auth config (0600)
#   GOSHIP_UP_TIMEOUT           seconds to wait for each component (default 90)
# Requires root, cgroup v1 or v2 mounted, iptables. Stop with scripts/cluster/down.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/cluster/lib.sh
. "$here/lib.sh"

with_dns=1
for a in "$@"; do
  case $a in
    --no-dns) with_dns="" ;;
    -h | --help) sed -n '2,25p' "$0"; exit 0 ;;
    *) cluster_die "unknown argument $a" ;;
  esac
done

[[ $(id -u) -eq 0 ]] || cluster_die "must run as root (kubelet, containerd, iptables, mounts)"
T0=$SECONDS
TIMEOUT=${GOSHIP_UP_TIMEOUT:-90}
NODE_IP=${GOSHIP_NODE_IP:-172.30.255.1}
REGISTRIES=${GOSHIP_REGISTRIES:-127.0.0.1:5000}
STATE=$(state_dir)
BIN=$(kube_bin)
PKI=$STATE/pki
KC=$STATE/kubeconfigs
CONF=$STATE/config
API=https://$NODE_IP:$APISERVER_PORT
export PATH=$BIN:$PATH
mkdir -p "$STATE"/{logs,run,config,kubeconfigs}

# --- 0. prerequisites ----------------------------------------------------------
APT_PACKAGES=(etcd-server containerd runc containernetworking-plugins iptables conntrack socat ipset ethtool openssl jq curl)
install_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    cluster_say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # The packages' init scripts must not have started their own daemons.
  for p in etcd containerd; do
    pgrep -x "$p" >/dev/null && [[ ! -s "$(proc_pidfile "$p")" ]] && pgrep -x "$p" | while read -r pid; do
      # Docker's own containerd (--config /var/run/docker/containerd/...) is not ours and does not conflict.
      if ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q '/docker/containerd'; then
        cluster_say "WARNING: a $p not started by this script runs (pid $pid): $(tr '\0' ' ' <"/proc/$pid/cmdline")"
      fi
    done
  done
  return 0
}
step "packages (Debian)" install_packages

ensure_binaries() {
  local b
  for b in "${KUBE_BINARIES[@]}" goship-cri pause; do
    [[ -x "$BIN/$b" ]] || { cluster_say "missing $BIN/$b: running build.sh"; "$here/build.sh"; return; }
  done
  [[ -s "$(pause_tar)" ]] || "$here/build.sh" --no-coredns
}
step "binaries (build.sh)" ensure_binaries
if [[ -n "$with_dns" && ! -s "$(coredns_tar)" ]]; then
  cluster_say "WARNING: $(coredns_tar) missing (build.sh builds it); continuing without cluster DNS"
  with_dns=""
fi

host_setup() {
  case $(stat -fc %T /sys/fs/cgroup) in
    tmpfs) cluster_say "cgroup v1 host" ;;
    cgroup2fs) cluster_say "cgroup v2 host (Kubernetes $KUBE_VERSION supports it; containerd 1.6 does too)" ;;
    *) cluster_die "/sys/fs/cgroup is not a cgroup mount" ;;
  esac
  [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] || modprobe br_netfilter 2>/dev/null ||
    cluster_die "br_netfilter is missing (/proc/sys/net/bridge); Service traffic between pods on the bridge would bypass iptables"
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1
  # kube-proxy sets route_localnet=1; down.sh restores the value from before the first up.
  [[ -s "$STATE/run/route_localnet.orig" ]] || sysctl -n net.ipv4.conf.all.route_localnet >"$STATE/run/route_localnet.orig"
  # The kubelet and containerd need shared mount propagation (systemd hosts have it by default).
  if ! awk '$5 == "/" {exit !($0 ~ / shared:/)}' /proc/self/mountinfo; then
    mount --make-rshared /
  fi
  # The node address lives on a bridge without ports: reachable from the host and
  # from pods (via the pod bridge gateway), not from other machines.
  if ! ip link show goship-node >/dev/null 2>&1; then
    ip link add goship-node type bridge
  fi
  ip link set goship-node up
  ip addr replace "$NODE_IP/32" dev goship-node
}
step "host: sysctls, mount propagation, node address $NODE_IP" host_setup

# --- 1. PKI and kubeconfigs ------------------------------------------------------
# All certificates are signed by one CA (plus the front-proxy CA); RSA 2048, 10 years.
# Regenerated as a whole (into pki.tmp, then renamed) when missing or when the node IP changed.
gen_key() { openssl genrsa -out "$1" 2048 2>/dev/null; chmod 600 "$1"; }
gen_ca() { # DIR NAME CN
  gen_key "$1/$2.key"
  openssl req -x509 -new -key "$1/$2.key" -subj "/CN=$3" -days 3650 -sha256 -out "$1/$2.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
}
gen_cert() { # DIR NAME CA SUBJECT EKU [SAN]
  local dir=$1 name=$2 ca=$3 subj=$4 eku=$5 san=${6:-}
  gen_key "$dir/$name.key"
  openssl req -new -key "$dir/$name.key" -subj "$subj" -out "$dir/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [[ -n "$san" ]] && echo "subjectAltName=$san"
  } >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 3650 -sha256 -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}
make_pki() {
  local d=$STATE/pki.tmp.$$
  if [[ -f "$PKI/ca.crt" && "$(cat "$PKI/node-ip" 2>/dev/null)" == "$NODE_IP" ]]; then
    cluster_say "PKI present ($PKI)"
    return
  fi
  rm -rf "$d" && mkdir -p "$d" && chmod 700 "$d"
  on_exit "rm -rf '$d'"
  gen_ca "$d" ca goship-kubernetes-ca
  gen_ca "$d" front-proxy-ca goship-front-proxy-ca
  local apisans="DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN"
  apisans+=",DNS:localhost,DNS:$NODE_NAME,IP:127.0.0.1,IP:$KUBERNETES_SVC_IP,IP:$NODE_IP"
  gen_cert "$d" apiserver ca "/CN=kube-apiserver" serverAuth "$apisans"
  gen_cert "$d" apiserver-kubelet-client ca "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  gen_cert "$d" apiserver-etcd-client ca "/CN=kube-apiserver-etcd-client" clientAuth
  gen_cert "$d" etcd-server ca "/CN=etcd-server" serverAuth,clientAuth "DNS:localhost,IP:127.0.0.1"
  gen_cert "$d" front-proxy-client front-proxy-ca "/CN=front-proxy-client" clientAuth
  gen_cert "$d" admin ca "/O=system:masters/CN=kubernetes-admin" clientAuth
  gen_cert "$d" controller-manager ca "/CN=system:kube-controller-manager" clientAuth
  gen_cert "$d" scheduler ca "/CN=system:kube-scheduler" clientAuth
  gen_cert "$d" kubelet-client ca "/O=system:nodes/CN=system:node:$NODE_NAME" clientAuth
  gen_cert "$d" kubelet-server ca "/CN=$NODE_NAME" serverAuth "DNS:$NODE_NAME,IP:$NODE_IP,IP:127.0.0.1"
  gen_cert "$d" kube-proxy ca "/CN=system:kube-proxy" clientAuth
  gen_key "$d/sa.key"
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
  echo "$NODE_IP" >"$d/node-ip"
  openssl verify -CAfile "$d/ca.crt" "$d/apiserver.crt" >/dev/null
  if [[ -d "$PKI" ]]; then
    # New node IP: the old certificates (and the etcd data encrypted with nothing
    # but signed SA tokens) stay consistent only if everything is replaced.
    cluster_say "node IP changed: replacing PKI; run down.sh --purge if pods misbehave"
    rm -rf "$PKI.old" && mv "$PKI" "$PKI.old"
  fi
  mv "$d" "$PKI"
}
kubeconfig() { # NAME CERTNAME USER
  write_if_changed "$KC/$1.kubeconfig" 600 <<EOF
apiVersion: v1
kind: Config
clusters:
- name: goship
  cluster:
    server: $API
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $3
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$2.crt")
    client-key-data: $(base64 -w0 <"$PKI/$2.key")
contexts:
- name: $3@goship
  context: {cluster: goship, user: $3}
current-context: $3@goship
EOF
}
make_kubeconfigs() {
  kubeconfig admin admin kubernetes-admin
  kubeconfig controller-manager controller-manager system:kube-controller-manager
  kubeconfig scheduler scheduler system:kube-scheduler
  kubeconfig kubelet kubelet-client "system:node:$NODE_NAME"
  kubeconfig kube-proxy kube-proxy system:kube-proxy
  write_if_changed "$STATE/admin.kubeconfig" 600 <"$KC/admin.kubeconfig"
  write_if_changed "$STATE/env.sh" <<EOF
# source this: kubectl for the goship local cluster
export KUBECONFIG=$STATE/admin.kubeconfig
export PATH=$BIN:\$PATH
EOF
}
# Like kind and k3d: the context goship-local goes into the user's kubeconfig (the first file of $KUBECONFIG,
# else ~/.kube/config), so `kubectl --context goship-local` and the local stack (goship:kubeContext) find it
# wherever the cache lives. The current context is left alone.
user_context() {
  local target=${KUBECONFIG:-$HOME/.kube/config}
  target=${target%%:*}
  mkdir -p "$(dirname "$target")"
  local config=("$BIN/kubectl" --kubeconfig "$target" config)
  "${config[@]}" set-cluster "$USER_CONTEXT" --server "$API" --certificate-authority "$PKI/ca.crt" --embed-certs >/dev/null
  "${config[@]}" set-credentials "$USER_CONTEXT" --client-certificate "$PKI/admin.crt" --client-key "$PKI/admin.key" --embed-certs >/dev/null
  "${config[@]}" set-context "$USER_CONTEXT" --cluster "$USER_CONTEXT" --user "$USER_CONTEXT" >/dev/null
  chmod 600 "$target"
  cluster_say "context $USER_CONTEXT in $target"
}
step "PKI (openssl) and kubeconfigs" make_pki
step "kubeconfigs" make_kubeconfigs
step "kubeconfig context $USER_CONTEXT" user_context

# --- 2. etcd ----------------------------------------------------------------------
ETCD=https://127.0.0.1:$ETCD_CLIENT_PORT
etcd_healthy() {
  curl -fsS --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/apiserver-etcd-client.crt" --key "$PKI/apiserver-etcd-client.key" \
    "$ETCD/health" | grep -q '"health":"true"'
}
start_etcd() {
  mkdir -p "$STATE/etcd" && chmod 700 "$STATE/etcd"
  proc_start etcd /usr/bin/etcd \
    --name "$NODE_NAME" --data-dir "$STATE/etcd" \
    --listen-client-urls "$ETCD" --advertise-client-urls "$ETCD" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "$NODE_NAME=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new \
    --cert-file "$PKI/etcd-server.crt" --key-file "$PKI/etcd-server.key" \
    --client-cert-auth --trusted-ca-file "$PKI/ca.crt" \
    --snapshot-count 10000 --quota-backend-bytes 2147483648
  wait_for etcd etcd "$TIMEOUT" "health on $ETCD" etcd_healthy
}
step "etcd (Debian $(/usr/bin/etcd --version 2>/dev/null | awk '/etcd Version/ {print $3}'))" start_etcd

# --- 3. control plane ----------------------------------------------------------------
kubectl_admin() { "$BIN/kubectl" --kubeconfig "$STATE/admin.kubeconfig" "$@"; }
api_ready() { curl -fsS --max-time 3 --cacert "$PKI/ca.crt" "$API/readyz" | grep -qx ok; }
start_apiserver() {
  proc_start kube-apiserver "$BIN/kube-apiserver" \
    --advertise-address "$NODE_IP" --bind-address "$NODE_IP" --secure-port "$APISERVER_PORT" \
    --etcd-servers "$ETCD" --etcd-cafile "$PKI/ca.crt" \
    --etcd-certfile "$PKI/apiserver-etcd-client.crt" --etcd-keyfile "$PKI/apiserver-etcd-client.key" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP,Hostname \
    --service-account-issuer "https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
    --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-extra-headers-prefix X-Remote-Extra- --requestheader-group-headers X-Remote-Group \
    --requestheader-username-headers X-Remote-User \
    --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
    --enable-aggregator-routing=true --endpoint-reconciler-type lease \
    --v 1
  wait_for kube-apiserver kube-apiserver "$TIMEOUT" "/readyz at $API" api_ready
}
step "kube-apiserver" start_apiserver

healthz() { curl -fsSk --max-time 2 "$1" | grep -qx ok; }
start_controllers() {
  proc_start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$KC/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$KC/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$KC/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false \
    --cluster-name goship --cluster-cidr "$POD_CIDR" --allocate-node-cidrs=true --node-cidr-mask-size 24 \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --root-ca-file "$PKI/ca.crt" --service-account-private-key-file "$PKI/sa.key" \
    --use-service-account-credentials=true --controllers '*,bootstrapsigner,tokencleaner' \
    --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" \
    --v 1
  proc_start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$KC/scheduler.kubeconfig" \
    --authentication-kubeconfig "$KC/scheduler.kubeconfig" \
    --authorization-kubeconfig "$KC/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --v 1
  wait_for kube-controller-manager kube-controller-manager "$TIMEOUT" "/healthz on :10257" healthz https://127.0.0.1:10257/healthz
  wait_for kube-scheduler kube-scheduler "$TIMEOUT" "/healthz on :10259" healthz https://127.0.0.1:10259/healthz
}
step "kube-controller-manager, kube-scheduler" start_controllers

# --- 4. container runtime -------------------------------------------------------------
CTRD_ROOT=$STATE/containerd/root
# No CAP_SYS_RESOURCE (bit 24 of CapEff) -> restrict_oom_score_adj.
if (( (0x$(awk '/^CapEff/ {print $2}' /proc/self/status) >> 24) & 1 )); then RESTRICT_OOM=false; else RESTRICT_OOM=true; fi
write_containerd_config() {
  local d=$STATE/containerd hosts=$STATE/containerd/certs.d r auth_toml=""
  mkdir -p "$d" "$hosts"
  for r in $REGISTRIES; do
    mkdir -p "$hosts/$r"
    write_if_changed "$hosts/$r/hosts.toml" <<EOF
# Plain-HTTP local registry (written by scripts/cluster/up.sh)
server = "http://$r"
[host."http://$r"]
  capabilities = ["pull", "resolve"]
  skip_verify = true
EOF
  done
  if [[ -n "${GOSHIP_REGISTRY_AUTH_FILE:-}" ]]; then
    [[ -r "$GOSHIP_REGISTRY_AUTH_FILE" ]] || cluster_die "GOSHIP_REGISTRY_AUTH_FILE=$GOSHIP_REGISTRY_AUTH_FILE is not readable"
    local host user pass
    while read -r host user pass; do
      [[ -z "$host" || "$host" == \#* ]] && continue
      auth_toml+=$'\n'"  [plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"$host\".auth]"
      auth_toml+=$'\n'"    username = \"$user\""$'\n'"    password = \"$pass\""
    done <"$GOSHIP_REGISTRY_AUTH_FILE"
  fi
  # 0600: may contain registry credentials.
  write_if_changed "$d/config.toml" 600 <<EOF
# containerd $(containerd --version | awk '{print $3}') for the goship node (written by scripts/cluster/up.sh).
version = 2
root = "$CTRD_ROOT"
state = "$CTRD_RUN"
[grpc]
  address = "$CTRD_SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # The kubelet asks for oom_score_adj -998 (pause) / -997 (Guaranteed pods); lowering
  # it needs CAP_SYS_RESOURCE, which root lacks on this machine (runc then fails with
  # "can't get final child's PID from pipe: EOF"). Clamp to containerd's own value.
  restrict_oom_score_adj = $RESTRICT_OOM
  enable_unprivileged_ports = true
  enable_unprivileged_icmp = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "/etc/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$hosts"$auth_toml
EOF
}
write_cni_config() {
  mkdir -p /etc/cni/net.d
  local other
  for other in /etc/cni/net.d/*; do
    [[ -e "$other" && "$other" != "$CNI_CONF" ]] &&
      cluster_say "WARNING: $other exists; containerd uses the first config by name (ours: $CNI_CONF)"
  done
  write_if_changed "$CNI_CONF" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "goship",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE_NAME",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$NODE_POD_CIDR", "gateway": "$BRIDGE_IP"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "firewall"}
  ]
}
EOF
}
ctrd_ready() { ctr --address "$CTRD_SOCK" version && "$BIN/goship-cri" -endpoint "unix://$CTRD_SOCK" -timeout 3s pods; }
start_containerd() {
  write_containerd_config
  write_cni_config
  PROC_CONFIG_FILES="$STATE/containerd/config.toml" proc_start containerd /usr/bin/containerd --config "$STATE/containerd/config.toml"
  wait_for containerd containerd "$TIMEOUT" "CRI on $CTRD_SOCK" ctrd_ready
  import_image "$(pause_tar)" "$PAUSE_IMAGE"
  [[ -z "$with_dns" ]] || import_image "$(coredns_tar)" "$COREDNS_IMAGE"
}
step "containerd $(containerd --version | awk '{print $3}') + CNI ($CNI_CONF)" start_containerd

# --- 5. kubelet and kube-proxy ---------------------------------------------------------
node_ready() {
  [[ "$(kubectl_admin get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}
start_kubelet() {
  write_if_changed "$CONF/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
healthzBindAddress: 127.0.0.1
healthzPort: 10248
readOnlyPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $PKI/kubelet-server.crt
tlsPrivateKeyFile: $PKI/kubelet-server.key
cgroupDriver: cgroupfs
failSwapOn: false
containerRuntimeEndpoint: unix://$CTRD_SOCK
clusterDNS: [$DNS_SVC_IP]
clusterDomain: $CLUSTER_DOMAIN
resolvConf: /etc/resolv.conf
podCIDR: $NODE_POD_CIDR
maxPods: 110
serializeImagePulls: false
# Small shared machine: do not evict because a shared disk is busy.
evictionHard: {memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2%}
imageGCHighThresholdPercent: 95
imageGCLowThresholdPercent: 90
EOF
  PROC_CONFIG_FILES="$CONF/kubelet.yaml" proc_start kubelet "$BIN/kubelet" \
    --config "$CONF/kubelet.yaml" --kubeconfig "$KC/kubelet.kubeconfig" \
    --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
    --root-dir /var/lib/kubelet --cert-dir "$STATE/kubelet-pki" \
    --pod-infra-container-image "$PAUSE_IMAGE" \
    --v 1
  wait_for kubelet kubelet "$TIMEOUT" "/healthz on :10248" healthz http://127.0.0.1:10248/healthz
  wait_for kubelet kubelet "$TIMEOUT" "node $NODE_NAME Ready" node_ready
}
step "kubelet" start_kubelet

start_kube_proxy() {
  write_if_changed "$CONF/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $KC/kube-proxy.kubeconfig}
mode: iptables
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# NodePorts only on the node address and loopback, not on external interfaces.
nodePortAddresses: [$NODE_IP/32, 127.0.0.1/32]
# Leave the host's conntrack sysctls alone (shared machine).
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  PROC_CONFIG_FILES="$CONF/kube-proxy.yaml" proc_start kube-proxy "$BIN/kube-proxy" --config "$CONF/kube-proxy.yaml" --v 1
  # kube-proxy's /healthz answers 200 with JSON once its rules are synced.
  wait_for kube-proxy kube-proxy "$TIMEOUT" "/healthz on :10256" curl -fsS --max-time 2 http://127.0.0.1:10256/healthz
  wait_for kube-proxy kube-proxy "$TIMEOUT" "iptables KUBE-SERVICES chain" iptables -t nat -S KUBE-SERVICES
}
step "kube-proxy (iptables)" start_kube_proxy

# --- 6. cluster DNS ------------------------------------------------------------------------
dns_ready() {
  [[ "$(kubectl_admin -n kube-system get deploy coredns -o jsonpath='{.status.readyReplicas}' 2>/dev/null)" == 1 ]]
}
start_dns() {
  sed -e "s|@COREDNS_IMAGE@|$COREDNS_IMAGE|g" -e "s|@DNS_SVC_IP@|$DNS_SVC_IP|g" -e "s|@CLUSTER_DOMAIN@|$CLUSTER_DOMAIN|g" \
    "$here/manifests/coredns.yaml" | kubectl_admin apply -f - >/dev/null
  wait_for kubelet kubelet "$TIMEOUT" "CoreDNS Ready (kubectl -n kube-system describe pod -l k8s-app=kube-dns)" dns_ready
}
if [[ -n "$with_dns" ]]; then
  step "CoreDNS v$COREDNS_VERSION (pod, Service $DNS_SVC_IP)" start_dns
fi

cluster_say "up in $((SECONDS - T0))s; Kubernetes v$KUBE_VERSION, node $NODE_NAME ($NODE_IP)"
cluster_say "admin kubeconfig: $STATE/admin.kubeconfig   (source $STATE/env.sh for kubectl)"
echo "$STATE/admin.kubeconfig"
