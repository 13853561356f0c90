#!/usr/bin/env python3
"""Hostile inputs made from the real samples, and the check that ptdump survives them.

usage: python3 tests/hostile.py PTDUMP [OUTDIR]

Each case is a real compact image (samples/*/image.ptd: an ELF core of page-table pages, a
PTDUMP note and the kernel's VMCOREINFO) broken in one way a truncated, corrupted or crafted
file can be, plus the flags to run it with. ptdump must end each within 10 s and 512 MiB,
with no signal, with the exit status the case allows (2 for unusable input, with exactly one
line on standard error naming the file; 1 only for a genuine W^X failure). The cases are
written to OUTDIR (kept, for replay) or a temporary folder. Prints one line per case and
"hostile: N passed, M failed"; exits 1 if any failed.
"""
import os
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "samples")


class Core:
    """An ELF64 little-endian core: header, program headers, notes, editable in place."""

    def __init__(self, data):
        self.b = bytearray(data)
        (self.phoff,) = struct.unpack_from("<Q", self.b, 32)
        (self.phnum,) = struct.unpack_from("<H", self.b, 56)

    def ph(self, i):
        o = self.phoff + 56 * i
        t, fl, off, va, pa, fs, ms, al = struct.unpack_from("<IIQQQQQQ", self.b, o)
        return dict(o=o, type=t, off=off, va=va, pa=pa, filesz=fs, memsz=ms)

    def set_ph(self, i, **kw):
        p = self.ph(i)
        p.update(kw)
        struct.pack_into("<IIQQQQQQ", self.b, p["o"], p["type"], 4, p["off"], p["va"], p["pa"], p["filesz"], p["memsz"], 4096)

    def loads(self):
        return [i for i in range(self.phnum) if self.ph(i)["type"] == 1]

    def notes(self):
        """(offset of the note header, name, desc offset, desc size) of every note."""
        out = []
        for i in range(self.phnum):
            p = self.ph(i)
            if p["type"] != 4:
                continue
            o, end = p["off"], p["off"] + p["filesz"]
            while o + 12 <= end:
                nsz, dsz, _ = struct.unpack_from("<III", self.b, o)
                name = bytes(self.b[o + 12:o + 12 + nsz]).rstrip(b"\0").decode("latin1")
                doff = o + 12 + ((nsz + 3) & ~3)
                out.append((o, name, doff, dsz))
                o = doff + ((dsz + 3) & ~3)
        return out

    def note_text(self, name):
        for o, n, doff, dsz in self.notes():
            if n == name:
                return bytes(self.b[doff:doff + dsz]).decode("latin1")
        return None

    def replace_note_text(self, name, old, new):
        """Same-length edit of a note's text (keeps every offset valid)."""
        assert len(old) == len(new), (old, new)
        for o, n, doff, dsz in self.notes():
            if n == name:
                text = bytes(self.b[doff:doff + dsz])
                i = text.find(old.encode())
                assert i >= 0, (name, old)
                self.b[doff + i:doff + i + len(old)] = new.encode()
                return
        raise KeyError(name)

    def note_value(self, key):
        for line in (self.note_text("PTDUMP") or "").split("\n"):
            if line.startswith(key + "="):
                return line[len(key) + 1:]
        return None

    def file_offset(self, pa):
        for i in self.loads():
            p = self.ph(i)
            if p["pa"] <= pa < p["pa"] + p["filesz"]:
                return p["off"] + pa - p["pa"]
        raise KeyError(hex(pa))

    def first_table_entry(self):
        """File offset of the first present entry of the root table."""
        root = int(self.note_value("root"), 16)
        o = self.file_offset(root)
        for i in range(512):
            (e,) = struct.unpack_from("<Q", self.b, o + 8 * i)
            if e & 1:
                return o + 8 * i, e
        raise KeyError("no present root entry")


def with_note_lines(c, extra):
    """The image with `extra` (key=value lines) appended to its PTDUMP note: the notes are
    rewritten at the end of the file and the PT_NOTE header points there."""
    i = next(i for i in range(c.phnum) if c.ph(i)["type"] == 4)
    blob = b""
    for o, name, doff, dsz in c.notes():
        (_, _, typ) = struct.unpack_from("<III", c.b, o)
        desc = bytes(c.b[doff:doff + dsz]) + (extra.encode() if name == "PTDUMP" else b"")
        nm = name.encode() + b"\0"
        blob += struct.pack("<III", len(nm), len(desc), typ) + nm + bytes((4 - len(nm) % 4) % 4) + desc + bytes((4 - len(desc) % 4) % 4)
    off = (len(c.b) + 7) & ~7
    c.b += bytes(off - len(c.b)) + blob
    struct.pack_into("<IIQQQQQQ", c.b, c.ph(i)["o"], 4, 4, off, 0, 0, len(blob), len(blob), 4)
    return c


def sample(name):
    with open(os.path.join(SAMPLES, name, "image.ptd"), "rb") as f:
        return Core(f.read())


def same_len(value, width):
    return value.ljust(width)[:width] if len(value) <= width else value[:width]


def cases():
    """(name, bytes, extra args, allowed exit codes)."""
    out = []
    E2 = {2}

    def add(name, core_or_bytes, args=(), allowed=E2):
        data = bytes(core_or_bytes.b) if isinstance(core_or_bytes, Core) else bytes(core_or_bytes)
        out.append((name, data, list(args), allowed))

    for s in ["x86_64-4level", "arm64-4k-48", "arm64-64k-48", "x86_64-5level-kasan"]:
        base = bytes(sample(s).b)
        c = sample(s)
        tag = s

        add(f"{tag}-truncated-half", base[:len(base) // 2])
        add(f"{tag}-truncated-in-phdrs", base[:c.phoff + 20])

        x = sample(s)
        struct.pack_into("<Q", x.b, 32, len(base) + 4096)          # e_phoff past the end
        add(f"{tag}-phoff-past-end", x)

        x = sample(s)
        i = x.loads()[0]
        x.set_ph(i, off=len(base) + 8192)
        add(f"{tag}-load-offset-past-end", x)

        x = sample(s)
        i = x.loads()[0]
        x.set_ph(i, filesz=1 << 40, memsz=1 << 40)
        add(f"{tag}-load-size-huge", x)

        x = sample(s)
        a, b = x.loads()[0], x.loads()[1]
        x.set_ph(b, pa=x.ph(a)["pa"])
        add(f"{tag}-loads-overlap", x)

        root = c.note_value("root")
        x = sample(s)
        x.replace_note_text("PTDUMP", "root=" + root, "root=" + same_len("0xzz", len(root)))
        add(f"{tag}-note-root-not-hex", x)

        x = sample(s)
        x.replace_note_text("PTDUMP", "root=" + root, "root=" + same_len("0x7fff0000000", len(root)).replace(" ", "0"))
        add(f"{tag}-note-root-outside-memory", x)

        x = sample(s)
        x.replace_note_text("PTDUMP", "format=1", "format=9")
        add(f"{tag}-note-format-unknown", x)

        x = sample(s)
        x.replace_note_text("PTDUMP", "arch=", "arcz=")
        x.replace_note_text("PTDUMP", "root=", "rooz=")
        add(f"{tag}-note-without-arch-and-root", x, allowed={0, 2})    # falls back to VMCOREINFO

        x = sample(s)
        arch = c.note_value("arch")
        x.replace_note_text("PTDUMP", "arch=" + arch, "arch=" + same_len("mips", len(arch)))
        add(f"{tag}-note-arch-unknown", x)

        x = sample(s)
        off, e = x.first_table_entry()
        struct.pack_into("<Q", x.b, off, (e & 0xfff) | 0x7ff0_0000_0000)  # table beyond the dump
        add(f"{tag}-root-entry-outside-memory", x)

        x = sample(s)
        struct.pack_into("<H", x.b, 18, 8)                             # e_machine MIPS
        add(f"{tag}-machine-mips", x)

        x = sample(s)
        x.b[4] = 1                                                     # ELFCLASS32
        add(f"{tag}-elfclass32", x)

        x = sample(s)
        x.b[5] = 2                                                     # big-endian
        add(f"{tag}-big-endian", x)

        x = sample(s)
        notes = x.notes()
        o = next(n[0] for n in notes if n[1] == "PTDUMP")
        struct.pack_into("<I", x.b, o + 4, 0x7fffffff)                 # descsz past the segment
        add(f"{tag}-note-descsz-huge", x)

        x = sample(s)
        struct.pack_into("<I", x.b, o, 0x10000)                        # namesz past the segment
        add(f"{tag}-note-namesz-huge", x)

        x = sample(s)
        struct.pack_into("<H", x.b, 16, 2)                             # ET_EXEC: no root known
        add(f"{tag}-exec-without-root", x)

        add(f"{tag}-walk-noncanonical", base, ["--walk", "0x0100000000000000"])
        add(f"{tag}-range-reversed", base, ["--range", "0xffff-0x1"])
        add(f"{tag}-range-top", base, ["--range", "0xffff000000000000-0xfffffffffffffffe"], allowed={0})
        add(f"{tag}-root-top-of-pa", base, ["--root", "0xfffffffffffff000"])

    x = sample("x86_64-4level")
    x.replace_note_text("PTDUMP", "levels=4", "levels=7")
    add("x86_64-4level-note-levels-7", x)

    x = sample("arm64-4k-48")
    x.replace_note_text("PTDUMP", "page_size=4096", "page_size=8192")
    add("arm64-4k-48-note-page-size-8192", x)

    x = sample("arm64-4k-48")
    x.replace_note_text("PTDUMP", "va_bits=48", "va_bits=40")
    add("arm64-4k-48-note-va-bits-40", x)

    # s390x: big-endian entries, typed region entries, the ASCE type read from the root table.
    s = "s390x-region3"
    base = bytes(sample(s).b)
    c = sample(s)
    add(f"{s}-truncated-half", base[:len(base) // 2])
    root = int(c.note_value("root"), 16)
    o = c.file_offset(root)
    valid = [i for i in range(2048) if not struct.unpack_from(">Q", c.b, o + 8 * i)[0] & 0x20]
    x = sample(s)
    e = struct.unpack_from(">Q", x.b, o + 8 * valid[0])[0]
    struct.pack_into(">Q", x.b, o + 8 * valid[0], (e & 0xfff) | 0x7ff0_0000_0000)   # table beyond the dump
    add(f"{s}-root-entry-outside-memory", x)
    x = sample(s)
    for i in range(2048):
        struct.pack_into(">Q", x.b, o + 8 * i, root | 0x07)            # every entry points back at the root
    add(f"{s}-root-entries-loop", x, allowed={0, 2})
    x = sample(s)
    for i in range(2048):
        struct.pack_into(">Q", x.b, o + 8 * i, 0)                      # zeros: the type would read as segment
    add(f"{s}-root-zeroed", x)
    x = sample(s)
    x.replace_note_text("PTDUMP", "levels=3", "levels=9")
    add(f"{s}-note-levels-9", x)
    add(f"{s}-walk-beyond-reach", base, ["--walk", "0x0000040000000000"], allowed={0, 2})
    add(f"{s}-range-beyond-reach", base, ["--range", "0x40000000000-0x50000000000"], allowed={0, 2})

    # The memory-map record and width of a compact image (ram=, phys_bits=).
    for name, extra, allowed in [
            ("ram-overlapping", "ram=0x0,0x2000000\nram=0x1000000,0x8000000\n", E2),
            ("ram-out-of-order", "ram=0x4000000,0x8000000\nram=0x0,0x1000\n", E2),
            ("ram-reversed", "ram=0x8000000,0x0\n", E2),
            ("ram-empty-region", "ram=0x1000,0x1000\n", E2),
            ("ram-huge", "ram=0x0,0xffffffffffffffff\n", E2),
            ("ram-beyond-52-bits", "ram=0x0,0x20000000000000\n", E2),
            ("ram-not-hex", "ram=0xzz,0x1000\n", E2),
            ("ram-three-fields", "ram=0x0,0x1000,0x2000\n", E2),
            ("ram-too-many", "".join("ram=%#x,%#x\n" % (i * 0x2000, i * 0x2000 + 0x1000) for i in range(65537)), E2),
            ("ram-missing-most-memory", "ram=0x0,0x1000\n", {0}),          # --check-tables: outside-memory
            ("phys-bits-99", "phys_bits=99\n", E2),
            ("phys-bits-not-a-number", "phys_bits=forty\n", E2),
            ("phys-bits-below-the-range", "phys_bits=20\n", {0})]:     # only --check-tables/--info/--save check the range
        x = with_note_lines(sample("x86_64-4level"), extra)
        add(f"x86_64-4level-note-{name}", x, allowed=allowed)
    x = with_note_lines(sample("x86_64-4level"), "phys_bits=20\n")
    add("x86_64-4level-note-phys-bits-below-the-range-info", x, ["--info"], allowed=E2)

    x = sample("x86_64-4level")
    x.replace_note_text("VMCOREINFO", "NUMBER(phys_base)=", "NUMBER(phys_bas)=x")
    add("x86_64-4level-vmcoreinfo-malformed-number", x)

    with open(os.path.join(SAMPLES, "kdump", "x86_64-4level.c-d31.kdump"), "rb") as f:
        kd = f.read()
    add("kdump-truncated-half", kd[:len(kd) // 2])
    add("kdump-truncated-in-header", kd[:4096])
    k = bytearray(kd)
    struct.pack_into("<i", k, 8, 99)                                  # header version 99
    add("kdump-header-version-99", k)
    k = bytearray(kd)
    k[len(kd) - 70000:len(kd) - 60000] = bytes(10000)                 # zeroed compressed pages
    add("kdump-corrupt-pages", k, allowed={0, 2})                     # only data pages: may not matter
    add("empty-file", b"")
    add("garbage", bytes(range(256)) * 64)
    add("elf-magic-only", b"\x7fELF")
    # x86 legacy 32-bit paging: 4-byte entries in a raw dump of a page directory and a page
    # table at 1 MiB, walked with --levels 2.
    def legacy(pd, pt=None):
        t = bytearray(2 * 4096)
        for i, e in pd.items():
            struct.pack_into("<I", t, 4 * i, e)
        for i, e in (pt or {}).items():
            struct.pack_into("<I", t, 4096 + 4 * i, e)
        return t
    flags = ["--arch", "x86_64", "--levels", "2", "--root", "0x100000", "--base", "0x100000"]
    add("legacy-pde-outside-memory", legacy({0: 0x7ff00000 | 3, 1: 0x101000 | 3}, {0: 0x1000 | 1}), flags)
    # The page directory is its own page table (four times): its entries read as PTEs.
    add("legacy-pde-cycle", legacy({i: 0x100000 | 3 for i in range(4)}), flags, allowed={0})
    add("legacy-pde-cycle-check-wx", legacy({i: 0x100000 | 3 for i in range(4)}), ["--check-wx"] + flags, allowed={1})
    add("legacy-4m-reserved-bit-21", legacy({1: 0x400000 | 0x83 | 1 << 21}), flags)
    add("legacy-4m-all-high-bits", legacy({1023: 0xffc00000 | 0xff << 13 | 0x81}), ["--walk", "0xffffffff"] + flags, allowed={0})
    add("legacy-root-above-4g", legacy({}), ["--arch", "x86_64", "--levels", "2", "--root", "0x100100000", "--base", "0x100000000"])
    add("legacy-root-unaligned", legacy({}), ["--arch", "x86_64", "--levels", "2", "--root", "0x100800", "--base", "0x100000"])
    add("legacy-truncated-pd", legacy({})[:2048], flags)
    add("garbage-with-raw-flags-root-outside", bytes(8192), ["--arch", "x86_64", "--root", "0x100000", "--levels", "4"])
    return out


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    ptdump = os.path.abspath(sys.argv[1])
    outdir = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="ptdump-hostile-")
    os.makedirs(outdir, exist_ok=True)
    passed = failed = 0
    runs = []
    for name, data, args, allowed in cases():
        path = os.path.join(outdir, name)
        with open(path, "wb") as f:
            f.write(data)
        runs.append((name, path, args, allowed))
        # The table checks and statistics read every table too: exit 0, 1 or 2, never a crash or hang.
        runs.append((name + " --check-tables", path, ["--check-tables"] + args, {0, 1, 2}))
        runs.append((name + " --stats", path, ["--stats"] + args, {0, 2}))
    for name, path, args, allowed in runs:
        cmd = ["prlimit", "--as=%d" % (512 << 20), "--", ptdump] + args + [path]
        start = time.monotonic()
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=10)
            rc, err = p.returncode, p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            rc, err = None, "timed out after 10 s"
        secs = time.monotonic() - start
        lines = [l for l in err.split("\n") if l]
        problems = []
        if rc is None:
            problems.append("timed out")
        elif rc < 0 or rc >= 128:
            problems.append(f"killed by signal (status {rc})")
        elif rc not in allowed:
            problems.append(f"exit {rc}, allowed {sorted(allowed)}")
        elif rc == 2 and (len(lines) != 1 or not lines[0].startswith("ptdump: ")):
            problems.append(f"{len(lines)} stderr lines, want one 'ptdump: ...' line")
        if problems:
            failed += 1
            print(f"not ok - {name}: {'; '.join(problems)} ({secs:.2f}s)")
            for l in lines[:3]:
                print(f"#   {l}")
        else:
            passed += 1
            print(f"ok - {name} (exit {rc}, {secs:.2f}s){': ' + lines[0] if lines else ''}")
    print(f"hostile: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
