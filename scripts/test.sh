#!/usr/bin/env bash
# `npm test`: every test of the project, in order of cost. Any failure fails the run; nothing is skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/steps.sh

step "type-check (tsc --noEmit)" npm run --silent typecheck
step "lint (eslint)" npm run --silent lint
step "lint GitHub workflows (actionlint)" npm run --silent lint:workflows
step "unit tests (Pulumi mocks)" npm run --silent test:unit
step "Go service: vet, staticcheck, race tests, fuzz, process tests" npm run --silent test:go
# Needs `npm run up` first: the Pulumi CLI, the Docker engine, the registry and the local cluster.
step "end-to-end: real engine, registry and local cluster; npm run down then up" npm run --silent test:e2e
