#!/usr/bin/env bash
# Wall-clock times of `docker build` for app/Dockerfile with the offline
# substitute base images:
#   cold           --no-cache: every step, including go mod download from the proxy
#   warm, no change        every layer from cache
#   warm, VERSION changed  only the go build step
#   warm, source changed   a copy of the context with one .go file edited:
#                          COPY internal and go build (the module layer is reused)
# The builder's Go build cache does not survive between builds (no RUN --mount,
# see README), so every go build step compiles the whole program.
set -euo pipefail

app_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo_scripts="$app_dir/../scripts"
image="${IMAGE:-goship/app:bench}"

"$repo_scripts/docker-engine.sh" >&2
read -r builder_arg runtime_arg < <("$repo_scripts/base-images.sh" | tail -n 1)
common=(--network host --build-arg "$builder_arg" --build-arg "$runtime_arg"
  --build-arg "GOPROXY=$(go env GOPROXY)" --build-arg "GOSUMDB=$(go env GOSUMDB)" -t "$image" -q)

timed_build() { # label context extra-args...
  local label="$1" context="$2" start
  shift 2
  start=$(date +%s.%N)
  docker build "${common[@]}" "$@" "$context" >"$edited.log" 2>&1 ||
    { tail -n 30 "$edited.log" >&2; exit 1; }
  printf '| %s | %.1f |\n' "$label" "$(echo "$(date +%s.%N) - $start" | bc)"
}

edited="$(mktemp -d)"
trap 'rm -rf "$edited" "$edited.log"' EXIT
cp -a "$app_dir/." "$edited/"
printf '\n// edited by docker-build-times.sh\n' >>"$edited/internal/api/ping.go"

echo "docker $(docker version --format '{{.Server.Version}}'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| build | seconds |"
echo "|---|---|"
timed_build "cold (--no-cache)" "$app_dir" --no-cache --build-arg VERSION=bench-1
timed_build "warm, no change" "$app_dir" --build-arg VERSION=bench-1
timed_build "warm, VERSION changed" "$app_dir" --build-arg VERSION=bench-2
timed_build "warm, one .go file changed" "$edited" --build-arg VERSION=bench-2
