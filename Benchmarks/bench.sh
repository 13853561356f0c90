#!/usr/bin/env bash
# ptdump beside a plain C walker, on the same images in the same run.
#
#   usage: bash Benchmarks/bench.sh [IMAGE...]
#
# Builds the C reference walker (Benchmarks/ref-walker/ref-walker.c: the same walk, reading
# the entries only) and a small runner (cpu-time.c: a command's CPU time as the kernel's task
# clock, exact to the nanosecond, plus peak RSS and page faults from getrusage; GNU time and
# getrusage's user + sys are tick-based here, 4 ms steps, too coarse for a start-up) with
# gcc -O2, then runs, each RUNS times (default 5) pinned to one core (taskset -c CPU, default
# 1), output to /dev/null:
#   - the C walker, `ptdump IMAGE`, `ptdump --check-wx IMAGE`, `ptdump --format json IMAGE`
#     on each image;
#   - `ptdump --version` (start-up alone).
# It prints a markdown table: CPU time (task clock) min and median in ms, the ratio of
# ptdump's min to the C walker's min on the same image, peak RSS, minor page faults and
# output lines; then the ratios the performance goals are stated in.
#
# Images, when none are given: synthetic compact images written by ptdump-synth
# (Benchmarks/Synth; made once, kept in $CACHE/synth): page-granular direct maps of x86_64
# (SYNTH_X86_GIB, default 64 GiB) and arm64 (SYNTH_ARM64_GIB, default 16 GiB), an arm64
# KASAN-style image (32 TiB of shadow through one shared PUD/PMD/PTE chain, plus 1 GiB of
# linear map) and the plain 1 GiB arm64 linear map it is measured against; then the real
# Linux dumps of ../shared/oracle, decompressed once into $CACHE/*.vmcore.elf by
# ../shared/tools/oracle-check; then the kdump-compressed samples (samples/kdump, and QEMU's
# kdump-zlib/lzo/snappy files in samples/*/ beside their image.ptd; ptdump only: the C walker
# reads ELF cores).
#
# Each kdump-compressed image is also set against the uncompressed form of the same moment, when
# the run has it: a `vmcore.elf` in its folder (tools/capture's run folders: pass
# `$WORK/run/CASE/vmcore.*`), else its folder's `image.ptd` (the compact image saved from the ELF
# dump), else for samples/kdump/CASE.* the oracle dump $CACHE/CASE.vmcore.elf.
#
# Environment: PTDUMP (default .build/release/ptdump), RUNS (default 5), CPU (default 1),
# PTDUMP_ORACLE_CACHE (default /tmp/ptdump-oracle-cache), SYNTH_X86_GIB, SYNTH_ARM64_GIB.
# Nothing is asserted: the numbers are for reading. CPU time on a busy machine still grows
# with the load (caches, frequency); compare rows of one run.
set -euo pipefail

abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
images=()
for d in "$@"; do images+=("$(abspath "$d")"); done
[ -n "${PTDUMP:-}" ] && PTDUMP=$(abspath "$PTDUMP")

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PTDUMP=${PTDUMP:-$PWD/.build/release/ptdump}
RUNS=${RUNS:-5}
CPU=${CPU:-1}
CACHE=${PTDUMP_ORACLE_CACHE:-/tmp/ptdump-oracle-cache}
SHARED=$(cd .. && pwd)/shared
X86_GIB=${SYNTH_X86_GIB:-64}
ARM64_GIB=${SYNTH_ARM64_GIB:-16}

if [ ! -x "$PTDUMP" ]; then
    echo "bench: $PTDUMP not found; run 'make build' first" >&2
    exit 2
fi
for tool in gcc taskset; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
gcc -O2 -o "$TMP/ref-walker" Benchmarks/ref-walker/ref-walker.c
gcc -O2 -o "$TMP/cpu-time" Benchmarks/ref-walker/cpu-time.c

if [ ${#images[@]} -eq 0 ]; then
    synth=$(dirname "$PTDUMP")/ptdump-synth
    [ -x "$synth" ] || swift build -c release --product ptdump-synth >&2
    mkdir -p "$CACHE/synth"
    make_synth() { [ -f "$CACHE/synth/$1" ] || "$synth" "${@:2}" "$CACHE/synth/$1" >&2; images+=("$CACHE/synth/$1"); }
    make_synth "linear-x86-${X86_GIB}g.ptd" linear-x86 "$X86_GIB"
    make_synth "linear-arm64-${ARM64_GIB}g.ptd" linear-arm64 "$ARM64_GIB"
    make_synth kasan-arm64.ptd kasan-arm64
    make_synth linear-arm64-1g.ptd linear-arm64 1
    shopt -s nullglob
    dumps=("$CACHE"/*.vmcore.elf)
    if [ ${#dumps[@]} -eq 0 ] && [ -x "$SHARED/tools/oracle-check" ]; then
        echo "bench: decompressing the oracle dumps into $CACHE (once)..." >&2
        PTDUMP_ORACLE_CACHE=$CACHE "$SHARED/tools/oracle-check" "$PTDUMP" --quiet >/dev/null || true
        dumps=("$CACHE"/*.vmcore.elf)
    fi
    images+=("${dumps[@]}" "$PWD"/samples/kdump/*.kdump "$PWD"/samples/kdump/*.flat)
    for q in "$PWD"/samples/*/vmcore.qemu-*.kdump; do
        [ -f "$(dirname "$q")/image.ptd" ] && images+=("$(dirname "$q")/image.ptd")
        images+=("$q")
    done
    shopt -u nullglob
fi

# time_runs NAME CMD...: runs CMD RUNS times pinned; sets MIN, MED (µs), RSS (KiB), FAULTS
# (minor, of the fastest run), RC (exit status of the last run).
time_runs() {
    local name=$1 i t=()
    shift
    RSS=0
    local best=-1
    for ((i = 0; i < RUNS; i++)); do
        taskset -c "$CPU" "$TMP/cpu-time" "$TMP/usage" "$@" >/dev/null 2>"$TMP/err"
        read -r cpu rss minflt majflt RC CLOCK <"$TMP/usage"
        t+=("$cpu")
        [ "$rss" -gt "$RSS" ] && RSS=$rss
        if [ "$best" -lt 0 ] || [ "$cpu" -lt "$best" ]; then best=$cpu; FAULTS=$minflt; fi
    done
    MIN=$best
    MED=$(printf '%s\n' "${t[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    if [ "$RC" -gt 1 ]; then echo "bench: $name: exit $RC: $(head -n 1 "$TMP/err")" >&2; fi
}

# an image's name in the table: its folder and file (two capture runs both have vmcore.elf)
label() { echo "$(basename "$(dirname "$1")")/$(basename "$1")"; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "–" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
declare -A T R

row() { # IMAGE-NAME MODE C-MIN LINES
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(ms "$MIN")" "$(ms "$MED")" \
        "$( [ -n "$3" ] && ratio "$MIN" "$3" || echo –)" "$(mib "$RSS")" "$FAULTS" "$4"
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "ptdump $("$PTDUMP" --version 2>/dev/null || echo '?') ($(basename "$PTDUMP")), $RUNS runs each pinned to CPU $CPU of $(nproc); load average $load at the start"
echo
echo "| image | mode | min ms | median ms | × C walker | peak RSS MiB | minor faults | output lines (C walker: its counts) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"

time_runs version "$PTDUMP" --version
row "(none)" "--version" "" 1
echo "| (CPU time measured by: $CLOCK) | | | | | | | |"
T[version]=$MIN

for img in "${images[@]}"; do
    name=$(label "$img")
    info=$("$PTDUMP" --info "$img" 2>/dev/null) || { echo "| $name | error: $("$PTDUMP" --info "$img" 2>&1 | head -n 1) | | | | | | |"; continue; }
    arch=$(awk '$1 == "arch" { print $2 }' <<<"$info")
    levels=$(awk '$1 == "levels" { print $2 }' <<<"$info")
    psize=$(awk '$1 == "page" && $2 == "size" { print $3 }' <<<"$info")
    root=$(awk '$1 == "root" { print $2 }' <<<"$info")
    cmin=""
    if head -c 4 "$img" | grep -q ELF && [ -n "$root" ]; then
        time_runs "$name C" "$TMP/ref-walker" "$img" "$arch" "$root" "$levels" "$psize"
        cmin=$MIN
        row "$name" "C walker" "" "$("$TMP/ref-walker" "$img" "$arch" "$root" "$levels" "$psize")"
        R[$name.c]=$RSS
    fi
    for mode in text check-wx json; do
        case $mode in
            text) args=("$img") ;;
            check-wx) args=(--check-wx "$img") ;;
            json) args=(--format json "$img") ;;
        esac
        time_runs "$name $mode" "$PTDUMP" "${args[@]}"
        T[$name.$mode]=$MIN
        R[$name.$mode]=$RSS
        row "$name" "$mode" "$cmin" "$("$PTDUMP" "${args[@]}" 2>/dev/null | wc -l)"
    done
    T[$name.c]=${cmin:-0}
done

echo
echo "Goals (min CPU time of this run):"
x86="linear-x86-${X86_GIB}g.ptd" arm="linear-arm64-${ARM64_GIB}g.ptd"
for img in "$x86" "$arm"; do
    [ -n "${T[$img.text]:-}" ] || continue
    echo "- $img: text $(ratio "${T[$img.text]}" "${T[$img.c]}")× C, --check-wx $(ratio "${T[$img.check-wx]}" "${T[$img.c]}")× C (goal ≤ 1.3); JSON $(ratio "${T[$img.json]}" "${T[$img.text]}")× text (goal ≤ 2); peak RSS $(mib "${R[$img.text]}") MiB against the C walker's $(mib "${R[$img.c]}") MiB (goal ≤ +16)"
done
if [ -n "${T[kasan-arm64.ptd.text]:-}" ] && [ -n "${T[linear-arm64-1g.ptd.text]:-}" ]; then
    echo "- KASAN image: text $(ratio "${T[kasan-arm64.ptd.text]}" "${T[linear-arm64-1g.ptd.text]}")× the plain 1 GiB image (goal ≤ 1.5)"
fi
# the uncompressed form of the same moment as kdump-compressed IMAGE, if this run timed it
same_moment() {
    local dir base c
    dir=$(dirname "$1") base=$(basename "$1")
    for c in "$dir/vmcore.elf" "$dir/image.ptd" "$CACHE/${base%%.*}.vmcore.elf"; do
        [ -n "${T[$(label "$c").text]:-}" ] && { label "$c"; return; }
    done
}
for img in "${images[@]}"; do
    head -c 12 "$img" | grep -qaE 'KDUMP|DISKDUMP|makedumpfile' || continue
    name=$(label "$img")
    ref=$(same_moment "$img")
    [ -n "$ref" ] && [ -n "${T[$name.text]:-}" ] || continue
    echo "- $name: $(ratio "${T[$name.text]}" "${T[$ref.text]}")× $ref's CPU time (goal ≤ 2), peak RSS $(mib "${R[$name.text]}") MiB (goal < 64)"
done
echo "- ptdump --version: $(ms "${T[version]}") ms (goal ≤ 4)"
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
