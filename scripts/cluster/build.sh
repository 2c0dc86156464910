#!/usr/bin/env bash
# Build a single-node Kubernetes from the Go module proxy only (no dl.k8s.io, no
# image registry), into the cache outside the repo:
#
#   $CACHE/kubernetes-v<K>/bin/kube-apiserver kube-controller-manager kube-scheduler
#                              kubelet kube-proxy kubectl      (k8s.io/kubernetes v<K>)
#   $CACHE/kubernetes-v<K>/bin/goship-cri                      (scripts/cluster/tools/goship-cri, minimal CRI client)
#   $CACHE/kubernetes-v<K>/bin/pause                           (build/pause/linux/pause.c, gcc -static)
#   $CACHE/kubernetes-v<K>/images/pause-3.9.tar                (docker-archive, registry.k8s.io/pause:3.9)
#   $CACHE/coredns-v<C>/bin/coredns                            (github.com/coredns/coredns v<C>)
#   $CACHE/coredns-v<C>/images/coredns.tar                     (docker-archive, registry.k8s.io/coredns/coredns:v<C>)
#
# k8s.io/kubernetes requires its staging modules (k8s.io/api, client-go, ...) at
# v0.0.0 and replaces them with ./staging/...; those replaces are ignored for a
# dependency, so a wrapper module pins each one: replace k8s.io/X => k8s.io/X v0.<minor>.<patch>.
#
# Idempotent: every artifact is written under a temporary name and renamed when
# complete; an artifact in place is never rebuilt (GOSHIP_REBUILD=1 forces it).
# Uses `go env` as configured (GOPROXY, GOMODCACHE, GOCACHE, GOFLAGS).
#
# Usage: scripts/cluster/build.sh [--no-coredns]
#   KUBE_VERSION=1.30.14  COREDNS_VERSION=1.11.3  GOSHIP_CACHE=...  GOSHIP_REBUILD=1
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/cluster/lib.sh
. "$here/lib.sh"

with_coredns=1
for a in "$@"; do
  case $a in
    --no-coredns) with_coredns="" ;;
    -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
    *) cluster_die "unknown argument $a" ;;
  esac
done

command -v go >/dev/null || cluster_die "go is not on PATH"
command -v jq >/dev/null || cluster_die "jq is required (apt-get install jq)"
REBUILD=${GOSHIP_REBUILD:-}
KDIR=$(kube_dir)
BIN=$(kube_bin)
WRAP=$KDIR/wrapper
MINOR=$(cut -d. -f2 <<<"$KUBE_VERSION")
STAGING_VERSION=v0.${KUBE_VERSION#1.}
mkdir -p "$BIN"

have() { [[ -z "$REBUILD" && -x "$1" ]]; }

# Modules the checksum database (as reached through this machine's GOPROXY)
# does not know: `go mod tidy` fails with "verifying module: k8s.io/kube-proxy@v0.30.14:
# reading .../sumdb/sum.golang.org/lookup/k8s.io/kube-proxy@v0.30.14: 404 Not Found".
# They are excluded from the sumdb and their go.sum lines pinned here instead
# (values recorded from the proxy on first download; trust on first use).
declare -A PINNED_SUMS=(
  ["k8s.io/kube-proxy v0.30.14"]="h1:hytob1NuBYKteKr8WrUJfaRqd2wHIOeFylRq+1LB3ZQ="
  ["k8s.io/kube-proxy v0.30.14/go.mod"]="h1:4e+Ar9gv5JXUZNmt6RsCt6NxmzkT9rXlbtSusj4dT9I="
)
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}k8s.io/kube-proxy"

check_pinned_sums() {
  local key want got
  for key in "${!PINNED_SUMS[@]}"; do
    want=${PINNED_SUMS[$key]}
    got=$(awk -v m="${key% *}" -v v="${key#* }" '$1 == m && $2 == v {print $3}' "$1")
    [[ -z "$got" || "$got" == "$want" ]] || cluster_die "checksum mismatch in $1 for $key: got $got, pinned $want"
  done
}

missing=()
for b in "${KUBE_BINARIES[@]}" goship-cri; do have "$BIN/$b" || missing+=("$b"); done

# --- wrapper module -------------------------------------------------------------
prepare_wrapper() {
  local tmp gomod mods m out
  tmp=$(mktemp -d "$KDIR/.wrapper.tmp.XXXXXX")
  on_exit "rm -rf '$tmp'"
  out=$(cd "$tmp" && go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION")
  gomod=$(jq -r .GoMod <<<"$out")
  K8S_SUM=$(jq -r .Sum <<<"$out")
  K8S_TIME=$(jq -r .Info <<<"$out" | xargs jq -r .Time)
  (
    cd "$tmp"
    go mod init goship.local/kubernetes-build >/dev/null 2>&1
    # Same language version as k8s.io/kubernetes itself, so the GODEBUG defaults
    # (TLS, x509, HTTP behaviour) are those the release was tested with.
    go mod edit -go="$(go mod edit -json "$gomod" | jq -r .Go)"
    cat >tools.go <<'EOF'
//go:build tools

// Package tools makes `go mod tidy` keep every main package this module builds.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
EOF
    go mod edit -require="k8s.io/kubernetes@v$KUBE_VERSION"
    # Our minimal CRI client (down.sh), built against the same cri-api and grpc.
    cp -r "$here/tools/goship-cri" goship-cri
    # Every k8s.io module k8s.io/kubernetes requires at v0.0.0 is a staging module.
    mods=$(go mod edit -json "$gomod" | jq -r '.Require[] | select(.Version == "v0.0.0" and (.Path | startswith("k8s.io/"))) | .Path')
    [[ -n "$mods" ]] || cluster_die "no staging modules found in $gomod"
    for m in $mods; do
      go mod edit -replace="$m=$m@$STAGING_VERSION"
    done
    # Non-local replaces of k8s.io/kubernetes must be repeated too (none in 1.30).
    go mod edit -json "$gomod" | jq -r '.Replace[]? | select(.New.Version != null) | "-replace=\(.Old.Path)=\(.New.Path)@\(.New.Version)"' |
      while read -r r; do go mod edit "$r"; done
    go mod tidy
  )
  check_pinned_sums "$tmp/go.sum"
  rm -rf "$WRAP"
  mv "$tmp" "$WRAP"
}

build_kube() {
  local b=$1 tmp ldflags
  if [[ $b == goship-cri ]]; then
    tmp=$BIN/.$b.tmp.$$
    on_exit "rm -f '$tmp'"
    (cd "$WRAP" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp" ./goship-cri)
    mv -f "$tmp" "$BIN/$b"
    return
  fi
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$MINOR"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$K8S_TIME"
  done
  tmp=$BIN/.$b.tmp.$$
  on_exit "rm -f '$tmp'"
  # Same tags as hack/lib/golang.sh; CGO off like the upstream static binaries.
  (cd "$WRAP" && CGO_ENABLED=0 go build -trimpath -tags selinux,notest -ldflags "$ldflags" -o "$tmp" "k8s.io/kubernetes/cmd/$b")
  "$tmp" --version >/dev/null 2>&1 || "$tmp" version --client >/dev/null 2>&1 || cluster_die "$b does not run"
  mv -f "$tmp" "$BIN/$b"
}

if ((${#missing[@]})); then
  step "kubernetes v$KUBE_VERSION: wrapper module (staging pinned to $STAGING_VERSION)" prepare_wrapper
  for b in "${missing[@]}"; do
    step "build $b v$KUBE_VERSION" build_kube "$b"
  done
  {
    echo "k8s.io/kubernetes v$KUBE_VERSION $K8S_SUM (release $K8S_TIME)"
    echo "built by $(go version) on $(date -u +%FT%TZ); wrapper: $WRAP/go.mod"
    (cd "$WRAP" && go list -m all | grep '^k8s.io/')
  } >"$KDIR/BUILDINFO.tmp.$$"
  mv -f "$KDIR/BUILDINFO.tmp.$$" "$KDIR/BUILDINFO"
else
  cluster_say "kubernetes v$KUBE_VERSION binaries present in $BIN (GOSHIP_REBUILD=1 rebuilds)"
fi

# --- pause ----------------------------------------------------------------------
build_pause() {
  local src tmp root
  src=$(cd /tmp && go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" | jq -r .Dir)/build/pause/linux/pause.c
  [[ -f "$src" ]] || cluster_die "$src not found in the module"
  tmp=$BIN/.pause.tmp.$$
  on_exit "rm -f '$tmp'"
  # VERSION is baked into the binary's -v output, as in build/pause/Makefile.
  gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE_VERSION-goship" -o "$tmp" "$src"
  strip "$tmp"
  mv -f "$tmp" "$BIN/pause"
}
pause_image() {
  local root
  root=$(mktemp -d)
  on_exit "rm -rf '$root'"
  install -m 0755 "$BIN/pause" "$root/pause"
  # Same entrypoint and user as build/pause/Dockerfile.
  make_image_tar "$(pause_tar)" "$PAUSE_IMAGE" "$root" '["/pause"]' 65535:65535
}
if have "$BIN/pause"; then
  cluster_say "pause present"
else
  command -v gcc >/dev/null || cluster_die "gcc is required for pause (apt-get install gcc libc6-dev)"
  step "build pause (gcc -static)" build_pause
fi
if [[ -z "$REBUILD" && -s "$(pause_tar)" && "$(pause_tar)" -nt "$BIN/pause" ]]; then
  cluster_say "pause image present: $(pause_tar)"
else
  step "pause image $PAUSE_IMAGE (docker-archive, no docker)" pause_image
fi

# --- CoreDNS ----------------------------------------------------------------------
# github.com/coredns/coredns has no replace directives and commits its generated
# plugin tables (core/plugin/zplugin.go, core/dnsserver/zdirectives.go), so a
# plain `go install module@version` builds it with the default plugin.cfg.
build_coredns() {
  local gobin cb
  cb=$(coredns_bin)
  gobin=$(mktemp -d "$(dirname "$(dirname "$cb")")/.gobin.XXXXXX")
  on_exit "rm -rf '$gobin'"
  CGO_ENABLED=0 GOBIN=$gobin go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@v$COREDNS_VERSION"
  "$gobin/coredns" -version >/dev/null
  mkdir -p "$(dirname "$cb")"
  mv -f "$gobin/coredns" "$cb"
}
coredns_image() {
  local root
  root=$(mktemp -d)
  on_exit "rm -rf '$root'"
  install -m 0755 "$(coredns_bin)" "$root/coredns"
  mkdir -p "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  make_image_tar "$(coredns_tar)" "$COREDNS_IMAGE" "$root" '["/coredns"]' 65532:65532
}
if [[ -n "$with_coredns" ]]; then
  mkdir -p "$(dirname "$(coredns_bin)")"
  if have "$(coredns_bin)"; then
    cluster_say "coredns present"
  else
    step "build coredns v$COREDNS_VERSION" build_coredns
  fi
  if [[ -z "$REBUILD" && -s "$(coredns_tar)" && "$(coredns_tar)" -nt "$(coredns_bin)" ]]; then
    cluster_say "coredns image present: $(coredns_tar)"
  else
    step "coredns image $COREDNS_IMAGE" coredns_image
  fi
fi

cluster_say "binaries: $BIN"
