#!/usr/bin/env bash
# Wall time and peak memory of ptdump on real dumps.
#
#   usage: bash Benchmarks/bench.sh [DUMP...]
#
# For each dump (default: the decompressed oracle dumps in
# ${PTDUMP_ORACLE_CACHE:-/tmp/ptdump-oracle-cache}/*.vmcore.elf, created by running
# ../shared/tools/oracle-check once when missing) it runs `ptdump DUMP` and
# `ptdump --check-wx DUMP` RUNS times (default 5) and prints a markdown table with the best
# wall time, the peak resident set size (GNU time's "Maximum resident set size") and the
# number of output lines. Nothing is asserted: the numbers are for reading.
#
# With no DUMP arguments it also times the kdump-compressed samples (samples/kdump) and synthetic compact images written by ptdump-synth
# (Benchmarks/Synth): a KASAN-style arm64 image whose 32 TiB shadow reuses one PUD/PMD/PTE
# table, and page-granular linear maps (arm64 4 GiB, x86_64 SYNTH_GIB GiB, default 16).
#
# Environment: PTDUMP (default .build/release/ptdump), RUNS (default 5),
# PTDUMP_ORACLE_CACHE (default /tmp/ptdump-oracle-cache), SYNTH_GIB (default 16).
set -euo pipefail

# Paths given by the caller are relative to the caller's directory.
abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
dumps=()
for d in "$@"; do dumps+=("$(abspath "$d")"); done
[ -n "${PTDUMP:-}" ] && PTDUMP=$(abspath "$PTDUMP")

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PTDUMP=${PTDUMP:-$PWD/.build/release/ptdump}
RUNS=${RUNS:-5}
CACHE=${PTDUMP_ORACLE_CACHE:-/tmp/ptdump-oracle-cache}
SHARED=$(cd .. && pwd)/shared
GNU_TIME=/usr/bin/time

if [ ! -x "$PTDUMP" ]; then
    echo "bench: $PTDUMP not found; run 'make build' first" >&2
    exit 2
fi
if ! "$GNU_TIME" -v true >/dev/null 2>&1; then
    echo "bench: GNU time is needed at $GNU_TIME (Debian: apt-get install time)" >&2
    exit 2
fi

if [ ${#dumps[@]} -eq 0 ]; then
    shopt -s nullglob
    dumps=("$CACHE"/*.vmcore.elf)
    if [ ${#dumps[@]} -eq 0 ]; then
        if [ ! -x "$SHARED/tools/oracle-check" ]; then
            echo "bench: no dumps given and no $SHARED/tools/oracle-check to make them" >&2
            exit 2
        fi
        echo "bench: decompressing the oracle dumps into $CACHE (once)..." >&2
        PTDUMP_ORACLE_CACHE=$CACHE "$SHARED/tools/oracle-check" "$PTDUMP" --quiet >/dev/null || true
        dumps=("$CACHE"/*.vmcore.elf)
    fi
    shopt -u nullglob
    if [ ${#dumps[@]} -eq 0 ]; then
        echo "bench: no dumps found in $CACHE" >&2
        exit 2
    fi
    synth=$(dirname "$PTDUMP")/ptdump-synth
    [ -x "$synth" ] || swift build -c release --product ptdump-synth >&2
    if [ -x "$synth" ]; then
        mkdir -p "$CACHE/synth"
        gib=${SYNTH_GIB:-16}
        [ -f "$CACHE/synth/kasan-arm64.ptd" ] || "$synth" kasan-arm64 "$CACHE/synth/kasan-arm64.ptd" >&2
        [ -f "$CACHE/synth/linear-arm64-4g.ptd" ] || "$synth" linear-arm64 4 "$CACHE/synth/linear-arm64-4g.ptd" >&2
        [ -f "$CACHE/synth/linear-x86-${gib}g.ptd" ] || "$synth" linear-x86 "$gib" "$CACHE/synth/linear-x86-${gib}g.ptd" >&2
        dumps+=("$CACHE/synth/kasan-arm64.ptd" "$CACHE/synth/linear-arm64-4g.ptd" "$CACHE/synth/linear-x86-${gib}g.ptd")
    fi
    # The kdump-compressed forms of two of the oracle dumps (samples/kdump), to set beside them.
    shopt -s nullglob
    dumps+=("$PWD"/samples/kdump/*.kdump "$PWD"/samples/kdump/*.flat)
    shopt -u nullglob
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# measure MODE DUMP ARGS...: prints one table row.
measure() {
    local mode=$1 dump=$2
    shift 2
    local best="" peak=0 lines=0 i start end secs rss rc name
    name=$(basename "$dump")
    [ "$(dirname "$dump")" = "$CACHE" ] || name=$(basename "$(dirname "$dump")")/$name
    for ((i = 0; i < RUNS; i++)); do
        start=$EPOCHREALTIME
        rc=0
        "$GNU_TIME" -v -o "$TMP/time" "$PTDUMP" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
        end=$EPOCHREALTIME
        # 0 success, 1 W+X found (a result, not a failure); anything else is an error.
        if [ "$rc" -gt 1 ]; then
            echo "| $name | $mode | error (exit $rc): $(head -n 1 "$TMP/err") | | |"
            return
        fi
        secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
        if [ -z "$best" ] || awk -v s="$secs" -v b="$best" 'BEGIN { exit !(s < b) }'; then best=$secs; fi
        rss=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$TMP/time")
        [ "${rss:-0}" -gt "$peak" ] && peak=$rss
        lines=$(wc -l <"$TMP/out")
    done
    printf '| %s | %s | %s | %s | %s |\n' "$name" "$mode" "$best" \
        "$(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }')" "$lines"
}

echo "ptdump $("$PTDUMP" --version 2>/dev/null || echo '?'), best of $RUNS runs, $(nproc) CPUs"
echo
echo "| dump | mode | best seconds | peak RSS MiB | output lines |"
echo "|---|---|---:|---:|---:|"
for dump in "${dumps[@]}"; do
    measure print "$dump" "$dump"
    measure check-wx "$dump" --check-wx "$dump"
done
