#!/usr/bin/env bash
# Ensure a Docker engine is running (idempotent). There is no systemd here, so:
#   1. an engine that already answers `docker info` is left alone;
#   2. dockerd is installed from Debian (docker.io) when missing;
#   3. dockerd is started detached, logging to $GOSHIP_CACHE/logs/dockerd.log;
#   4. we wait until `docker info` answers, or fail with the log tail.
#
# Environment:
#   GOSHIP_CACHE            cache root (default ~/.cache/goship)
#   DOCKERD_START_TIMEOUT   seconds to wait for the engine (default 60)
#   DOCKERD_EXTRA_ARGS      extra dockerd flags, word-split (default none)
set -euo pipefail

cache_dir="${GOSHIP_CACHE:-$HOME/.cache/goship}"
log_dir="$cache_dir/logs"
log_file="$log_dir/dockerd.log"
timeout_seconds="${DOCKERD_START_TIMEOUT:-60}"

say() { printf 'docker-engine: %s\n' "$*"; }
fail() { printf 'docker-engine: ERROR: %s\n' "$*" >&2; exit 1; }

engine_answers() { docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && engine_answers; then
  say "already running (server $(docker info --format '{{.ServerVersion}}'))"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || fail "dockerd is not installed and installing it needs root (apt-get install docker.io)"
  say "dockerd not found; installing docker.io from apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

mkdir -p "$log_dir"
# dockerd adopts a containerd whose socket exists at the default path instead of starting its own; a socket left
# by a containerd that died (a killed session, a crash) would make it wait for nothing and fail.
system_containerd=/run/containerd/containerd.sock
if [ -S "$system_containerd" ] && command -v ctr >/dev/null && ! timeout 5 ctr --address "$system_containerd" version >/dev/null 2>&1; then
  say "removing the stale $system_containerd (no containerd answers on it)"
  rm -f "$system_containerd"
fi
engine_pid=""
if pgrep -x dockerd >/dev/null 2>&1; then
  engine_pid=$(pgrep -x dockerd | head -n1)
  say "dockerd process already started (pid $engine_pid); waiting for it"
else
  [ "$(id -u)" -eq 0 ] || fail "starting dockerd needs root"
  say "starting dockerd (log: $log_file)"
  # setsid + nohup: the engine must outlive this script and the shell that ran it.
  # shellcheck disable=SC2086 # DOCKERD_EXTRA_ARGS is deliberately word-split.
  setsid nohup dockerd ${DOCKERD_EXTRA_ARGS:-} >>"$log_file" 2>&1 </dev/null &
  # npm run down stops the engine only when this file says we started it.
  mkdir -p "$cache_dir/run"
  engine_pid=$!
  echo "$engine_pid" >"$cache_dir/run/dockerd.pid"
fi

deadline=$((SECONDS + timeout_seconds))
until engine_answers; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    printf "docker-engine: ERROR: engine did not answer 'docker info' within %ss. Last lines of %s:\n" \
      "$timeout_seconds" "$log_file" >&2
    tail -n 40 "$log_file" >&2 2>/dev/null || true
    exit 1
  fi
  # The pid, not the name: right after the start the process may still be setsid or nohup, not yet dockerd.
  if ! kill -0 "$engine_pid" 2>/dev/null; then
    printf 'docker-engine: ERROR: dockerd exited during start-up. Last lines of %s:\n' "$log_file" >&2
    tail -n 40 "$log_file" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 1
done
say "ready (server $(docker info --format '{{.ServerVersion}}'), storage driver $(docker info --format '{{.Driver}}'))"
