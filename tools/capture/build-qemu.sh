#!/usr/bin/env bash
# Build Debian's own QEMU 7.2 with the two kdump formats Debian leaves out.
#
#   tools/capture/build-qemu.sh [DIR]        (default: $WORK/qemu, WORK=/tmp/ptdump-capture)
#
# Debian 12's qemu-system packages are configured without LZO and snappy (debian/control says
# "##--enable-lzo todo"), so their `dump-guest-memory -l` and `-s` refuse with "kdump-lzo is not
# available now" / "kdump-snappy is not available now". This script takes the same source
# package (`apt-get source qemu`, which needs deb-src in the APT sources: it adds them), builds
# only qemu-system-x86_64 and qemu-system-aarch64 with TCG, libfdt, LZO and snappy, and leaves
# them in DIR/bin. Then:
#
#   QEMU_DIR=DIR/bin KDUMP=zlib,lzo,snappy tools/capture/capture.sh x86_64-4level boot
#
# The firmware (SeaBIOS for x86_64 `-machine pc`, the iPXE ROM of the default NIC) comes from
# Debian's installed packages, passed with -L in Debian's own search order (/usr/share/qemu,
# /usr/share/seabios, /usr/lib/ipxe/qemu): the source package is stripped of prebuilt ROMs.
# About 40 minutes of compiling on 2 cores; nothing is installed system-wide but build tools.
set -euo pipefail
WORK=${WORK:-/tmp/ptdump-capture}
DIR=${1:-$WORK/qemu}
JOBS=${JOBS:-$(nproc)}
say() { echo "== $(date +%T) $*"; }

if [ -z "$(apt-cache showsrc qemu 2>/dev/null)" ]; then
    say "adding deb-src to the APT sources"
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
    else
        sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/ptdump-src.list
    fi
    apt-get update -q
fi
pkgs="dpkg-dev build-essential ninja-build meson pkg-config python3-venv libglib2.0-dev libpixman-1-dev
      libfdt-dev zlib1g-dev liblzo2-dev libsnappy-dev qemu-system-x86 qemu-system-arm"
# shellcheck disable=SC2086
dpkg -s $pkgs >/dev/null 2>&1 || apt-get install -y -q $pkgs

mkdir -p "$DIR"
cd "$DIR"
src=$(find . -maxdepth 1 -type d -name 'qemu-*' | head -1)
if [ -z "$src" ]; then
    say "apt-get source qemu"
    apt-get source -q qemu >/dev/null
    src=$(find . -maxdepth 1 -type d -name 'qemu-*' | head -1)
fi
mkdir -p "$src/build"
cd "$src/build"
[ -f build.ninja ] || ../configure --target-list=x86_64-softmmu,aarch64-softmmu \
    --without-default-features --enable-tcg --enable-fdt=system --enable-lzo --enable-snappy \
    --disable-docs --disable-werror --disable-tools >configure.log
grep -qE 'lzo support +: YES' configure.log && grep -qE 'snappy support +: YES' configure.log ||
    { echo "build-qemu: configure did not enable lzo and snappy (see $PWD/configure.log)" >&2; exit 1; }
say "building qemu-system-x86_64 and qemu-system-aarch64 in $PWD"
ninja -j"$JOBS" qemu-system-x86_64 qemu-system-aarch64 >ninja.log 2>&1 || { tail -20 ninja.log; exit 1; }
mkdir -p "$DIR/bin"
cp qemu-system-x86_64 qemu-system-aarch64 "$DIR/bin/"
say "done: $DIR/bin ($("$DIR/bin/qemu-system-x86_64" --version | head -1))"
