#!/bin/sh
# Installs the Debian 12 packages needleguide needs to build and test.
# The single source of truth for dependencies: the Makefile and .ci/run call it.
#   scripts/deps.sh          install what is missing (quiet when all present)
#   scripts/deps.sh --check  exit 1 if anything is missing, install nothing
set -eu

PACKAGES="
make gcc libc6-dev pkg-config
libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev fonts-dejavu-core
libyuv-dev libinih-dev libjson-c-dev
libcmocka-dev libjpeg-dev libavutil-dev libavformat-dev libavcodec-dev libswscale-dev ffmpeg
libsystemd-dev systemd
xvfb xauth
qemu-system-x86 busybox-static cpio kmod v4l-utils
qemu-user
clang libclang-rt-14-dev
"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing="$missing $p"
done

[ -z "$missing" ] && exit 0
if [ "${1:-}" = "--check" ]; then
    echo "deps.sh: missing:$missing" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "deps.sh: need root to install:$missing" >&2
        exit 1
    fi
fi

echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
