#!/usr/bin/env bash
# Build the local stack's PostgreSQL image (images/postgres/) and print its reference; with a registry argument also
# push it there (the local cluster pulls it from the local registry like the service's image).
#
# Usage: scripts/database/postgres-image.sh [PUSH_TO]      e.g. 127.0.0.1:5000 (credentials: DOCKER_CONFIG)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/debian-image.sh
. "$here/../lib/debian-image.sh"

# bookworm-security's PostgreSQL 15; when the archive moves on, the build fails naming the version it has.
POSTGRES_VERSION=15.20-0+deb12u1
image=$(debian_image postgres-image "goship/postgres:${POSTGRES_VERSION//+/-}" "$here/../../images/postgres" postgresql-15 "$POSTGRES_VERSION")
if [[ -n ${1:-} ]]; then
  docker tag "$image" "$1/$image"
  docker push "$1/$image" >&2
  image=$1/$image
fi
printf '%s\n' "$image"
