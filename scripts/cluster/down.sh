#!/usr/bin/env bash
# Stop the local cluster started by up.sh and leave no processes, mounts,
# network namespaces, links or iptables rules of ours behind. State (PKI, etcd
# data, images) is kept for the next up.sh unless --purge is given.
#
# Order: kube-proxy, kubelet -> every pod sandbox removed through CRI (so the
# CNI plugins release IPs, veths and their iptables rules) -> containerd and its
# shims -> unmount what the kubelet/containerd left -> control plane -> etcd ->
# kube-proxy's and the CNI plugins' iptables chains, the bridges.
# Docker's own containerd (/run/docker/containerd) and its shims are not touched.
#
# Usage: scripts/cluster/down.sh [--purge]
#   --purge   also delete $CACHE/cluster (PKI, etcd data, containerd images, logs),
#             /var/lib/kubelet, the CNI config and host-local IP state
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/cluster/lib.sh
. "$here/lib.sh"

purge=""
for a in "$@"; do
  case $a in
    --purge) purge=1 ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) cluster_die "unknown argument $a" ;;
  esac
done
[[ $(id -u) -eq 0 ]] || cluster_die "must run as root"

STATE=$(state_dir)
BIN=$(kube_bin)
CTRD_SOCK=/run/containerd/containerd.sock
T0=$SECONDS

stop_node() {
  proc_stop kube-proxy kube-proxy
  proc_stop kubelet kubelet 30
}
step "stop kube-proxy, kubelet" stop_node

remove_pods() {
  if proc_alive containerd containerd && [[ -x "$BIN/goship-cri" ]]; then
    "$BIN/goship-cri" -endpoint "unix://$CTRD_SOCK" -timeout 90s rm-all-pods ||
      cluster_say "WARNING: some pod sandboxes could not be removed cleanly; cleaning up by force below"
  fi
}
step "remove pod sandboxes (CRI)" remove_pods

# Shims of OUR containerd: their command line names our socket address.
our_shims() {
  local pid
  for pid in $(pgrep -x containerd-shim-runc-v2 || true); do
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-address $CTRD_SOCK " && echo "$pid"
  done
  return 0
}
stop_runtime() {
  proc_stop containerd containerd 30
  local pids pid i
  pids=$(our_shims)
  if [[ -n "$pids" ]]; then
    cluster_say "stopping leftover containerd shims (and their containers): $(echo $pids)"
    # Killing a shim does not kill its container processes; kill the containers first
    # (children of the shim), then the shim.
    for pid in $pids; do
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill -TERM "$pid" 2>/dev/null || true
    done
    for ((i = 0; i < 50; i++)); do
      [[ -z "$(our_shims)" ]] && break
      sleep 0.2
    done
    for pid in $(our_shims); do kill -KILL "$pid" 2>/dev/null || true; done
  fi
}
step "stop containerd and its shims" stop_runtime

# Unmount (deepest first) everything below the kubelet and containerd directories,
# and the network namespaces containerd bind-mounted.
unmount_all() {
  local roots=(/var/lib/kubelet /run/containerd "$STATE/containerd" /run/netns /var/run/netns) mnts m n=0 root
  mnts=$(awk '{print $5}' /proc/self/mountinfo | while read -r m; do
    for root in "${roots[@]}"; do
      [[ "$m" == "$root"/* ]] && { echo "$m"; break; }
    done
  done | awk '{print length, $0}' | sort -rn | cut -d' ' -f2- | uniq)
  for m in $mnts; do
    # Only network namespaces containerd's CRI created (cni-<uuid>), not other users'.
    if [[ "$m" == /run/netns/* || "$m" == /var/run/netns/* ]] && [[ "$(basename "$m")" != cni-* ]]; then
      continue
    fi
    umount "$m" 2>/dev/null || umount -l "$m"
    n=$((n + 1))
  done
  find /run/netns -maxdepth 1 -name 'cni-*' -type f -delete 2>/dev/null || true
  cluster_say "unmounted $n mount points"
}
step "unmount kubelet/containerd mounts and pod netns" unmount_all

stop_control_plane() {
  proc_stop kube-scheduler kube-scheduler
  proc_stop kube-controller-manager kube-controller-manager
  proc_stop kube-apiserver kube-apiserver 30
  proc_stop etcd etcd 30
}
step "stop control plane and etcd" stop_control_plane

# iptables: kube-proxy's own cleanup removes its KUBE-* chains; the CNI plugins'
# chains (CNI-*: bridge ipMasq, portmap, firewall) are removed here.
cleanup_network() {
  if [[ -x "$BIN/kube-proxy" ]] && iptables -t nat -S KUBE-SERVICES >/dev/null 2>&1; then
    "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || cluster_say "WARNING: kube-proxy --cleanup failed"
  fi
  local t chain
  for t in filter nat mangle; do
    # rules jumping to CNI-* chains first, then the chains
    iptables -t "$t" -S 2>/dev/null | awk '$1 == "-A" && / -j CNI-/' | sed 's/^-A/-D/' | while read -r rule; do
      # shellcheck disable=SC2086
      eval iptables -t "$t" $rule 2>/dev/null || true
    done
    for chain in $(iptables -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^CNI-/ {print $2}'); do
      iptables -t "$t" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^CNI-/ {print $2}'); do
      iptables -t "$t" -X "$chain" 2>/dev/null || true
    done
  done
  # Pod veths die with their namespaces; the bridges are ours.
  ip link del "$BRIDGE_NAME" 2>/dev/null || true
  ip link del goship-node 2>/dev/null || true
  # host-local IP leases of pods that no longer exist
  rm -rf /var/lib/cni/networks/goship /var/lib/cni/results/goship-* 2>/dev/null || true
}
step "iptables rules and links" cleanup_network

if [[ -n "$purge" ]]; then
  purge_state() {
    if grep -qE " ($STATE|/var/lib/kubelet)(/| )" /proc/self/mountinfo; then
      cluster_die "mounts remain under $STATE or /var/lib/kubelet; not deleting"
    fi
    rm -rf "$STATE" /var/lib/kubelet "$CNI_CONF"
    cluster_say "deleted $STATE, /var/lib/kubelet and $CNI_CONF"
  }
  step "purge state" purge_state
fi

# Final check: nothing of ours may remain.
left=""
for p in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy; do
  proc_alive "$p" "$p" && left+=" $p"
done
[[ -z "$(our_shims)" ]] || left+=" containerd-shim-runc-v2"
mounts=$(awk '$5 ~ "^(/var/lib/kubelet|/run/containerd|/run/netns/cni-)" {print $5}' /proc/self/mountinfo)
[[ -z "$left" && -z "$mounts" ]] || cluster_die "still running:${left:- none}; still mounted: ${mounts:-none}"
cluster_say "down in $((SECONDS - T0))s${purge:+ (state purged)}"
