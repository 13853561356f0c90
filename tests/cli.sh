#!/usr/bin/env bash
# End-to-end checks of the ptdump command line: output, exit codes, stderr.
#
#   usage: bash tests/cli.sh PTDUMP
#
# Self-contained: uses only samples/ and man/ from this repository (and, when present,
# readelf, cc and python3 to build or parse inputs). Prints "ok - NAME" or "not ok - NAME"
# per check, "skip - NAME (why)" for a check whose tool is missing (counted neither way),
# and ends with "cli: N passed, M failed"; exits 1 if M > 0.
set -uo pipefail

if [ $# -ne 1 ]; then
    echo "usage: bash tests/cli.sh PTDUMP" >&2
    exit 2
fi
PTDUMP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x "$PTDUMP" ]; then
    echo "cli: $PTDUMP is not an executable" >&2
    exit 2
fi

S4=samples/x86_64-4level
S5=samples/x86_64-5level
SRO=samples/x86_64-rodata-off
ARM64_SAMPLES=(samples/arm64-*)
SRV=samples/riscv64-sv39

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0
ok()     { echo "ok - $1"; passed=$((passed + 1)); }
skip()   { echo "skip - $1 ($2)"; }
have()   { command -v "$1" >/dev/null 2>&1; }
not_ok() { echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; failed=$((failed + 1)); }

# run ARGS...: runs ptdump, leaving stdout in $TMP/out, stderr in $TMP/err, status in $rc.
run() {
    "$PTDUMP" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

# expect_error NAME PATH ARGS...: exit 2, stdout empty, exactly one stderr line
# beginning "ptdump: PATH: ".
expect_error() {
    local name=$1 path=$2
    shift 2
    run "$@"
    local lines first
    lines=$(wc -l <"$TMP/err")
    first=$(head -n 1 "$TMP/err")
    if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$TMP/out" ] &&
        [ "${first#"ptdump: $path: "}" != "$first" ]; then
        ok "$name"
    else
        not_ok "$name" "exit $rc (want 2), $lines stderr lines (want 1)" "stderr: $first"
    fi
}

# --- output ---------------------------------------------------------------------------

run "$S4/image.ptd"
if [ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$S4/expected.txt"; then
    ok "demo sample prints the kernel's text"
else
    not_ok "demo sample prints the kernel's text" "exit $rc; $(diff "$S4/expected.txt" "$TMP/out" | wc -l) diff lines"
fi

run --check-wx "$S4/image.ptd"
want=$(grep 'Checked W+X mappings' "$S4/wx.txt")
got=$(tail -n 1 "$TMP/out")
if [ "$rc" -eq 0 ] && [ "$got" = "$want" ]; then
    ok "--check-wx passes on $S4"
else
    not_ok "--check-wx passes on $S4" "exit $rc (want 0)" "last line: $got" "want:      $want"
fi

run --check-wx "$SRO/image.ptd"
want=$(grep 'Checked W+X mappings' "$SRO/wx.txt")
got=$(tail -n 1 "$TMP/out")
found=$(grep -c '^x86/mm: Found insecure W+X mapping at address ' "$TMP/out")
if [ "$rc" -eq 1 ] && [ "$got" = "$want" ] && [ "$found" -eq 5 ]; then
    ok "--check-wx fails on $SRO"
else
    not_ok "--check-wx fails on $SRO" "exit $rc (want 1), $found findings (want 5)" "last line: $got" "want:      $want"
fi

run --save "$TMP/saved.ptd" "$S5/image.ptd"
rc_save=$rc
run "$TMP/saved.ptd"
if [ "$rc_save" -eq 0 ] && [ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$S5/expected.txt"; then
    ok "--save round trip ($S5)"
else
    not_ok "--save round trip ($S5)" "save exit $rc_save, print exit $rc" "$(head -n 1 "$TMP/err")"
fi

run --info "$S4/image.ptd"
if [ "$rc" -eq 0 ] && grep -q '^root' "$TMP/out"; then
    ok "--info names the root"
else
    not_ok "--info names the root" "exit $rc"
fi

"$PTDUMP" "$S5/image.ptd" >"$TMP/run1" 2>/dev/null
"$PTDUMP" "$S5/image.ptd" >"$TMP/run2" 2>/dev/null
"$PTDUMP" --check-wx "$SRO/image.ptd" >>"$TMP/run1" 2>/dev/null
"$PTDUMP" --check-wx "$SRO/image.ptd" >>"$TMP/run2" 2>/dev/null
if [ -s "$TMP/run1" ] && cmp -s "$TMP/run1" "$TMP/run2"; then
    ok "output is byte-identical between runs"
else
    not_ok "output is byte-identical between runs"
fi

# check NAME CONDITION-STATUS DETAIL...: ok when the preceding test command succeeded.
check() {
    local name=$1 status=$2
    shift 2
    if [ "$status" -eq 0 ]; then ok "$name"; else not_ok "$name" "$@"; fi
}

# --- arm64 ----------------------------------------------------------------------------

for dir in "${ARM64_SAMPLES[@]}"; do
    [ -f "$dir/image.ptd" ] || continue
    run "$dir/image.ptd"
    [ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$dir/expected.txt"
    check "$dir prints the kernel's text" $? "exit $rc; $(diff "$dir/expected.txt" "$TMP/out" | wc -l) diff lines"

    run --check-wx "$dir/image.ptd"
    want=$(grep 'Checked W+X mappings' "$dir/wx.txt")
    got=$(tail -n 1 "$TMP/out")
    [ "$rc" -eq 0 ] && [ "$got" = "$want" ]
    check "--check-wx on $dir gives wx.txt's verdict" $? "exit $rc" "last line: $got" "want:      $want"
done

expect_error "--arch arm64 on an x86_64 image" "$S4/image.ptd" --arch arm64 "$S4/image.ptd"
expect_error "--format arm64 on an x86_64 image" "$S4/image.ptd" --format arm64 "$S4/image.ptd"

run --format kernel "$S4/image.ptd"
cmp -s "$TMP/out" "$S4/expected.txt"
check "--format kernel is the default text" $? "exit $rc"

run --format arm64 "${ARM64_SAMPLES[0]}/image.ptd"
cmp -s "$TMP/out" "${ARM64_SAMPLES[0]}/expected.txt"
check "--format arm64 on an arm64 image is its text" $? "exit $rc"

run --info "$S4/image.ptd"
grep -q '^kernel profile *Linux 6.1  \[VMCOREINFO OSRELEASE=6.1' "$TMP/out"
check "--info names the kernel profile and where the release came from" $? "$(grep 'kernel profile' "$TMP/out")"

run --info --kernel-version 6.7 "$S4/image.ptd"
grep -q "^kernel profile *Linux 6.1  \[flag --kernel-version; kernel 6.7 has no profile of its own; using Linux 6.1's layout\]" "$TMP/out"
check "--kernel-version of a release without a profile takes the nearest older one and says so" $? "$(grep 'kernel profile' "$TMP/out")"

if [ -w /dev/full ]; then
    "$PTDUMP" "$S4/image.ptd" >/dev/full 2>"$TMP/err"; rc=$?
    [ "$rc" -eq 2 ] && grep -q "cannot write the output: No space left on device" "$TMP/err"
    check "a full disk on stdout is exit 2 with one line" $? "exit $rc" "$(cat "$TMP/err")"
    "$PTDUMP" --check-wx "$S4/image.ptd" >/dev/full 2>"$TMP/err"; rc=$?
    [ "$rc" -eq 2 ]
    check "--check-wx to a full disk does not report success" $? "exit $rc"
else
    skip "a full disk on stdout" "no writable /dev/full"
fi

mkfifo "$TMP/fifo"
timeout 10 "$PTDUMP" "$TMP/fifo" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "is a pipe or FIFO" "$TMP/err"
check "a FIFO as the image is refused without blocking" $? "exit $rc" "$(cat "$TMP/err")"
timeout 10 "$PTDUMP" --kernel-config "$TMP/fifo" "$S4/image.ptd" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "FIFO with no writer" "$TMP/err"
check "a FIFO with no writer as --kernel-config is an error, not a hang" $? "exit $rc" "$(cat "$TMP/err")"
"$PTDUMP" --kernel-config <(sleep 5) "$S4/image.ptd" >"$TMP/out" 2>"$TMP/err" & pid=$!
sleep 0.5; kill -BUS $pid 2>/dev/null; wait $pid; rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/err")" -eq 1 ] && grep -q "the file changed" "$TMP/err"
check "SIGBUS (a file truncated under the mapping) is one line and exit 2" $? "exit $rc" "$(cat "$TMP/err")"

run --max-table-refs 1 samples/x86_64-4level-kasan/image.ptd
[ "$rc" -eq 2 ] && grep -q "more than the 1 --max-table-refs allows" "$TMP/err"
check "--max-table-refs stops the walk with exit 2 and names the table" $? "exit $rc" "$(cat "$TMP/err")"

run --max-ranges 5 "$S4/image.ptd"
[ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/out")" -le 8 ] && grep -q "stopped after 5 ranges" "$TMP/err"
check "--max-ranges stops the walk with exit 2 and says why" $? "exit $rc" "$(cat "$TMP/err")"

expect_error "--kernel-version that is no release" "$S4/image.ptd" --kernel-version six "$S4/image.ptd"

# --- kdump-compressed dumps ----------------------------------------------------------
K=samples/kdump/x86_64-4level.c-d31
run --check-wx "$K.kdump"
[ "$rc" -eq 0 ] && [ "$(tail -n 1 "$TMP/out")" = "$(tail -n 1 "$S4/wx.txt")" ]
check "--check-wx on a kdump-compressed dump gives the kernel's verdict" $? "exit $rc" "$(tail -n 1 "$TMP/out")"
run "$K.kdump"; cp "$TMP/out" "$TMP/kdump.txt"
run "$K.split2" "$K.split3" "$K.split1"
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$TMP/kdump.txt"
check "the parts of a split dump, in any order, print as the whole one" $? "exit $rc"
"$PTDUMP" - < "$K.flat" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$TMP/kdump.txt"
check "a flattened dump from standard input prints as the file" $? "exit $rc" "$(head -n 1 "$TMP/err")"
expect_error "a split dump with a part missing" "$K.split1" "$K.split1" "$K.split3"
run --info "$K.kdump"
grep -q "^format *kdump-compressed (makedumpfile header version 6, zlib, dump level 31)" "$TMP/out" \
    && grep -q "excluded; [0-9]* pages read" "$TMP/out"
check "--info names the kdump format, compression, dump level and pages read" $? "$(head -n 2 "$TMP/out")"
run --save "$TMP/from-kdump.ptd" "$K.kdump"
run "$TMP/from-kdump.ptd"
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$TMP/kdump.txt"
check "--save turns a kdump-compressed dump into a compact image that prints the same" $? "exit $rc"
if [ -f ../shared/oracle/x86_64-4level/page_tables_kernel.txt ]; then
    run "${K%.c-d31}.l-d31.kdump"
    cmp -s "$TMP/out" ../shared/oracle/x86_64-4level/page_tables_kernel.txt
    check "an lzo kdump dump of a real kernel prints the kernel's own text with no flags" $? "exit $rc"
fi

# --- riscv64 --------------------------------------------------------------------------

run "$SRV/image.ptd"
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$SRV/expected.txt"
check "$SRV prints the kernel's text" $? "exit $rc; $(diff "$SRV/expected.txt" "$TMP/out" | wc -l) diff lines"

run --check-wx "$SRV/image.ptd"
[ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$(cat "$SRV/wx.txt")" ]
check "--check-wx on $SRV prints only the kernel's verdict" $? "exit $rc" "got: $(tail -n 1 "$TMP/out")"

run --format riscv64 "$SRV/image.ptd"
cmp -s "$TMP/out" "$SRV/expected.txt"
check "--format riscv64 on a riscv64 image is its text" $? "exit $rc"
expect_error "--format riscv64 on an x86_64 image" "$S4/image.ptd" --format riscv64 "$S4/image.ptd"

run --info "$SRV/image.ptd"
grep -q '^vmcoreinfo *89 keys, OSRELEASE=6.1.192  \[ELF note VMCOREINFO\]' "$TMP/out" && grep -q '^levels *3 ' "$TMP/out"
check "--info on $SRV says where VMCOREINFO came from and the mode" $? "$(grep -E '^(vmcoreinfo|levels)' "$TMP/out")"

run --walk 0xffffffff80000000 "$SRV/image.ptd"
[ "$rc" -eq 0 ] && [ "$(tail -n 1 "$TMP/out")" = "  => 0x0000000080200000  2M PMD mapping, read-only, exec, no-user-exec" ]
check "--walk on riscv64 agrees with the text's PA column" $? "exit $rc" "$(tail -n 1 "$TMP/out")"

head -c 65536 /dev/zero >"$TMP/rv-zeros.bin"
run --arch riscv64 --root 0 "$TMP/rv-zeros.bin"
[ "$rc" -eq 2 ] && [[ "$(head -n 1 "$TMP/err")" == *"--levels 3|4|5"* ]]
check "raw riscv64 dump without --levels names it" $? "exit $rc (want 2)" "stderr: $(head -n 1 "$TMP/err")"

# The sample's PT_LOADs at their p_paddr: a flat dump that needs --arch, --root and --levels.
if have readelf; then
    : >"$TMP/rv-raw.bin"
    readelf -lW "$SRV/image.ptd" | awk '$1 == "LOAD" { print $2, $4, $5 }' |
        while read -r off pa size; do
            dd if="$SRV/image.ptd" of="$TMP/rv-raw.bin" bs=4096 skip=$((off / 4096)) seek=$((pa / 4096)) \
                count=$((size / 4096)) conv=notrunc,sparse status=none
        done
    run --arch riscv64 --root 0x80c99000 --levels 3 "$TMP/rv-raw.bin"
    [ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$SRV/expected.txt"
    check "raw riscv64 dump with --arch --root --levels prints the kernel's text" $? \
        "exit $rc; $(diff "$SRV/expected.txt" "$TMP/out" | wc -l) diff lines" "$(head -n 1 "$TMP/err")"
else
    skip "raw riscv64 dump with --arch --root --levels prints the kernel's text" "no readelf"
fi

# --- --walk ---------------------------------------------------------------------------

run --walk 0xffffffff81000000 "$S4/image.ptd"
walk=$(tail -n 1 "$TMP/out")
text=$(grep '^0xffffffff81000000-' "$S4/expected.txt")
[ "$rc" -eq 0 ] && [ "$walk" = "  => 0x0000000001000000  2M pmd mapping, read-only, exec, no-user-exec" ] &&
    [ "${text% x  pmd}" != "$text" ] && [[ "$text" == *" ro "* ]]
check "--walk of a mapped address agrees with the text" $? "exit $rc" "walk: $walk" "text: $text"

run --walk 0xffffffff80000000 "$S4/image.ptd"
walk=$(tail -n 1 "$TMP/out")
text=$(grep '^0xffffffff80000000-' "$S4/expected.txt")
[ "$rc" -eq 0 ] && [ "$walk" = "  => not mapped: the pmd entry is empty" ] &&
    [ "$(echo "$text" | awk '{print NF}')" -eq 3 ]
check "--walk of an unmapped address agrees with the text" $? "exit $rc" "walk: $walk" "text: $text"

expect_error "--walk of a non-canonical address" "$S4/image.ptd" --walk 0x0000900000000000 "$S4/image.ptd"
grep -q 'not a canonical' "$TMP/err"
check "--walk non-canonical error says so" $? "stderr: $(head -n 1 "$TMP/err")"

# --- --range, --phys ------------------------------------------------------------------

run --range 0xffffffff81000000-0xffffffff81bfffff "$S4/image.ptd"
n=$(grep -c '^0x' "$TMP/out")
extra=$(grep '^0x' "$TMP/out" | grep -vxF -f "$S4/expected.txt" | wc -l)
[ "$rc" -eq 0 ] && [ "$n" -gt 0 ] && [ "$extra" -eq 0 ] && grep -m 1 '^0x' "$TMP/out" | grep -q '^0xffffffff81000000-'
check "--range prints the text's lines for the window" $? "exit $rc, $n lines, $extra not in expected.txt"

expect_error "--range with the end before the start" "$S4/image.ptd" --range 0x2000-0x1000 "$S4/image.ptd"

run --phys --range 0xffffffff81000000-0xffffffff813fffff "$S4/image.ptd"
line=$(grep '^0x' "$TMP/out" | head -n 1)
[ "$rc" -eq 0 ] && [ "${line% pmd 0x0000000001000000}" != "$line" ]
check "--phys appends the physical start" $? "exit $rc" "line: $line"

# --- --format json --------------------------------------------------------------------

run --format json "$S4/image.ptd"
rc_json=$rc
cp "$TMP/out" "$TMP/json"
ranges=$(grep -c '^{"start":' "$TMP/json")
text_ranges=$(grep -c '^0x' "$S4/expected.txt")
summary_ranges=$(tail -n 1 "$TMP/json" | grep -o '"ranges":[0-9]*' | cut -d: -f2)
[ "$rc_json" -eq 0 ] && [ "$ranges" -eq "$text_ranges" ] && [ "${summary_ranges:-0}" -eq "$ranges" ]
check "--format json: one object per text range, then the summary" $? \
    "exit $rc_json, $ranges range objects, $text_ranges text lines, summary says ${summary_ranges:-none}"
if have python3; then
    python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$TMP/json" 2>"$TMP/pyerr"
    check "--format json: every line parses" $? "$(tail -n 1 "$TMP/pyerr")"
else
    skip "--format json: every line parses" "no python3"
fi

run --check-wx --format json "$SRO/image.ptd"
last=$(tail -n 1 "$TMP/out")
wx=$(grep -c '^{"wx":' "$TMP/out")
[ "$rc" -eq 1 ] && [ "$wx" -eq 5 ] && [[ "$last" == '{"verdict":{"passed":false,"wx_pages":2945,'* ]]
check "--check-wx --format json fails on $SRO" $? "exit $rc (want 1), $wx wx objects (want 5)" "last line: $last"

# --- raw physical dumps ---------------------------------------------------------------

head -c 65536 /dev/zero >"$TMP/zeros.bin"
run --arch x86_64 "$TMP/zeros.bin"
err=$(head -n 1 "$TMP/err")
[ "$rc" -eq 2 ] && [[ "$err" == *"--root PA"* ]] && [[ "$err" == *"--levels 4|5"* ]]
check "raw x86_64 dump without --root/--levels names them" $? "exit $rc (want 2)" "stderr: $err"

run --arch arm64 --root 0 "$TMP/zeros.bin"
err=$(head -n 1 "$TMP/err")
[ "$rc" -eq 2 ] && [[ "$err" == *"--page-size"* ]] && [[ "$err" == *"--va-bits"* ]]
check "raw arm64 dump without --page-size/--va-bits names them" $? "exit $rc (want 2)" "stderr: $err"

expect_error "raw dump without any flags" "$TMP/zeros.bin" "$TMP/zeros.bin"
grep -q -- '--arch' "$TMP/err"
check "raw dump without flags asks for --arch" $? "stderr: $(head -n 1 "$TMP/err")"

# A flat dump rebuilt from the sample's PT_LOAD segments, placed at their p_paddr. Nothing
# in it says the kernel configuration, so the sample's (no LDT, ESPfix, EFI, KASLR; 131
# fixmap slots) is given as a .config.
if have readelf; then
    : >"$TMP/raw.bin"
    readelf -lW "$S4/image.ptd" | awk '$1 == "LOAD" { print $2, $4, $5 }' |
        while read -r off pa size; do
            dd if="$S4/image.ptd" of="$TMP/raw.bin" bs=4096 skip=$((off / 4096)) seek=$((pa / 4096)) \
                count=$((size / 4096)) conv=notrunc,sparse status=none
        done
    printf 'CONFIG_X86_LOCAL_APIC=y\nCONFIG_X86_IO_APIC=y\n' >"$TMP/raw.config"
    run --kernel-config "$TMP/raw.config" --arch x86_64 --root 0x181d000 --levels 4 "$TMP/raw.bin"
    [ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$S4/expected.txt"
    check "raw dump with --arch --root --levels prints the kernel's text" $? \
        "exit $rc; $(diff "$S4/expected.txt" "$TMP/out" | wc -l) diff lines" "$(head -n 1 "$TMP/err")"

    # The same memory from physical 0x100000 on, with --base.
    dd if="$TMP/raw.bin" of="$TMP/raw-1m.bin" bs=4096 skip=256 conv=sparse status=none
    run --kernel-config "$TMP/raw.config" --arch x86_64 --root 0x181d000 --levels 4 --base 0x100000 "$TMP/raw-1m.bin"
    [ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$S4/expected.txt"
    check "raw dump with --base" $? "exit $rc; $(head -n 1 "$TMP/err")"

    # The configuration through a pipe, as <(zcat config.gz) gives it.
    run --kernel-config <(cat "$TMP/raw.config") --arch x86_64 --root 0x181d000 --levels 4 "$TMP/raw.bin"
    [ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$S4/expected.txt"
    check "--kernel-config can be a pipe" $? "exit $rc; $(head -n 1 "$TMP/err")"
else
    skip "raw dump with --arch --root --levels prints the kernel's text" "no readelf"
    skip "raw dump with --base" "no readelf"
fi

# --- ELF executables and objects: --root-symbol ---------------------------------------

# An x86_64 object with a page table in .data (no program headers: sections by address).
if have cc && [[ "$(cc -dumpmachine 2>/dev/null)" == x86_64* ]]; then
    cat >"$TMP/pgt.c" <<'C'
unsigned long level3_kernel_pgt[512] __attribute__((aligned(4096))) = { 1 };
unsigned long level2_kernel_pgt[512] __attribute__((aligned(4096))) = { 0 };
C
    if cc -c -o "$TMP/pgt.o" "$TMP/pgt.c" 2>"$TMP/ccerr"; then
        expect_error "--root-symbol of a missing symbol" "$TMP/pgt.o" \
            --root-symbol level3_kernel_pg --arch x86_64 --levels 4 "$TMP/pgt.o"
        grep -q 'close names: .*level3_kernel_pgt' "$TMP/err"
        check "--root-symbol lists close names" $? "stderr: $(head -n 1 "$TMP/err")"

        run --root-symbol level3_kernel_pgt --root-level pud --va-base 0xffffff8000000000 "$TMP/pgt.o"
        first=$(grep -m 1 '^0x' "$TMP/out")
        [ "$rc" -eq 0 ] && [[ "$first" == "0xffffff8000000000-0xffffff8000001000 "*" pte" ]]
        check "--root-symbol with --root-level pud walks the object's table" $? "exit $rc" "first: $first" \
            "$(head -n 1 "$TMP/err")"
    else
        not_ok "cc builds the --root-symbol object" "$(head -n 1 "$TMP/ccerr")"
    fi
else
    skip "--root-symbol of a missing symbol" "no cc targeting x86_64"
    skip "--root-symbol with --root-level pud walks the object's table" "no cc targeting x86_64"
fi

# --- unusable input: exit 2, one line "ptdump: FILE: ..." ---------------------------

expect_error "missing file" "$TMP/no-such-file" "$TMP/no-such-file"

: >"$TMP/empty"
expect_error "empty file" "$TMP/empty" "$TMP/empty"

mkdir "$TMP/dir"
expect_error "directory" "$TMP/dir" "$TMP/dir"

printf '%0100d' 0 | tr 0 x >"$TMP/text"
expect_error "non-ELF file" "$TMP/text" "$TMP/text"

head -c 40 "$S4/image.ptd" >"$TMP/short.ptd"
expect_error "truncated ELF header" "$TMP/short.ptd" "$TMP/short.ptd"

size=$(wc -c <"$S4/image.ptd")
head -c $((size / 2)) "$S4/image.ptd" >"$TMP/half.ptd"
expect_error "PT_LOAD beyond end of file" "$TMP/half.ptd" "$TMP/half.ptd"

expect_error "--root outside memory" "$S4/image.ptd" --root 0x7fff0000000 "$S4/image.ptd"

# --- kernel symbols (kallsyms decoded from the dump) ---------------------------------------

# Every decoded symbol is a line of the kernel's own System.map (address, type, name).
for pair in "samples/kdump/x86_64-4level.c-d31.kdump:$S4/System.map" \
            "samples/kdump/arm64-4k-48.z-d31.kdump:samples/arm64-4k-48/System.map" \
            "samples/x86_64-4level-6.12/image.ptd:samples/x86_64-4level-6.12/System.map"; do
    dump=${pair%%:*} map=${pair#*:}
    run --list-symbols "$dump"
    n=$(wc -l <"$TMP/out")
    extra=$(sort "$TMP/out" | comm -23 - <(sort "$map") | wc -l)
    if [ "$rc" -eq 0 ] && [ "$n" -gt 10000 ] && [ "$extra" -eq 0 ]; then
        ok "--list-symbols decodes $dump like its System.map ($n symbols)"
    else
        not_ok "--list-symbols decodes $dump like its System.map" "exit $rc, $n symbols, $extra not in System.map" "$(head -n 1 "$TMP/err")"
    fi
done

# --symbols adds a trailing column to mapped ranges only; without it the text is the kernel's.
# (At an address with several names the first in kallsyms order wins, as in the kernel's %pS.)
run --symbols samples/kdump/x86_64-4level.c-d31.kdump
if [ "$rc" -eq 0 ] && grep -qx '0xffffffff81000000-0xffffffff81400000           4M     ro         PSE     GLB x  pmd  startup_64+0x0' "$TMP/out" &&
    [ "$(sed -E 's/  [A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+$//' "$TMP/out" | md5sum)" = "$(md5sum <"$S4/expected.txt")" ]; then
    ok "--symbols names each mapped range's start and changes nothing else"
else
    not_ok "--symbols names each mapped range's start" "exit $rc" "$(grep -m1 ffffffff81000000 "$TMP/out")"
fi
run --symbols --format json samples/kdump/x86_64-4level.c-d31.kdump
if [ "$rc" -eq 0 ] && grep -q '"start":"0xffffffff81000000".*"symbol":"startup_64+0x0"}$' "$TMP/out"; then
    ok "--symbols --format json adds a symbol key"
else
    not_ok "--symbols --format json adds a symbol key" "exit $rc"
fi

# --walk names the region and the symbol.
run --walk 0xffffffff81001234 samples/kdump/x86_64-4level.c-d31.kdump
if [ "$rc" -eq 0 ] && grep -qx '  region: High Kernel Mapping' "$TMP/out" && grep -qE '^  symbol: [a-z_0-9]+\+0x[0-9a-f]+$' "$TMP/out"; then
    ok "--walk names the region and the symbol"
else
    not_ok "--walk names the region and the symbol" "exit $rc" "$(tail -n 2 "$TMP/out")"
fi

# --check-wx names the symbol at each W+X range's start (kallsyms from the 6.1 dump).
run --check-wx --system-map "$S4/System.map" "$SRO/image.ptd"
if [ "$rc" -eq 1 ] && grep -q 'at address 0xffffffff81000000-0xffffffff81800000 (2048 pages) (_stext+0x0)$' "$TMP/out"; then
    ok "--check-wx names each W+X range's start symbol"
else
    not_ok "--check-wx names each W+X range's start symbol" "exit $rc" "$(head -n 1 "$TMP/out")"
fi

# A dump without kallsyms: one line naming the flags that would help.
expect_error "--list-symbols without kallsyms in the dump" "$SRV/image.ptd" --list-symbols "$SRV/image.ptd"
grep -q 'pass --system-map FILE or --vmlinux FILE$' "$TMP/err" && ok "… and it names --system-map and --vmlinux" ||
    not_ok "… and it names --system-map and --vmlinux" "$(cat "$TMP/err")"
expect_error "--symbols without kallsyms in the dump" "$S4/image.ptd" --symbols "$S4/image.ptd"
run --list-symbols --system-map "$S4/System.map" "$S4/image.ptd"
[ "$rc" -eq 0 ] && [ "$(wc -l <"$TMP/out")" -eq "$(wc -l <"$S4/System.map")" ] && ok "--list-symbols with --system-map lists the map" ||
    not_ok "--list-symbols with --system-map lists the map" "exit $rc"
expect_error "--vmlinux that is no ELF file" "$S4/image.ptd" --vmlinux "$S4/System.map" --list-symbols "$S4/image.ptd"
expect_error "--vmlinux that does not exist" "$S4/image.ptd" --vmlinux "$TMP/none" --list-symbols "$S4/image.ptd"
run --symbols --info "$S4/image.ptd"
[ "$rc" -eq 2 ] && grep -q -- '--symbols applies' "$TMP/err" && ok "--symbols with --info is a usage error" ||
    not_ok "--symbols with --info is a usage error" "exit $rc"
run --info samples/kdump/x86_64-4level.c-d31.kdump
grep -qE '^kernel symbols +12272  \[VMCOREINFO SYMBOL\(kallsyms_names\)' "$TMP/out" && ok "--info says where the symbols came from" ||
    not_ok "--info says where the symbols came from" "$(grep symbols "$TMP/out")"

# --- usage errors ---------------------------------------------------------------------

run --no-such-flag "$S4/image.ptd"
lines=$(wc -l <"$TMP/err")
if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$TMP/out" ]; then
    ok "unknown flag"
else
    not_ok "unknown flag" "exit $rc (want 2), $lines stderr lines (want 1)"
fi

# --- documentation --------------------------------------------------------------------

# Every --long-flag in --help must be documented in man/ptdump.1 (roff writes "-" as "\-").
"$PTDUMP" --help >"$TMP/help" 2>&1
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' man/ptdump.1 >"$TMP/man"
missing=""
for flag in $(grep -oE -- '--[a-z][a-z0-9-]*' "$TMP/help" | sort -u); do
    grep -qF -- "$flag" "$TMP/man" || missing="$missing $flag"
done
if [ -s "$TMP/help" ] && [ -z "$missing" ]; then
    ok "every flag in --help is in man/ptdump.1"
else
    not_ok "every flag in --help is in man/ptdump.1" "missing:$missing"
fi

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
