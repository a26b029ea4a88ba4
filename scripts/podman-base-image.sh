#!/usr/bin/env bash
# Builds localhost/debian:bookworm, the base every Leadline image starts FROM, out of
# Debian's own mirror (the one apt already uses), so no container registry is needed.
# With Docker and access to Docker Hub, skip this and build with
# LEADLINE_BASE_IMAGE=debian:bookworm-slim instead.
#   scripts/podman-base-image.sh [MIRROR]     (needs root, debootstrap and podman)
set -euo pipefail
image=${LEADLINE_BASE_IMAGE:-localhost/debian:bookworm}
if podman image exists "$image"; then echo "$image already exists"; exit 0; fi
mirror=${1:-$(grep -hoE 'https?://[^ ]+/debian/?' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | head -1)}
mirror=${mirror:-http://deb.debian.org/debian}
rootfs=$(mktemp -d /var/tmp/leadline-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "debootstrap bookworm from $mirror (about 40 s)"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
tar -C "$rootfs" -c . | podman import - "$image" >/dev/null
echo "built $image"
