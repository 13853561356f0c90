#!/usr/bin/env python3
"""Make a riscv64 Linux 6.1 guest fall back from Sv57 to a smaller paging mode on QEMU 7.2.

    satp-limit.py GDB_SOCKET VMLINUX LOAD_PA MODE [--log PATH]

QEMU 7.2's `rv64` hart implements Sv39, Sv48 and Sv57 and has no CPU property to turn the
larger ones off, and Linux 6.1 has no `no5lvl`/`no4lvl`. The kernel picks its mode by probing:
`set_satp_mode()` (arch/riscv/mm/init.c) writes an identity `satp` with the largest mode,
swaps it back out with `csrrw REG, satp, zero`, and falls back one mode (Sv57 -> Sv48 -> Sv39)
each time the value it read back differs. satp is WARL: a hart without the mode leaves it
unchanged, so the probe reads back 0. This tool plays that hart: QEMU waits (`-S`) with its
gdbstub on GDB_SOCKET; the tool finds the probe's `csrrw` in VMLINUX (objdump), puts a
breakpoint on the instruction after it at its physical address (the probe runs from an
identity mapping the kernel made for it, so PC = PA), lets the guest run, and at each hit
that must fail (one for Sv48, two for Sv39) sets REG to 0. Then it removes the breakpoint and
detaches, and the guest runs on. Neither the kernel nor QEMU is changed.

LOAD_PA is where the kernel image (`_start`) is loaded: 0x80200000 on QEMU virt with OpenSBI.
"""
import argparse
import re
import socket
import subprocess
import sys

# set_satp_mode() probes the largest mode first; this many probes must fail for each mode
FAILED_PROBES = {"sv57": 0, "sv48": 1, "sv39": 2}

# gdb's riscv register numbers: x0..x31 are 0..31, pc is 32
ABI_NAMES = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1"] + \
    [f"a{i}" for i in range(8)] + [f"s{i}" for i in range(2, 12)] + [f"t{i}" for i in range(3, 7)]
PC = 32


def register_number(name):
    if name == "fp":
        return 8
    if re.fullmatch(r"x([0-9]|[12][0-9]|3[01])", name):
        return int(name[1:])
    return ABI_NAMES.index(name)


def find_probe(vmlinux, objdump):
    """(VA of the instruction after the probe's csrrw, the register it reads satp into)."""
    text = subprocess.run([objdump, "-d", "--no-show-raw-insn", vmlinux], check=True,
                          capture_output=True, text=True).stdout
    lines = text.splitlines()
    probes = []
    for i, line in enumerate(lines):
        # binutils writes the zero source register as `zero` or (2.40) as `0`
        m = re.match(r"\s*([0-9a-f]+):\s+csrrw\s+(\w+),satp,(?:zero|x0|0)\s*$", line)
        if not m or m.group(2) == "zero":
            continue
        for nxt in lines[i + 1:i + 4]:
            n = re.match(r"\s*([0-9a-f]+):", nxt)
            if n:
                probes.append((int(n.group(1), 16), m.group(2)))
                break
    if len(probes) != 1:
        raise SystemExit(f"satp-limit: expected one `csrrw REG,satp,zero` in {vmlinux}, found {len(probes)}")
    return probes[0]


def symbol(vmlinux, nm, name):
    out = subprocess.run([nm, vmlinux], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    raise SystemExit(f"satp-limit: no symbol {name} in {vmlinux}")


class Stub:
    """The few GDB remote-protocol packets this needs, over QEMU's gdbstub socket."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(600)
        self.sock.connect(path)
        self.buf = b""

    def _byte(self):
        if not self.buf:
            self.buf = self.sock.recv(65536)
            if not self.buf:
                raise SystemExit("satp-limit: QEMU closed the gdbstub connection")
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def send(self, data):
        frame = b"$" + data.encode() + b"#" + b"%02x" % (sum(data.encode()) & 0xff)
        for _ in range(3):
            self.sock.sendall(frame)
            ack = self._byte()
            while ack not in (b"+", b"-"):
                ack = self._byte()
            if ack == b"+":
                return
        raise SystemExit(f"satp-limit: the stub kept refusing {data!r}")

    def receive(self):
        while self._byte() != b"$":
            pass
        body = b""
        while True:
            b = self._byte()
            if b == b"#":
                break
            body += b
        self._byte(), self._byte()  # the checksum
        self.sock.sendall(b"+")
        return body.decode(errors="replace")

    def ask(self, data):
        self.send(data)
        return self.receive()

    def register(self, n):
        return int.from_bytes(bytes.fromhex(self.ask(f"p{n:x}")), "little")

    def set_register(self, n, value):
        reply = self.ask(f"P{n:x}={value.to_bytes(8, 'little').hex()}")
        if reply != "OK":
            raise SystemExit(f"satp-limit: writing register {n} failed: {reply!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("socket")
    ap.add_argument("vmlinux")
    ap.add_argument("load_pa", type=lambda s: int(s, 0))
    ap.add_argument("mode", choices=sorted(FAILED_PROBES))
    ap.add_argument("--cross", default="riscv64-linux-gnu-")
    ap.add_argument("--log")
    args = ap.parse_args()
    log = open(args.log, "w") if args.log else sys.stdout

    after_va, reg = find_probe(args.vmlinux, args.cross + "objdump")
    start = symbol(args.vmlinux, args.cross + "nm", "_start")
    bp = after_va - start + args.load_pa
    regno = register_number(reg)
    print(f"probe: csrrw {reg},satp,zero; breakpoint after it at VA {after_va:#x} = PA {bp:#x} "
          f"(_start {start:#x} loaded at {args.load_pa:#x}); {FAILED_PROBES[args.mode]} probe(s) "
          f"to fail for {args.mode}", file=log, flush=True)

    stub = Stub(args.socket)
    stub.ask("qSupported:xmlRegisters=riscv")
    # QEMU answers p/P only once the client has read the target description
    offset = 0
    while True:
        part = stub.ask(f"qXfer:features:read:target.xml:{offset:x},ffb")
        offset += len(part) - 1
        if not part or part[0] != "m":
            break
    stub.ask("?")
    failed = 0
    while failed < FAILED_PROBES[args.mode]:
        if stub.ask(f"Z0,{bp:x},4") != "OK":
            raise SystemExit("satp-limit: QEMU refused the breakpoint")
        stop = stub.ask("c")
        pc = stub.register(PC)
        if pc != bp:
            raise SystemExit(f"satp-limit: stopped at {pc:#x} ({stop}), not at the probe {bp:#x}")
        read_back = stub.register(regno)
        stub.set_register(regno, 0)
        failed += 1
        print(f"probe {failed}: the kernel read satp back as {read_back:#018x} "
              f"(mode {read_back >> 60}); answered 0, as a hart without that mode", file=log, flush=True)
        if stub.ask(f"z0,{bp:x},4") != "OK":
            raise SystemExit("satp-limit: QEMU refused to remove the breakpoint")
        if failed < FAILED_PROBES[args.mode]:
            stub.ask("s")  # off the breakpointed instruction before setting it again
    stub.ask("D")
    print("detached: the guest runs on", file=log, flush=True)


if __name__ == "__main__":
    main()
