#!/usr/bin/env bash
# Build the nginx image of the compose setup (compose/nginx/) and print its reference: Debian's nginx at the pinned
# version below, on the offline Debian base of scripts/base-images.sh, from this machine's apt mirror. Docker's layer
# cache makes a re-run with the same pin and files a no-op (about a second); an edited nginx.conf rebuilds only its
# own layer.
#
# Environment:
#   DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR   override the mirrors read from /etc/apt/sources.list{,.d}
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/apt-host.sh
. "$here/../lib/apt-host.sh"

# bookworm-security's nginx; when the archive moves on, the build fails naming the version it has.
NGINX_VERSION=1.22.1-9+deb12u11
suite=bookworm
base=goship/debian:$suite
image=goship/nginx:${NGINX_VERSION//+/-} # a tag cannot hold '+'
context=$here/../../compose/nginx

say() { printf 'nginx-image: %s\n' "$*" >&2; }
fail() { printf 'nginx-image: ERROR: %s\n' "$*" >&2; exit 1; }

docker image inspect "$base" >/dev/null 2>&1 || fail "$base is missing: run scripts/base-images.sh"
mirror=${DEBIAN_MIRROR:-$(apt_mirror "$suite")}
security=${DEBIAN_SECURITY_MIRROR:-$(apt_mirror "$suite-security")}
[[ -n $mirror ]] || fail "no 'deb' source for $suite in /etc/apt/sources.list{,.d}; set DEBIAN_MIRROR"
[[ -n $security ]] || fail "no 'deb' source for $suite-security (the pinned nginx comes from it); set DEBIAN_SECURITY_MIRROR"
sources="deb $mirror $suite main
deb $security $suite-security main"

say "building $image (nginx $NGINX_VERSION from $mirror, $security)"
# --network host: apt reaches the mirror the way the host does, like the app's build (goship:imageBuildNetwork).
if ! docker build --network host --tag "$image" \
  --build-arg BASE_IMAGE="$base" \
  --build-arg NGINX_VERSION="$NGINX_VERSION" \
  --build-arg APT_SOURCES="$sources" \
  --build-arg APT_CONF="$(apt_acquire_conf)" \
  "$context" >&2; then
  say "versions of nginx the mirror has (the pin is $NGINX_VERSION):"
  apt-cache madison nginx >&2 || true
  fail "docker build of $image failed"
fi
printf '%s\n' "$image"
