#!/usr/bin/env bash
# Environment for using the toolchain built by scripts/toolchain/pulumi.sh.
#
#   . scripts/toolchain/env.sh          set it in the current (bash) shell
#   eval "$(scripts/toolchain/env.sh)"  same, from any POSIX shell
#   scripts/toolchain/env.sh            print it as `export NAME=value` lines
#
# Sets: PATH (toolchain bin dir first), PULUMI_HOME (plugin cache with the
# kubernetes plugin), PULUMI_SKIP_UPDATE_CHECK, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION,
# PULUMI_IGNORE_AMBIENT_PLUGINS (plugins come only from PULUMI_HOME or next to
# `pulumi`, never from a stray binary on PATH), PULUMI_BACKEND_URL (default
# file://<project>/.pulumi-state, created if missing), and GOSHIP_TOOLCHAIN_BIN,
# GOSHIP_PULUMI_VERSION, GOSHIP_KUBERNETES_VERSION for scripts, GOSHIP_KUBECTL (the local cluster's kubectl, once
# built) for the Worker's readiness check. No passphrase:
# pulumi-run.sh gives the local-only one to the local stack alone.
#
# Inputs: GOSHIP_PROJECT_DIR (default: repo root), GOSHIP_CACHE (default
# ~/.cache/goship); see common.sh. A PULUMI_BACKEND_URL already set is kept.

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  # Sourced: compute in a child (no helper functions or traps leak into the
  # caller's shell, and an error cannot exit it), then apply.
  if _goship_env=$(bash "${BASH_SOURCE[0]}"); then
    eval "$_goship_env"
    unset _goship_env
  else
    unset _goship_env
    return 1
  fi
  return 0
fi

set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/toolchain/common.sh
. "$here/common.sh"

project=$(toolchain_project_dir)
pv=$(toolchain_pulumi_version)
kv=$(toolchain_kubernetes_version)
bin=$(toolchain_bin_dir "$pv")
home=$(toolchain_pulumi_home)
backend=${PULUMI_BACKEND_URL:-file://$project/.pulumi-state}
if [[ "$backend" == file://* ]]; then
  mkdir -p "${backend#file://}"
fi

path=$bin
IFS=: read -r -a parts <<<"${PATH:-}"
for p in "${parts[@]}"; do
  [[ -n "$p" && "$p" != "$bin" ]] && path+=":$p"
done

emit() { printf 'export %s=%q\n' "$1" "$2"; }
emit PATH "$path"
emit PULUMI_HOME "$home"
emit PULUMI_SKIP_UPDATE_CHECK true
emit PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION true
emit PULUMI_IGNORE_AMBIENT_PLUGINS true
emit PULUMI_BACKEND_URL "$backend"
emit GOSHIP_TOOLCHAIN_BIN "$bin"
emit GOSHIP_PULUMI_VERSION "$pv"
emit GOSHIP_KUBERNETES_VERSION "$kv"
# The Worker's ScaledObject readiness check runs kubectl (components/worker/keda-status.ts): the local cluster's own,
# of its version, once built, rather than whichever kubectl is first on PATH.
# shellcheck source=scripts/cluster/lib.sh
kubectl_bin=$(. "$here/../cluster/lib.sh" && printf '%s/kubectl' "$(kube_bin)")
if [[ -z "${GOSHIP_KUBECTL:-}" && -x $kubectl_bin ]]; then
  emit GOSHIP_KUBECTL "$kubectl_bin"
fi
