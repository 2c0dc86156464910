#!/usr/bin/env bash
# Make the local substitute for the Dockerfile's build-stage base image, so that
# app/Dockerfile builds on a machine that cannot pull images (idempotent).
#
#   goship/golang:<go version>-bookworm
#     = Debian bookworm rootfs from debootstrap (minbase + ca-certificates),
#       using the apt mirror this machine is configured with,
#     + the CA certificates added on this host (/usr/local/share/ca-certificates),
#     + the host's Go toolchain (`go env GOROOT`) at /usr/local/go,
#     imported with `docker import`, with the ENV of the official golang image.
#
# The runtime stage needs no substitute: app/Dockerfile defaults to `scratch`.
#
# Usage: scripts/base-images.sh [PUSH_TO]
#   PUSH_TO         also tag and push the image to this registry (host:port)
# Environment:
#   PUSH_TO         same as the argument
#   GOSHIP_CACHE    cache root (default ~/.cache/goship); the debootstrap tarball
#                   is kept in $GOSHIP_CACHE/base-images/ and reused
#   DEBIAN_SUITE    default bookworm
#   DEBIAN_MIRROR   override the mirror read from /etc/apt/sources.list{,.d}
#   FORCE=1         re-import the image even if the tag exists
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
push_to="${1:-${PUSH_TO:-}}"
suite="${DEBIAN_SUITE:-bookworm}"
cache_dir="${GOSHIP_CACHE:-$HOME/.cache/goship}/base-images"
arch="$(dpkg --print-architecture)"
rootfs_tar="$cache_dir/debian-$suite-$arch-minbase-ca.tar"

say() { printf 'base-images: %s\n' "$*"; }
fail() { printf 'base-images: ERROR: %s\n' "$*" >&2; exit 1; }

# First URI of a plain Debian archive for $suite (not -security/-updates) in the
# machine's apt configuration: deb822 *.sources files, then one-line *.list files.
apt_mirror() {
  local file
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -e "$file" ] || continue
    awk -v suite="$suite" '
      function flush() { if (is_deb && has_suite && uri != "") { print uri; found = 1; exit } is_deb = has_suite = 0; uri = "" }
      /^[[:space:]]*$/ { flush(); next }
      /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") is_deb = 1 }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) has_suite = 1 }
      END { if (!found) flush() }
    ' "$file"
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$file" ] || continue
    # deb [options] URI SUITE COMPONENTS...
    sed -E 's/\[[^]]*\]//' "$file" | awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2 }'
  done
}

command -v go >/dev/null 2>&1 || fail "go is not on PATH (the host toolchain is copied into the image)"
goroot="$(go env GOROOT)"
go_version="$(go env GOVERSION)" # e.g. go1.26.8
go_version="${go_version#go}"
image="goship/golang:${go_version}-${suite}"
# A tag that survives Go patch releases, for stack config to name (e.g. goship/golang:1.26-bookworm).
go_minor="$(printf '%s' "$go_version" | cut -d. -f1,2)"
minor_image="goship/golang:${go_minor}-${suite}"

"$script_dir/docker-engine.sh"

if [ -s "$rootfs_tar" ]; then
  say "skipped debootstrap: reusing $rootfs_tar"
else
  [ "$(id -u)" -eq 0 ] || fail "debootstrap needs root"
  command -v debootstrap >/dev/null 2>&1 || {
    say "installing debootstrap from apt"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  mirror="${DEBIAN_MIRROR:-$(apt_mirror | head -n1)}"
  [ -n "$mirror" ] || fail "no 'deb' source for suite '$suite' in /etc/apt/sources.list{,.d}; set DEBIAN_MIRROR"
  mkdir -p "$cache_dir"
  work="$(mktemp -d "$cache_dir/rootfs.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  say "debootstrap $suite ($arch) from $mirror (a few minutes)"
  debootstrap --variant=minbase --include=ca-certificates --arch="$arch" \
    "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }
  # Package caches are not needed in a build image.
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar --numeric-owner -C "$work/rootfs" -cf "$work/rootfs.tar" .
  mv "$work/rootfs.tar" "$rootfs_tar" # atomic: a half-written tarball is never reused
  rm -rf "$work"
  trap - EXIT
  say "cached $rootfs_tar ($(du -h "$rootfs_tar" | cut -f1))"
fi

if [ "${FORCE:-0}" != 1 ] && docker image inspect "$image" >/dev/null 2>&1; then
  say "skipped import: $image already exists (FORCE=1 to re-import)"
else
  mkdir -p "$cache_dir"
  rootfs="$(mktemp -d "$cache_dir/import.XXXXXX")"
  trap 'rm -rf "$rootfs"' EXIT
  tar --numeric-owner -C "$rootfs" -xf "$rootfs_tar"
  # Trust what this machine's administrator added (/usr/local/share/ca-certificates,
  # e.g. a TLS-intercepting egress proxy's CA): without it the build stage cannot
  # reach the Go module proxy. Kept there too, so update-ca-certificates keeps them.
  local_cas=(/usr/local/share/ca-certificates/*.crt)
  if [ -e "${local_cas[0]}" ]; then
    cp "${local_cas[@]}" "$rootfs/usr/local/share/ca-certificates/"
    cat "${local_cas[@]}" >>"$rootfs/etc/ssl/certs/ca-certificates.crt"
    say "added ${#local_cas[@]} local CA certificate(s) from /usr/local/share/ca-certificates"
  fi
  # GOROOT goes where the official golang image has it.
  mkdir -p "$rootfs/usr/local/go"
  cp -a "$goroot/." "$rootfs/usr/local/go/"
  say "importing $image (Go $go_version from $goroot)"
  tar --numeric-owner -C "$rootfs" -c . | docker import \
    --change 'ENV GOLANG_VERSION='"$go_version" \
    --change 'ENV GOTOOLCHAIN=local' \
    --change 'ENV GOPATH=/go' \
    --change 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'WORKDIR /go' \
    --change 'LABEL org.opencontainers.image.description="goship offline substitute for golang:'"$go_version-$suite"'"' \
    - "$image" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  say "imported $image ($(docker image inspect --format '{{.Size}}' "$image") bytes)"
fi

docker tag "$image" "$minor_image"
builder_image="$minor_image"
if [ -n "$push_to" ]; then
  # The caller logs in to $push_to (an authenticated registry) with its own DOCKER_CONFIG.
  local_id="$(docker image inspect --format '{{.Id}}' "$image")"
  for tag in "$image" "$minor_image"; do
    docker tag "$image" "$push_to/$tag"
    # The registry's manifest names the image's config digest, which is the local image ID.
    remote_id="$(docker manifest inspect --insecure --verbose "$push_to/$tag" 2>/dev/null |
      jq -r '.SchemaV2Manifest.config.digest // empty' 2>/dev/null)" || true
    if [ "$remote_id" = "$local_id" ]; then
      say "skipped push: $push_to/$tag is up to date"
      continue
    fi
    say "pushing $push_to/$tag"
    docker push "$push_to/$tag" >/dev/null
  done
  builder_image="$push_to/$minor_image"
fi

say "build args for app/Dockerfile:"
printf 'BUILDER_IMAGE=%s RUNTIME_IMAGE=scratch\n' "$builder_image"
