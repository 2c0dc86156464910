#!/usr/bin/env bash
# npm run compose:up: the service without Kubernetes — two replicas of the local stack's image behind nginx
# (compose/compose.yaml) on http://127.0.0.1:8088/, their users in one PostgreSQL. Builds only what is missing: the
# app image under the stack's own content-hash tag (a `pulumi up` of the local stack leaves it in the engine), nginx
# and PostgreSQL from Debian packages. Generates the database password on first use (kept 0600 in the goship cache,
# reused afterwards). Then it starts or updates the containers (db, then the one-shot migrate, then the replicas),
# waits until nginx reports every replica ready, and checks /ping through it.
#
# Environment: GOSHIP_COMPOSE_PORT (8088), GOSHIP_COMPOSE_SUBNET (10.203.16.0/24), GOSHIP_COMPOSE_PROJECT (goship).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=scripts/lib/steps.sh
. scripts/lib/steps.sh
# shellcheck source=scripts/compose/lib.sh
. scripts/compose/lib.sh

url=http://127.0.0.1:${GOSHIP_COMPOSE_PORT:-8088}

app_image() {
  [[ -x node_modules/.bin/ts-node ]] || { echo "node modules missing: run npm ci" >&2; return 1; }
  GOSHIP_APP_IMAGE=$(node_modules/.bin/ts-node --transpile-only scripts/compose/app-image.ts)
  export GOSHIP_APP_IMAGE
  echo "$GOSHIP_APP_IMAGE"
}

nginx_image() {
  GOSHIP_NGINX_IMAGE=$(bash scripts/compose/nginx-image.sh)
  export GOSHIP_NGINX_IMAGE
  echo "$GOSHIP_NGINX_IMAGE"
}

postgres_image() {
  GOSHIP_POSTGRES_IMAGE=$(bash scripts/database/postgres-image.sh)
  export GOSHIP_POSTGRES_IMAGE
  echo "$GOSHIP_POSTGRES_IMAGE"
}

# 24 random alphanumerics (≈ 143 bits; nothing to percent-encode in DATABASE_URL), written once, 0600, then reused:
# PostgreSQL takes POSTGRES_PASSWORD only when it initialises its volume.
db_password() {
  local file=$compose_password_file password
  if [[ ! -s $file ]]; then
    if docker volume inspect "$compose_db_volume" >/dev/null 2>&1; then
      echo "the volume $compose_db_volume exists but its password file $file does not: run npm run compose:down (it deletes the users) and compose:up again" >&2
      return 1
    fi
    mkdir -p "$(dirname "$file")"
    password=$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24) || true
    [[ ${#password} == 24 ]] || { echo "could not generate a password" >&2; return 1; }
    (umask 077 && printf '%s\n' "$password" >"$file.tmp") && mv "$file.tmp" "$file"
    echo "generated $file"
  else
    chmod 0600 "$file"
    echo "reusing $file"
  fi
  GOSHIP_COMPOSE_DB_PASSWORD=$(head -n 1 "$file")
  [[ $GOSHIP_COMPOSE_DB_PASSWORD =~ ^[A-Za-z0-9]{16,}$ ]] || { echo "$file does not hold a password of 16 or more alphanumerics" >&2; return 1; }
  export GOSHIP_COMPOSE_DB_PASSWORD
}

# nginx's healthcheck passes when every replica's /readyz answers 200 through it (compose.yaml).
wait_healthy() {
  local id status="" deadline=$((SECONDS + 60))
  id=$(compose ps -q nginx)
  until status=$(docker inspect --format '{{.State.Health.Status}}' "$id") && [[ $status == healthy ]]; do
    if ((SECONDS >= deadline)); then
      echo "nginx is still '$status' after 60 s:" >&2
      compose ps >&2
      compose logs --tail 20 >&2
      return 1
    fi
    sleep 1
  done
  compose ps
}

check_ping() {
  local body
  body=$(curl -fsS --max-time 3 "$url/ping")
  [[ $body == '{"message":"pong"}' ]] || { echo "GET $url/ping answered $body" >&2; return 1; }
  echo "GET $url/ping → $body"
}

step "Docker engine" bash scripts/docker-engine.sh
step "docker-compose" ensure_compose
step "base images (offline Debian and Go)" bash scripts/base-images.sh
step "app image (the local stack's content-hash tag)" app_image
step "nginx image (Debian packages)" nginx_image
step "PostgreSQL image (Debian packages)" postgres_image
step "database password" db_password
step "start: db, migrate, replicas, nginx" compose up --detach --remove-orphans
step "healthy: nginx and every replica ready" wait_healthy
step "service answers through nginx" check_ping
echo "$url/"
