import CLibElf
#if canImport(Glibc)
import Glibc
#endif

/// One program header and its bytes for `ElfWriter`.
public struct ElfSegment: Sendable {
    public var type: UInt32
    public var vaddr: UInt64
    public var paddr: UInt64
    public var data: [UInt8]
    /// `p_memsz` (at least the data size).
    public var memsz: UInt64
    public var align: UInt64
    /// Overrides `p_filesz` and `p_offset` as written (tests of broken files only).
    public var fileszOverride: UInt64?
    public var offsetOverride: UInt64?

    public init(type: UInt32, vaddr: UInt64 = 0, paddr: UInt64 = 0, data: [UInt8], memsz: UInt64 = 0, align: UInt64 = 4,
                fileszOverride: UInt64? = nil, offsetOverride: UInt64? = nil) {
        self.type = type
        self.vaddr = vaddr
        self.paddr = paddr
        self.data = data
        self.memsz = max(memsz, UInt64(data.count))
        self.align = align
        self.fileszOverride = fileszOverride
        self.offsetOverride = offsetOverride
    }
}

/// Writes simple ELF64 little-endian files through libelf: one program header per segment,
/// segment data placed page-aligned after the headers, optional section headers and symbols.
public enum ElfWriter {
    /// Writes `segments` (and, when given, a `.symtab` with `symbols`) to `path`.
    public static func write(path: String, machine: UInt16, type: UInt16, segments: [ElfSegment],
                             symbols: [(name: String, value: UInt64)] = []) throws(ImageError) {
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
        eh.e_phoff = phoff

        // Blobs: the segments' data, then (with symbols) .symtab, .strtab and .shstrtab.
        var blobs: [(data: [UInt8], shtype: UInt32, name: Int, link: UInt32, entsize: UInt64, info: UInt32)] =
            segments.map { ($0.data, $0.type == UInt32(PT_NOTE) ? UInt32(SHT_NOTE) : UInt32(SHT_PROGBITS), 0, 0, 0, 0) }
        if !symbols.isEmpty {
            var strtab: [UInt8] = [0]
            var symtab = [UInt8](repeating: 0, count: 24)            // the null symbol
            func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
            for s in symbols {
                let nameOff = strtab.count
                strtab += Array(s.name.utf8) + [0]
                // st_name, st_info (GLOBAL OBJECT), st_other, st_shndx (ABS), st_value, st_size
                symtab += le(UInt64(nameOff), 4) + [0x11, 0] + le(0xfff1, 2) + le(s.value, 8) + le(0, 8)
            }
            let shstr: [UInt8] = Array("\0.symtab\0.strtab\0.shstrtab\0".utf8)
            let firstNew = UInt32(blobs.count + 1)
            blobs.append((symtab, UInt32(SHT_SYMTAB), 1, firstNew + 1, 24, 1))
            blobs.append((strtab, UInt32(SHT_STRTAB), 9, 0, 0, 0))
            blobs.append((shstr, UInt32(SHT_STRTAB), 17, 0, 0, 0))
        }
        var offsets: [UInt64] = []
        var off = phoff + UInt64(segments.count) * 56
        for (i, b) in blobs.enumerated() {
            if i < segments.count && segments[i].type == UInt32(PT_LOAD) { off = (off + 4095) & ~4095 } else { off = (off + 7) & ~7 }
            offsets.append(off)
            off += UInt64(b.data.count)
        }
        eh.e_shoff = (off + 7) & ~7
        if !symbols.isEmpty { eh.e_shstrndx = UInt16(blobs.count) }
        guard gelf_update_ehdr(e, &eh) != 0 else { throw .other("libelf: cannot write the ELF header") }
        if !segments.isEmpty { guard gelf_newphdr(e, segments.count) != nil else { throw .other("libelf: cannot add program headers") } }
        elf_flagelf(e, ELF_C_SET, UInt32(ELF_F_LAYOUT))
        var buffers: [UnsafeMutableRawPointer] = []
        defer { buffers.forEach { $0.deallocate() } }
        for (i, b) in blobs.enumerated() {
            guard let scn = elf_newscn(e), let data = elf_newdata(scn) else { throw .other("libelf: cannot add data") }
            let buf = UnsafeMutableRawPointer.allocate(byteCount: max(b.data.count, 1), alignment: 8)
            buffers.append(buf)
            b.data.withUnsafeBytes { if let s = $0.baseAddress { buf.copyMemory(from: s, byteCount: b.data.count) } }
            data.pointee.d_buf = buf
            data.pointee.d_size = b.data.count
            data.pointee.d_type = ELF_T_BYTE
            data.pointee.d_align = 1
            data.pointee.d_off = 0
            var sh = GElf_Shdr()
            _ = gelf_getshdr(scn, &sh)
            sh.sh_type = b.shtype
            sh.sh_name = UInt32(b.name)
            sh.sh_offset = offsets[i]
            sh.sh_size = UInt64(b.data.count)
            sh.sh_addralign = 1
            sh.sh_link = b.link
            sh.sh_info = b.info
            sh.sh_entsize = b.entsize
            if i < segments.count, segments[i].type == UInt32(PT_LOAD) {
                sh.sh_addr = segments[i].vaddr
                sh.sh_flags = UInt64(SHF_ALLOC)
            }
            _ = gelf_update_shdr(scn, &sh)
            if i < segments.count {
                let sg = segments[i]
                var ph = GElf_Phdr(p_type: sg.type, p_flags: UInt32(PF_R), p_offset: sg.offsetOverride ?? offsets[i],
                                   p_vaddr: sg.vaddr, p_paddr: sg.paddr, p_filesz: sg.fileszOverride ?? UInt64(b.data.count),
                                   p_memsz: sg.memsz, p_align: sg.align)
                _ = gelf_update_phdr(e, Int32(i), &ph)
            }
        }
        guard elf_update(e, ELF_C_WRITE) >= 0 else {
            throw .other("libelf: cannot write \(path): " + (elf_errmsg(-1).map { String(cString: $0) } ?? "?"))
        }
    }
}
