#!/usr/bin/env bash
# npm run compose:up: the service without Kubernetes — two replicas of the local stack's image behind nginx
# (compose/compose.yaml) on http://127.0.0.1:8088/. Builds only what is missing: the app image under the stack's own
# content-hash tag (a `pulumi up` of the local stack leaves it in the engine), nginx from Debian packages. Then it
# starts or updates the containers, waits until nginx reports every replica ready, and checks /ping through it.
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
step "start" compose up --detach --remove-orphans
step "healthy: nginx and every replica ready" wait_healthy
step "service answers through nginx" check_ping
echo "$url/"
