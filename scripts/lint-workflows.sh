#!/usr/bin/env bash
# npm run lint:workflows: actionlint over .github/workflows (it also runs shellcheck on `run:` scripts when
# shellcheck is installed). actionlint is installed once from the Go module proxy into
# ${GOSHIP_CACHE:-~/.cache/goship}/go-tools/, outside the repo.
set -euo pipefail

# Bump deliberately: the rules it applies are part of the build's contract.
actionlint_version="v1.7.12"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tools_dir="${GOSHIP_CACHE:-$HOME/.cache/goship}/go-tools/actionlint-$actionlint_version"

if [[ ! -x "$tools_dir/actionlint" ]]; then
  command -v go >/dev/null || { echo "error: go is needed to install actionlint (go install from the module proxy)" >&2; exit 1; }
  echo "installing actionlint@$actionlint_version into $tools_dir"
  GOBIN="$tools_dir" go install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version"
fi
if ! command -v shellcheck >/dev/null; then
  echo "note: shellcheck is not installed; actionlint checks the workflows without it" >&2
fi
files=(.github/workflows/*.yml)
"$tools_dir/actionlint" "${files[@]}"
echo "actionlint $actionlint_version: ${#files[@]} workflows OK"
