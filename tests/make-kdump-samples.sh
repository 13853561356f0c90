#!/usr/bin/env bash
# Makes the kdump-compressed samples from the real ELF dumps in ../shared/oracle:
#
#   tests/make-kdump-samples.sh            the committed set, into samples/kdump/
#   tests/make-kdump-samples.sh --extra    every other combination (no dump level, lzo,
#                                          snappy, zstd, uncompressed, ...) into
#                                          ${KDUMP_EXTRA_SAMPLES:-.build/kdump-samples}/, which
#                                          the tests (KdumpFileTests) also read when present
#
# Needs python3, zstd and makedumpfile (Debian: apt-get install makedumpfile; 1.7.2 has zlib and
# lzo only). Environment:
#   MAKEDUMPFILE        x86_64 makedumpfile (default: makedumpfile on PATH)
#   MAKEDUMPFILE_FULL   an x86_64 makedumpfile with snappy and zstd, for -p and -z (Debian's has neither)
#   MAKEDUMPFILE_ARM64  a makedumpfile built for arm64 dumps (an x86_64 build cannot read them)
#   MAKEDUMPFILE_SRC    a makedumpfile 1.7.2 source tree (git tag 1.7.2): build the last two
#                       (with lzo, snappy and zstd) into the work directory and use them
#   PTDUMP_ORACLE_CACHE where decompressed oracle dumps may already be (NAME.vmcore.elf)
#
# QEMU 7.2's ELF dumps put a section header table before the program headers; makedumpfile
# ignores e_phoff ("Can't get the number of PT_LOAD"), so each dump is first rewritten with
# tests/elf-phdrs-first.py (same notes and segments, program headers first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
SHARED=${SHARED:-$(dirname "$REPO")/shared}
CACHE=${PTDUMP_ORACLE_CACHE:-/tmp/ptdump-oracle-cache}
WORK=$(mktemp -d /tmp/make-kdump-samples.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

MODE=committed
[ "${1:-}" = --extra ] && MODE=extra
if [ $MODE = committed ]; then OUT=$REPO/samples/kdump; else OUT=${KDUMP_EXTRA_SAMPLES:-$REPO/.build/kdump-samples}; fi
mkdir -p "$OUT"

MDF=${MAKEDUMPFILE:-makedumpfile}
MDF_FULL=${MAKEDUMPFILE_FULL:-$MDF}
MDF_ARM64=${MAKEDUMPFILE_ARM64:-}
if [ -n "${MAKEDUMPFILE_SRC:-}" ]; then
    # Build as for these samples: dynamic, with lzo, snappy and zstd. For arm64 on an x86_64
    # host, makedumpfile's TARGET=aarch64 undefines __x86_64__, which breaks glibc's headers;
    # include every system header first instead, then undefine it.
    for t in x86_64 aarch64; do
        cp -r "$MAKEDUMPFILE_SRC" "$WORK/mdf-$t"
        pre="$WORK/mdf-$t/pre.h"
        { grep -h '^#include <' "$WORK/mdf-$t"/*.c "$WORK/mdf-$t"/*.h "$WORK/mdf-$t"/arch/*.c | grep -v eppic | sort -u
          printf '#include <zstd.h>\n#include <snappy-c.h>\n#include <lzo/lzo1x.h>\n#undef __x86_64__\n#undef __amd64__\n#undef __amd64\n#undef __x86_64\n'; } > "$pre"
        if [ $t = x86_64 ]; then extra=(); cflags=""; else extra=(TARGET=aarch64 CROSS=); cflags="-include $pre"; fi
        (cd "$WORK/mdf-$t" && CFLAGS="$cflags" make LINKTYPE=dynamic USELZO=on USESNAPPY=on USEZSTD=on "${extra[@]}" >"$WORK/build-$t.log" 2>&1) ||
            { tail -20 "$WORK/build-$t.log" >&2; exit 1; }
    done
    MDF_FULL=$WORK/mdf-x86_64/makedumpfile
    MDF_ARM64=$WORK/mdf-aarch64/makedumpfile
fi
command -v "$MDF" >/dev/null || { echo "make-kdump-samples: no makedumpfile (apt-get install makedumpfile)" >&2; exit 1; }

elf_of() {   # NAME -> path of its ELF dump with program headers first
    local name=$1 src
    src=$CACHE/$name.vmcore.elf
    if [ ! -f "$src" ]; then
        src=$WORK/$name.orig.elf
        zstd -q -d --long=31 -o "$src" "$SHARED/oracle/$name/vmcore.elf.zst"
    fi
    python3 tests/elf-phdrs-first.py "$src" "$WORK/$name.elf"
    [ "$src" = "$WORK/$name.orig.elf" ] && rm -f "$src"
    echo "$WORK/$name.elf"
}

supports() { "$1" -v 2>&1 | grep -q "^$2[[:space:]]*enabled"; }

make_one() {   # MDF ELF OUT FLAGS... ; OUT ending in .flat is written with -F
    local mdf=$1 elf=$2 out=$3; shift 3
    rm -f "$out"
    if [[ $out == *.flat ]]; then
        "$mdf" -F "$@" "$elf" > "$out" 2>"$WORK/log" || { cat "$WORK/log" >&2; exit 1; }
    else
        "$mdf" "$@" "$elf" "$out" >"$WORK/log" 2>&1 || { cat "$WORK/log" >&2; exit 1; }
    fi
    printf '%10d  %s  (makedumpfile %s)\n' "$(stat -c %s "$out")" "${out#"$REPO"/}" "$*"
}

root_of() { sed -n 's/^root_pa=//p' "$SHARED/oracle/$1/meta.txt"; }

variants() {   # MDF ELF NAME LEVELS COMPRESSIONS
    local mdf=$1 elf=$2 name=$3 levels=$4 comps=$5 l c flag
    for l in $levels; do for c in $comps; do
        case $c in c|l) flag=(-$c);; p) supports "$mdf" snappy || continue; flag=(-p);;
                   z) supports "$mdf" zstd || continue; flag=(-z);; none) flag=();; esac
        make_one "$mdf" "$elf" "$OUT/$name.$c-d$l.kdump" "${flag[@]}" -d "$l"
    done; done
}

x86=$(elf_of x86_64-4level)
if [ $MODE = committed ]; then
    make_one "$MDF" "$x86" "$OUT/x86_64-4level.c-d31.kdump" -c -d 31
    make_one "$MDF" "$x86" "$OUT/x86_64-4level.l-d31.kdump" -l -d 31
    make_one "$MDF" "$x86" "$OUT/x86_64-4level.c-d31.flat" -c -d 31
    rm -f "$OUT"/x86_64-4level.c-d31.split*
    # 1 MiB split blocks: with the default 1 GiB, a guest this small lands in the first part.
    "$MDF" --split --splitblock-size 1024 -c -d 31 "$x86" "$OUT"/x86_64-4level.c-d31.split{1,2,3} >"$WORK/log" 2>&1 || { cat "$WORK/log" >&2; exit 1; }
    ls -l "$OUT"/x86_64-4level.c-d31.split*
    python3 tests/kdump-expected.py x86_64 "$x86" "$(root_of x86_64-4level)" "$OUT/x86_64-4level.c-d31.kdump" "$OUT/x86_64-4level"
else
    variants "$MDF" "$x86" x86_64-4level 0 "c l none"
    variants "$MDF_FULL" "$x86" x86_64-4level 0 "p z"
    variants "$MDF" "$x86" x86_64-4level 31 "none"
    variants "$MDF_FULL" "$x86" x86_64-4level 31 "p z"
    make_one "$MDF" "$x86" "$OUT/x86_64-4level.l-d31.flat" -l -d 31
fi
rm -f "$x86"

if [ -n "$MDF_ARM64" ]; then
    arm=$(elf_of arm64-4k-48)
    if [ $MODE = committed ]; then
        make_one "$MDF_ARM64" "$arm" "$OUT/arm64-4k-48.z-d31.kdump" -z -d 31
        python3 tests/kdump-expected.py arm64 "$arm" "$(root_of arm64-4k-48)" "$OUT/arm64-4k-48.z-d31.kdump" "$OUT/arm64-4k-48"
    else
        variants "$MDF_ARM64" "$arm" arm64-4k-48 0 "c l p z"
        variants "$MDF_ARM64" "$arm" arm64-4k-48 31 "c l p"
    fi
    rm -f "$arm"
else
    echo "make-kdump-samples: skipped arm64 (set MAKEDUMPFILE_ARM64 or MAKEDUMPFILE_SRC)" >&2
fi
