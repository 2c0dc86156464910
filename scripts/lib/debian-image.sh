# shellcheck shell=bash
# Build an image of Debian packages at pinned versions on the offline Debian base of scripts/base-images.sh, from
# this machine's apt mirror (never a hard-coded one): the Dockerfile gets APT_SOURCES and APT_CONF as build args and
# the pin as PACKAGE_VERSION. Docker's layer cache makes a re-run with the same pin and files a no-op.
#
#   . scripts/lib/debian-image.sh
#   debian_image NAME IMAGE CONTEXT PACKAGE VERSION   # prints IMAGE; fails naming the versions the mirror has
#
# Environment: DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR override the mirrors read from /etc/apt/sources.list{,.d}.
_debian_image_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/apt-host.sh
. "$_debian_image_here/apt-host.sh"

debian_image() {
  local name=$1 image=$2 context=$3 package=$4 version=$5 suite=bookworm base mirror security sources
  base=goship/debian:$suite
  docker image inspect "$base" >/dev/null 2>&1 || { printf '%s: ERROR: %s is missing: run scripts/base-images.sh\n' "$name" "$base" >&2; return 1; }
  mirror=${DEBIAN_MIRROR:-$(apt_mirror "$suite")}
  security=${DEBIAN_SECURITY_MIRROR:-$(apt_mirror "$suite-security")}
  [[ -n $mirror ]] || { printf "%s: ERROR: no 'deb' source for %s in /etc/apt/sources.list{,.d}; set DEBIAN_MIRROR\n" "$name" "$suite" >&2; return 1; }
  [[ -n $security ]] || { printf "%s: ERROR: no 'deb' source for %s-security (pinned packages come from it); set DEBIAN_SECURITY_MIRROR\n" "$name" "$suite" >&2; return 1; }
  sources="deb $mirror $suite main
deb $security $suite-security main"
  printf '%s: building %s (%s %s from %s, %s)\n' "$name" "$image" "$package" "$version" "$mirror" "$security" >&2
  # --network host: apt reaches the mirror the way the host does, like the app's build (goship:imageBuildNetwork).
  if ! docker build --network host --tag "$image" \
    --build-arg BASE_IMAGE="$base" \
    --build-arg PACKAGE_VERSION="$version" \
    --build-arg APT_SOURCES="$sources" \
    --build-arg APT_CONF="$(apt_acquire_conf)" \
    "$context" >&2; then
    printf '%s: versions of %s the mirror has (the pin is %s):\n' "$name" "$package" "$version" >&2
    apt-cache madison "$package" >&2 || true
    printf '%s: ERROR: docker build of %s failed\n' "$name" "$image" >&2
    return 1
  fi
  printf '%s\n' "$image"
}
