#!/usr/bin/env bash
# Everything the local stack needs, on a fresh machine, unattended (npm run bootstrap). Idempotent and resumable:
# each step skips what is already done, and builds write their results atomically, so an interrupted run is simply
# run again. Prints each step with its duration.
#
#   Debian packages → node modules → Docker engine → Pulumi toolchain (built from the Go module proxy)
#   → local stack selected → authenticated registry on 127.0.0.1:5000 → offline base images pushed to it
#   → the local database's PostgreSQL image (Debian packages) pushed to it
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/steps.sh
. scripts/lib/steps.sh

# postgresql-15: the Go tests start a throw-away server (app/internal/pgtest); the cluster runs its own image.
# openjdk-17-jre-headless, maven: the local Kafka broker (scripts/kafka/), its jars resolved from Maven Central.
PACKAGES=(docker.io docker-registry apache2-utils debootstrap curl jq gcc wrk postgresql-15 openjdk-17-jre-headless maven)
REGISTRY=127.0.0.1:5000

install_packages() {
  local missing=()
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    echo "all installed: ${PACKAGES[*]}"
    return
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

node_modules() {
  if [[ -d node_modules/@pulumi/pulumi && node_modules/.package-lock.json -nt package-lock.json ]]; then
    echo "node_modules up to date"
  else
    npm ci --no-audit --no-fund
  fi
}

pulumi() { bash scripts/toolchain/pulumi-run.sh "$@"; }

local_stack() {
  pulumi stack select local 2>/dev/null || pulumi stack init local --secrets-provider passphrase
}

registry() {
  GOSHIP_REGISTRY_PASSWORD=$(pulumi config get goship:registryPassword --stack local) bash scripts/registry.sh
}

# Runs "$@" logged in to the registry with a throw-away DOCKER_CONFIG, so the password is on disk only for the push.
with_registry_login() {
  local docker_config status=0
  docker_config=$(mktemp -d)
  pulumi config get goship:registryPassword --stack local |
    DOCKER_CONFIG=$docker_config docker login "$REGISTRY" --username "$(pulumi config get goship:registryUsername --stack local)" --password-stdin >/dev/null
  DOCKER_CONFIG=$docker_config "$@" || status=$?
  rm -rf "$docker_config"
  return "$status"
}

step "Debian packages" install_packages
step "node modules" node_modules
step "Docker engine" bash scripts/docker-engine.sh
step "Pulumi toolchain" bash scripts/toolchain/pulumi.sh
step "local stack" local_stack
step "local registry" registry
step "base images" with_registry_login bash scripts/base-images.sh "$REGISTRY"
step "PostgreSQL image" with_registry_login bash scripts/database/postgres-image.sh "$REGISTRY"
