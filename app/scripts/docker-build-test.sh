#!/usr/bin/env bash
# Build app/Dockerfile offline (local substitute base images) and check the
# image: metadata, contents, size against its floor, /ping, metrics, and a
# clean SIGTERM. Needs a Docker engine (started if missing) and root.
#
# Environment: IMAGE (default goship/app:test), VERSION (default docker-test),
#              GOSHIP_CACHE (see ../../scripts/base-images.sh).
set -euo pipefail

app_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo_scripts="$app_dir/../scripts"
image="${IMAGE:-goship/app:test}"
version="${VERSION:-docker-test}"

say() { printf 'docker-build-test: %s\n' "$*"; }
fail() { printf 'docker-build-test: FAIL: %s\n' "$*" >&2; exit 1; }

"$repo_scripts/docker-engine.sh"
# The last line is "BUILDER_IMAGE=… RUNTIME_IMAGE=…".
read -r builder_arg runtime_arg < <("$repo_scripts/base-images.sh" | tail -n 1)
[[ "$builder_arg" == BUILDER_IMAGE=* && "$runtime_arg" == RUNTIME_IMAGE=* ]] ||
  fail "unexpected base-images.sh output: $builder_arg $runtime_arg"

# Host networking: the build stage reaches the Go module proxy the way the host does.
build_args=(
  --network host
  --build-arg "$builder_arg"
  --build-arg "$runtime_arg"
  --build-arg "GOPROXY=$(go env GOPROXY)"
  --build-arg "GOSUMDB=$(go env GOSUMDB)"
  --build-arg "VERSION=$version"
)
say "docker build ${build_args[*]} -t $image $app_dir"
start=$(date +%s.%N)
docker build "${build_args[@]}" -t "$image" "$app_dir" >"${TMPDIR:-/tmp}/docker-build-test.log" 2>&1 ||
  { tail -n 30 "${TMPDIR:-/tmp}/docker-build-test.log" >&2; fail "docker build failed"; }
say "built $image in $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")s"

# --- metadata -----------------------------------------------------------------
inspect() { docker image inspect --format "$1" "$image"; }
[ "$(inspect '{{.Config.User}}')" = "65532:65532" ] || fail "USER is '$(inspect '{{.Config.User}}')', want 65532:65532"
[ "$(inspect '{{json .Config.Entrypoint}}')" = '["/server"]' ] || fail "ENTRYPOINT is $(inspect '{{json .Config.Entrypoint}}')"
for port in 8080/tcp 9090/tcp; do
  inspect '{{json .Config.ExposedPorts}}' | grep -q "\"$port\"" || fail "port $port not exposed"
done
say "metadata ok: USER 65532:65532, ENTRYPOINT [/server], EXPOSE 8080 9090"

# --- contents and size ----------------------------------------------------------
container="$(docker create "$image")"
listing="$(docker export "$container" | tar -tv)"
docker rm "$container" >/dev/null
file_size() { awk -v path="$1" '$6 == path { print $3 }' <<<"$listing"; }
binary_bytes="$(file_size server)"
ca_bytes="$(file_size etc/ssl/certs/ca-certificates.crt)"
[ -n "$binary_bytes" ] || fail "no /server in the image"
[ -n "$ca_bytes" ] || fail "no CA bundle in the image"
image_bytes="$(inspect '{{.Size}}')"
floor_bytes=$((binary_bytes + ca_bytes))
ratio="$(echo "scale=4; $image_bytes / $floor_bytes" | bc)"
say "image $image_bytes bytes; floor (stripped binary $binary_bytes + CA bundle $ca_bytes) $floor_bytes bytes; ratio ${ratio}x"
[ "$(echo "$ratio <= 1.1" | bc)" = 1 ] || fail "image is more than 1.1x its floor"
if docker run --rm --entrypoint /bin/sh "$image" -c true >/dev/null 2>&1; then
  fail "the image has a shell"
fi
say "contents ok: no shell"

# --- run --------------------------------------------------------------------------
# Hardened like the Kubernetes pod: read-only root, no capabilities.
container="$(docker run -d --read-only --cap-drop ALL --security-opt no-new-privileges \
  -e SHUTDOWN_DRAIN_DELAY=1s -e SHUTDOWN_TIMEOUT=5s -e USERS_STORE=memory \
  -p 127.0.0.1::8080 -p 127.0.0.1::9090 "$image")"
trap 'docker rm -f "$container" >/dev/null 2>&1 || true' EXIT
public="$(docker port "$container" 8080/tcp | head -n1)"
admin="$(docker port "$container" 9090/tcp | head -n1)"

for _ in $(seq 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$public/readyz")" = 200 ] && break
  sleep 0.2
done
ping_body="$(curl -sf "http://$public/ping")" || fail "/ping did not answer"
[ "$ping_body" = '{"message":"pong"}' ] || fail "/ping answered $ping_body"
metrics="$(curl -sf "http://$admin/metrics")" || fail "/metrics did not answer on the admin port"
grep -q "goship_build_info{.*version=\"$version\"" <<<"$metrics" || fail "goship_build_info lacks version=\"$version\""
say "running ok: /ping {\"message\":\"pong\"}, /metrics with version $version"

start=$(date +%s.%N)
docker stop -t 15 "$container" >/dev/null
stop_seconds="$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")"
exit_code="$(docker inspect --format '{{.State.ExitCode}}' "$container")"
[ "$exit_code" = 0 ] || { docker logs "$container" | tail -n 20 >&2; fail "exit code $exit_code after SIGTERM"; }
docker logs "$container" 2>&1 | grep -q '"msg":"shutdown: complete"' || fail "no 'shutdown: complete' in the logs"
say "SIGTERM ok: exit 0 after ${stop_seconds}s (drain 1s)"
say "PASS"
