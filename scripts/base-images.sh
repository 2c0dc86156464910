#!/usr/bin/env bash
# Make the local substitute for the Dockerfile's build-stage base image, so that
# app/Dockerfile builds on a machine that cannot pull images (idempotent).
#
#   goship/debian:bookworm
#     = Debian bookworm rootfs from debootstrap (minbase + ca-certificates),
#       using the apt mirror this machine is configured with,
#     + the CA certificates added on this host (/usr/local/share/ca-certificates),
#     imported with `docker import` (the base of compose/nginx/Dockerfile);
#   goship/golang:<go version>-bookworm
#     = the same rootfs and CAs
#     + the host's Go toolchain (`go env GOROOT`) at /usr/local/go,
#       with the ENV of the official golang image.
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

# shellcheck source=scripts/lib/apt-host.sh
. "$script_dir/lib/apt-host.sh"

say() { printf 'base-images: %s\n' "$*"; }
fail() { printf 'base-images: ERROR: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || fail "go is not on PATH (the host toolchain is copied into the image)"
goroot="$(go env GOROOT)"
go_version="$(go env GOVERSION)" # e.g. go1.26.8
go_version="${go_version#go}"
image="goship/golang:${go_version}-${suite}"
debian_image="goship/debian:${suite}"
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
    apt_install debootstrap
  }
  mirror="${DEBIAN_MIRROR:-$(apt_mirror "$suite")}"
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

# import_rootfs IMAGE [go]: the cached rootfs, this host's CA certificates (and the host's Go toolchain) as IMAGE.
import_rootfs() {
  local target=$1 with_go=${2:-} changes=()
  if [ "${FORCE:-0}" != 1 ] && docker image inspect "$target" >/dev/null 2>&1; then
    say "skipped import: $target already exists (FORCE=1 to re-import)"
    return
  fi
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
  if [ -n "$with_go" ]; then
    # GOROOT goes where the official golang image has it.
    mkdir -p "$rootfs/usr/local/go"
    cp -a "$goroot/." "$rootfs/usr/local/go/"
    say "importing $target (Go $go_version from $goroot)"
    changes=(
      --change 'ENV GOLANG_VERSION='"$go_version"
      --change 'ENV GOTOOLCHAIN=local'
      --change 'ENV GOPATH=/go'
      --change 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
      --change 'WORKDIR /go'
      --change 'LABEL org.opencontainers.image.description="goship offline substitute for golang:'"$go_version-$suite"'"'
    )
  else
    say "importing $target"
    changes=(
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
      --change 'LABEL org.opencontainers.image.description="goship offline Debian '"$suite"' (minbase, ca-certificates)"'
    )
  fi
  tar --numeric-owner -C "$rootfs" -c . | docker import "${changes[@]}" - "$target" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  say "imported $target ($(docker image inspect --format '{{.Size}}' "$target") bytes)"
}

import_rootfs "$debian_image"
import_rootfs "$image" go

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
