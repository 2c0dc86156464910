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
  # (pgrep -x cannot match it: the kernel truncates process names to 15 characters)
  for pid in $(pgrep -f '^/usr/bin/containerd-shim-runc-v2 ' || true); do
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-address $CTRD_SOCK " && echo "$pid"
  done
  return 0
}
stop_runtime() {
  proc_stop containerd containerd 30
  local pids pid i
  pids=$(our_shims)
  if [[ -n "$pids" ]]; then
    cluster_say "stopping leftover containerd shims (and their containers): ${pids//$'\n'/ }"
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
  local mnts m n=0
  # mount points (field 5 of mountinfo) below our roots, deepest first
  mnts=$(awk -v roots="/var/lib/kubelet $CTRD_RUN $STATE/containerd /run/netns /var/run/netns" '
    BEGIN { nr = split(roots, r, " ") }
    { for (i = 1; i <= nr; i++) if (index($5, r[i] "/") == 1) { print length($5), $5; break } }
  ' /proc/self/mountinfo | sort -rn | cut -d' ' -f2- | uniq)
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

# iptables: kube-proxy's own cleanup removes its rules; what remains of ours is
# removed here, for IPv4 and IPv6: the kubelet's chains (KUBE-FIREWALL,
# KUBE-KUBELET-CANARY, KUBE-MARK-MASQ, KUBE-IPTABLES-HINT, ...) and the CNI
# plugins' chains (CNI-*: bridge ipMasq, portmap, firewall). Nothing else on
# this host uses the KUBE-/CNI- prefixes (Docker uses DOCKER*).
cleanup_network() {
  if [[ -x "$BIN/kube-proxy" ]] && iptables -t nat -S KUBE-SERVICES >/dev/null 2>&1; then
    "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || cluster_say "WARNING: kube-proxy --cleanup failed"
  fi
  local ipt t chain rule n=0
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null || continue
    for t in filter nat mangle; do
      # jumps from built-in/foreign chains into ours
      while read -r rule; do
        # shellcheck disable=SC2086 # the rule is word-split like iptables-save wrote it
        eval "$ipt" -t "$t" "${rule/#-A/-D}" 2>/dev/null && n=$((n + 1))
      done < <("$ipt" -t "$t" -S 2>/dev/null | awk '$1 == "-A" && $2 !~ /^(KUBE|CNI)-/ && / -j (KUBE|CNI)-/')
      for chain in $("$ipt" -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^(KUBE|CNI)-/ {print $2}'); do
        "$ipt" -t "$t" -F "$chain" 2>/dev/null || true
      done
      for chain in $("$ipt" -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^(KUBE|CNI)-/ {print $2}'); do
        "$ipt" -t "$t" -X "$chain" 2>/dev/null && n=$((n + 1))
      done
    done
  done
  cluster_say "removed $n iptables rules/chains"
  # kube-proxy turned route_localnet on (for NodePorts on 127.0.0.1); the kubelet's
  # KUBE-FIREWALL rule that guarded it is gone now, so restore the original value.
  if [[ -s "$STATE/run/route_localnet.orig" ]]; then
    sysctl -qw net.ipv4.conf.all.route_localnet="$(cat "$STATE/run/route_localnet.orig")"
    rm -f "$STATE/run/route_localnet.orig"
  fi
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
    # Its credentials were just deleted: drop the context up.sh put into the user's kubeconfig.
    local target=${KUBECONFIG:-$HOME/.kube/config}
    target=${target%%:*}
    if [[ -f $target && -x $BIN/kubectl ]]; then
      "$BIN/kubectl" --kubeconfig "$target" config delete-context "$USER_CONTEXT" >/dev/null 2>&1 || true
      "$BIN/kubectl" --kubeconfig "$target" config delete-cluster "$USER_CONTEXT" >/dev/null 2>&1 || true
      "$BIN/kubectl" --kubeconfig "$target" config delete-user "$USER_CONTEXT" >/dev/null 2>&1 || true
    fi
  }
  step "purge state" purge_state
fi

# Final check: nothing of ours may remain.
left=""
for p in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy; do
  proc_alive "$p" "$p" && left+=" $p"
done
[[ -z "$(our_shims)" ]] || left+=" containerd-shim-runc-v2"
mounts=$(awk -v run="$CTRD_RUN" '$5 ~ "^(/var/lib/kubelet|/run/netns/cni-)" || index($5, run "/") == 1 {print $5}' /proc/self/mountinfo)
[[ -z "$left" && -z "$mounts" ]] || cluster_die "still running:${left:- none}; still mounted: ${mounts:-none}"
cluster_say "down in $((SECONDS - T0))s${purge:+ (state purged)}"
