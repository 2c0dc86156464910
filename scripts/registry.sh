#!/usr/bin/env bash
# Ensure the local OCI registry runs on 127.0.0.1:5000 with htpasswd authentication (idempotent), so the push path
# exercises real credentials. Debian's docker-registry; state under $GOSHIP_CACHE/registry.
#
# Usage: GOSHIP_REGISTRY_PASSWORD=… scripts/registry.sh
#   GOSHIP_REGISTRY_USER      login (default goship)
#   GOSHIP_REGISTRY_ADDR      listen address (default 127.0.0.1:5000)
# A changed password rewrites the htpasswd file and restarts the registry.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/steps.sh
. "$here/lib/steps.sh"

user=${GOSHIP_REGISTRY_USER:-goship}
addr=${GOSHIP_REGISTRY_ADDR:-127.0.0.1:5000}
password=${GOSHIP_REGISTRY_PASSWORD:?set GOSHIP_REGISTRY_PASSWORD to goship:registryPassword of the local stack}
dir=$(cache_dir)/registry
log=$(cache_dir)/logs/registry.log
pidfile=$dir/registry.pid

say() { printf 'registry: %s\n' "$*"; }
fail() { printf 'registry: ERROR: %s\n' "$*" >&2; exit 1; }

missing=()
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v htpasswd >/dev/null || missing+=(apache2-utils)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
  say "installing ${missing[*]} from apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

mkdir -p "$dir/data" "$(dirname "$log")"
# The registry needs bcrypt entries; an unchanged password keeps the file (and the running registry).
if [[ -f $dir/htpasswd ]] && htpasswd -vb "$dir/htpasswd" "$user" "$password" >/dev/null 2>&1; then
  changed=""
else
  htpasswd -Bbn "$user" "$password" >"$dir/htpasswd.tmp"
  mv "$dir/htpasswd.tmp" "$dir/htpasswd"
  changed=1
fi
cat >"$dir/config.yml" <<YAML
version: 0.1
log: { level: info }
storage:
  filesystem: { rootdirectory: $dir/data }
  delete: { enabled: true }
http:
  addr: $addr
auth:
  htpasswd: { realm: goship-local, path: $dir/htpasswd }
YAML

running() { [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
status() { curl -s -o /dev/null -w '%{http_code}' "http://$addr/v2/" || true; }

if running && [[ -z $changed ]] && [[ $(status) == 401 ]]; then
  say "already running on $addr (pid $(cat "$pidfile"))"
  exit 0
fi
if running; then
  say "restarting (credentials changed)"
  kill "$(cat "$pidfile")"
  while running; do sleep 0.2; done
fi
[[ $(status) == 000 ]] || fail "something else answers on $addr (HTTP $(status)); stop it or set GOSHIP_REGISTRY_ADDR"

setsid nohup docker-registry serve "$dir/config.yml" >>"$log" 2>&1 </dev/null &
echo $! >"$pidfile"
for _ in $(seq 1 50); do
  if [[ $(status) == 401 ]]; then
    say "running on $addr with authentication (pid $(cat "$pidfile"), log $log)"
    exit 0
  fi
  running || break
  sleep 0.2
done
printf 'registry: ERROR: did not come up on %s; last lines of %s:\n' "$addr" "$log" >&2
tail -n 30 "$log" >&2
exit 1
