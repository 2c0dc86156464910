#!/usr/bin/env bash
# Build the nginx image of the compose setup (compose/nginx/) and print its reference: Debian's nginx at the pinned
# version below, on the offline Debian base of scripts/base-images.sh, from this machine's apt mirror
# (scripts/lib/debian-image.sh). An edited nginx.conf rebuilds only its own layer.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/debian-image.sh
. "$here/../lib/debian-image.sh"

# bookworm-security's nginx; when the archive moves on, the build fails naming the version it has.
NGINX_VERSION=1.22.1-9+deb12u11
debian_image nginx-image "goship/nginx:${NGINX_VERSION//+/-}" "$here/../../compose/nginx" nginx "$NGINX_VERSION" # a tag cannot hold '+'
