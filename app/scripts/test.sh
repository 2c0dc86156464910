#!/usr/bin/env bash
# Every Go-side check for CI, in order; stops at the first failure with a
# non-zero exit. Needs Go and a C compiler (for -race); no Docker.
#
#   1. go.mod/go.sum are tidy          4. go test -race ./... (unit, handler table,
#   2. go vet ./...                       fuzz seed corpus and the process-level
#   3. staticcheck ./...                  tests, which build and run the binary)
#                                      5. bounded fuzzing of each fuzz target
#
# Environment:
#   FUZZTIME      time per fuzz target (default 5s)
#   GOSHIP_CACHE  cache root (default ~/.cache/goship); staticcheck is installed
#                 once into $GOSHIP_CACHE/go-tools/ from the Go module proxy
set -euo pipefail

# staticcheck 2026.2.2; bump deliberately, it is part of the build's contract.
staticcheck_version="v0.8.2"
fuzztime="${FUZZTIME:-5s}"
app_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="${GOSHIP_CACHE:-$HOME/.cache/goship}/go-tools/staticcheck-$staticcheck_version"

# "package pattern target" for each fuzz target.
fuzz_targets=(
  "./internal/api FuzzRouter"
  "./internal/config FuzzLoad"
  "./internal/logging FuzzHandler"
)

cd "$app_dir"
step() { printf '\n==> %s\n' "$*"; }

step "go mod tidy -diff"
go mod tidy -diff

step "go vet ./..."
go vet ./...

step "staticcheck ./... ($staticcheck_version)"
if [ ! -x "$tools_dir/staticcheck" ]; then
  echo "installing staticcheck@$staticcheck_version into $tools_dir"
  GOBIN="$tools_dir" go install "honnef.co/go/tools/cmd/staticcheck@$staticcheck_version"
fi
"$tools_dir/staticcheck" ./...

step "go test -race -count=1 ./..."
go test -race -count=1 ./...

for entry in "${fuzz_targets[@]}"; do
  read -r package target <<<"$entry"
  step "fuzz $target in $package for $fuzztime"
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$package"
done

printf '\nAll Go checks passed.\n'
