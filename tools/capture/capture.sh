#!/usr/bin/env bash
# Make a ptdump sample from a real kernel: build it, boot it, dump it, save the sample.
#
#   tools/capture/capture.sh CASE [deps|build|boot|sample|all]     (default: all)
#   tools/capture/capture.sh --list
#
# CASE is a line of tools/capture/cases.txt. The steps:
#   deps    apt-get install what the case needs (compilers, QEMU, kernel source package)
#   build   unpack Debian's linux-source-<release> once, `make tinyconfig`, merge the case's
#           fragments from tools/capture/configs/, check every requested option survived
#           `olddefconfig`, build the kernel image out of tree
#   boot    compile tools/capture/init.c statically for the guest, pack it as the initramfs,
#           boot the kernel under QEMU TCG; /init prints the kernel's debugfs page-table text
#           twice and its W^X verdict, then idles; tools/capture/freeze.py pauses the guest
#           and writes the ELF memory dump (and QEMU kdump-compressed dumps with KDUMP=...)
#   sample  check the two text reads are identical, write samples/CASE/: expected.txt (the
#           kernel's text), wx.txt (its W^X lines), config.txt (.config), image.ptd (saved
#           by ptdump from the dump with no flags) and SOURCE.md (how it was made and what
#           ptdump printed); compare ptdump's output on the dump and on image.ptd
#
# Environment:
#   WORK=/tmp/ptdump-capture   sources, kernel builds, dumps (5-10 GB for a few cases)
#   SRC=$WORK/linux-source-REL an already unpacked kernel tree to build from instead (only
#                              read: the build is out of tree)
#   JOBS=$(nproc)              make -j
#   PTDUMP=.build/release/ptdump   the ptdump used by the sample step (`make build`)
#   OUT=samples                where the sample folder is written
#   KDUMP=zlib,lzo,snappy      also have QEMU write kdump-compressed dumps (kept in WORK);
#                              Debian's QEMU writes only zlib: lzo and snappy need QEMU_DIR
#   QEMU_DIR=DIR               run DIR/qemu-system-ARCH (tools/capture/build-qemu.sh builds
#                              Debian's QEMU with lzo and snappy there) with Debian's firmware
#   TIMEOUT=1800               seconds to wait for the guest
# Run as root (apt-get, and QEMU's dump files are written 0400).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-/tmp/ptdump-capture}
JOBS=${JOBS:-$(nproc)}
PTDUMP=${PTDUMP:-$REPO/.build/release/ptdump}
OUT=${OUT:-$REPO/samples}
KDUMP=${KDUMP:-}
TIMEOUT=${TIMEOUT:-1800}

die() { echo "capture: $*" >&2; exit 1; }
say() { echo "== $(date +%T) $*"; }

if [ "${1:-}" = --list ]; then
    grep -v '^#' "$HERE/cases.txt" | awk 'NF { print $1 }'
    exit 0
fi
CASE=${1:?usage: capture.sh CASE [deps|build|boot|sample|all] | --list}
STEP=${2:-all}

# ---- the case ------------------------------------------------------------------------
line=$(awk -v c="$CASE" '$1 == c' "$HERE/cases.txt")
[ -n "$line" ] || die "no case '$CASE' in $HERE/cases.txt (see --list)"
read -r _ ARCH RELEASE FRAGMENTS CPU SMP MEM APPEND <<<"$line"
APPEND=${APPEND//,/ }
[ "$FRAGMENTS" = - ] && FRAGMENTS=""
[ "$APPEND" = - ] && APPEND=""

case $ARCH in
x86_64)  KARCH=x86;   CROSS="";                  TARGET=bzImage; KIMAGE=arch/x86/boot/bzImage
         QEMU_BIN=qemu-system-x86_64; QEMU_PKG=qemu-system-x86; CC_PKG=gcc
         CONSOLE=ttyS0; MACHINE=(-machine pc)
         # no ACPI in a tiny kernel: tell the fw_cfg driver where the device is
         BOOT_ARGS="qemu_fw_cfg.ioport=12@0x510:0:1:4" ;;
arm64)   KARCH=arm64; CROSS=aarch64-linux-gnu-;  TARGET=Image;   KIMAGE=arch/arm64/boot/Image
         QEMU_BIN=qemu-system-aarch64; QEMU_PKG=qemu-system-arm; CC_PKG=gcc-aarch64-linux-gnu
         CONSOLE=ttyAMA0; MACHINE=(-M virt); BOOT_ARGS="" ;;
riscv64) KARCH=riscv; CROSS=riscv64-linux-gnu-;  TARGET=Image;   KIMAGE=arch/riscv/boot/Image
         QEMU_BIN=qemu-system-riscv64; QEMU_PKG=qemu-system-misc; CC_PKG=gcc-riscv64-linux-gnu
         CONSOLE=ttyS0; MACHINE=(-M virt -bios default); BOOT_ARGS="" ;;
s390x)   KARCH=s390;  CROSS=s390x-linux-gnu-;   TARGET=bzImage; KIMAGE=arch/s390/boot/bzImage
         QEMU_BIN=qemu-system-s390x; QEMU_PKG=qemu-system-misc
         CC_PKG="gcc-s390x-linux-gnu libc6-dev-s390x-cross"
         CONSOLE=ttysclp0; MACHINE=(-M s390-ccw-virtio -no-reboot); BOOT_ARGS="" ;;
*) die "unknown architecture $ARCH" ;;
esac

# `satp-max=MODE` in a riscv64 case's CPU is the tool's, not QEMU's (QEMU 7.2 cannot turn
# Sv57 or Sv48 off): the boot step starts QEMU paused with its gdbstub and satp-limit.py
# answers the kernel's satp probe as a hart whose largest mode is MODE
SATP_MAX=""
if [[ "$CPU" =~ (^|,)satp-max=([a-z0-9]+)(,|$) ]]; then
    SATP_MAX=${BASH_REMATCH[2]}
    CPU=$(echo "$CPU" | sed -E 's/(^|,)satp-max=[a-z0-9]+//; s/^,//')
    [ "$ARCH" = riscv64 ] || die "satp-max= is for riscv64 cases"
fi

# `kaslr` in the case's boot arguments means: do not add nokaslr
if [[ " $APPEND " == *" kaslr "* ]]; then
    APPEND=$(echo " $APPEND " | sed 's/ kaslr / /; s/^ *//; s/ *$//')
    KASLR_ARG=""
else
    KASLR_ARG="nokaslr"
fi
if [ -n "${QEMU_DIR:-}" ]; then
    [ -x "$QEMU_DIR/$QEMU_BIN" ] || die "no $QEMU_BIN in QEMU_DIR=$QEMU_DIR (tools/capture/build-qemu.sh)"
    QEMU_BIN=$QEMU_DIR/$QEMU_BIN
    # Debian's firmware search path (its qemu-system packages are built with this list)
    MACHINE+=(-L /usr/share/qemu -L /usr/share/seabios -L /usr/lib/ipxe/qemu)
fi
CMDLINE=$(echo "console=$CONSOLE panic=-1 $KASLR_ARG $BOOT_ARGS $APPEND" | tr -s ' ' | sed 's/ $//')

SRC=${SRC:-$WORK/linux-source-$RELEASE}
KBUILD=$WORK/kbuild/$ARCH-$RELEASE${FRAGMENTS:+-${FRAGMENTS//,/-}}
RUN=$WORK/run/$CASE
FRAGMENT_FILES=("$HERE/configs/$ARCH-$RELEASE.config")
for f in ${FRAGMENTS//,/ }; do FRAGMENT_FILES+=("$HERE/configs/$f.config"); done
for f in "${FRAGMENT_FILES[@]}"; do [ -f "$f" ] || die "missing fragment $f"; done

kmake() { make -C "$SRC" O="$KBUILD" ARCH=$KARCH ${CROSS:+CROSS_COMPILE=$CROSS} -j"$JOBS" "$@"; }

# ---- steps ---------------------------------------------------------------------------
do_deps() {
    local pkgs="build-essential flex bison bc libssl-dev libelf-dev cpio xz-utils python3 $QEMU_PKG $CC_PKG"
    [ "$ARCH" = riscv64 ] && pkgs="$pkgs opensbi"
    [ -f /usr/src/linux-source-$RELEASE.tar.xz ] || pkgs="$pkgs linux-source-$RELEASE"
    # shellcheck disable=SC2086
    dpkg -s $pkgs >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q $pkgs; }
}

do_build() {
    if [ ! -f "$SRC/Makefile" ]; then
        [ "$SRC" = "$WORK/linux-source-$RELEASE" ] || die "SRC=$SRC has no kernel tree"
        say "unpacking linux-source-$RELEASE into $WORK"
        mkdir -p "$WORK"
        tar -xf /usr/src/linux-source-$RELEASE.tar.xz -C "$WORK"
    fi
    mkdir -p "$KBUILD"
    local t0=$SECONDS
    kmake tinyconfig >/dev/null
    "$SRC/scripts/kconfig/merge_config.sh" -m -O "$KBUILD" "$KBUILD/.config" "${FRAGMENT_FILES[@]}" >/dev/null
    kmake olddefconfig >/dev/null
    # olddefconfig silently drops options whose dependencies are unmet: refuse that
    # (for each option, the setting of the last fragment that names it)
    local bad=0 l
    while read -r l; do
        case $l in
        CONFIG_*=*) grep -qxF "$l" "$KBUILD/.config" || { echo "capture: option not honoured: $l" >&2; bad=1; } ;;
        '# CONFIG_'*' is not set') l=${l#\# }; l=${l%% *}
            ! grep -q "^$l=" "$KBUILD/.config" || { echo "capture: option not honoured: # $l is not set" >&2; bad=1; } ;;
        esac
    done < <(cat "${FRAGMENT_FILES[@]}" | awk '   # the last fragment that sets an option wins
        /^CONFIG_[A-Za-z0-9_]+=/ { n = $0; sub(/=.*/, "", n) }
        /^# CONFIG_[A-Za-z0-9_]+ is not set/ { n = $2 }
        n != "" { last[n] = $0; order[++k] = n; n = "" }
        END { for (i = 1; i <= k; i++) if (!(order[i] in done)) { done[order[i]] = 1; print last[order[i]] } }')
    [ $bad = 0 ] || die "the configuration lost options above (unmet dependencies?)"
    say "building $TARGET for $CASE in $KBUILD"
    kmake "$TARGET" >"$KBUILD/build.log" 2>&1 || { tail -20 "$KBUILD/build.log"; die "kernel build failed"; }
    echo "$((SECONDS - t0))" > "$KBUILD/build-seconds"
    say "kernel built in $((SECONDS - t0)) s"
}

do_boot() {
    [ -f "$KBUILD/$KIMAGE" ] || die "no kernel at $KBUILD/$KIMAGE (run the build step)"
    rm -rf "$RUN"; mkdir -p "$RUN"
    "${CROSS}gcc" -static -O2 -o "$RUN/init" "$HERE/init.c"
    # the initramfs: /init, the mount points and /dev/console, packed without root rights
    # by the kernel's own gen_init_cpio when it was built
    local spec=$RUN/initramfs.list
    printf '%s\n' "dir /dev 0755 0 0" "nod /dev/console 0600 0 0 c 5 1" "dir /proc 0755 0 0" \
        "dir /sys 0755 0 0" "dir /tmp 0755 0 0" "file /init $RUN/init 0755 0 0" > "$spec"
    if [ -x "$KBUILD/usr/gen_init_cpio" ]; then
        "$KBUILD/usr/gen_init_cpio" "$spec" > "$RUN/initramfs.cpio"
    else
        (cd "$RUN" && mkdir -p root/dev root/proc root/sys root/tmp && cp init root/init &&
         mknod root/dev/console c 5 1 && cd root && find . | cpio -o -H newc --quiet) > "$RUN/initramfs.cpio"
    fi
    QEMU=("$QEMU_BIN" "${MACHINE[@]}" -accel tcg -cpu "$CPU" -smp "$SMP" -m "$MEM" -display none
          -kernel "$KBUILD/$KIMAGE" -initrd "$RUN/initramfs.cpio" -append "$CMDLINE"
          -monitor unix:"$RUN/monitor",server,nowait -serial file:"$RUN/console.log")
    # QEMU's vmcoreinfo device (fw_cfg): riscv64 6.1 cannot read it, qemu-system-s390x has none
    case $ARCH in x86_64|arm64) QEMU+=(-device vmcoreinfo) ;; esac
    [ -z "$SATP_MAX" ] || QEMU+=(-S -gdb "unix:$RUN/gdb,server=on,wait=off")
    printf '%q ' "${QEMU[@]}" > "$RUN/qemu-command"
    say "booting: ${QEMU[*]}"
    local t0=$SECONDS
    "${QEMU[@]}" </dev/null >"$RUN/qemu.out" 2>&1 &
    local qemu=$!
    if [ -n "$SATP_MAX" ]; then
        local n=0
        until [ -S "$RUN/gdb" ]; do
            sleep 0.2; n=$((n + 1))
            [ $n -lt 150 ] || { kill $qemu; die "QEMU opened no gdbstub socket"; }
        done
        # QEMU virt with OpenSBI (fw_dynamic) loads the kernel image at 0x80200000
        python3 "$HERE/satp-limit.py" "$RUN/gdb" "$KBUILD/vmlinux" 0x80200000 "$SATP_MAX" \
            --cross "$CROSS" --log "$RUN/satp-limit.log" || { kill $qemu; die "satp-limit.py failed"; }
        cat "$RUN/satp-limit.log"
    fi
    until grep -q '^@@PTDUMP READY' "$RUN/console.log" 2>/dev/null; do
        kill -0 $qemu 2>/dev/null || { cat "$RUN/qemu.out"; tail -20 "$RUN/console.log" 2>/dev/null; die "QEMU exited before the guest was ready"; }
        [ $((SECONDS - t0)) -lt "$TIMEOUT" ] || { kill $qemu; die "the guest was not ready after $TIMEOUT s"; }
        sleep 0.5
    done
    echo "$((SECONDS - t0))" > "$RUN/boot-seconds"
    say "guest ready after $((SECONDS - t0)) s; pausing and dumping"
    local kd=() k
    for k in ${KDUMP//,/ }; do kd+=(--kdump "$k:$RUN/vmcore.kdump-$k"); done
    python3 "$HERE/freeze.py" "$RUN/monitor" "$RUN/vmcore.elf" --registers "$RUN/registers.txt" "${kd[@]}"
    wait $qemu || true
    chmod 644 "$RUN"/vmcore.*
    say "dump: $(stat -c %s "$RUN/vmcore.elf") bytes"
}

section() {   # NAME: print one @@PTDUMP section of the console log
    tr -d '\r' < "$RUN/console.log" |
        awk -v n="$1" '$0 == "@@PTDUMP BEGIN " n { on = 1; next } $0 == "@@PTDUMP END " n { on = 0 } on'
}

do_sample() {
    [ -f "$RUN/vmcore.elf" ] || die "no dump in $RUN (run the boot step)"
    [ -x "$PTDUMP" ] || die "no ptdump at $PTDUMP (make build)"
    section ptdump.1 > "$RUN/ptdump.1"
    section ptdump.2 > "$RUN/ptdump.2"
    [ -s "$RUN/ptdump.2" ] || die "the guest printed no page-table text (see $RUN/console.log)"
    cmp -s "$RUN/ptdump.1" "$RUN/ptdump.2" || die "the kernel's text changed between its two reads; boot again"
    local dir=$OUT/$CASE
    rm -rf "$dir"; mkdir -p "$dir"
    cp "$RUN/ptdump.2" "$dir/expected.txt"
    # the kernel's W^X lines: its verdicts and (x86 PTI) the heading of the user-space pass
    section dmesg | grep -E 'W\+X|Checking user space page tables' | sed 's/^\[ *[0-9.]*\] //' > "$dir/wx.txt"
    cp "$KBUILD/.config" "$dir/config.txt"
    "$PTDUMP" --save "$dir/image.ptd" "$RUN/vmcore.elf"
    local dump_diff image_diff wx_out
    dump_diff=$("$PTDUMP" "$RUN/vmcore.elf" | diff "$dir/expected.txt" - | grep -c '^[<>]' || true)
    image_diff=$("$PTDUMP" "$dir/image.ptd" | diff "$dir/expected.txt" - | grep -c '^[<>]' || true)
    wx_out=$("$PTDUMP" --check-wx "$dir/image.ptd" 2>&1 | tail -1 || true)
    local kd kd_lines=() kd_formats=""
    for kd in "$RUN"/vmcore.kdump-*; do [ -f "$kd" ] && kd_formats=${kd_formats:+$kd_formats,}${kd##*-}; done
    for kd in "$RUN"/vmcore.kdump-*; do
        [ -f "$kd" ] || continue
        local fmt=${kd##*-}
        cp "$kd" "$dir/vmcore.qemu-$fmt.kdump"; chmod 644 "$dir/vmcore.qemu-$fmt.kdump"
        kd_lines+=("- \`vmcore.qemu-$fmt.kdump\`: QEMU's own \`dump-guest-memory\` kdump-$fmt file of the same paused moment ($(stat -c %s "$kd") bytes, flattened); \`ptdump\` on it differs from \`expected.txt\` in $("$PTDUMP" "$kd" | diff "$dir/expected.txt" - | grep -c '^[<>]' || true) line(s).")
    done
    local release; release=$(section release)
    {
        echo "# $CASE"
        echo
        echo "Linux **$release** ($ARCH), built from Debian's \`linux-source-$RELEASE\` and booted under"
        echo "$($QEMU_BIN --version | head -1 | sed 's/ Copyright.*//'), made by"
        echo
        echo "    ${QEMU_DIR:+QEMU_DIR=DIR }${kd_formats:+KDUMP=$kd_formats }tools/capture/capture.sh $CASE"
        echo
        if [ -n "${QEMU_DIR:-}" ]; then
            echo "with DIR holding the QEMU that \`tools/capture/build-qemu.sh\` builds from Debian's own source package"
            echo "with LZO and snappy (Debian's binaries have neither) and Debian's firmware."
            echo
        fi
        echo "(tools/capture/README.md). Configuration: \`make tinyconfig\` +"
        for f in "${FRAGMENT_FILES[@]}"; do echo "\`tools/capture/configs/$(basename "$f")\`"; done | paste -sd, - | sed 's/,/ + /g'
        echo "(\`config.txt\` is the full \`.config\`). Guest: \`-cpu $CPU -smp $SMP -m $MEM\`, kernel command line"
        echo "\`$CMDLINE\`."
        if [ -n "$SATP_MAX" ]; then
            echo
            echo "The guest's kernel runs in $SATP_MAX: \`satp-limit.py\` answered its satp probe through QEMU's gdbstub as a hart"
            echo "without the larger modes would (\`$(head -1 "$RUN/satp-limit.log" | sed 's/;.*//')\`; see tools/capture/README.md)."
        fi
        echo
        echo "- \`expected.txt\`: the kernel's debugfs page-table text, byte for byte ($(wc -l < "$dir/expected.txt") lines; two reads 3 s apart were identical)."
        echo "- \`wx.txt\`: the kernel's W^X lines from its log, timestamps removed."
        echo "- \`image.ptd\`: \`ptdump --save image.ptd vmcore.elf\`, no other flags ($(stat -c %s "$RUN/vmcore.elf")-byte ELF dump, not kept)."
        [ ${#kd_lines[@]} = 0 ] || printf '%s\n' "${kd_lines[@]}"
        echo
        echo "ptdump $("$PTDUMP" --version 2>/dev/null | head -1) at capture time: \`ptdump vmcore.elf\` differs from \`expected.txt\` in $dump_diff line(s),"
        echo "\`ptdump image.ptd\` in $image_diff; \`ptdump --check-wx image.ptd\` said: \`$wx_out\`."
    } > "$dir/SOURCE.md"
    # what the case shows and why, kept beside the case so a new capture keeps it
    if [ -f "$HERE/notes/$CASE.md" ]; then { echo; cat "$HERE/notes/$CASE.md"; } >> "$dir/SOURCE.md"; fi
    say "sample $dir: dump differs in $dump_diff line(s), image in $image_diff; W^X: $wx_out"
}

case $STEP in
deps) do_deps ;;
build) do_build ;;
boot) do_boot ;;
sample) do_sample ;;
all) do_deps; [ -f "$KBUILD/$KIMAGE" ] || do_build; do_boot; do_sample ;;
*) die "unknown step $STEP (deps, build, boot, sample, all)" ;;
esac
