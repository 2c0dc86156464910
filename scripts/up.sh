#!/usr/bin/env bash
# npm run up: bootstrap what is missing, then deploy the local stack and print its outputs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/steps.sh
. scripts/lib/steps.sh

step "bootstrap" bash scripts/bootstrap.sh
step "pulumi up (local stack)" bash scripts/toolchain/pulumi-run.sh up --stack local --yes --skip-preview
bash scripts/toolchain/pulumi-run.sh stack output --stack local
