# shellcheck shell=bash
# Shared by scripts/compose/up.sh and down.sh: which compose project, and the compose tool.
#
#   GOSHIP_COMPOSE_PROJECT   compose project name (default goship); with GOSHIP_COMPOSE_PORT and
#                            GOSHIP_COMPOSE_SUBNET, a second copy runs next to the first (the e2e test's)

# shellcheck source=scripts/lib/apt-host.sh
. scripts/lib/apt-host.sh

compose_project=${GOSHIP_COMPOSE_PROJECT:-goship}

compose() {
  docker-compose --project-name "$compose_project" --file compose/compose.yaml "$@"
}

# Debian's docker-compose (1.29; Debian has no compose plugin for the docker CLI), installed when first needed.
ensure_compose() {
  if ! command -v docker-compose >/dev/null; then
    echo "installing docker-compose from apt"
    apt_install docker-compose
  fi
  docker-compose version --short
}

# What Docker still holds of the project: containers, networks and volumes carrying its compose label.
compose_leftovers() {
  local filter=label=com.docker.compose.project=$compose_project
  docker ps -aq --filter "$filter" | sed 's/^/container /'
  docker network ls -q --filter "$filter" | sed 's/^/network /'
  docker volume ls -q --filter "$filter" | sed 's/^/volume /'
}
