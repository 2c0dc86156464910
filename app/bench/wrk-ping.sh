#!/usr/bin/env bash
# /ping throughput and latency of the service against a bare net/http handler
# (bench/bare), measured in the same run on 127.0.0.1 with wrk. Servers are
# measured in alternating rounds, rotating the order each round, so a noisy
# neighbour on the machine hits all of them alike. Figures of merit, per round
# against the bare handler: the requests/second ratio, and the ratio of server
# CPU time per request (from /proc/<pid>/stat), which a busy neighbour
# disturbs far less than throughput.
#
# Variants: bare            net/http, same response bytes, no middleware
#           gin             the service as deployed (LOG_LEVEL=info: one access
#                           log line per request, written to /dev/null)
#           gin-no-access   the service with LOG_LEVEL=warn (no access log)
#           gin-before      only if COMPARE_SERVER is set: that server binary
#                           (e.g. built from an older commit), LOG_LEVEL=info
#           gin-traced      only if TRACED=1: the service with tracing on,
#                           OTEL_TRACES_SAMPLER=always_on (every request a span),
#                           exporting with OTLP/HTTP to bench/otlpsink, a local
#                           endpoint that answers every POST /v1/traces 200
#
# Environment: ROUNDS (5), DURATION (8s), THREADS (2), CONNECTIONS (50),
#              BASE_PORT (18080; uses BASE_PORT..BASE_PORT+9), COMPARE_SERVER, TRACED
set -euo pipefail

rounds="${ROUNDS:-5}"
duration="${DURATION:-8s}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-50}"
base_port="${BASE_PORT:-18080}"
app_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

command -v wrk >/dev/null 2>&1 || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Same flags as the Dockerfile.
(cd "$app_dir" && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$work/server" ./cmd/server &&
  CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$work/bare" ./bench/bare &&
  CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$work/otlpsink" ./bench/otlpsink)

declare -A url pid
start_server() { # name port env...
  local name="$1" port="$2"
  shift 2
  # /ping needs no database: the memory store keeps the benchmark free of one.
  env USERS_STORE=memory "$@" "$work/$name-bin" >/dev/null 2>&1 &
  pids+=($!)
  pid[$name]=$!
  url[$name]="http://127.0.0.1:$port/ping"
}
# cpu_ticks PID: user + system CPU time of the process, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_second="$(getconf CLK_TCK)"
ln -s "$work/bare" "$work/bare-bin"
ln -s "$work/server" "$work/gin-bin"
ln -s "$work/server" "$work/gin-no-access-bin"
start_server bare "$base_port" ADDR="127.0.0.1:$base_port"
start_server gin $((base_port + 1)) LISTEN_HOST=127.0.0.1 PORT=$((base_port + 1)) ADMIN_PORT=$((base_port + 2)) LOG_LEVEL=info
start_server gin-no-access $((base_port + 3)) LISTEN_HOST=127.0.0.1 PORT=$((base_port + 3)) ADMIN_PORT=$((base_port + 4)) LOG_LEVEL=warn
variants=(bare gin gin-no-access)
if [ -n "${COMPARE_SERVER:-}" ]; then
  ln -s "$(realpath "$COMPARE_SERVER")" "$work/gin-before-bin"
  start_server gin-before $((base_port + 5)) LISTEN_HOST=127.0.0.1 PORT=$((base_port + 5)) ADMIN_PORT=$((base_port + 6)) LOG_LEVEL=info
  variants+=(gin-before)
fi
if [ "${TRACED:-}" = 1 ]; then
  sink="127.0.0.1:$((base_port + 9))"
  ADDR="$sink" "$work/otlpsink" >/dev/null 2>&1 &
  pids+=($!)
  ln -s "$work/server" "$work/gin-traced-bin"
  start_server gin-traced $((base_port + 7)) LISTEN_HOST=127.0.0.1 PORT=$((base_port + 7)) ADMIN_PORT=$((base_port + 8)) LOG_LEVEL=info \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://$sink" OTEL_TRACES_SAMPLER=always_on OTEL_SERVICE_NAME=goship-bench
  variants+=(gin-traced)
fi

for name in "${variants[@]}"; do
  for _ in $(seq 50); do curl -sf "${url[$name]}" >/dev/null && break; sleep 0.1; done
  curl -sf "${url[$name]}" | grep -qx '{"message":"pong"}' || { echo "$name did not answer /ping" >&2; exit 1; }
  wrk -t"$threads" -c"$connections" -d2s "${url[$name]}" >/dev/null # warm-up
done

# to_ms VALUE: wrk prints 312.00us, 1.23ms or 1.01s.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }

echo "wrk -t$threads -c$connections -d$duration --latency, $rounds rounds, $(nproc) CPUs, $(go env GOVERSION)"
echo
echo "| round | variant | req/s | p50 ms | p99 ms | server CPU µs/req | req/s ratio | CPU/req ratio |"
echo "|---|---|---|---|---|---|---|---|"
declare -A rps_ratios cpu_ratios
for round in $(seq "$rounds"); do
  # Rotate the order: round 1 bare,gin,…; round 2 gin,…,bare; …
  order=("${variants[@]:$(((round - 1) % ${#variants[@]}))}" "${variants[@]:0:$(((round - 1) % ${#variants[@]}))}")
  declare -A rps=() p50=() p99=() cpu_us=()
  for name in "${order[@]}"; do
    before="$(cpu_ticks "${pid[$name]}")"
    out="$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "${url[$name]}")"
    after="$(cpu_ticks "${pid[$name]}")"
    if grep -q 'Non-2xx' <<<"$out"; then echo "$name: non-2xx responses" >&2; exit 1; fi
    requests="$(awk '/requests in/ { print $1 }' <<<"$out")"
    rps[$name]="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
    p50[$name]="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
    p99[$name]="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
    cpu_us[$name]="$(echo "scale=2; ($after - $before) * 1000000 / $ticks_per_second / $requests" | bc)"
  done
  for name in "${variants[@]}"; do
    rps_ratio="$(echo "scale=3; ${rps[$name]} / ${rps[bare]}" | bc)"
    cpu_ratio="$(echo "scale=3; ${cpu_us[bare]} / ${cpu_us[$name]}" | bc)" # < 1: costlier than bare
    rps_ratios[$name]+="$rps_ratio "
    cpu_ratios[$name]+="$cpu_ratio "
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s |\n' "$round" "$name" "${rps[$name]}" "${p50[$name]}" "${p99[$name]}" \
      "${cpu_us[$name]}" "$rps_ratio" "$cpu_ratio"
  done
done

# summary VALUES…: "median (min–max)"
summary() {
  local sorted
  sorted="$(printf '%s\n' "$@" | sort -n)"
  printf '%s (%s–%s)' "$(sed -n "$((($# + 1) / 2))p" <<<"$sorted")" "$(head -n1 <<<"$sorted")" "$(tail -n1 <<<"$sorted")"
}
echo
echo "| variant | req/s ratio to bare: median (min–max) | bare CPU/req ÷ variant CPU/req: median (min–max) |"
echo "|---|---|---|"
for name in "${variants[@]:1}"; do
  # shellcheck disable=SC2086 # the value lists are split into arguments on purpose
  printf '| %s | %s | %s |\n' "$name" "$(summary ${rps_ratios[$name]})" "$(summary ${cpu_ratios[$name]})"
done
if [ "${TRACED:-}" = 1 ]; then
  read -r exports exported_bytes < <(curl -sf "http://$sink/stats")
  echo
  echo "otlpsink received $exports export requests, $exported_bytes bytes"
fi
