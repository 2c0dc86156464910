#!/usr/bin/env bash
# npm run kubectl -- <args>: the cluster's own kubectl (built by build.sh) against the local cluster.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/cluster/lib.sh
. "$here/lib.sh"
[[ -x $(kube_bin)/kubectl ]] || cluster_die "kubectl not built yet: run npm run up"
[[ -s $(state_dir)/admin.kubeconfig ]] || cluster_die "no local cluster: run npm run up"
exec "$(kube_bin)/kubectl" --kubeconfig "$(state_dir)/admin.kubeconfig" "$@"
