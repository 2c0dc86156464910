#!/usr/bin/env bash
# npm run compose:down: stop and remove the compose setup's containers, network and volumes (compose/compose.yaml),
# the database's volume among them, and its password file; then check that Docker holds nothing of the project.
# Images stay, so the next compose:up builds nothing (and starts with an empty database and a new password).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=scripts/lib/steps.sh
. scripts/lib/steps.sh
# shellcheck source=scripts/compose/lib.sh
. scripts/compose/lib.sh

# Removing needs no image: the compose file only insists that the variables are set.
export GOSHIP_APP_IMAGE=${GOSHIP_APP_IMAGE:-unused} GOSHIP_NGINX_IMAGE=${GOSHIP_NGINX_IMAGE:-unused} \
  GOSHIP_POSTGRES_IMAGE=${GOSHIP_POSTGRES_IMAGE:-unused} GOSHIP_COMPOSE_DB_PASSWORD=${GOSHIP_COMPOSE_DB_PASSWORD:-unused}

remove() {
  if [[ -z $(compose_leftovers) ]]; then
    echo "nothing of compose project $compose_project exists"
    return
  fi
  ensure_compose >/dev/null
  compose down --volumes --remove-orphans --timeout 20
}

# Only once the volume it initialised is gone: a password file without its volume is harmless, the reverse is not.
remove_password() {
  if [[ -e $compose_password_file ]]; then
    rm -f "$compose_password_file"
    rmdir "$(dirname "$compose_password_file")" 2>/dev/null || true
    echo "removed $compose_password_file"
  else
    echo "no password file $compose_password_file"
  fi
}

nothing_left() {
  local left
  left=$(compose_leftovers)
  [[ -z $left ]] || { printf 'still there:\n%s\n' "$left" >&2; return 1; }
  echo "no container, network or volume of compose project $compose_project is left"
}

if ! docker info >/dev/null 2>&1; then
  echo "the Docker engine is not running: no container of compose project $compose_project runs"
  exit 0
fi
step "stop and remove containers, network, volumes" remove
step "nothing left" nothing_left
step "database password file" remove_password
