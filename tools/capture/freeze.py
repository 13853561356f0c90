#!/usr/bin/env python3
"""Pause a QEMU guest and dump its memory through the HMP monitor socket.

    freeze.py MONITOR_SOCKET ELF_OUT [--kdump FORMAT:PATH ...] [--registers PATH]

`stop` pauses the guest; then, from that same paused moment: `info registers` (optional),
`dump-guest-memory ELF_OUT` (plain ELF core with QEMU's CPU notes and the VMCOREINFO note
when the guest registered one), and for each --kdump FORMAT:PATH a kdump-compressed dump
(`-z` zlib, `-l` lzo, `-s` snappy: the same format makedumpfile writes, written by QEMU itself).
Finally `quit`. HMP's dump-guest-memory without -d returns when the file is complete.
"""
import argparse
import re
import socket
import sys
import time

FLAGS = {"zlib": "-z", "lzo": "-l", "snappy": "-s"}


class Monitor:
    """A line-oriented client for QEMU's human monitor on a UNIX socket."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.read_prompt(10)

    def read_prompt(self, timeout):
        data = b""
        deadline = time.time() + timeout
        self.sock.settimeout(0.5)
        while time.time() < deadline:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            data += chunk
            if data.rstrip().endswith(b"(qemu)"):
                return data
        raise SystemExit(f"freeze: no monitor prompt within {timeout} s")

    def run(self, command, timeout=900):
        self.sock.sendall(command.encode() + b"\n")
        text = self.read_prompt(timeout).decode(errors="replace")
        text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\x1b[78]", "", text)
        lines = [l.rstrip("\r") for l in text.replace("\r\n", "\n").split("\n")]
        lines = [l for l in lines if not l.startswith("(qemu)") and command not in l]
        return "\n".join(lines).strip() + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("monitor")
    ap.add_argument("elf")
    ap.add_argument("--kdump", action="append", default=[], metavar="FORMAT:PATH")
    ap.add_argument("--registers")
    args = ap.parse_args()

    mon = Monitor(args.monitor)
    mon.run("stop")
    if args.registers:
        with open(args.registers, "w") as f:
            f.write(mon.run("info registers"))
    for request in [("elf", args.elf)] + [tuple(k.split(":", 1)) for k in args.kdump]:
        fmt, path = request
        flag = "" if fmt == "elf" else FLAGS.get(fmt)
        if flag is None:
            raise SystemExit(f"freeze: unknown kdump format {fmt} (zlib, lzo, snappy)")
        out = mon.run(f"dump-guest-memory {flag} {path}".replace("  ", " "))
        if out.strip():
            print(f"freeze: dump-guest-memory {fmt}: {out.strip()}", file=sys.stderr)
            if "rror" in out:
                sys.exit(1)
    try:
        mon.run("quit", timeout=2)
    except SystemExit:
        pass


if __name__ == "__main__":
    main()
