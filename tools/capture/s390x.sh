#!/bin/bash
# tools/capture/s390x.sh — capture a real Linux s390x kernel's page tables for ptdump.
#
#   tools/capture/s390x.sh [build|capture|sample|all]       (default: all)
#
# build:   a small Linux kernel (tinyconfig + the fragment below: SCLP console, initrd,
#          DEBUG_FS, PTDUMP_DEBUGFS, DEBUG_WX, KEXEC/CRASH_CORE for VMCOREINFO, no KASLR),
#          cross-compiled with s390x-linux-gnu-gcc.
# capture: boots it under QEMU TCG (-M s390-ccw-virtio -cpu qemu -m 256M) with a static C
#          /init that prints the kernel's own /sys/kernel/debug/kernel_page_tables (twice,
#          3 s apart, with byte counts) and the boot-time W^X lines to the console, then
#          freezes the guest from the HMP monitor (`stop`) and writes a plain ELF dump
#          (`dump-guest-memory`): big-endian, one PT_LOAD, s390 CPU notes, no VMCOREINFO
#          note (the kernel's note is found through the absolute lowcore).
# sample:  turns the capture into a ptdump sample folder: `ptdump --save image.ptd` from the
#          dump with no other flag, the kernel's text as expected.txt, the W^X verdict as
#          wx.txt, the kernel .config, and a SOURCE.md saying how it was made.
#
# Needs: gcc-s390x-linux-gnu + libc6-dev-s390x-cross, qemu-system-s390x, make, flex,
# bison, bc, cpio, python3, and a Linux source tree (Debian: linux-source-6.1, unpacked).
# Environment (defaults in brackets):
#   SRC      kernel source tree           [/tmp/linux-source-6.1]
#   KBUILD   kernel build directory       [/tmp/ptdump-capture-s390x/kbuild]
#   WORK     capture work directory       [/tmp/ptdump-capture-s390x/work]
#   OUT      sample folder to write       [samples/s390x-tcg]
#   PTDUMP   the ptdump binary            [.build/debug/ptdump]
#   JOBS     make -j                      [2]
set -euo pipefail
STEP=${1:-all}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
SRC=${SRC:-/tmp/linux-source-6.1}
KBUILD=${KBUILD:-/tmp/ptdump-capture-s390x/kbuild}
WORK=${WORK:-/tmp/ptdump-capture-s390x/work}
OUT=${OUT:-$REPO/samples/s390x-tcg}
PTDUMP=${PTDUMP:-$REPO/.build/debug/ptdump}
JOBS=${JOBS:-2}
APPEND="console=ttysclp0 panic=-1 nokaslr"
QEMU=(qemu-system-s390x -M s390-ccw-virtio -accel tcg -cpu qemu -smp 1 -m 256M -nographic -no-reboot)
MK=(make -s -C "$SRC" O="$KBUILD" ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-)

die() { echo "s390x.sh: $*" >&2; exit 1; }
log() { echo "== $(date +%T) $*"; }

config_fragment() {
	cat <<'EOF'
CONFIG_PRINTK=y
CONFIG_TTY=y
CONFIG_SCLP_TTY=y
CONFIG_SCLP_CONSOLE=y
CONFIG_SCLP_VT220_TTY=y
CONFIG_SCLP_VT220_CONSOLE=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_BINFMT_ELF=y
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
CONFIG_DEVTMPFS=y
CONFIG_DEBUG_KERNEL=y
CONFIG_DEBUG_FS=y
CONFIG_PTDUMP_DEBUGFS=y
CONFIG_DEBUG_WX=y
CONFIG_KEXEC=y
CONFIG_CRASH_CORE=y
# CONFIG_RANDOMIZE_BASE is not set
EOF
}

# The initramfs's /init: mounts, prints between @@ markers, then sleeps while the host dumps.
init_source() {
	cat <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <unistd.h>

static char *slurp(const char *path, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	ssize_t r;
	int fd = open(path, O_RDONLY);
	if (fd < 0 || !buf) { *len = 0; return NULL; }
	while ((r = read(fd, buf + n, cap - n)) > 0)
		if ((n += r) == cap) buf = realloc(buf, cap *= 2);
	close(fd);
	*len = n;
	return buf;
}

static void emit(const char *name, const char *buf, size_t len)
{
	printf("@@BEGIN %s\n", name);
	fflush(stdout);
	if (len) fwrite(buf, 1, len, stdout);
	printf("@@END %s bytes=%zu\n", name, len);
	fflush(stdout);
}

int main(void)
{
	struct utsname u;
	char line[512], *log, *wx, *p;
	size_t len, wl = 0;
	int n, fd, i;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) { dup2(fd, 0); dup2(fd, 1); dup2(fd, 2); }
	klogctl(8, NULL, 1);		/* keep printk off the console while we print */
	uname(&u);
	n = snprintf(line, sizeof line, "%s %s %s\n", u.sysname, u.release, u.version);
	emit("uname.txt", line, n);
	/* The W^X lines of the kernel log, without <level> prefixes. */
	n = klogctl(10, NULL, 0);
	log = malloc(n + 1); wx = malloc(n + 1);
	n = klogctl(3, log, n);
	for (p = log; p < log + n; ) {
		char *e = memchr(p, '\n', log + n - p), *s = p;
		if (!e) e = log + n - 1;
		if (*s == '<') { char *q = memchr(s, '>', e - s); if (q) s = q + 1; }
		if (memmem(s, e + 1 - s, "W+X", 3)) { memcpy(wx + wl, s, e + 1 - s); wl += e + 1 - s; }
		p = e + 1;
	}
	emit("wx.txt", wx, wl);
	for (i = 1; i <= 2; i++) {
		char name[32];
		char *b;
		if (i == 2) sleep(3);
		b = slurp("/sys/kernel/debug/kernel_page_tables", &len);
		snprintf(name, sizeof name, "kernel_page_tables.%d", i);
		emit(name, b ? b : "", b ? len : 0);
		free(b);
	}
	printf("@@READY\n");
	fflush(stdout);
	for (;;) pause();
}
EOF
}

# HMP over the monitor socket: stop the guest, dump it, wait for the dump, quit.
monitor_dump() {
	python3 - "$1" "$2" <<'EOF'
import socket, sys, time
mon, dump = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.connect(mon)
def reply(timeout=600):
    buf, end = b"", time.time() + timeout
    s.settimeout(0.5)
    while time.time() < end and not buf.rstrip().endswith(b"(qemu)"):
        try:
            d = s.recv(65536)
            if not d:
                break
            buf += d
        except socket.timeout:
            pass
    return buf.decode(errors="replace")
def cmd(c, timeout=600):
    s.sendall(c.encode() + b"\n")
    return reply(timeout)
reply(10)
cmd("stop")
cmd("dump-guest-memory " + dump)
while True:
    st = cmd("info dump")
    if "completed" in st:
        break
    if "failed" in st:
        sys.exit("dump-guest-memory failed: " + st)
    time.sleep(1)
try:
    cmd("quit", 5)
except OSError:
    pass
EOF
}

build() {
	[ -d "$SRC" ] || die "no kernel source at $SRC (Debian: tar xf /usr/src/linux-source-6.1.tar.xz -C /tmp)"
	mkdir -p "$KBUILD" "$WORK"
	config_fragment > "$WORK/fragment.config"
	"${MK[@]}" tinyconfig >/dev/null
	"$SRC"/scripts/kconfig/merge_config.sh -m -O "$KBUILD" "$KBUILD/.config" "$WORK/fragment.config" >/dev/null
	"${MK[@]}" olddefconfig >/dev/null
	while read -r line; do
		case $line in CONFIG_*=*) grep -qx "$line" "$KBUILD/.config" || die "config lost: $line" ;; esac
	done < "$WORK/fragment.config"
	log "building the kernel in $KBUILD"
	"${MK[@]}" -j"$JOBS" bzImage
}

capture() {
	local image=$KBUILD/arch/s390/boot/bzImage
	[ -f "$image" ] || die "no kernel at $image: run the build step first"
	rm -rf "$WORK/ir" "$WORK/out"; mkdir -p "$WORK/ir"/{proc,sys,dev,tmp} "$WORK/out"
	init_source > "$WORK/init.c"
	s390x-linux-gnu-gcc -static -O2 -Wall -o "$WORK/ir/init" "$WORK/init.c"
	(cd "$WORK/ir" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$WORK/initramfs.cpio"
	local mon=$WORK/monitor.sock console=$WORK/console.log
	rm -f "$mon" "$console" "$WORK/vmcore.elf"
	log "booting under QEMU"
	"${QEMU[@]}" -kernel "$image" -initrd "$WORK/initramfs.cpio" -append "$APPEND" \
		-monitor unix:"$mon",server,nowait -serial file:"$console" </dev/null >"$WORK/qemu.log" 2>&1 &
	local qemu=$! t0=$SECONDS
	until grep -q '^@@READY' "$console" 2>/dev/null; do
		kill -0 $qemu 2>/dev/null || { cat "$WORK/qemu.log"; die "QEMU exited before the guest was ready"; }
		[ $((SECONDS - t0)) -lt 600 ] || { kill $qemu; die "the guest did not become ready in 600 s"; }
		sleep 1
	done
	log "guest ready after $((SECONDS - t0)) s; dumping"
	monitor_dump "$mon" "$WORK/vmcore.elf"
	wait $qemu || true
	# Cut the sections out of the console log and check their byte counts.
	python3 - "$console" "$WORK/out" <<'EOF'
import re, sys
text = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n")
found = 0
for m in re.finditer(rb"^@@BEGIN (\S+)\n(.*?)^@@END \1 bytes=(\d+)$", text, re.S | re.M):
    name, body = m.group(1).decode(), m.group(2)
    if len(body) != int(m.group(3)):
        sys.exit(f"{name}: {len(body)} bytes on the console, the guest wrote {m.group(3)}")
    open(f"{sys.argv[2]}/{name}", "wb").write(body)
    found += 1
a = open(f"{sys.argv[2]}/kernel_page_tables.1", "rb").read()
b = open(f"{sys.argv[2]}/kernel_page_tables.2", "rb").read()
if found < 4 or not a or a != b:
    sys.exit("the two reads of kernel_page_tables differ or are missing")
EOF
	mv "$WORK/out/kernel_page_tables.2" "$WORK/out/kernel_page_tables.txt"
	rm "$WORK/out/kernel_page_tables.1"
	cp "$KBUILD/.config" "$WORK/out/config.txt"
	log "captured: $WORK/vmcore.elf, $WORK/out/"
}

sample() {
	[ -f "$WORK/vmcore.elf" ] || die "no dump at $WORK/vmcore.elf: run the capture step first"
	[ -x "$PTDUMP" ] || die "no ptdump at $PTDUMP (swift build, or set PTDUMP)"
	mkdir -p "$OUT"
	"$PTDUMP" --save "$OUT/image.ptd" "$WORK/vmcore.elf"
	cp "$WORK/out/kernel_page_tables.txt" "$OUT/expected.txt"
	sed -E 's/^\[ *[0-9]+\.[0-9]+\] //' "$WORK/out/wx.txt" | grep '^Checked W+X' > "$OUT/wx.txt" || die "no W^X verdict in the kernel log"
	cp "$WORK/out/config.txt" "$OUT/config.txt"
	if "$PTDUMP" "$WORK/vmcore.elf" | cmp -s - "$OUT/expected.txt"; then
		log "ptdump prints the kernel's text byte for byte"
	else
		log "ptdump's text differs from the kernel's:"
		"$PTDUMP" "$WORK/vmcore.elf" | diff - "$OUT/expected.txt" | head -20 || true
	fi
	log "sample written to $OUT (write its SOURCE.md)"
	ls -l "$OUT"
}

case $STEP in
build) build ;;
capture) capture ;;
sample) sample ;;
all) build; capture; sample ;;
*) die "usage: $0 [build|capture|sample|all]" ;;
esac
