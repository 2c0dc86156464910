#!/usr/bin/env bash
# Build the Pulumi toolchain from the Go module proxy (no other download), at
# the versions the project's package.json pins, into a cache outside the repo:
#
#   $CACHE/toolchain/pulumi-<v>/bin/pulumi
#   $CACHE/toolchain/pulumi-<v>/bin/pulumi-language-nodejs
#   $CACHE/toolchain/pulumi-<v>/bin/pulumi-resource-pulumi-nodejs   (shell shim)
#   $CACHE/toolchain/kubernetes-provider-<kv>/pulumi-resource-kubernetes
#   $CACHE/pulumi-home/plugins/resource-kubernetes-v<kv>/            (installed plugin)
#
# CACHE=${GOSHIP_CACHE:-$HOME/.cache/goship}. Idempotent and resumable: every
# binary is built under a temporary name and renamed into place only when
# complete, and a binary that is in place is never rebuilt (except a fallback
# language host that predates the RunPlugin patch, or a kubernetes provider
# without the current K8S_PATCH_ID: it alone is rebuilt). BUILDINFO files next
# to the binaries record the exact Go module versions and checksums used.
#
# Usage: scripts/toolchain/pulumi.sh            (from anywhere)
#   GOSHIP_PROJECT_DIR=dir  project whose package.json pins the versions
#   GOSHIP_REBUILD=1        rebuild everything (still atomic)
# Uses `go env` as configured (GOPROXY, GOSUMDB, GOMODCACHE, GOCACHE, GOFLAGS).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/toolchain/common.sh
. "$here/common.sh"

command -v go >/dev/null || toolchain_die "go is not on PATH"
command -v node >/dev/null || toolchain_die "node is not on PATH"

PV=$(toolchain_pulumi_version)
KV=$(toolchain_kubernetes_version)
CACHE=$(toolchain_cache_dir)
BIN=$(toolchain_bin_dir "$PV")
K8S_DIR=$(toolchain_k8s_dir "$KV")
SRC=$CACHE/toolchain/src
PULUMI_HOME=$(toolchain_pulumi_home)
export PULUMI_HOME PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
REBUILD=${GOSHIP_REBUILD:-}

# --- Go module sources -------------------------------------------------------
PULUMI_PKG=github.com/pulumi/pulumi/pkg/v3
PULUMI_SDK=github.com/pulumi/pulumi/sdk/v3
LANGHOST_MOD=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
K8S_PROVIDER=github.com/pulumi/pulumi-kubernetes/provider/v4
K8S_SDK=github.com/pulumi/pulumi-kubernetes/sdk/v4

# When the proxy does not serve the language host at the release (its own module,
# sdk/nodejs/cmd/pulumi-language-nodejs/v3, is not served at any version here),
# build the newest copy that is still inside the sdk/v3 module zip.
LANGHOST_FALLBACK_SDK=v3.68.0

# When the proxy does not serve provider/v4 at the release commit, build this
# one (the only provider/v4 version the proxy serves here: commit f47bc2d6 of
# 2026-01-15, the day before the v4.25.0 release) and install it under the npm
# version. Override with PULUMI_KUBERNETES_PROVIDER_SOURCE=<module version>.
K8S_PROVIDER_FALLBACK=v4.0.0-20260115033456-f47bc2d6f199

# The checksum database has no entry for these modules (pkg/v3, provider/v4),
# so they are excluded from it and their checksums are pinned here instead.
declare -A PINNED_SUMS=(
  ["$PULUMI_PKG@v3.248.0"]="h1:MkvI29cYE3QUEvSl+7kZrV5lQ6CBIt54WjYt2HEXDSg="
  ["$PULUMI_SDK@v3.248.0"]="h1:TwY9uuToQO8xIey4a7awRzNX7iJ/doDmZkl1MzxULCE="
  ["$PULUMI_SDK@v3.68.0"]="h1:JWn3DGJhzoWL8bNbUdyLSSPeKS2F9mv14/EL9QeVT3w="
  ["$K8S_PROVIDER@$K8S_PROVIDER_FALLBACK"]="h1:j2bphCf7c2YhnBrhwht2f3TNRRgcMImltUlAgzxr9H4="
)
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}$PULUMI_PKG,$K8S_PROVIDER,$LANGHOST_MOD"

warn() {
  printf 'WARNING: %s\n' "$*" >&2
}

# json_get FIELD: read one field of a JSON object on stdin ("" if absent).
json_get() {
  node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      let v = JSON.parse(s); for (const k of process.argv[1].split(".")) v = v == null ? undefined : v[k];
      process.stdout.write(v == null ? "" : String(v));
    });' "$1"
}

# mod_download MODULE@VERSION -> sets DL_DIR DL_SUM DL_GOMOD DL_VERSION DL_ERR; returns 1 if unavailable.
mod_download() {
  local out
  DL_DIR="" DL_SUM="" DL_GOMOD="" DL_VERSION="" DL_ERR=""
  out=$(cd "$SRC" && go mod download -json "$1" 2>/dev/null) || true
  [[ -n "$out" ]] || out='{"Error":"go mod download printed nothing"}'
  DL_ERR=$(json_get Error <<<"$out")
  if [[ -n "$DL_ERR" ]]; then
    return 1
  fi
  DL_DIR=$(json_get Dir <<<"$out")
  DL_SUM=$(json_get Sum <<<"$out")
  DL_GOMOD=$(json_get GoMod <<<"$out")
  DL_VERSION=$(json_get Version <<<"$out")
  check_sum "${1%@*}@$DL_VERSION" "$DL_SUM"
}

check_sum() {
  local want=${PINNED_SUMS[$1]:-}
  if [[ -z "$want" ]]; then
    echo "    $1 $2 (not pinned in pulumi.sh; recorded in BUILDINFO)"
  elif [[ "$want" != "$2" ]]; then
    toolchain_die "checksum mismatch for $1: got $2, pinned $want"
  fi
}

# origin_hash MODULE@VERSION -> commit hash the proxy reports for a tag, or "".
origin_hash() {
  (cd "$SRC" && go list -m -f '{{with .Origin}}{{.Hash}}{{end}}' "$1" 2>/dev/null) || true
}

# remote_replaces GOMOD_FILE -> "-replace=old[@v]=new@v" flags for the non-local
# replace directives of a dependency's go.mod (local ones are not in its zip and
# are ignored when it is a dependency anyway).
remote_replaces() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  go mod edit -json "$1" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      for (const r of JSON.parse(s).Replace || []) {
        if (!r.New.Version) continue;
        const old = r.Old.Version ? `${r.Old.Path}@${r.Old.Version}` : r.Old.Path;
        console.log(`-replace=${old}=${r.New.Path}@${r.New.Version}`);
      }
    });'
}

# gomod_local_replaces GOMOD_FILE -> module paths replaced by a local directory.
gomod_local_replaces() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  go mod edit -json "$1" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      for (const r of JSON.parse(s).Replace || []) if (!r.New.Version) console.log(r.Old.Path);
    });'
}

# gomod_required GOMOD_FILE MODULE -> the version GOMOD_FILE requires.
gomod_required() {
  go mod edit -json "$1" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const r = (JSON.parse(s).Require || []).find(r => r.Path === process.argv[1]);
      process.stdout.write(r ? r.Version : "");
    });' "$2"
}

# gomod_go GOMOD_FILE -> its go directive.
gomod_go() {
  go mod edit -json "$1" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => process.stdout.write(JSON.parse(s).Go || "1.21"));'
}

need() { # need FILE -> true if FILE must be (re)built
  [[ -n "$REBUILD" || ! -x "$1" ]]
}

# install_atomic TMP FINAL: move a finished build into place.
install_atomic() {
  chmod 0755 "$1"
  mv -f "$1" "$2"
}

# --- steps -------------------------------------------------------------------
LDF_PULUMI="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PV"

langhost_resolve() {
  # 1. a tag of the language host module; 2. the commit of the pkg/v3 tag;
  # 3. the copy inside an older sdk/v3 module zip.
  if mod_download "$LANGHOST_MOD@v$PV"; then
    LH_KIND=module LH_VERSION=$DL_VERSION LH_GOMOD=$DL_GOMOD
    return
  fi
  local err1=$DL_ERR hash
  hash=$(origin_hash "$PULUMI_PKG@v$PV")
  if [[ -n "$hash" ]] && mod_download "$LANGHOST_MOD@$hash"; then
    LH_KIND=module LH_VERSION=$DL_VERSION LH_GOMOD=$DL_GOMOD
    return
  fi
  warn "the Go module proxy does not serve $LANGHOST_MOD at v$PV${hash:+ or commit $hash} (${err1##*: }); building pulumi-language-nodejs from $PULUMI_SDK@$LANGHOST_FALLBACK_SDK, the newest sdk/v3 module that still contains it"
  mod_download "$PULUMI_SDK@$LANGHOST_FALLBACK_SDK" || toolchain_die "cannot download $PULUMI_SDK@$LANGHOST_FALLBACK_SDK: $DL_ERR"
  [[ -d "$DL_DIR/nodejs/cmd/pulumi-language-nodejs" ]] || toolchain_die "$PULUMI_SDK@$LANGHOST_FALLBACK_SDK has no nodejs/cmd/pulumi-language-nodejs"
  LH_KIND=sdk LH_VERSION=$LANGHOST_FALLBACK_SDK LH_GOMOD=$DL_GOMOD LH_DIR=$DL_DIR
}

# A throw-away wrapper module that requires pkg/v3 and sdk/v3 at the same tag and
# repeats pkg/v3's non-local replaces (`go install pkg@v` refuses its replaces).
build_cli() {
  local dir=$SRC/cli-$PV want_pulumi=$1 want_lh=$2 f
  local -a reps=()
  mkdir -p "$dir" "$BIN"
  mod_download "$PULUMI_PKG@v$PV" || toolchain_die "cannot download $PULUMI_PKG@v$PV: $DL_ERR"
  local pkg_sum=$DL_SUM pkg_gomod=$DL_GOMOD
  mod_download "$PULUMI_SDK@v$PV" || toolchain_die "cannot download $PULUMI_SDK@v$PV: $DL_ERR"
  local sdk_sum=$DL_SUM
  mapfile -t reps < <(remote_replaces "$pkg_gomod")
  if [[ "$LH_KIND" == module ]]; then
    mapfile -t -O "${#reps[@]}" reps < <(remote_replaces "$LH_GOMOD")
  fi
  (
    cd "$dir"
    rm -f go.mod go.sum tools.go
    {
      echo '//go:build tools'
      echo
      echo 'package tools'
      echo
      echo "import _ \"$PULUMI_PKG/cmd/pulumi\""
      if [[ "$LH_KIND" == module ]]; then
        echo "import _ \"$LANGHOST_MOD\""
      fi
    } >tools.go
    go mod init example.local/pulumi-toolchain >/dev/null 2>&1
    go mod edit -require="$PULUMI_PKG@v$PV" -require="$PULUMI_SDK@v$PV" "${reps[@]}"
    if [[ "$LH_KIND" == module ]]; then
      go mod edit -require="$LANGHOST_MOD@$LH_VERSION"
    fi
    go mod tidy
    # Both must still be at the tag (nothing may have upgraded them).
    for f in "$PULUMI_PKG" "$PULUMI_SDK"; do
      [[ "$(go list -m -f '{{.Version}}' "$f")" == "v$PV" ]] || toolchain_die "$f resolved to $(go list -m -f '{{.Version}}' "$f"), not v$PV"
    done
    if [[ -n "$want_pulumi" ]]; then
      go build -trimpath -tags osusergo -ldflags "$LDF_PULUMI" -o "$BIN/.pulumi.tmp.$$" "$PULUMI_PKG/cmd/pulumi"
      install_atomic "$BIN/.pulumi.tmp.$$" "$BIN/pulumi"
    fi
    if [[ -n "$want_lh" && "$LH_KIND" == module ]]; then
      go build -trimpath -ldflags "$LDF_PULUMI" -o "$BIN/.pulumi-language-nodejs.tmp.$$" "$LANGHOST_MOD"
      install_atomic "$BIN/.pulumi-language-nodejs.tmp.$$" "$BIN/pulumi-language-nodejs"
    fi
  )
  {
    echo "pulumi $PV built $(date -u +%FT%TZ) with $(go env GOVERSION)"
    echo "  $PULUMI_PKG v$PV $pkg_sum"
    echo "  $PULUMI_SDK v$PV $sdk_sum"
    echo "  replaces: ${reps[*]:-none}"
  } >"$BIN/../BUILDINFO.pulumi"
}

# Fallback: the language host of an old sdk/v3, copied out of that module zip
# into its own wrapper module (it cannot share a module graph with sdk/v3 at the
# release) and patched for the current engine (each edit must match once):
#  1. the program gets the engine's monitor address, not the address of the old
#     host's ResourceMonitor proxy, which lacks the newer RPCs
#     (RegisterStackTransform, RegisterResourceHook, RegisterPackage, ...);
#  2. Pulumi.yaml runtime options (typescript, tsconfig, nodeargs) are read from
#     RunRequest.info, where current engines send them (langhost/goship_programinfo.go);
#  3. the program gets --root-directory, as from current hosts;
#  4. RunPlugin runs Node.js policy packs (langhost/goship_runplugin.go): current
#     engines start `--policy-pack` analyzers through it whenever a language
#     host is installed, and the old host answered "not supported".
LANGHOST_PATCHES=(
  'fmt.Sprintf("127.0.0.1:%d", handle.Port), pipes.directory())'
  'req.GetMonitorAddress(), pipes.directory()) // goship: no monitor proxy'
  'func (host *nodeLanguageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {'
  'func (host *nodeLanguageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	host = goshipWithProgramInfo(host, req) // goship: runtime options from RunRequest.info'
  'maybeAppendArg("pwd", req.GetPwd())'
  'maybeAppendArg("pwd", req.GetPwd())
	maybeAppendArg("root-directory", goshipRootDirectory(req)) // goship'
  '	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	return errors.New("not supported")'
  '	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	return goshipRunPlugin(req, server) // goship: policy packs'
)
build_langhost_from_sdk() {
  local dir=$SRC/langhost-sdk-$LH_VERSION f
  local -a reps=()
  mapfile -t reps < <(remote_replaces "$LH_GOMOD")
  rm -rf "$dir"
  mkdir -p "$dir" "$BIN"
  for f in "$LH_DIR"/nodejs/cmd/pulumi-language-nodejs/*.go; do
    [[ "$f" == *_test.go ]] || install -m 0644 "$f" "$dir/"
  done
  install -m 0644 "$here/langhost/goship_programinfo.go" "$here/langhost/goship_runplugin.go" "$dir/"
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const fs = require("fs"), [file, ...p] = process.argv.slice(1);
    let src = fs.readFileSync(file, "utf8");
    for (let i = 0; i < p.length; i += 2) {
      const n = src.split(p[i]).length - 1;
      if (n !== 1) { console.error(`language host patch ${i / 2 + 1}: expected 1 match, found ${n}: ${p[i]}`); process.exit(1); }
      src = src.replace(p[i], () => p[i + 1]);
    }
    fs.writeFileSync(file, src);' "$dir/main.go" "${LANGHOST_PATCHES[@]}"
  echo "    patched main.go ($((${#LANGHOST_PATCHES[@]} / 2)) edits) + goship_programinfo.go + goship_runplugin.go"
  (
    cd "$dir"
    go mod init example.local/pulumi-language-nodejs >/dev/null 2>&1
    # Compile the copied package with the language version of its own module.
    go mod edit -go="$(gomod_go "$LH_GOMOD")" -require="$PULUMI_SDK@$LH_VERSION" "${reps[@]}"
    go mod tidy
    [[ "$(go list -m -f '{{.Version}}' "$PULUMI_SDK")" == "$LH_VERSION" ]] || toolchain_die "$PULUMI_SDK did not stay at $LH_VERSION"
    go vet . >/dev/null
    go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LH_VERSION" \
      -o "$BIN/.pulumi-language-nodejs.tmp.$$" .
  )
  install_atomic "$BIN/.pulumi-language-nodejs.tmp.$$" "$BIN/pulumi-language-nodejs"
}

write_langhost_buildinfo() {
  {
    echo "pulumi-language-nodejs built $(date -u +%FT%TZ) with $(go env GOVERSION)"
    if [[ "$LH_KIND" == module ]]; then
      echo "  $LANGHOST_MOD $LH_VERSION"
    else
      echo "  FALLBACK: pulumi-language-nodejs built from $PULUMI_SDK $LH_VERSION (patched, see pulumi.sh), not v$PV (not on the Go module proxy)"
    fi
  } >"$BIN/../BUILDINFO.language-nodejs"
}

# The dynamic-provider plugin is a shell script (pulumi/pulumi:sdk/nodejs/dist/
# pulumi-resource-pulumi-nodejs). The engine starts it with cwd = the project
# directory, so require.resolve finds the project's own @pulumi/pulumi.
write_dynamic_shim() {
  local tmp=$BIN/.pulumi-resource-pulumi-nodejs.tmp.$$
  mkdir -p "$BIN"
  cat >"$tmp" <<'EOF'
#!/bin/sh
# Pulumi dynamic-provider plugin (installed by scripts/toolchain/pulumi.sh).
# Runs the Node.js dynamic provider of the @pulumi/pulumi found from the current
# directory (the engine starts plugins in the project directory).
script=$(node -e "process.stdout.write(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") || {
  echo "pulumi-resource-pulumi-nodejs: cannot resolve @pulumi/pulumi/cmd/dynamic-provider from $(pwd); run npm ci in the project" >&2
  exit 1
}
exec node "$script" "$@"
EOF
  if [[ -f "$BIN/pulumi-resource-pulumi-nodejs" ]] && cmp -s "$tmp" "$BIN/pulumi-resource-pulumi-nodejs"; then
    rm -f "$tmp"
    echo "    unchanged"
  else
    install_atomic "$tmp" "$BIN/pulumi-resource-pulumi-nodejs"
  fi
}

k8s_resolve() {
  if [[ -n "${PULUMI_KUBERNETES_PROVIDER_SOURCE:-}" ]]; then
    mod_download "$K8S_PROVIDER@$PULUMI_KUBERNETES_PROVIDER_SOURCE" ||
      toolchain_die "cannot download $K8S_PROVIDER@$PULUMI_KUBERNETES_PROVIDER_SOURCE: $DL_ERR"
    K8S_EXACT=override
    return
  fi
  # 1. a provider/v4 tag; 2. the commit of the sdk/v4 tag (as a pseudo-version).
  if mod_download "$K8S_PROVIDER@v$KV"; then
    K8S_EXACT=yes
    return
  fi
  local err1=$DL_ERR hash
  hash=$(origin_hash "$K8S_SDK@v$KV")
  if [[ -n "$hash" ]] && mod_download "$K8S_PROVIDER@$hash"; then
    K8S_EXACT=yes
    return
  fi
  warn "the Go module proxy does not serve $K8S_PROVIDER at v$KV${hash:+ or commit $hash} (${err1##*: }); building $K8S_PROVIDER@$K8S_PROVIDER_FALLBACK instead and installing it as kubernetes $KV (pin @pulumi/kubernetes to a release the proxy serves to remove this skew)"
  mod_download "$K8S_PROVIDER@$K8S_PROVIDER_FALLBACK" || toolchain_die "cannot download $K8S_PROVIDER@$K8S_PROVIDER_FALLBACK: $DL_ERR"
  K8S_EXACT=no
}

# Edits of pkg/await (each must match once, or the build stops), and
# kubernetes/goship_await_test.go beside them, run before the build (each of its
# tests fails without the edits): an update waits for the controller's answer
# to that update, not to an older object.
#  1. deployment.go: the provider's informers are shared by every resource of a
#     namespace; a second subscriber first gets the cache, which may not hold
#     the update yet, and that object (observedGeneration = its old generation)
#     passed as the answer. The update's own event (old status, old revision)
#     then looked like a finished rollout: `pulumi up` of a release whose pods
#     never became Ready succeeded when the worker's Deployment in the same
#     namespace was updated with it.
#  2. statefulset.go: no observedGeneration check at all, so the update's own
#     event (all replicas ready at one revision, from the last rollout) ended
#     the wait at once (upstream fixed it after this version, in #4094).
K8S_PATCH_ID=await-waits-for-the-controller-v2
K8S_DEPLOYMENT_PATCHES=(
  '			if deployment.GetGeneration() == observedGeneration {
				dia.processDeploymentEvent(event)'
  '			// goship: not an object older than the update (a shared informer replays its cache, which may not hold it yet).
			if deployment.GetGeneration() >= dia.config.currentOutputs.GetGeneration() && deployment.GetGeneration() == observedGeneration {
				dia.processDeploymentEvent(event)'
)
K8S_STATEFULSET_PATCHES=(
  '	// Set current and target replica counts for logging purposes.
	sia.targetReplicas = replicas'
  '	// goship: a status the controller wrote for an older generation says nothing about this one (the update'"'"'s own event).
	if observed, found, _ := unstructured.NestedInt64(statefulset.Object, "status", "observedGeneration"); !found || observed != sia.currentGeneration {
		sia.revisionReady, sia.replicasReady = false, false
	}

	// Set current and target replica counts for logging purposes.
	sia.targetReplicas = replicas'
)
# edit_exactly FILE OLD NEW [OLD NEW...]
edit_exactly() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const fs = require("fs"), [file, ...p] = process.argv.slice(1);
    let src = fs.readFileSync(file, "utf8");
    for (let i = 0; i < p.length; i += 2) {
      const n = src.split(p[i]).length - 1;
      if (n !== 1) { console.error(`kubernetes provider patch of ${file}, edit ${i / 2 + 1}: expected 1 match, found ${n} (has upstream changed or fixed it?): ${p[i]}`); process.exit(1); }
      src = src.replace(p[i], () => p[i + 1]);
    }
    fs.writeFileSync(file, src);' "$@"
}
patch_k8s() {
  edit_exactly "$1/pkg/await/deployment.go" "${K8S_DEPLOYMENT_PATCHES[@]}"
  edit_exactly "$1/pkg/await/statefulset.go" "${K8S_STATEFULSET_PATCHES[@]}"
  install -m 0644 "$here/kubernetes/goship_await_test.go" "$1/pkg/await/"
  (cd "$1" && go test -mod=mod -count=1 -run '^TestGoship' ./pkg/await/) ||
    toolchain_die "the patched awaiters fail their tests (scripts/toolchain/kubernetes/)"
  echo "    patched pkg/await/{deployment,statefulset}.go ($K8S_PATCH_ID), its tests pass"
}
# A provider built before the patch (or another one) is rebuilt.
k8s_lacks_patch() { ! grep -qxF "  goship patch: $K8S_PATCH_ID" "$K8S_DIR/BUILDINFO" 2>/dev/null; }

# Build from a writable copy of the module: its go.mod has a local replace of
# sdk/v4 => ../sdk (not in the zip), and main.go embeds files that generate.go
# writes (schema-embed.json with the version, terraform-mapping-embed.json).
build_k8s() {
  local src_version=$DL_VERSION src_sum=$DL_SUM moddir=$DL_DIR
  local dir=$SRC/kubernetes-provider-$KV-$src_version sdkv="" old
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")" "$K8S_DIR"
  cp -r "$moddir" "$dir"
  chmod -R u+w "$dir"
  for old in $(gomod_local_replaces "$dir/go.mod"); do
    go mod edit -dropreplace="$old" "$dir/go.mod"
    if [[ "$old" == "$K8S_SDK" ]]; then
      # Use the sdk/v4 tag of the same release if the proxy serves it, else the
      # version the provider's go.mod requires.
      if mod_download "$K8S_SDK@v$KV"; then sdkv=v$KV; else sdkv=$(gomod_required "$dir/go.mod" "$K8S_SDK"); fi
      go mod edit -require="$K8S_SDK@$sdkv" "$dir/go.mod"
      echo "    dropped replace $old => (local dir); using $K8S_SDK $sdkv"
    else
      echo "    dropped local replace of $old"
    fi
  done
  patch_k8s "$dir"
  (
    cd "$dir"
    (cd cmd/pulumi-resource-kubernetes && VERSION=$KV go run -mod=mod generate.go)
    go build -mod=mod -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$KV" \
      -o "$K8S_DIR/.pulumi-resource-kubernetes.tmp.$$" ./cmd/pulumi-resource-kubernetes
  )
  install_atomic "$K8S_DIR/.pulumi-resource-kubernetes.tmp.$$" "$K8S_DIR/pulumi-resource-kubernetes"
  {
    echo "pulumi-resource-kubernetes $KV built $(date -u +%FT%TZ) with $(go env GOVERSION)"
    echo "  $K8S_PROVIDER $src_version $src_sum"
    echo "  $K8S_SDK ${sdkv:-as required by its go.mod}"
    echo "  goship patch: $K8S_PATCH_ID"
    case $K8S_EXACT in
      no) echo "  FALLBACK: kubernetes provider built from $K8S_PROVIDER $src_version, not the v$KV release (not on the Go module proxy)" ;;
      override) echo "  OVERRIDE: PULUMI_KUBERNETES_PROVIDER_SOURCE=$PULUMI_KUBERNETES_PROVIDER_SOURCE" ;;
    esac
  } >"$K8S_DIR/BUILDINFO"
  rm -rf "$dir"
}

install_k8s_plugin() {
  local plugdir=$PULUMI_HOME/plugins/resource-kubernetes-v$KV
  if [[ -z "$REBUILD" && ! -e "$plugdir.partial" ]] &&
    cmp -s "$plugdir/pulumi-resource-kubernetes" "$K8S_DIR/pulumi-resource-kubernetes"; then
    echo "    already installed in $plugdir"
    return
  fi
  "$BIN/pulumi" plugin install resource kubernetes "$KV" --file "$K8S_DIR/pulumi-resource-kubernetes" --reinstall
}

check_toolchain() {
  local v
  v=$("$BIN/pulumi" version)
  [[ "$v" == "v$PV" ]] || toolchain_die "$BIN/pulumi version printed '$v', expected v$PV"
  "$BIN/pulumi" plugin ls | grep -E "^kubernetes +resource +$KV " >/dev/null ||
    toolchain_die "kubernetes $KV is not in 'pulumi plugin ls' (PULUMI_HOME=$PULUMI_HOME)"
  echo "    pulumi $v, pulumi-language-nodejs $(cat "$BIN/../LANGHOST_VERSION" 2>/dev/null || echo '?'), kubernetes plugin $KV in $PULUMI_HOME"
}

# --- main ----------------------------------------------------------------------
mkdir -p "$SRC" "$BIN" "$K8S_DIR" "$PULUMI_HOME"
exec 9>"$CACHE/toolchain/.lock"
if ! flock -n 9; then
  echo "another scripts/toolchain/pulumi.sh is running; waiting for it..."
  flock 9
fi
# shellcheck disable=SC2016 # expanded at exit
on_exit 'rm -f "$BIN"/.*.tmp.* "$K8S_DIR"/.*.tmp.* 2>/dev/null'

echo "Pulumi toolchain: pulumi $PV, kubernetes provider $KV (cache $CACHE)"

want_pulumi="" want_lh=""
need "$BIN/pulumi" && want_pulumi=1
need "$BIN/pulumi-language-nodejs" && want_lh=1
if [[ -z "$want_lh" ]] && toolchain_langhost_lacks_runplugin "$BIN"; then
  # Only the language host: the CLI and the provider in the cache stay as they are.
  echo "pulumi-language-nodejs in $BIN predates RunPlugin support (policy packs); rebuilding it alone"
  want_lh=1
fi
if [[ -n "$want_pulumi$want_lh" ]]; then
  LH_KIND=none
  if [[ -n "$want_lh" ]]; then
    step "resolve pulumi-language-nodejs source" langhost_resolve
  fi
  if [[ -n "$want_pulumi" || "$LH_KIND" == module ]]; then
    label="build pulumi $PV"
    if [[ "$LH_KIND" == module ]]; then label+=" and pulumi-language-nodejs $LH_VERSION"; fi
    step "$label" build_cli "$want_pulumi" "$want_lh"
  fi
  if [[ -n "$want_lh" && "$LH_KIND" == sdk ]]; then
    step "build pulumi-language-nodejs from sdk $LH_VERSION" build_langhost_from_sdk
  fi
  if [[ -n "$want_lh" ]]; then
    write_langhost_buildinfo
    printf '%s\n' "$LH_VERSION" >"$BIN/../LANGHOST_VERSION"
  fi
fi
step "write pulumi-resource-pulumi-nodejs shim" write_dynamic_shim

if need "$K8S_DIR/pulumi-resource-kubernetes" || k8s_lacks_patch; then
  step "resolve kubernetes provider source" k8s_resolve
  step "build pulumi-resource-kubernetes $KV" build_k8s
fi
step "install kubernetes $KV plugin into $PULUMI_HOME" install_k8s_plugin
step "check toolchain" check_toolchain

# Keep reporting a version skew on every run, not only when building.
grep -h FALLBACK "$BIN/../BUILDINFO.language-nodejs" "$K8S_DIR/BUILDINFO" 2>/dev/null | sed 's/^ */WARNING: /' >&2 || true
