#!/usr/bin/env bash
# Run the project's own Pulumi CLI (built by scripts/toolchain/pulumi.sh) with
# the environment of scripts/toolchain/env.sh:  npm run pulumi -- preview
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/toolchain/env.sh
. "$here/env.sh"

missing=()
for f in pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs; do
  [[ -x "$GOSHIP_TOOLCHAIN_BIN/$f" ]] || missing+=("$GOSHIP_TOOLCHAIN_BIN/$f")
done
plugin=$PULUMI_HOME/plugins/resource-kubernetes-v$GOSHIP_KUBERNETES_VERSION
if [[ ! -x "$plugin/pulumi-resource-kubernetes" || -e "$plugin.partial" ]]; then
  missing+=("$plugin/pulumi-resource-kubernetes")
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  {
    echo "error: the Pulumi toolchain for @pulumi/pulumi $GOSHIP_PULUMI_VERSION / @pulumi/kubernetes $GOSHIP_KUBERNETES_VERSION is not built; missing:"
    printf '  %s\n' "${missing[@]}"
    echo "Run 'npm run bootstrap' first (or scripts/toolchain/pulumi.sh)."
  } >&2
  exit 1
fi

# A policy pack needs the language host's RunPlugin (pulumi.sh, patch 4); say so instead of "not supported".
if [[ " $* " == *" --policy-pack"* ]]; then
  # shellcheck source=scripts/toolchain/common.sh
  . "$here/common.sh"
  if toolchain_langhost_lacks_runplugin "$GOSHIP_TOOLCHAIN_BIN"; then
    echo "error: $GOSHIP_TOOLCHAIN_BIN/pulumi-language-nodejs predates policy-pack support; run scripts/toolchain/pulumi.sh (it rebuilds only the language host, in seconds)." >&2
    exit 1
  fi
fi

# The local-only passphrase for the local stack, and for no other: a dev or prod stack without its own stops here
# rather than being encrypted with a passphrase everyone knows.
if [[ -z "${PULUMI_CONFIG_PASSPHRASE:-}" && -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
  # shellcheck source=scripts/toolchain/common.sh
  . "$here/common.sh"
  stack=$(toolchain_target_stack "$@")
  if [[ -z "$stack" ]]; then
    stack=$("$GOSHIP_TOOLCHAIN_BIN/pulumi" stack --show-name 2>/dev/null) || stack=""
  fi
  case "$stack" in
    "") ;; # no stack: a command that needs none, or pulumi's own message
    # It protects nothing but this machine's own registry (README "Stacks").
    local | */local) export PULUMI_CONFIG_PASSPHRASE=local-only-passphrase ;;
    *)
      echo "error: stack $stack has no passphrase: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE (the local-only passphrase is for the local stack alone)" >&2
      exit 1
      ;;
  esac
fi

exec "$GOSHIP_TOOLCHAIN_BIN/pulumi" "$@"
