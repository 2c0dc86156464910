#!/usr/bin/env bash
# Build the cluster add-ons from the Go module proxy, into the cache outside the repo:
#
#   $CACHE/traefik-v<T>/bin/traefik, images/traefik.tar                 ingress controller
#   $CACHE/metrics-server-v<M>/bin/metrics-server, images/....tar        resource metrics for the HPA
#   $CACHE/metrics-server-v<M>/manifests/base/                           its upstream manifests (from the module)
#   $CACHE/keda-v<K>/crds/*.yaml                                          KEDA's CRDs (config/crd/bases)
#
# Images are single-layer docker-archives (lib.sh make_image_tar) imported into the node's containerd by
# addons.sh, so nothing is pulled from an image registry. Idempotent: artifacts are written under temporary
# names and renamed; an artifact in place is not rebuilt (GOSHIP_REBUILD=1 forces it).
#
# Usage: scripts/cluster/build-addons.sh
#   TRAEFIK_VERSION  METRICS_SERVER_VERSION  KEDA_VERSION  GOSHIP_CACHE  GOSHIP_REBUILD=1
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/cluster/lib.sh
. "$here/lib.sh"

command -v go >/dev/null || cluster_die "go is not on PATH"
command -v jq >/dev/null || cluster_die "jq is required (apt-get install jq)"
REBUILD=${GOSHIP_REBUILD:-}
have() { [[ -z "$REBUILD" && -s "$1" ]]; }

# module_dir MODULE@VERSION: the extracted module in GOMODCACHE (downloaded when missing).
module_dir() { (cd / && go mod download -json "$1") | jq -r .Dir; }

# image_root BINARY: a root filesystem with the binary and the CA bundle, for make_image_tar.
image_root() {
  local root
  root=$(mktemp -d)
  on_exit "rm -rf '$root'"
  install -m 0755 "$1" "$root/$(basename "$1")"
  mkdir -p "$root/etc/ssl/certs" "$root/tmp"
  chmod 1777 "$root/tmp"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  printf '%s\n' "$root"
}

# --- Traefik ---------------------------------------------------------------------
# `go install module@version` refuses a module with replace directives; Traefik has three (containous forks of
# go-http-auth, mux and minheap), so a wrapper module requires it and repeats them.
build_traefik() {
  local dir tmp gomod
  dir=$(traefik_dir)
  mkdir -p "$dir/bin"
  tmp=$(mktemp -d "$dir/.wrapper.tmp.XXXXXX")
  on_exit "rm -rf '$tmp'"
  gomod=$(cd / && go mod download -json "github.com/traefik/traefik/v3@v$TRAEFIK_VERSION" | jq -r .GoMod)
  (
    cd "$tmp"
    go mod init goship.local/traefik-build >/dev/null 2>&1
    go mod edit -go="$(go mod edit -json "$gomod" | jq -r .Go)"
    printf '//go:build tools\n\n// Package tools keeps the main package this module builds.\npackage tools\n\nimport _ "github.com/traefik/traefik/v3/cmd/traefik"\n' >tools.go
    go mod edit -require="github.com/traefik/traefik/v3@v$TRAEFIK_VERSION"
    if go mod edit -json "$gomod" | jq -e '[.Replace[]? | select(.New.Version == null)] | length > 0' >/dev/null; then
      cluster_die "traefik v$TRAEFIK_VERSION replaces a module by a local path; it cannot be built from the module proxy"
    fi
    go mod edit -json "$gomod" | jq -r '.Replace[]? | "-replace=\(.Old.Path)=\(.New.Path)@\(.New.Version)"' |
      while read -r r; do go mod edit "$r"; done
    go mod tidy
    CGO_ENABLED=0 go build -trimpath -o "$tmp/traefik" \
      -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=v$TRAEFIK_VERSION" \
      github.com/traefik/traefik/v3/cmd/traefik
  )
  "$tmp/traefik" version >/dev/null
  cp "$tmp/go.mod" "$tmp/go.sum" "$dir/"
  mv -f "$tmp/traefik" "$dir/bin/traefik"
}

# --- metrics-server ----------------------------------------------------------------
# No replace directives: `go install` works. Its manifests ship in the module (manifests/base).
build_metrics_server() {
  local dir gobin
  dir=$(metrics_server_dir)
  mkdir -p "$dir/bin"
  gobin=$(mktemp -d "$dir/.gobin.XXXXXX")
  on_exit "rm -rf '$gobin'"
  CGO_ENABLED=0 GOBIN=$gobin go install -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/metrics-server/pkg/version.gitVersion=v$METRICS_SERVER_VERSION" \
    "sigs.k8s.io/metrics-server/cmd/metrics-server@v$METRICS_SERVER_VERSION"
  "$gobin/metrics-server" --help >/dev/null
  mv -f "$gobin/metrics-server" "$dir/bin/metrics-server"
}
copy_metrics_server_manifests() {
  local dir src
  dir=$(metrics_server_dir)
  src=$(module_dir "sigs.k8s.io/metrics-server@v$METRICS_SERVER_VERSION")/manifests/base
  [[ -f $src/deployment.yaml ]] || cluster_die "$src/deployment.yaml not found in the module"
  rm -rf "$dir/manifests.tmp"
  mkdir -p "$dir/manifests.tmp"
  cp -r "$src" "$dir/manifests.tmp/base"
  chmod -R u+w "$dir/manifests.tmp"
  rm -rf "$dir/manifests"
  mv "$dir/manifests.tmp" "$dir/manifests"
}

# --- KEDA CRDs ------------------------------------------------------------------------
copy_keda_crds() {
  local dir src
  dir=$(keda_crds_dir)
  src=$(module_dir "github.com/kedacore/keda/v2@v$KEDA_VERSION")/config/crd/bases
  [[ -f $src/keda.sh_scaledobjects.yaml ]] || cluster_die "$src/keda.sh_scaledobjects.yaml not found in the module"
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  cp "$src"/*.yaml "$dir.tmp/"
  chmod u+w "$dir.tmp"/*.yaml
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
}

image_of() { # DIR BINARY REF USER
  local root
  root=$(image_root "$1/bin/$2")
  make_image_tar "$1/images/$2.tar" "$3" "$root" "[\"/$2\"]" "$4"
}
image_current() { have "$1/images/$2.tar" && [[ "$1/images/$2.tar" -nt "$1/bin/$2" ]]; }

if have "$(traefik_dir)/bin/traefik"; then
  cluster_say "traefik v$TRAEFIK_VERSION present"
else
  step "build traefik v$TRAEFIK_VERSION (wrapper module)" build_traefik
fi
image_current "$(traefik_dir)" traefik ||
  step "traefik image $TRAEFIK_IMAGE" image_of "$(traefik_dir)" traefik "$TRAEFIK_IMAGE" 65532:65532

if have "$(metrics_server_dir)/bin/metrics-server"; then
  cluster_say "metrics-server v$METRICS_SERVER_VERSION present"
else
  step "build metrics-server v$METRICS_SERVER_VERSION" build_metrics_server
fi
image_current "$(metrics_server_dir)" metrics-server ||
  step "metrics-server image $METRICS_SERVER_IMAGE" image_of "$(metrics_server_dir)" metrics-server "$METRICS_SERVER_IMAGE" 65532:65532
have "$(metrics_server_dir)/manifests/base/deployment.yaml" ||
  step "metrics-server manifests (module manifests/base)" copy_metrics_server_manifests

if have "$(keda_crds_dir)/keda.sh_scaledobjects.yaml"; then
  cluster_say "KEDA v$KEDA_VERSION CRDs present"
else
  step "KEDA v$KEDA_VERSION CRDs (module config/crd/bases)" copy_keda_crds
fi
