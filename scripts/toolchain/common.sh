# shellcheck shell=bash
# Shared by pulumi.sh, env.sh and pulumi-run.sh: where the project is, which
# versions it pins, and where the built toolchain lives. Sourced, never run.
#
#   GOSHIP_PROJECT_DIR   the Pulumi project (default: the repo root)
#   GOSHIP_CACHE         build cache, outside the repo (default: ~/.cache/goship)
#   PULUMI_VERSION, PULUMI_KUBERNETES_VERSION
#                        only used while the project has no package.json (or it
#                        does not list the package); must agree with it otherwise

_toolchain_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/steps.sh
. "$_toolchain_here/../lib/steps.sh"

TOOLCHAIN_DEFAULT_PULUMI_VERSION=3.248.0
TOOLCHAIN_DEFAULT_KUBERNETES_VERSION=4.25.0

toolchain_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

toolchain_project_dir() {
  local d=${GOSHIP_PROJECT_DIR:-$_toolchain_here/../..}
  (cd "$d" && pwd) || toolchain_die "project dir $d does not exist"
}

# Absolute cache dir (GOSHIP_CACHE may be relative).
toolchain_cache_dir() {
  local d
  d=$(cache_dir)
  mkdir -p "$d"
  (cd "$d" && pwd)
}

# _toolchain_pin PACKAGE ENVVAR DEFAULT -> exact version to build.
_toolchain_pin() {
  local pkg=$1 var=$2 def=$3 project from_env from_pkg=""
  project=$(toolchain_project_dir)
  from_env=${!var:-}
  if [[ -f "$project/package.json" ]]; then
    from_pkg=$(cd "$project" && node -p "const p = require('./package.json'); (p.dependencies || {})['$pkg'] || (p.devDependencies || {})['$pkg'] || ''") ||
      toolchain_die "cannot read $project/package.json with node"
  fi
  if [[ -n "$from_pkg" ]]; then
    if [[ ! "$from_pkg" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
      toolchain_die "$project/package.json: $pkg must be pinned to an exact version (x.y.z), got '$from_pkg'; the engine needs the plugin at exactly the npm package's version"
    fi
    if [[ -n "$from_env" && "$from_env" != "$from_pkg" ]]; then
      toolchain_die "$var=$from_env but $project/package.json pins $pkg $from_pkg; unset $var or change the pin"
    fi
    printf '%s\n' "$from_pkg"
    return
  fi
  from_env=${from_env:-$def}
  [[ "$from_env" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || toolchain_die "$var must be an exact version x.y.z, got '$from_env'"
  printf '%s\n' "$from_env"
}

toolchain_pulumi_version() {
  _toolchain_pin @pulumi/pulumi PULUMI_VERSION "$TOOLCHAIN_DEFAULT_PULUMI_VERSION"
}

toolchain_kubernetes_version() {
  _toolchain_pin @pulumi/kubernetes PULUMI_KUBERNETES_VERSION "$TOOLCHAIN_DEFAULT_KUBERNETES_VERSION"
}

# In a fallback language host built with the RunPlugin patch (pulumi.sh, patch 4;
# the constant goshipRunPluginSupported of langhost/goship_runplugin.go).
TOOLCHAIN_LANGHOST_RUNPLUGIN_MARKER="goship-langhost-patch: runplugin-analyzer-v2"

# toolchain_langhost_lacks_runplugin BIN: true for a fallback language host built
# before that patch (policy packs then fail with "not supported").
toolchain_langhost_lacks_runplugin() {
  local lh=$1/pulumi-language-nodejs
  [[ -x "$lh" ]] && grep -q FALLBACK "$1/../BUILDINFO.language-nodejs" 2>/dev/null &&
    ! grep -qaF "$TOOLCHAIN_LANGHOST_RUNPLUGIN_MARKER" "$lh"
}

# Layout of the cache (all outside the repo).
toolchain_bin_dir() { printf '%s/toolchain/pulumi-%s/bin\n' "$(toolchain_cache_dir)" "$1"; }
toolchain_k8s_dir() { printf '%s/toolchain/kubernetes-provider-%s\n' "$(toolchain_cache_dir)" "$1"; }
toolchain_pulumi_home() { printf '%s/pulumi-home\n' "$(toolchain_cache_dir)"; }

# toolchain_target_stack ARGS... -> the stack a pulumi command names (--stack X,
# --stack=X, -s X, or `stack init|select|rm X`); empty when it names none.
# Always succeeds (callers run under set -e).
toolchain_target_stack() {
  local previous=""
  local -a args=("$@")
  local i
  for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
      --stack=*) printf '%s\n' "${args[i]#--stack=}"; return 0 ;;
      --stack|-s) printf '%s\n' "${args[i + 1]:-}"; return 0 ;;
    esac
  done
  if [[ "${args[0]:-}" == stack ]]; then
    for ((i = 1; i < ${#args[@]}; i++)); do
      case "${args[i]}" in
        -*) ;;
        init | select | rm) previous=${args[i]} ;;
        *) if [[ -n "$previous" ]]; then printf '%s\n' "${args[i]}"; return 0; fi ;;
      esac
    done
  fi
  return 0
}
