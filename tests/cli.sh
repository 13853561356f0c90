#!/usr/bin/env bash
# End-to-end checks of the ptdump command line: output, exit codes, stderr.
#
#   usage: bash tests/cli.sh PTDUMP
#
# Self-contained: uses only samples/ and man/ from this repository. Prints "ok - NAME" or
# "not ok - NAME" per check and ends with "cli: N passed, M failed"; exits 1 if M > 0.
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

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0
ok()     { echo "ok - $1"; passed=$((passed + 1)); }
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
