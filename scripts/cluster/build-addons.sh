#!/usr/bin/env bash
# Build the cluster add-ons from the Go module proxy, into the cache outside the repo:
#
#   $CACHE/traefik-v<T>/bin/traefik, images/traefik.tar                 ingress controller
#   $CACHE/metrics-server-v<M>/bin/metrics-server, images/....tar        resource metrics for the HPA
#   $CACHE/metrics-server-v<M>/manifests/base/                           its upstream manifests (from the module)
#   $CACHE/keda-v<K>/bin/{keda,keda-adapter,keda-admission-webhooks}, images/*.tar   KEDA (trimmed scalers)
#   $CACHE/keda-v<K>/crds/*.yaml, config/                                 its CRDs (config/crd/bases), kustomize tree
#   $CACHE/prometheus-v<P>/bin/{prometheus,promtool}, images/prometheus.tar   metrics backend, rule tests
#   $CACHE/alertmanager-v<A>/bin/alertmanager, images/alertmanager.tar      alert delivery
#   $CACHE/prometheus-operator-v<O>/bin/{operator,prometheus-config-reloader}, images/*.tar, crds/*.yaml,
#     wrapper/{go.mod,go.sum}                                               the module the three above build in
#   $CACHE/jaeger-v<J>/bin/jaeger, images/jaeger.tar                        trace backend (trimmed main)
#   $CACHE/local-path-provisioner-v<L>/bin/local-path-provisioner, images/{local-path-provisioner,busybox}.tar,
#     manifests/local-path-storage.yaml                                     PersistentVolumes on this node
#   $CACHE/gateway-api-v<G>/crds/*.yaml                                     Gateway API CRDs (standard channel)
#   $CACHE/flagger-v<F>/bin/flagger, images/flagger.tar, crds/crd.yaml      only with the argument flagger
#
# Images are single-layer docker-archives (lib.sh make_image_tar) imported into the node's containerd by
# addons.sh, so nothing is pulled from an image registry. Idempotent: artifacts are written under temporary
# names and renamed; an artifact in place is not rebuilt (GOSHIP_REBUILD=1 forces it).
#
# Usage: scripts/cluster/build-addons.sh [flagger]
#   flagger: build only that on-demand add-on (scripts/cluster/addon.sh flagger runs this)
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

# image_root BINARY [DIR]: a root filesystem with the binary in DIR (default /) and the CA bundle, for
# make_image_tar.
image_root() {
  local root
  root=$(mktemp -d)
  on_exit "rm -rf '$root'"
  mkdir -p "$root${2:-}"
  install -m 0755 "$1" "$root${2:-}/$(basename "$1")"
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

# --- KEDA ------------------------------------------------------------------------------------------------------
# A copy of the module with pkg/scaling/scalers_builder.go replaced by scripts/cluster/keda/ and every scaler but
# the trigger types goship accepts (cpu, memory, prometheus, kafka, cron) deleted: pkg/scalers is one package,
# and linking all 60-odd scalers compiles the AWS, Azure, GCP, Mongo, Redis... clients for nothing. Its go.mod's
# replace directives all name versions, so the copy builds with its own go.mod and go.sum; the three mains in one
# `go build`, which compiles the shared packages once.
KEDA_SCALER_FILES=(scaler.go cpu_memory_scaler.go cron_scaler.go kafka_scaler.go prometheus_scaler.go)
KEDA_BINARIES=(keda keda-adapter keda-admission-webhooks)
# What the cached binaries were built with (bin/BUILD): a change here rebuilds them.
KEDA_BUILD="tags=timetzdata scalers=${KEDA_SCALER_FILES[*]}"
build_keda() {
  local dir tmp src f
  dir=$(keda_dir)
  mkdir -p "$dir/bin"
  tmp=$(mktemp -d "$dir/.build.tmp.XXXXXX")
  on_exit "chmod -R u+w '$tmp' 2>/dev/null; rm -rf '$tmp'"
  src=$(module_dir "github.com/kedacore/keda/v2@v$KEDA_VERSION")
  [[ -f $src/pkg/scaling/scalers_builder.go ]] || cluster_die "$src: pkg/scaling/scalers_builder.go not found"
  cp -r "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  cp "$here/keda/scalers_builder.go" "$tmp/src/pkg/scaling/scalers_builder.go"
  for f in "$tmp/src/pkg/scalers"/*.go; do
    # shellcheck disable=SC2076 # a literal match against the list
    [[ " ${KEDA_SCALER_FILES[*]} " =~ " $(basename "$f") " ]] || rm -f "$f"
  done
  # A constant the kept scalers share is declared in one of the deleted files.
  cp "$here/keda/metric_type.go" "$tmp/src/pkg/scalers/goship_metric_type.go"
  # Tests of the deleted scalers, and of the builder's full list, would not compile.
  rm -f "$tmp/src/pkg/scaling"/*_test.go
  # The module zip keeps vendor/modules.txt but not the vendored sources; without it go builds from the module
  # cache, checked against the module's go.sum.
  rm -rf "$tmp/src/vendor"
  mkdir -p "$tmp/bin"
  (
    cd "$tmp/src"
    local v=github.com/kedacore/keda/v2/version
    # timetzdata: the images have no /usr/share/zoneinfo, and the cron scaler loads its trigger's time zone.
    CGO_ENABLED=0 go build -trimpath -tags timetzdata -o "$tmp/bin/" \
      -ldflags "-s -w -X $v.Version=$KEDA_VERSION -X $v.GitCommit=v$KEDA_VERSION-goship-trimmed" \
      ./cmd/operator ./cmd/adapter ./cmd/webhooks
  )
  mv "$tmp/bin/operator" "$tmp/bin/keda"
  mv "$tmp/bin/adapter" "$tmp/bin/keda-adapter"
  mv "$tmp/bin/webhooks" "$tmp/bin/keda-admission-webhooks"
  # pflag exits 2 after printing the usage of --help; the usage proves the binary starts.
  for f in "${KEDA_BINARIES[@]}"; do
    { "$tmp/bin/$f" --help 2>&1 || true; } | grep -qi '^usage' || cluster_die "built $f does not run ($f --help prints no usage)"
  done
  for f in "${KEDA_BINARIES[@]}"; do mv -f "$tmp/bin/$f" "$dir/bin/$f"; done
  printf '%s\n' "$KEDA_BUILD" >"$dir/bin/BUILD"
}
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
# The module's kustomize tree (config/: rbac, manager, metrics-server, webhooks, service accounts); addons.sh
# applies it through scripts/cluster/manifests/keda/kustomization.yaml.
copy_keda_config() {
  local dir src
  dir=$(keda_dir)
  src=$(module_dir "github.com/kedacore/keda/v2@v$KEDA_VERSION")/config
  [[ -f $src/manager/manager.yaml ]] || cluster_die "$src/manager/manager.yaml not found in the module"
  rm -rf "$dir/config.tmp"
  cp -r "$src" "$dir/config.tmp"
  chmod -R u+w "$dir/config.tmp"
  rm -rf "$dir/config"
  mv "$dir/config.tmp" "$dir/config"
}

# --- Prometheus, promtool, Alertmanager, Prometheus Operator, config reloader -------------------------
# One wrapper module requires the three modules, so minimal version selection picks one version of each shared
# dependency; each binary is then linked by its own `go build` (their -X version stamps differ), and all but
# the first find the shared packages in the build cache. The operator's go.mod replaces its two API submodules
# by local paths, which a wrapper cannot follow: it requires them at the same version instead. Prometheus is
# built with Kubernetes service discovery only (its remove_all_sd/enable_*_sd tags): the operator generates
# nothing else, and the other 25 mechanisms (AWS, Azure, GCE... SDKs) are most of its compile time.
prometheus_module_version() { # 3.16.0 -> v0.316.0
  local major minor patch
  IFS=. read -r major minor patch <<<"$PROMETHEUS_VERSION"
  printf 'v0.%d.%d\n' $((major * 100 + minor)) "$patch"
}
build_observability() {
  local tmp op pm
  tmp=$(mktemp -d "$(cluster_cache)/.observability.tmp.XXXXXX")
  on_exit "rm -rf '$tmp'"
  op=github.com/prometheus-operator/prometheus-operator
  pm=$(prometheus_module_version)
  (
    cd "$tmp"
    go mod init goship.local/observability-build >/dev/null 2>&1
    printf '//go:build tools\n\n// Package tools keeps the main packages this module builds.\npackage tools\n\nimport (\n' >tools.go
    printf '\t_ "%s"\n' github.com/prometheus/prometheus/cmd/prometheus github.com/prometheus/prometheus/cmd/promtool \
      github.com/prometheus/alertmanager/cmd/alertmanager "$op/cmd/operator" "$op/cmd/prometheus-config-reloader" >>tools.go
    printf ')\n' >>tools.go
    go mod edit -require="github.com/prometheus/prometheus@$pm" \
      -require="github.com/prometheus/alertmanager@v$ALERTMANAGER_VERSION" \
      -require="$op@v$PROMETHEUS_OPERATOR_VERSION" \
      -require="$op/pkg/apis/monitoring@v$PROMETHEUS_OPERATOR_VERSION" \
      -require="$op/pkg/client@v$PROMETHEUS_OPERATOR_VERSION"
    # Alertmanager's ui package embeds app/dist, its web UI built with npm, which the module zip leaves out: a
    # copy with a placeholder page stands in (the API under /api/v2 is what the cluster uses).
    cp -r "$(module_dir "github.com/prometheus/alertmanager@v$ALERTMANAGER_VERSION")" alertmanager
    chmod -R u+w alertmanager
    for ui in elm mantine; do
      mkdir -p "alertmanager/ui/app/dist/$ui"
      printf '<!doctype html><title>Alertmanager</title><p>This build has no web UI; the API is at /api/v2.\n' \
        >"alertmanager/ui/app/dist/$ui/index.html"
    done
    go mod edit -replace=github.com/prometheus/alertmanager=./alertmanager
    go mod tidy
    local v=github.com/prometheus/common/version.Version ldflags="-s -w" tags=remove_all_sd,enable_kubernetes_sd
    mkdir -p bin
    CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "$ldflags -X $v=$PROMETHEUS_VERSION" -o bin/ \
      github.com/prometheus/prometheus/cmd/prometheus github.com/prometheus/prometheus/cmd/promtool
    CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "$ldflags -X $v=$ALERTMANAGER_VERSION" -o bin/ \
      github.com/prometheus/alertmanager/cmd/alertmanager
    CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "$ldflags -X $v=$PROMETHEUS_OPERATOR_VERSION" -o bin/ \
      "$op/cmd/operator" "$op/cmd/prometheus-config-reloader"
  )
  for b in prometheus promtool alertmanager operator prometheus-config-reloader; do
    "$tmp/bin/$b" --version >/dev/null 2>&1 || "$tmp/bin/$b" --help >/dev/null 2>&1 ||
      cluster_die "built $b does not run"
  done
  mkdir -p "$(prometheus_dir)/bin" "$(alertmanager_dir)/bin" "$(prometheus_operator_dir)/bin" "$(prometheus_operator_dir)/wrapper"
  cp "$tmp/go.mod" "$tmp/go.sum" "$tmp/tools.go" "$(prometheus_operator_dir)/wrapper/"
  mv -f "$tmp/bin/operator" "$tmp/bin/prometheus-config-reloader" "$(prometheus_operator_dir)/bin/"
  mv -f "$tmp/bin/alertmanager" "$(alertmanager_dir)/bin/"
  mv -f "$tmp/bin/promtool" "$tmp/bin/prometheus" "$(prometheus_dir)/bin/"
}
copy_prometheus_operator_crds() {
  local dir src
  dir=$(prometheus_operator_dir)/crds
  src=$(module_dir "github.com/prometheus-operator/prometheus-operator@v$PROMETHEUS_OPERATOR_VERSION")/example/prometheus-operator-crd
  [[ -f $src/monitoring.coreos.com_servicemonitors.yaml ]] || cluster_die "$src: no ServiceMonitor CRD in the module"
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  cp "$src"/*.yaml "$dir.tmp/"
  chmod u+w "$dir.tmp"/*.yaml
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
}
copy_prometheus_operator_manifests() {
  local dir src
  dir=$(prometheus_operator_dir)/manifests
  src=$(module_dir "github.com/prometheus-operator/prometheus-operator@v$PROMETHEUS_OPERATOR_VERSION")/example/rbac/prometheus-operator
  [[ -f $src/prometheus-operator-deployment.yaml ]] || cluster_die "$src: no operator Deployment in the module"
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  cp -r "$src" "$dir.tmp/prometheus-operator"
  chmod -R u+w "$dir.tmp"
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
}

# --- Jaeger v2 ----------------------------------------------------------------------------------------
# A copy of the module with two files replaced by scripts/cluster/jaeger/ (its collector components are an
# internal package, so a wrapper module cannot pick them): OTLP receiver, batch and memory-limiter processors,
# memory storage, query API and health check. Built inside the copy, with its own go.mod and go.sum (which
# replace sarama: `go install` refuses it).
build_jaeger() {
  local dir tmp src
  dir=$(jaeger_dir)
  mkdir -p "$dir/bin"
  tmp=$(mktemp -d "$dir/.build.tmp.XXXXXX")
  on_exit "chmod -R u+w '$tmp' 2>/dev/null; rm -rf '$tmp'"
  src=$(module_dir "github.com/jaegertracing/jaeger@v$JAEGER_MODULE_VERSION")
  [[ -f $src/cmd/jaeger/internal/components.go ]] || cluster_die "$src: cmd/jaeger/internal/components.go not found"
  cp -r "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  cp "$here/jaeger/main.go" "$tmp/src/cmd/jaeger/main.go"
  cp "$here/jaeger/internal/components.go" "$tmp/src/cmd/jaeger/internal/components.go"
  rm -f "$tmp/src/cmd/jaeger/internal/components_test.go"
  (
    cd "$tmp/src"
    CGO_ENABLED=0 go build -trimpath -o "$tmp/jaeger" \
      -ldflags "-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=v$JAEGER_VERSION" ./cmd/jaeger
  )
  "$tmp/jaeger" version >/dev/null
  mv -f "$tmp/jaeger" "$dir/bin/jaeger"
}

# --- local-path-provisioner ------------------------------------------------------------------------------------
# No replace directives: `go install` works. Its helper pods need a shell with mkdir and rm: Debian's static
# busybox, unpacked from the package (apt-get download, no install on the host) into a one-binary image.
build_local_path() {
  local dir gobin
  dir=$(local_path_dir)
  mkdir -p "$dir/bin"
  gobin=$(mktemp -d "$dir/.gobin.XXXXXX")
  on_exit "rm -rf '$gobin'"
  CGO_ENABLED=0 GOBIN=$gobin go install -trimpath -ldflags "-s -w -X main.VERSION=v$LOCAL_PATH_VERSION" \
    "github.com/rancher/local-path-provisioner@v$LOCAL_PATH_VERSION"
  "$gobin/local-path-provisioner" --version >/dev/null
  mv -f "$gobin/local-path-provisioner" "$dir/bin/local-path-provisioner"
}
busybox_image() {
  local dir tmp root
  dir=$(local_path_dir)
  tmp=$(mktemp -d)
  on_exit "rm -rf '$tmp'"
  if ! (cd "$tmp" && apt-get download -qq "busybox-static=$BUSYBOX_VERSION" >/dev/null); then
    apt-cache madison busybox-static >&2 || true
    cluster_die "busybox-static $BUSYBOX_VERSION is not on the apt mirror (the versions it has are above)"
  fi
  dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/pkg"
  root=$tmp/root
  mkdir -p "$root/bin" "$root/tmp"
  chmod 1777 "$root/tmp"
  install -m 0755 "$tmp/pkg/bin/busybox" "$root/bin/busybox"
  for applet in sh mkdir rm chmod ls; do ln -s busybox "$root/bin/$applet"; done
  make_image_tar "$dir/images/busybox.tar" "$BUSYBOX_IMAGE" "$root" '["/bin/sh"]'
}
copy_local_path_manifests() {
  local dir src
  dir=$(local_path_dir)
  src=$(module_dir "github.com/rancher/local-path-provisioner@v$LOCAL_PATH_VERSION")/deploy/local-path-storage.yaml
  [[ -f $src ]] || cluster_die "$src not found in the module"
  mkdir -p "$dir/manifests"
  install -m 0644 "$src" "$dir/manifests/local-path-storage.yaml"
}

# --- Gateway API CRDs ---------------------------------------------------------------------------------------------
# The standard channel (GatewayClass, Gateway, HTTPRoute, GRPCRoute, ReferenceGrant, BackendTLSPolicy): YAML only,
# out of the module, which Traefik's kubernetesgateway provider serves and Flagger's gatewayapi router writes.
copy_gateway_api_crds() {
  local dir src
  dir=$(gateway_api_dir)/crds
  src=$(module_dir "sigs.k8s.io/gateway-api@v$GATEWAY_API_VERSION")/config/crd/standard
  [[ -f $src/gateway.networking.k8s.io_httproutes.yaml ]] || cluster_die "$src: no HTTPRoute CRD in the module"
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  cp "$src"/*.yaml "$dir.tmp/"
  chmod u+w "$dir.tmp"/*.yaml
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
}

# --- Flagger (on demand: build-addons.sh flagger, run by addon.sh flagger) ------------------------------------------
# A copy of the module (no replace directives; it builds with its own go.mod and go.sum) with two changes:
# pkg/metrics/providers/factory.go replaced by scripts/cluster/flagger/factory.go and the four providers that link a
# cloud SDK deleted, and cmd/flagger/main.go without its blank import of k8s.io/code-generator's client-gen (which
# only keeps that module in go.mod for the module's hack/ scripts). 703 non-standard packages instead of 1,006.
# Every router stays: they live in one package (pkg/router) and use Flagger's own generated clients.
FLAGGER_DROPPED_PROVIDERS=(cloudwatch influxdb splunk stackdriver)
# What the cached binary was built with (bin/BUILD): a change here rebuilds it.
FLAGGER_BUILD="without-providers=${FLAGGER_DROPPED_PROVIDERS[*]} without=code-generator"
build_flagger() {
  local dir tmp src p main
  dir=$(flagger_dir)
  mkdir -p "$dir/bin"
  tmp=$(mktemp -d "$dir/.build.tmp.XXXXXX")
  on_exit "chmod -R u+w '$tmp' 2>/dev/null; rm -rf '$tmp'"
  src=$(module_dir "github.com/fluxcd/flagger@v$FLAGGER_VERSION")
  [[ -f $src/pkg/metrics/providers/factory.go ]] || cluster_die "$src: pkg/metrics/providers/factory.go not found"
  cp -r "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  cp "$here/flagger/factory.go" "$tmp/src/pkg/metrics/providers/factory.go"
  for p in "${FLAGGER_DROPPED_PROVIDERS[@]}"; do
    [[ -f $tmp/src/pkg/metrics/providers/$p.go ]] || cluster_die "$src: no pkg/metrics/providers/$p.go to drop"
    rm -f "$tmp/src/pkg/metrics/providers/$p.go"
  done
  # Tests of the dropped providers would not compile.
  rm -f "$tmp/src/pkg/metrics/providers"/*_test.go
  main=$tmp/src/cmd/flagger/main.go
  grep -q '^	_ "k8s.io/code-generator/cmd/client-gen/generators"$' "$main" ||
    cluster_die "$src: cmd/flagger/main.go no longer imports client-gen's generators; review build_flagger"
  sed -i '/^	_ "k8s.io\/code-generator\/cmd\/client-gen\/generators"$/d' "$main"
  (
    cd "$tmp/src"
    CGO_ENABLED=0 go build -trimpath -o "$tmp/flagger" -ldflags "-s -w \
      -X github.com/fluxcd/flagger/pkg/version.VERSION=$FLAGGER_VERSION \
      -X github.com/fluxcd/flagger/pkg/version.REVISION=goship-module-build" ./cmd/flagger
  )
  "$tmp/flagger" -version | grep -qF "Flagger version $FLAGGER_VERSION" || cluster_die "built flagger does not run (flagger -version)"
  mv -f "$tmp/flagger" "$dir/bin/flagger"
  printf '%s\n' "$FLAGGER_BUILD" >"$dir/bin/BUILD"
}
# Its CRDs (Canary, MetricTemplate, AlertProvider), from the module's artifacts/flagger.
copy_flagger_crds() {
  local dir src
  dir=$(flagger_dir)/crds
  src=$(module_dir "github.com/fluxcd/flagger@v$FLAGGER_VERSION")/artifacts/flagger/crd.yaml
  [[ -f $src ]] || cluster_die "$src not found in the module"
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  install -m 0644 "$src" "$dir.tmp/crd.yaml"
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
}
build_flagger_addon() {
  if have "$(flagger_dir)/bin/flagger" && [[ $(cat "$(flagger_dir)/bin/BUILD" 2>/dev/null) == "$FLAGGER_BUILD" ]]; then
    cluster_say "flagger v$FLAGGER_VERSION present"
  else
    step "build flagger v$FLAGGER_VERSION (trimmed metric providers: without ${FLAGGER_DROPPED_PROVIDERS[*]})" build_flagger
  fi
  image_current "$(flagger_dir)" flagger ||
    step "flagger image $FLAGGER_IMAGE" image_of "$(flagger_dir)" flagger "$FLAGGER_IMAGE" 65534:65534
  have "$(flagger_dir)/crds/crd.yaml" ||
    step "flagger v$FLAGGER_VERSION CRDs (module artifacts/flagger)" copy_flagger_crds
}

image_of() { # DIR BINARY REF USER [IN_DIR]
  local root
  root=$(image_root "$1/bin/$2" "${5:-}")
  make_image_tar "$1/images/$2.tar" "$3" "$root" "[\"${5:-}/$2\"]" "$4"
}
image_current() { have "$1/images/$2.tar" && [[ "$1/images/$2.tar" -nt "$1/bin/$2" ]]; }

# On-demand add-ons, named on the command line, build alone; without arguments the add-ons every cluster gets.
case ${1:-} in
  "") ;;
  flagger)
    build_flagger_addon
    exit 0
    ;;
  *) cluster_die "unknown add-on '$1' (on-demand add-ons: flagger)" ;;
esac

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

if have "$(keda_dir)/bin/keda" && have "$(keda_dir)/bin/keda-adapter" && have "$(keda_dir)/bin/keda-admission-webhooks" &&
  [[ $(cat "$(keda_dir)/bin/BUILD" 2>/dev/null) == "$KEDA_BUILD" ]]; then
  cluster_say "KEDA v$KEDA_VERSION present"
else
  step "build KEDA v$KEDA_VERSION operator, metrics API server, admission webhooks (trimmed scalers: ${KEDA_SCALER_FILES[*]})" build_keda
fi
image_current "$(keda_dir)" keda ||
  step "KEDA operator image $KEDA_OPERATOR_IMAGE" image_of "$(keda_dir)" keda "$KEDA_OPERATOR_IMAGE" 65532:65532
image_current "$(keda_dir)" keda-adapter ||
  step "KEDA metrics API server image $KEDA_ADAPTER_IMAGE" image_of "$(keda_dir)" keda-adapter "$KEDA_ADAPTER_IMAGE" 65532:65532
image_current "$(keda_dir)" keda-admission-webhooks ||
  step "KEDA admission webhooks image $KEDA_WEBHOOKS_IMAGE" image_of "$(keda_dir)" keda-admission-webhooks "$KEDA_WEBHOOKS_IMAGE" 65532:65532
have "$(keda_crds_dir)/keda.sh_scaledobjects.yaml" ||
  step "KEDA v$KEDA_VERSION CRDs (module config/crd/bases)" copy_keda_crds
have "$(keda_dir)/config/manager/manager.yaml" ||
  step "KEDA v$KEDA_VERSION manifests (module config/)" copy_keda_config

if have "$(prometheus_dir)/bin/prometheus" && have "$(prometheus_dir)/bin/promtool" &&
  have "$(alertmanager_dir)/bin/alertmanager" && have "$(prometheus_operator_dir)/bin/operator" &&
  have "$(prometheus_operator_dir)/bin/prometheus-config-reloader"; then
  cluster_say "Prometheus v$PROMETHEUS_VERSION, Alertmanager v$ALERTMANAGER_VERSION, Prometheus Operator v$PROMETHEUS_OPERATOR_VERSION present"
else
  step "build Prometheus v$PROMETHEUS_VERSION, Alertmanager v$ALERTMANAGER_VERSION, Prometheus Operator v$PROMETHEUS_OPERATOR_VERSION (one wrapper module)" build_observability
fi
# Under /bin: the operator mounts the data volumes at /prometheus and /alertmanager.
image_current "$(prometheus_dir)" prometheus ||
  step "prometheus image $PROMETHEUS_IMAGE" image_of "$(prometheus_dir)" prometheus "$PROMETHEUS_IMAGE" 65534:65534 /bin
image_current "$(alertmanager_dir)" alertmanager ||
  step "alertmanager image $ALERTMANAGER_IMAGE" image_of "$(alertmanager_dir)" alertmanager "$ALERTMANAGER_IMAGE" 65534:65534 /bin
image_current "$(prometheus_operator_dir)" operator ||
  step "prometheus-operator image $PROMETHEUS_OPERATOR_IMAGE" image_of "$(prometheus_operator_dir)" operator "$PROMETHEUS_OPERATOR_IMAGE" 65534:65534 /bin
image_current "$(prometheus_operator_dir)" prometheus-config-reloader ||
  step "config reloader image $CONFIG_RELOADER_IMAGE" image_of "$(prometheus_operator_dir)" prometheus-config-reloader "$CONFIG_RELOADER_IMAGE" 65534:65534 /bin
have "$(prometheus_operator_dir)/crds/monitoring.coreos.com_servicemonitors.yaml" ||
  step "Prometheus Operator v$PROMETHEUS_OPERATOR_VERSION CRDs (module example/prometheus-operator-crd)" copy_prometheus_operator_crds
have "$(prometheus_operator_dir)/manifests/prometheus-operator/prometheus-operator-deployment.yaml" ||
  step "Prometheus Operator v$PROMETHEUS_OPERATOR_VERSION manifests (module example/rbac/prometheus-operator)" copy_prometheus_operator_manifests

if have "$(jaeger_dir)/bin/jaeger"; then
  cluster_say "jaeger v$JAEGER_VERSION present"
else
  step "build jaeger v$JAEGER_VERSION (module v$JAEGER_MODULE_VERSION, trimmed components)" build_jaeger
fi
image_current "$(jaeger_dir)" jaeger ||
  step "jaeger image $JAEGER_IMAGE" image_of "$(jaeger_dir)" jaeger "$JAEGER_IMAGE" 65534:65534 /bin

if have "$(local_path_dir)/bin/local-path-provisioner"; then
  cluster_say "local-path-provisioner v$LOCAL_PATH_VERSION present"
else
  step "build local-path-provisioner v$LOCAL_PATH_VERSION" build_local_path
fi
# Under /usr/bin: its manifest runs `local-path-provisioner` by name.
image_current "$(local_path_dir)" local-path-provisioner ||
  step "local-path-provisioner image $LOCAL_PATH_IMAGE" image_of "$(local_path_dir)" local-path-provisioner "$LOCAL_PATH_IMAGE" 65534:65534 /usr/bin
have "$(local_path_dir)/images/busybox.tar" ||
  step "busybox image $BUSYBOX_IMAGE (Debian busybox-static $BUSYBOX_VERSION)" busybox_image
have "$(local_path_dir)/manifests/local-path-storage.yaml" ||
  step "local-path-provisioner v$LOCAL_PATH_VERSION manifests (module deploy/)" copy_local_path_manifests

have "$(gateway_api_dir)/crds/gateway.networking.k8s.io_httproutes.yaml" ||
  step "Gateway API v$GATEWAY_API_VERSION CRDs (module config/crd/standard)" copy_gateway_api_crds
