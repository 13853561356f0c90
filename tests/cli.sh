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

# QEMU's own kdump files in all three compressions (zlib, lzo, snappy: the last two from a QEMU
# built with them, tools/capture/build-qemu.sh) of one paused moment: every output is the one the
# compact image saved from the same moment's ELF dump gives.
for pair in "samples/x86_64-4level-qemu-kdump:0xffffffff81001234" "samples/arm64-4k-48-qemu-kdump:0xffff800008011234"; do
    Q=${pair%%:*} VA=${pair#*:}
    for mode in text --check-wx "--format json" "--walk $VA" "--check-tables"; do
        # shellcheck disable=SC2086
        [ "$mode" = text ] && args=() || args=($mode)
        run "${args[@]}" "$Q/image.ptd"; cp "$TMP/out" "$TMP/qemu-elf.out"; erc=$rc
        for fmt in zlib lzo snappy; do
            run "${args[@]}" "$Q/vmcore.qemu-$fmt.kdump"
            [ "$rc" -eq "$erc" ] && [ -s "$TMP/out" ] && cmp -s "$TMP/out" "$TMP/qemu-elf.out"
            check "$(basename "$Q") kdump-$fmt: $mode prints what the ELF dump's image prints" $? "exit $rc (image: $erc)" "$(diff "$TMP/qemu-elf.out" "$TMP/out" | head -n 3)"
        done
    done
    run "$Q/vmcore.qemu-snappy.kdump"
    cmp -s "$TMP/out" "$Q/expected.txt"
    check "$(basename "$Q") kdump-snappy: text is the kernel's own, byte for byte" $? "exit $rc"
done

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

# The real Sv48 and Sv57 captures: no flags, mode and root found by trial.
for SRM in samples/riscv64-sv48 samples/riscv64-sv57; do
    run "$SRM/image.ptd"
    [ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$SRM/expected.txt"
    check "$SRM prints the kernel's text" $? "exit $rc; $(diff "$SRM/expected.txt" "$TMP/out" | wc -l) diff lines"
    run --check-wx "$SRM/image.ptd"
    [ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$(cat "$SRM/wx.txt")" ]
    check "--check-wx on $SRM prints only the kernel's verdict" $? "exit $rc" "got: $(tail -n 1 "$TMP/out")"
done

# --- s390x ----------------------------------------------------------------------------

SZ=samples/s390x-region3
run "$SZ/image.ptd"
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$SZ/expected.txt"
check "$SZ prints the kernel's text" $? "exit $rc; $(diff "$SZ/expected.txt" "$TMP/out" | wc -l) diff lines"

run --check-wx "$SZ/image.ptd"
[ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$(cat "$SZ/wx.txt")" ]
check "--check-wx on $SZ prints only the kernel's verdict" $? "exit $rc" "got: $(tail -n 1 "$TMP/out")"

run --format s390x "$SZ/image.ptd"
cmp -s "$TMP/out" "$SZ/expected.txt"
check "--format s390x on an s390x image is its text" $? "exit $rc"
expect_error "--format s390x on an x86_64 image" "$S4/image.ptd" --format s390x "$S4/image.ptd"

run --info "$SZ/image.ptd"
grep -q '^arch *s390x ' "$TMP/out" && grep -q '^levels *3 ' "$TMP/out" && grep -q '^marker .*Kernel Image End' "$TMP/out"
check "--info on $SZ names the architecture, the ASCE's levels and the kernel's markers" $? "$(grep -E '^(arch|levels)' "$TMP/out")"

# With a .config the saved kernel markers are not used: the decompressor's formulas must
# give the same text from the facts the dump gave.
run --kernel-config "$SZ/config.txt" "$SZ/image.ptd"
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$SZ/expected.txt"
check "$SZ with --kernel-config: the layout formulas print the kernel's text" $? "exit $rc; $(diff "$SZ/expected.txt" "$TMP/out" | wc -l) diff lines"

# The region-second capture (vmalloc=8T): four levels from CR13, the same no-flag text, and
# the formulas give it too once vmalloc= is read from the saved command line.
SZ2=samples/s390x-region2
run "$SZ2/image.ptd"
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$SZ2/expected.txt"
check "$SZ2 (region-second ASCE) prints the kernel's text" $? "exit $rc; $(diff "$SZ2/expected.txt" "$TMP/out" | wc -l) diff lines"
run --check-wx "$SZ2/image.ptd"
[ "$rc" -eq 0 ] && [ "$(cat "$TMP/out")" = "$(cat "$SZ2/wx.txt")" ]
check "--check-wx on $SZ2 prints only the kernel's verdict" $? "exit $rc" "got: $(tail -n 1 "$TMP/out")"
run --info "$SZ2/image.ptd"
grep -q '^levels *4 ' "$TMP/out" && grep -q '^va bits *53 ' "$TMP/out" && grep -q '^vmalloc_size *0x80000000000 ' "$TMP/out"
check "--info on $SZ2: 4 levels, 53 bits, the 8 TiB vmalloc= of its command line" $? "$(grep -E '^(levels|va bits|vmalloc_size)' "$TMP/out")"
run --kernel-config "$SZ2/config.txt" "$SZ2/image.ptd"
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$SZ2/expected.txt"
check "$SZ2 with --kernel-config: the layout formulas print the kernel's text" $? "exit $rc; $(diff "$SZ2/expected.txt" "$TMP/out" | wc -l) diff lines"

run --walk 0x100000 "$SZ/image.ptd"
[ "$rc" -eq 0 ] && [[ "$(tail -n 1 "$TMP/out")" == *"read-only, exec"* ]]
check "--walk on s390x finds the kernel image read-only and executable" $? "exit $rc" "$(tail -n 1 "$TMP/out")"

run --format json "$SZ/image.ptd"
[ "$rc" -eq 0 ] && [ "$(grep -c '"start"' "$TMP/out")" -eq "$(grep -c '^0x' "$SZ/expected.txt")" ]
check "--format json on s390x has one object per range of the text" $? "exit $rc"

# The sample's PT_LOADs at their p_paddr: a flat dump that needs only --arch and --root.
if have readelf; then
    : >"$TMP/s390-raw.bin"
    readelf -lW "$SZ/image.ptd" | awk '$1 == "LOAD" { print $2, $4, $5 }' |
        while read -r off pa size; do
            dd if="$SZ/image.ptd" of="$TMP/s390-raw.bin" bs=4096 skip=$((off / 4096)) seek=$((pa / 4096)) \
                count=$((size / 4096)) conv=notrunc,sparse status=none
        done
    root=$(grep -a -o 'root=0x[0-9a-f]*' "$SZ/image.ptd" | head -n 1 | cut -d= -f2)
    run --arch s390x --root "$root" --check-wx "$TMP/s390-raw.bin"
    [ "$rc" -eq 0 ] && [[ "$(tail -n 1 "$TMP/out")" == "Checked W+X mappings: passed"* ]]
    check "raw s390x dump with only --arch --root walks from the root's own table type" $? \
        "exit $rc" "$(head -n 1 "$TMP/err")" "$(tail -n 1 "$TMP/out")"
else
    skip "raw s390x dump with only --arch --root walks from the root's own table type" "no readelf"
fi
head -c 65536 /dev/zero >"$TMP/s390-zeros.bin"
run --arch s390x --root 0 "$TMP/s390-zeros.bin"
[ "$rc" -eq 2 ] && [[ "$(head -n 1 "$TMP/err")" == *"all zeros"* ]]
check "raw s390x dump whose root is zeros is refused" $? "exit $rc (want 2)" "stderr: $(head -n 1 "$TMP/err")"
expect_error "s390x --levels 6" "$TMP/s390-zeros.bin" --arch s390x --root 0 --levels 6 "$TMP/s390-zeros.bin"

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

# --- firmware, EL2 and EL3 tables (arm64): halves, regimes, MAIR, generic format ---------

FW=samples/firmware/ttbr0-el1.elf
FW2=samples/firmware/el2.elf
run "$FW"
first=$(head -n 1 "$TMP/out")
[ "$rc" -eq 0 ] && [ "$first" = "0x0000000000000000-0x0000000040000000 0x0000000000000000         1G L1 RW PXN UXN Device-nGnRnE AF" ] &&
    grep -qx '0x0000000040006000-0x0000000040007000 0x0000000040006000         4K L3 RW X UXN Normal-WB ISH AF' "$TMP/out" &&
    ! grep -q -- '---\[' "$TMP/out"
check "a TTBR0 firmware ELF prints its low-half identity map in the generic format" $? "exit $rc" "first: $first"

run --format generic --ttbr0 --va-base 0 "$FW"
[ "$rc" -eq 0 ] && [ "$(grep -c '^0x' "$TMP/out")" -eq 7 ]
check "--ttbr0 --va-base 0 is honoured" $? "exit $rc"
expect_error "--va-base outside the TTBR0 half" "$FW" --va-base 0xffffff8000000000 "$FW"
expect_error "--ttbr1 at EL2 (one VA range)" "$FW2" --ttbr1 "$FW2"
expect_error "--regime of no regime" "$FW" --regime el4 "$FW"
expect_error "--mair with a reserved encoding" "$FW" --mair 0x0e "$FW"
expect_error "--format kernel on firmware tables" "$FW" --format kernel "$FW"
expect_error "a root outside every loaded segment" "$FW" --root 0x80000000 --ttbr0 "$FW"

run --mair 0x44ff0408 "$FW"
[ "$rc" -eq 0 ] && head -n 1 "$TMP/out" | grep -q ' Device-nGRE AF$'
check "--mair names AttrIndx by the value given" $? "exit $rc"

run --check-wx "$FW"
last=$(tail -n 1 "$TMP/out")
[ "$rc" -eq 1 ] && [ "$last" = "arm64 EL1&0: Checked W+X mappings: FAILED, 1 W+X page(s) found" ]
check "--check-wx finds the firmware's one W+X page" $? "exit $rc (want 1)" "last: $last"

run --check-wx "$FW2"
[ "$rc" -eq 1 ] && grep -q '0x40006000-0x40007000 (1 pages)' "$TMP/out" && grep -q 'FAILED, 1 W+X page(s)' "$TMP/out"
check "--check-wx at EL2: bit 53 is not execute-never" $? "exit $rc (want 1)" "$(tail -n 1 "$TMP/out")"

run --check-wx --range 0x40000000-0x40005fff "$FW2"
[ "$rc" -eq 0 ] && grep -q 'passed, no W+X pages found' "$TMP/out"
check "--check-wx --range without the W+X page passes" $? "exit $rc (want 0)"

run --format json "$FW"
[ "$rc" -eq 0 ] && [ "$(wc -l <"$TMP/out")" -eq 8 ] && grep -q '"level":"L3","attributes":\["RW","X","UXN","Normal-WB","ISH","AF"\]' "$TMP/out" &&
    tail -n 1 "$TMP/out" | grep -q '^{"summary":{"arch":"arm64","translation":"arm64 EL1&0 stage 1'
check "--format json on firmware carries the generic fields" $? "exit $rc"

run --save "$TMP/fw.ptd" "$FW"
run "$TMP/fw.ptd"
"$PTDUMP" "$FW" >"$TMP/fw.txt" 2>/dev/null
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$TMP/fw.txt"
check "--save keeps the regime: the compact image prints the same" $? "exit $rc"

run --format generic "${ARM64_SAMPLES[0]}/image.ptd"
[ "$rc" -eq 0 ] && grep -q ' Normal-WB ISH AF' "$TMP/out" && ! grep -q -- '---\[' "$TMP/out"
check "--format generic prints a Linux dump with Linux's MAIR" $? "exit $rc"

FS2=samples/firmware/stage2.elf
head -c 8192 /dev/zero >"$TMP/empty-raw"
run "$FS2"
[ "$rc" -eq 0 ] && [ "$(head -n 1 "$TMP/out")" = "---[ Guest IPA ]---" ] &&
    grep -qx '0x0000008000000000-0x0000008040000000           1G 1   R W PXNUXN AF BLK' "$TMP/out" &&
    [ "$(tail -n 1 "$TMP/out")" = "0x0000008080000000-0x0000010000000000         510G 1" ]
check "--stage2 prints KVM's layout through two concatenated L1 tables" $? "exit $rc" "$(head -n 3 "$TMP/out")"

run --check-wx "$FS2"
[ "$rc" -eq 1 ] && [ "$(tail -n 1 "$TMP/out")" = "arm64 stage 2: Checked W+X mappings: FAILED, 1 W+X page(s) found" ]
check "--check-wx on stage 2 finds the guest's W+X page" $? "exit $rc (want 1)"

run --stage2 --ipa-bits 40 --format generic "$FS2"
[ "$rc" -eq 0 ] && grep -qx '0x0000000040004000-0x0000000040005000 0x0000000880004000         4K 3 RW X Normal-WB ISH AF' "$TMP/out"
check "--stage2 --ipa-bits --format generic names output addresses and MemAttr" $? "exit $rc"
expect_error "--stage2 with --regime" "$FS2" --stage2 --regime el2 "$FS2"
expect_error "--stage2 with a misaligned root" "$FS2" --stage2 --root 0x40007000 "$FS2"
expect_error "a raw --stage2 dump without --ipa-bits" "$TMP/empty-raw" --arch arm64 --stage2 --root 0 "$TMP/empty-raw"

FEPT=samples/firmware/ept.elf
run "$FEPT"
[ "$rc" -eq 0 ] && grep -qx '0x0000000000012000-0x0000000000013000 0x0000000100012000         4K PT RWX WB A D' "$TMP/out" &&
    grep -qx '0x00000000c0000000-0x0000000100000000 0x0000000fc0000000         1G PDPT RW- UC IPAT' "$TMP/out"
check "an EPT image built by gcc prints types, permissions and host addresses" $? "exit $rc"

run --check-wx "$FEPT"
[ "$rc" -eq 1 ] && [ "$(tail -n 1 "$TMP/out")" = "x86 EPT: Checked W+X mappings: FAILED, 2 W+X page(s) found" ]
check "--check-wx on EPT counts supervisor and user execute" $? "exit $rc (want 1)"
expect_error "--levels 3 for EPT" "$FEPT" --stage2 --levels 3 "$FEPT"
expect_error "--regime on an x86_64 image" "$FEPT" --regime el2 "$FEPT"

if have python3; then
    # A 4-level EPT with one PT entry of the reserved memory type 7: reported, exit 2.
    python3 - "$TMP/ept-bad.bin" <<'PY'
import struct, sys
t = bytearray(4 * 4096)
base = 0x100000
struct.pack_into("<Q", t, 0, base + 0x1000 + 7)            # PML4[0] -> PDPT
struct.pack_into("<Q", t, 0x1000, base + 0x2000 + 7)       # PDPT[0] -> PD
struct.pack_into("<Q", t, 0x2000, base + 0x3000 + 7)       # PD[0] -> PT
struct.pack_into("<Q", t, 0x3000 + 8, 0x201000 | 3 | 7 << 3)   # PT[1]: RW, type 7
open(sys.argv[1], "wb").write(t)
PY
    run --arch x86_64 --stage2 --levels 4 --root 0x100000 --base 0x100000 "$TMP/ept-bad.bin"
    [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
        grep -qx "ptdump: $TMP/ept-bad.bin: 0x0000000000001000-0x0000000000002000: EPT PT entry has the reserved memory type 7 in bits 5:3" "$TMP/err" &&
        grep -q 'MISCONFIGURED$' "$TMP/out"
    check "an EPT entry with reserved bits is a problem on its range, exit 2" $? "exit $rc" "$(head -n 1 "$TMP/err")"
else
    skip "an EPT entry with reserved bits is a problem on its range, exit 2" "no python3"
fi

FPAE=samples/firmware/pae.elf
run "$FPAE"
[ "$rc" -eq 0 ] && grep -qx '0x0000000000600000-0x0000000000800000 0x0000000000600000         2M PD RW NX USER WT A D' "$TMP/out"
check "a 32-bit PAE boot loader (i386 ELF) prints inherited permissions and PAT types" $? "exit $rc" "$(head -n 1 "$TMP/err")"
run --pat 0x0007010600070106 "$FPAE"
[ "$rc" -eq 0 ] && grep -q '2M PD RW NX USER WC A D$' "$TMP/out"
check "--pat names the PAT indices" $? "exit $rc"
run --check-wx "$FPAE"
[ "$rc" -eq 1 ] && [ "$(tail -n 1 "$TMP/out")" = "x86 PAE: Checked W+X mappings: FAILED, 1 W+X page(s) found" ]
check "--check-wx on PAE tables" $? "exit $rc (want 1)"
expect_error "--pat with a reserved type" "$FPAE" --pat 0x3 "$FPAE"
expect_error "--pat on a Linux dump" "$S4/image.ptd" --pat 0x0007040600070406 "$S4/image.ptd"

FLEG=samples/firmware/legacy.elf
run "$FLEG"
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" samples/firmware/legacy.txt
check "a 32-bit legacy-paging boot loader (i386 ELF, 4-byte entries) prints its golden text" $? "exit $rc" "$(head -n 1 "$TMP/err")"
run --levels 2 "$FLEG"
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" samples/firmware/legacy.txt
check "--levels 2 selects legacy paging explicitly (root from the legacy_pd symbol)" $? "exit $rc" "$(head -n 1 "$TMP/err")"
run --check-wx "$FLEG"
[ "$rc" -eq 1 ] && [ "$(tail -n 1 "$TMP/out")" = "x86 32-bit: Checked W+X mappings: FAILED, 1 W+X page(s) found (32-bit paging has no NX bit: every writable page is executable)" ]
check "--check-wx on legacy tables: every writable page is W+X" $? "exit $rc (want 1)"
run --walk 0xfe123456 "$FLEG"
[ "$rc" -eq 0 ] && grep -q '^  => 0x00000001fe123456  4M PD mapping, read-only, exec' "$TMP/out"
check "--walk through a PSE-36 4M page" $? "exit $rc" "$(tail -n 1 "$TMP/out")"
run --format json "$FLEG"
[ "$rc" -eq 0 ] && grep -q '"phys":"0x00000001fe000000"' "$TMP/out" && tail -n 1 "$TMP/out" | grep -q '"levels":2,'
check "--format json on legacy tables" $? "exit $rc"
run --save "$TMP/legacy.ptd" "$FLEG" && run "$TMP/legacy.ptd"
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" samples/firmware/legacy.txt
check "--save of legacy tables walks the same" $? "exit $rc" "$(head -n 1 "$TMP/err")"
run --check-tables "$FLEG"
[ "$rc" -eq 0 ] && [ "$(tail -n 1 "$TMP/out")" = "Checked 2 page tables, 2048 entries: passed, no findings." ]
check "--check-tables on legacy tables: 2 tables of 1024 entries" $? "exit $rc" "$(tail -n 1 "$TMP/out")"
expect_error "--levels 2 with a root above 4 GiB" "$FLEG" --levels 2 --root 0x100000000 "$FLEG"
expect_error "--levels 2 with a page size other than 4K" "$FLEG" --levels 2 --page-size 16K "$FLEG"

FHIER=samples/firmware/hierarchical.elf
run "$FHIER"
[ "$rc" -eq 0 ] && cmp -s "$TMP/out" samples/firmware/hierarchical.txt
check "arm64 table descriptors' APTable/PXNTable/UXNTable restrict their leaves (golden text)" $? "exit $rc" "$(head -n 1 "$TMP/err")"
run --check-wx "$FHIER"
[ "$rc" -eq 1 ] && [ "$(tail -n 1 "$TMP/out")" = "arm64 EL1&0: Checked W+X mappings: FAILED, 1 W+X page(s) found" ]
check "--check-wx applies hierarchical permissions: RW+X leaves under XNTable/APTable are not W+X" $? "exit $rc (want 1)" "$(tail -n 1 "$TMP/out")"
run --walk 0x80000000 "$FHIER"
[ "$rc" -eq 0 ] && grep -q '^  restricted by: PXNTable UXNTable (L1 table 0x40005000 index 2)$' "$TMP/out"
check "--walk names the table entry that restricts a leaf" $? "exit $rc"

run --check-wx --allow-wx trampoline "$FW"
[ "$rc" -eq 0 ] && grep -q '^arm64 EL1&0: Allowed W+X mapping at address 0x40006000-0x40007000 (1 pages) (--allow-wx trampoline)$' "$TMP/out"
check "--allow-wx SYMBOL allows the firmware's W+X page: exit 0" $? "exit $rc (want 0)" "$(head -n 1 "$TMP/out")"
run --check-wx --allow-wx 0x12000-0x12fff "$FEPT"
[ "$rc" -eq 1 ] && grep -q 'Allowed W+X mapping at address 0x12000-0x13000' "$TMP/out" && grep -q 'FAILED, 1 W+X page(s) found' "$TMP/out"
check "--allow-wx RANGE allows one finding, the other still fails" $? "exit $rc (want 1)"
run --check-wx --format json --allow-wx 0x12000-0x13fff "$FEPT"
[ "$rc" -eq 0 ] && tail -n 1 "$TMP/out" | grep -q '^{"verdict":{"passed":true,"wx_pages":0,"allowed_pages":2,'
check "--check-wx --format json --allow-wx: the verdict object" $? "exit $rc (want 0)" "$(tail -n 1 "$TMP/out")"
expect_error "--allow-wx of an unknown symbol" "$FEPT" --check-wx --allow-wx nosuch "$FEPT"

run samples/x86_64-4level-user/image.ptd
[ "$rc" -eq 0 ] && [ "$(head -n 1 "$TMP/out")" = "---[ User Space ]---" ] && grep -q ' USR ro .* x  pte$' "$TMP/out" &&
    ! grep -q 'Kernel' "$TMP/out"
check "a --user image prints a process's user half in the kernel text" $? "exit $rc"
run --check-wx samples/x86_64-4level-user/image.ptd
[ "$rc" -eq 0 ] && [ "$(tail -n 1 "$TMP/out")" = "x86/mm: Checked W+X mappings: passed, no W+X pages found." ]
check "--check-wx of a process's user half" $? "exit $rc"
expect_error "--user on arm64 without --root" "${ARM64_SAMPLES[0]}/image.ptd" --user "${ARM64_SAMPLES[0]}/image.ptd"

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

# --- check-tables -----------------------------------------------------------------------

for img in "$S4/image.ptd" "${ARM64_SAMPLES[0]}/image.ptd" "$SRV/image.ptd"; do
    run --check-tables "$img"
    if [ "$rc" -eq 0 ] && grep -q 'passed, no findings' "$TMP/out" && [ ! -s "$TMP/err" ]; then
        ok "--check-tables passes on $img"
    else
        not_ok "--check-tables passes on $img" "exit $rc (want 0)" "$(head -n 2 "$TMP/out")"
    fi
done

# One table page corrupted: a second pmd entry pointing at the pte table of 0xffff888001400000.
if have python3; then
    cp "$S4/image.ptd" "$TMP/shared.ptd"
    python3 - "$TMP/shared.ptd" <<'PY'
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, 'rb').read())
phoff, = struct.unpack_from('<Q', data, 32)
phentsize, phnum = struct.unpack_from('<HH', data, 54)
def offset(pa):
    for i in range(phnum):
        t, _, off, _, paddr, filesz = struct.unpack_from('<IIQQQQ', data, phoff + i * phentsize)
        if t == 1 and paddr <= pa < paddr + filesz:
            return off + pa - paddr
    raise SystemExit('no segment holds %#x' % pa)
src = offset(0x1a01000 + 10 * 8)
data[src + 8:src + 16] = data[src:src + 8]
open(path, 'wb').write(data)
PY
    run --check-tables "$TMP/shared.ptd"
    if [ "$rc" -eq 1 ] && grep -q '^shared-table: pte table at 0x3dc000, VA 0xffff888001400000-0xffff8880015fffff' "$TMP/out" &&
        grep -q 'FAILED, 1 finding' "$TMP/out"; then
        ok "--check-tables finds a pte table linked twice"
    else
        not_ok "--check-tables finds a pte table linked twice" "exit $rc (want 1)" "$(head -n 2 "$TMP/out")"
    fi
    run --check-tables --format json "$TMP/shared.ptd"
    if [ "$rc" -eq 1 ] && python3 -c 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; assert l[0]["kind"]=="shared-table" and l[-1]["summary"]["findings"]==1' "$TMP/out"; then
        ok "--check-tables --format json"
    else
        not_ok "--check-tables --format json" "exit $rc (want 1)"
    fi
else
    skip "--check-tables on a corrupted image" "no python3"
fi

run --check-tables --check-wx "$S4/image.ptd"
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ]; then ok "--check-tables is a mode of its own"; else not_ok "--check-tables is a mode of its own" "exit $rc"; fi

# x86 bits 51:MAXPHYADDR: skipped with the reason when the width is unknown; --phys-bits,
# a compact image's record or the kernel's boot_cpu_data give it.
run --check-tables "$S4/image.ptd"
if [ "$rc" -eq 0 ] && grep -q '^not checked: reserved bits 51:MAXPHYADDR: MAXPHYADDR is unknown (.*--phys-bits N)$' "$TMP/out" &&
    grep -q '^not checked: outside-memory: the compact image holds only page tables and no memory-map record' "$TMP/out"; then
    ok "--check-tables says which checks it skipped and why"
else
    not_ok "--check-tables says which checks it skipped and why" "exit $rc" "$(grep 'not checked' "$TMP/out")"
fi
run --check-tables --phys-bits 40 "$S4/image.ptd"
if [ "$rc" -eq 0 ] && ! grep -q 'MAXPHYADDR' "$TMP/out" && grep -q 'passed, no findings' "$TMP/out"; then
    ok "--check-tables --phys-bits 40 checks bits 51:40 (clean)"
else
    not_ok "--check-tables --phys-bits 40 checks bits 51:40 (clean)" "exit $rc" "$(head -n 2 "$TMP/out")"
fi
expect_error "--phys-bits out of range" "$S4/image.ptd" --check-tables --phys-bits 60 "$S4/image.ptd"
expect_error "--phys-bits on an arm64 image" "${ARM64_SAMPLES[0]}/image.ptd" --check-tables --phys-bits 40 "${ARM64_SAMPLES[0]}/image.ptd"
run --phys-bits 40 "$S4/image.ptd"
if [ "$rc" -eq 2 ] && grep -q -- '--phys-bits applies to --check-tables, --info and --save' "$TMP/err"; then
    ok "--phys-bits needs a mode that uses it"
else
    not_ok "--phys-bits needs a mode that uses it" "exit $rc" "$(cat "$TMP/err")"
fi
K612=samples/x86_64-4level-6.12
run --info --system-map "$K612/System.map" "$K612/vmcore.qemu-zlib.kdump"
if [ "$rc" -eq 0 ] && grep -q '^phys bits           40  \[read from memory at boot_cpu_data.x86_phys_bits (boot_cpu_data 0xffffffff816c2780 + 33' "$TMP/out"; then
    ok "--info reads MAXPHYADDR from boot_cpu_data (6.12 layout)"
else
    not_ok "--info reads MAXPHYADDR from boot_cpu_data (6.12 layout)" "exit $rc" "$(grep 'phys bits' "$TMP/out")"
fi
run --save "$TMP/k612.ptd" --system-map "$K612/System.map" "$K612/vmcore.qemu-zlib.kdump"
run --info "$TMP/k612.ptd"
if [ "$rc" -eq 0 ] && grep -q '^phys bits           40  \[PTDUMP note phys_bits\]' "$TMP/out" &&
    grep -q '^memory map          4 RAM regions, 151126016 bytes  \[PTDUMP note ram\]' "$TMP/out"; then
    ok "--save records MAXPHYADDR and the memory map"
else
    not_ok "--save records MAXPHYADDR and the memory map" "exit $rc" "$(grep -E 'phys bits|memory map' "$TMP/out")"
fi
run --check-tables "$TMP/k612.ptd"
if [ "$rc" -eq 0 ] && ! grep -q 'not checked' "$TMP/out" && grep -q 'passed, no findings' "$TMP/out"; then
    ok "--check-tables on a compact image with its record runs every check"
else
    not_ok "--check-tables on a compact image with its record runs every check" "exit $rc" "$(head -n 3 "$TMP/out")"
fi
run "$TMP/k612.ptd"
if [ "$rc" -eq 0 ] && cmp -s "$TMP/out" "$K612/expected.txt"; then
    ok "a compact image with the record prints the kernel's text"
else
    not_ok "a compact image with the record prints the kernel's text" "exit $rc"
fi
if have python3; then
    cp "$S4/image.ptd" "$TMP/bit44.ptd"
    python3 - "$TMP/bit44.ptd" <<'PY'
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, 'rb').read())
phoff, = struct.unpack_from('<Q', data, 32)
phentsize, phnum = struct.unpack_from('<HH', data, 54)
def offset(pa):
    for i in range(phnum):
        t, _, off, _, paddr, filesz = struct.unpack_from('<IIQQQQ', data, phoff + i * phentsize)
        if t == 1 and paddr <= pa < paddr + filesz:
            return off + pa - paddr
    raise SystemExit('no segment holds %#x' % pa)
o = offset(0x3dc000)                    # the pte table of 0xffff888001400000: its first entry
e, = struct.unpack_from('<Q', data, o)
struct.pack_into('<Q', data, o, e | (1 << 44))
open(path, 'wb').write(data)
PY
    run --check-tables --phys-bits 40 "$TMP/bit44.ptd"
    if [ "$rc" -eq 1 ] && grep -q '^reserved-bits: pte table at 0x3dc000, VA 0xffff888001400000-0xffff888001400fff, entry 0: reserved bits 51:40 (above MAXPHYADDR 40)' "$TMP/out"; then
        ok "--check-tables --phys-bits finds bit 44 set in a pte"
    else
        not_ok "--check-tables --phys-bits finds bit 44 set in a pte" "exit $rc (want 1)" "$(head -n 2 "$TMP/out")"
    fi
    run --check-tables --phys-bits 46 "$TMP/bit44.ptd"
    if [ "$rc" -eq 0 ]; then ok "bit 44 is an address bit with 46 physical bits"; else not_ok "bit 44 is an address bit with 46 physical bits" "exit $rc"; fi
else
    skip "--check-tables --phys-bits on a corrupted image" "no python3"
fi

run --stats "$S4/image.ptd"
if [ "$rc" -eq 0 ] && [ "$(head -n 1 "$TMP/out")" = "Page tables: 87 tables holding 348K" ] && grep -q '^  High Kernel Mapping ' "$TMP/out"; then
    ok "--stats"
else
    not_ok "--stats" "exit $rc (want 0)" "$(head -n 1 "$TMP/out")"
fi
run --stats --format json "$S4/image.ptd"
if [ "$rc" -eq 0 ] && grep -q '^{"stats":{"tables":87,"bytes":356352,' "$TMP/out"; then ok "--stats --format json"; else not_ok "--stats --format json" "exit $rc"; fi

# --- diff -----------------------------------------------------------------------------

run diff "$S4/image.ptd" "$S4/image.ptd"
if [ "$rc" -eq 0 ] && [ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ]; then
    ok "diff of an image with itself is empty, exit 0"
else
    not_ok "diff of an image with itself is empty, exit 0" "exit $rc (want 0), $(wc -l <"$TMP/out") lines"
fi

run diff "$S4/image.ptd" "$SRO/image.ptd"
if [ "$rc" -eq 1 ] && cmp -s "$TMP/out" "$SRO/diff-from-x86_64-4level.txt"; then
    ok "diff rodata=on against rodata=off shows the kernel text permissions"
else
    not_ok "diff rodata=on against rodata=off shows the kernel text permissions" "exit $rc (want 1)" \
        "$(diff "$SRO/diff-from-x86_64-4level.txt" "$TMP/out" | head -n 3)"
fi

# Antisymmetric: B against A is A against B with the signs and sides swapped.
run diff "$SRO/image.ptd" "$S4/image.ptd"
sed -e '1,2d' -e 's/^\(~ .*: \)\(.*\) => \(.*\)$/\1\3 => \2/' "$TMP/out" >"$TMP/ba"
sed -e '1,2d' "$SRO/diff-from-x86_64-4level.txt" >"$TMP/ab"
if [ "$rc" -eq 1 ] && cmp -s "$TMP/ab" "$TMP/ba"; then
    ok "diff is antisymmetric"
else
    not_ok "diff is antisymmetric" "exit $rc (want 1)" "$(diff "$TMP/ab" "$TMP/ba" | head -n 3)"
fi

run diff --ignore level,accessed-dirty --ignore global "$S4/image.ptd" "$SRO/image.ptd"
if [ "$rc" -eq 1 ] && ! grep -q 'level:' "$TMP/out" && grep -q '^~ 0xffffffff81000000-' "$TMP/out"; then
    ok "diff --ignore level leaves the permission changes"
else
    not_ok "diff --ignore level leaves the permission changes" "exit $rc (want 1)"
fi

run diff --format json "$S4/image.ptd" "$SRO/image.ptd"
last=$(tail -n 1 "$TMP/out")
if [ "$rc" -eq 1 ] && [ "$last" = '{"summary":{"identical":false,"removed":0,"added":0,"changed":15}}' ]; then
    if have python3 && ! python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/out" 2>/dev/null; then
        not_ok "diff --format json" "a line is not JSON"
    else
        ok "diff --format json"
    fi
else
    not_ok "diff --format json" "exit $rc (want 1)" "last line: $last"
fi

run diff --align-layout --phys "${ARM64_SAMPLES[0]}/image.ptd" "${ARM64_SAMPLES[0]}/image.ptd"
if [ "$rc" -eq 0 ] && [ ! -s "$TMP/out" ]; then ok "diff --align-layout --phys of an image with itself"; else not_ok "diff --align-layout --phys of an image with itself" "exit $rc"; fi

# The same moment in two formats: a makedumpfile kdump file and the compact image.
run diff samples/kdump/x86_64-4level.c-d31.kdump "$S4/image.ptd"
if [ "$rc" -eq 0 ] && [ ! -s "$TMP/out" ]; then ok "diff of a kdump file and a compact image of one capture is empty"; else not_ok "diff of a kdump file and a compact image of one capture is empty" "exit $rc"; fi

run help diff
if [ "$rc" -eq 0 ] && grep -q 'USAGE: ptdump diff' "$TMP/out"; then ok "ptdump help diff"; else not_ok "ptdump help diff" "exit $rc"; fi

expect_error "diff of two architectures" "${ARM64_SAMPLES[0]}/image.ptd" diff "$S4/image.ptd" "${ARM64_SAMPLES[0]}/image.ptd"
expect_error "diff with a missing file" "$TMP/none" diff "$S4/image.ptd" "$TMP/none"
for args in "diff $S4/image.ptd" "diff --ignore bogus $S4/image.ptd $S4/image.ptd" "diff --check-wx $S4/image.ptd $S4/image.ptd"; do
    # shellcheck disable=SC2086
    run $args
    if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && [ ! -s "$TMP/out" ]; then
        ok "usage error: ptdump $args"
    else
        not_ok "usage error: ptdump $args" "exit $rc (want 2)"
    fi
done

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

# --- start-up -------------------------------------------------------------------------

# `--version` alone is answered before argument parsing; it must say what the parser says
# (--version beside another flag goes through the parser) and run from a bare environment
# (the Swift runtime is linked in).
run --version
fast=$(cat "$TMP/out")
"$PTDUMP" --version --check-wx >"$TMP/parsed" 2>&1
if [ "$rc" = 0 ] && grep -qE '^[0-9]+\.[0-9]+\.[0-9]+$' "$TMP/out" && [ "$fast" = "$(cat "$TMP/parsed")" ] \
    && [ "$(env -i "$PTDUMP" --version)" = "$fast" ] && env -i "$PTDUMP" "$S4/image.ptd" >/dev/null; then
    ok "--version answers alone, as the parser does, and ptdump runs with an empty environment"
else
    not_ok "--version answers alone, as the parser does, and ptdump runs with an empty environment" \
        "rc $rc: '$fast' / '$(cat "$TMP/parsed")'"
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
