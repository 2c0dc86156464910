#!/usr/bin/env bash
# Print the path of vegeta (constant-rate HTTP load generator used by the end-to-end tests), building it once
# from the Go module proxy into $GOSHIP_CACHE/go-tools. Debian has no vegeta, and `go install …@v12.12.0`
# fails here because the proxy refuses the module's version list (needed for the deprecation check),
# so a wrapper module requires the exact version instead.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/steps.sh
. "$here/../lib/steps.sh"

version=v12.12.0
dir=$(cache_dir)/go-tools/vegeta-$version
if [[ ! -x $dir/vegeta ]]; then
  mkdir -p "$dir"
  work=$(mktemp -d "$dir/.build.XXXXXX")
  on_exit "rm -rf '$work'"
  (
    cd "$work"
    go mod init goship.local/vegeta-build >/dev/null 2>&1
    printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/tsenart/vegeta/v12"\n' >tools.go
    go mod edit -require="github.com/tsenart/vegeta/v12@$version"
    go mod tidy >&2
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.Version=$version" -o vegeta github.com/tsenart/vegeta/v12 >&2
  )
  mv -f "$work/vegeta" "$dir/vegeta"
fi
printf '%s\n' "$dir/vegeta"
