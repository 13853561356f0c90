#!/usr/bin/env python3
"""Rewrite an ELF64 core so its program headers directly follow the ELF header.

QEMU 7.2's dump-guest-memory writes a section header table at offset 64 and the
program headers after it (e_phoff = 192). makedumpfile (1.7.2 and its git HEAD)
ignores e_phoff and reads program headers at sizeof(Elf64_Ehdr), so it finds no
PT_LOAD ("get_elf_info: Can't get the number of PT_LOAD"). This copies the notes
and every PT_LOAD into a new file laid out the way the kernel's /proc/vmcore is:
ehdr, phdrs, notes, segments; no section headers. Holes stay sparse.

usage: elf-phdrs-first.py IN.elf OUT.elf
"""
import struct, sys

def main(src, dst):
    with open(src, "rb") as f:
        eh = bytearray(f.read(64))
        assert eh[:4] == b"\x7fELF" and eh[4] == 2 and eh[5] == 1, "ELF64 little-endian only"
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        f.seek(phoff)
        phdrs = [list(struct.unpack("<IIQQQQQQ", f.read(phentsize)[:56])) for _ in range(phnum)]
        out_off = 64 + 56 * phnum
        layout = []
        for ph in phdrs:
            ptype, flags, off, vaddr, paddr, filesz, memsz, align = ph
            layout.append((off, out_off, filesz))
            ph[2] = out_off
            out_off += filesz
        struct.pack_into("<Q", eh, 32, 64)          # e_phoff
        struct.pack_into("<Q", eh, 40, 0)           # e_shoff
        struct.pack_into("<HHH", eh, 58, 64, 0, 0)  # e_shentsize, e_shnum, e_shstrndx
        struct.pack_into("<H", eh, 52, 64)          # e_ehsize
        with open(dst, "wb") as g:
            g.write(eh)
            for ph in phdrs:
                g.write(struct.pack("<IIQQQQQQ", *ph))
            zero = bytes(1 << 20)
            for src_off, dst_off, size in layout:
                f.seek(src_off)
                g.seek(dst_off)
                left = size
                while left:
                    chunk = f.read(min(left, 1 << 20))
                    if not chunk:
                        sys.exit(f"{src}: short read at {src_off + size - left:#x}")
                    if chunk == zero[:len(chunk)]:
                        g.seek(len(chunk), 1)   # keep holes sparse
                    else:
                        g.write(chunk)
                    left -= len(chunk)
            g.truncate(out_off)

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
