#!/usr/bin/env python3
"""Write what a kdump-compressed sample must read back, taken from the ELF dump it was made from.

usage: kdump-expected.py x86_64|arm64 ELF ROOT_PA KDUMP_D31 OUT_PREFIX

Writes OUT_PREFIX.expected (text: which pages, which addresses are excluded or outside, the
notes), OUT_PREFIX.pages (the bytes of the listed pages, in order, from the ELF) and
OUT_PREFIX.vmcoreinfo (the ELF's VMCOREINFO note). KDUMP_D31 is a `-d 31` kdump file of the
same ELF; its bitmaps choose a page the dump level excluded.
"""
import struct, sys

PAGE = 4096

def elf_segments(f):
    eh = f.read(64)
    assert eh[:4] == b"\x7fELF" and eh[4] == 2 and eh[5] == 1
    phoff, = struct.unpack_from("<Q", eh, 32)
    phentsize, phnum = struct.unpack_from("<HH", eh, 54)
    f.seek(phoff)
    loads, notes = [], b""
    for _ in range(phnum):
        t, fl, off, va, pa, fs, ms, al = struct.unpack("<IIQQQQQQ", f.read(phentsize)[:56])
        if t == 1:
            loads.append((pa, fs, off))
        elif t == 4:
            here = f.tell(); f.seek(off); notes += f.read(fs); f.seek(here)
    return loads, notes

def read_pa(f, loads, pa):
    for start, size, off in loads:
        if start <= pa and pa + PAGE <= start + size:
            f.seek(off + pa - start)
            return f.read(PAGE)
    return None

def parse_notes(b):
    out, at = [], 0
    while at + 12 <= len(b):
        n, d, t = struct.unpack_from("<III", b, at)
        if n == 0 and d == 0 and t == 0:
            break
        name = b[at + 12:at + 12 + n].rstrip(b"\0").decode()
        da = at + 12 + (n + 3) // 4 * 4
        out.append((name, t, b[da:da + d]))
        at = da + (d + 3) // 4 * 4
    return out

def kdump_bitmaps(path):
    d = open(path, "rb").read(1 << 22)
    bs, shs, bmb = struct.unpack_from("<iiI", d, 428)
    half = bmb // 2 * bs
    b1 = d[(1 + shs) * bs:(1 + shs) * bs + half]
    b2 = d[(1 + shs) * bs + half:(1 + shs) * bs + 2 * half]
    bit = lambda bm, pfn: pfn // 8 < len(bm) and (bm[pfn // 8] >> (pfn % 8)) & 1
    return (lambda pfn: bit(b1, pfn)), (lambda pfn: bit(b2, pfn)), len(b1) * 8

def is_table(arch, entry):
    """A next-level table at a non-last level: x86 present without PS; arm64 descriptor type 3."""
    return entry & 1 and not entry & 0x80 if arch == "x86_64" else entry & 3 == 3

def main(arch, elf, root, kdump, prefix):
    root = int(root, 0)
    f = open(elf, "rb")
    loads, notes = elf_segments(f)
    ram, dumped, nbits = kdump_bitmaps(kdump)
    pages = [(root, "root page table")]
    # Follow the first two table entries of each table down two levels (4K pages: both keep
    # the next table's address in bits 12..47).
    level = [root]
    for depth in range(2):
        nxt = []
        for t in level:
            b = read_pa(f, loads, t)
            for i in range(512):
                e, = struct.unpack_from("<Q", b, i * 8)
                pa = e & 0x0000FFFFFFFFF000
                if is_table(arch, e) and read_pa(f, loads, pa) and pa not in [p for p, _ in pages] + nxt and len(nxt) < 2:
                    nxt.append(pa)
        for pa in nxt:
            pages.append((pa, f"table, level {depth + 2} from the root"))
        level = nxt
    ram_pfns = [pfn for pfn in range(nbits) if ram(pfn)]
    first, last = ram_pfns[0], ram_pfns[-1]
    pages.append((next(p for p in ram_pfns if dumped(p)) * PAGE, "first dumped page"))
    dumped_last = max(p for p in ram_pfns if dumped(p))
    pages.append((dumped_last * PAGE, "last dumped page"))
    zero = next(p for p in ram_pfns if dumped(p) and read_pa(f, loads, p * PAGE) == bytes(PAGE))
    pages.append((zero * PAGE, "a zero page (one shared page in the file under -d 1)"))
    excl = next(p for p in ram_pfns[len(ram_pfns) // 2:] if not dumped(p) and read_pa(f, loads, p * PAGE) != bytes(PAGE))
    pages.append((excl * PAGE, "excluded at -d 31 (non-zero in the ELF)"))
    outside = [((last + 1) * PAGE, "just past the last RAM page")]
    hole = next((p for p in range(first, last) if not ram(p)), None)
    if hole is not None:
        outside.insert(0, (hole * PAGE, "a hole between RAM ranges"))
    elif first > 0:
        outside.insert(0, ((first - 1) * PAGE, "just below the first RAM page"))
    for pa, why in pages:
        assert pa // PAGE == excl or dumped(pa // PAGE), f"{pa:#x} ({why}) is not in the -d 31 dump"
    with open(prefix + ".expected", "w") as o:
        o.write(f"# Made by tests/make-kdump-samples.sh from {elf.split('/')[-1]}; the bytes of each page are in .pages, in this order.\n")
        for pa, why in pages:
            o.write(f"page {pa:#x} {why}\n")
        o.write(f"excluded-at-d31 {excl * PAGE:#x}\n")
        for pa, why in outside:
            o.write(f"outside {pa:#x} {why}\n")
        for name, t, desc in parse_notes(notes):
            o.write(f"note {name} {t} {len(desc)}\n")
    with open(prefix + ".pages", "wb") as o:
        for pa, _ in pages:
            o.write(read_pa(f, loads, pa))
    vmci = next(desc for name, t, desc in parse_notes(notes) if name == "VMCOREINFO")
    open(prefix + ".vmcoreinfo", "wb").write(vmci)

if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
