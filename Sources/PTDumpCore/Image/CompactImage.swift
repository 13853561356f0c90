import CLibElf
#if canImport(Glibc)
import Glibc
#endif

/// ptdump's compact image (man/ptdump-image.5): an ELF64 core holding only page-table pages,
/// a `PTDUMP` note with the facts needed to print them, and the source's VMCOREINFO note.
public enum CompactImage {
    /// Note name and type of the facts note.
    public static let noteName = "PTDUMP"
    public static let noteType: UInt32 = 1
    /// Version written in the `format` key.
    public static let formatVersion = "1"

    /// Parses the `PTDUMP` note text (`key=value` lines).
    public static func parseNote(_ desc: [UInt8]) throws(ImageError) -> [(key: String, value: String)] {
        let text = String(decoding: desc.prefix { $0 != 0 }, as: UTF8.self)
        var out: [(String, String)] = []
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { throw .malformedImageNote(String(line.prefix(60))) }
            out.append((String(line[..<eq]), String(line[line.index(after: eq)...])))
        }
        guard out.contains(where: { $0.0 == "format" && $0.1 == formatVersion }) else {
            throw .malformedImageNote("no format=\(formatVersion) line")
        }
        return out
    }

    /// The note text for `platform`.
    public static func noteText(platform p: Platform) -> String {
        var s = "format=\(formatVersion)\narch=\(p.arch.value.rawValue)\nlevels=\(p.levels.value)\n"
        s += "page_size=\(p.pageSize.value)\nva_bits=\(p.vaBits.value)\nroot=\(hex(p.root.value))\n"
        for (name, fact) in p.layout.facts { s += "layout.\(name)=\(hex(fact.value))\n" }
        return s
    }

    /// Writes an image holding `pages` (each `pageBytes` long) of `memory`.
    public static func write(path: String, arch: ArchKind, memory: PhysicalMemory, pages: [UInt64], pageBytes: Int,
                             note: String, vmcoreinfo: VMCoreInfo?) throws(ImageError) {
        // Group contiguous pages into segments.
        var segs: [(pa: UInt64, count: Int)] = []
        for pa in pages.sorted() {
            if let last = segs.last, last.pa &+ UInt64(last.count * pageBytes) == pa { segs[segs.count - 1].count += 1 }
            else { segs.append((pa, 1)) }
        }
        var notes = noteBytes(name: noteName, type: noteType, desc: Array(note.utf8))
        if let vi = vmcoreinfo { notes += noteBytes(name: "VMCOREINFO", type: 0, desc: Array(vi.text.utf8)) }
        var blobs: [[UInt8]] = [notes]
        for s in segs { blobs.append(try memory.read(s.pa, length: s.count * pageBytes)) }
        try ElfWriter.write(path: path, machine: arch.elfMachine, type: 4, blobs: blobs) { i, offset, size in
            if i == 0 { return (UInt32(PT_NOTE), 0, 0, 0, 4) }
            let pa = segs[i - 1].pa
            return (UInt32(PT_LOAD), pa, pa, UInt64(segs[i - 1].count * pageBytes), 4096)
        }
    }

    /// One ELF note record (4-byte aligned).
    static func noteBytes(name: String, type: UInt32, desc: [UInt8]) -> [UInt8] {
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
        func pad(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (4 - b.count % 4) % 4) }
        let n = Array(name.utf8) + [0]
        return le32(UInt32(n.count)) + le32(UInt32(desc.count)) + le32(type) + pad(n) + pad(desc)
    }
}

/// Writes simple ELF64 files through libelf: one program header per blob, blob data placed
/// page-aligned after the headers.
public enum ElfWriter {
    /// `header(i, offset, size)` gives (p_type, p_vaddr, p_paddr, p_memsz, p_align) for blob `i`.
    public static func write(path: String, machine: UInt16, type: UInt16, blobs: [[UInt8]],
                             header: (Int, UInt64, UInt64) -> (UInt32, UInt64, UInt64, UInt64, UInt64)) throws(ImageError) {
        guard elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE) else { throw .other("libelf unavailable") }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotOpen("\(path): " + String(cString: strerror(errno))) }
        defer { close(fd) }
        guard let e = elf_begin(fd, ELF_C_WRITE, nil) else { throw .other("libelf: cannot start \(path)") }
        defer { elf_end(e) }
        guard gelf_newehdr(e, Int32(ELFCLASS64)) != nil else { throw .other("libelf: cannot create ELF header") }
        var eh = GElf_Ehdr()
        _ = gelf_getehdr(e, &eh)
        eh.e_ident.5 = UInt8(ELFDATA2LSB)
        eh.e_type = type
        eh.e_machine = machine
        eh.e_version = UInt32(EV_CURRENT)
        let phoff: UInt64 = 64
        let phsize = UInt64(blobs.count) * 56
        eh.e_phoff = phoff
        var offsets: [UInt64] = []
        var off = phoff + phsize
        for (i, b) in blobs.enumerated() {
            if i > 0 { off = (off + 4095) & ~4095 }
            offsets.append(off)
            off += UInt64(b.count)
        }
        eh.e_shoff = (off + 7) & ~7
        guard gelf_update_ehdr(e, &eh) != 0, gelf_newphdr(e, blobs.count) != nil else {
            throw .other("libelf: cannot write headers")
        }
        elf_flagelf(e, ELF_C_SET, UInt32(ELF_F_LAYOUT))
        var buffers: [UnsafeMutableRawPointer] = []
        defer { buffers.forEach { $0.deallocate() } }
        for (i, b) in blobs.enumerated() {
            guard let scn = elf_newscn(e), let data = elf_newdata(scn) else { throw .other("libelf: cannot add data") }
            let buf = UnsafeMutableRawPointer.allocate(byteCount: max(b.count, 1), alignment: 8)
            buffers.append(buf)
            b.withUnsafeBytes { if let s = $0.baseAddress { buf.copyMemory(from: s, byteCount: b.count) } }
            data.pointee.d_buf = buf
            data.pointee.d_size = b.count
            data.pointee.d_type = ELF_T_BYTE
            data.pointee.d_align = 1
            data.pointee.d_off = 0
            var sh = GElf_Shdr()
            _ = gelf_getshdr(scn, &sh)
            sh.sh_type = i == 0 ? UInt32(SHT_NOTE) : UInt32(SHT_PROGBITS)
            sh.sh_offset = offsets[i]
            sh.sh_size = UInt64(b.count)
            sh.sh_addralign = 1
            _ = gelf_update_shdr(scn, &sh)
            let (pt, va, pa, memsz, align) = header(i, offsets[i], UInt64(b.count))
            var ph = GElf_Phdr(p_type: pt, p_flags: UInt32(PF_R), p_offset: offsets[i], p_vaddr: va, p_paddr: pa,
                               p_filesz: UInt64(b.count), p_memsz: max(memsz, UInt64(b.count)), p_align: align)
            _ = gelf_update_phdr(e, Int32(i), &ph)
        }
        guard elf_update(e, ELF_C_WRITE) >= 0 else {
            throw .other("libelf: cannot write \(path): " + (elf_errmsg(-1).map { String(cString: $0) } ?? "?"))
        }
    }
}
