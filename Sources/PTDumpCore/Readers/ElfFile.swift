import CLibElf
#if canImport(Glibc)
import Glibc
#endif

/// One ELF program header, widened to 64 bits.
public struct ProgramHeader: Sendable, Equatable {
    public var type: UInt32, flags: UInt32
    public var offset: UInt64, vaddr: UInt64, paddr: UInt64, filesz: UInt64, memsz: UInt64, align: UInt64
}

/// One ELF note.
public struct ElfNote: Sendable, Equatable {
    /// Owner name without the trailing NUL (`CORE`, `QEMU`, `VMCOREINFO`, `PTDUMP`).
    public var name: String
    /// `n_type`.
    public var type: UInt32
    /// Descriptor bytes.
    public var desc: [UInt8]
}

/// One ELF section header.
public struct SectionHeader: Sendable, Equatable {
    public var name: String
    public var type: UInt32, flags: UInt64
    public var addr: UInt64, offset: UInt64, size: UInt64
}

/// One symbol from `.symtab` or `.dynsym`.
public struct ElfSymbol: Sendable, Equatable {
    public var name: String
    public var value: UInt64
    public var size: UInt64
    /// Index of the section that holds it (`st_shndx`).
    public var section: UInt16
}

/// A read-only ELF file opened through libelf. Not thread-safe (libelf handles are not).
public final class ElfFile {
    private let fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer?
    private let elf: OpaquePointer

    /// ELF class (1 = 32-bit, 2 = 64-bit).
    public let elfClass: Int32
    /// `e_type` (ET_CORE = 4, ET_EXEC = 2, ET_DYN = 3, ET_REL = 1).
    public let type: UInt16
    /// `e_machine` (EM_X86_64 = 62, EM_AARCH64 = 183).
    public let machine: UInt16

    private static func libelfMessage() -> String {
        elf_errmsg(-1).map { String(cString: $0) } ?? "unknown libelf error"
    }

    /// Opens `path` with libelf (which maps it; nothing is read whole).
    public convenience init(path: String) throws(ImageError) {
        guard elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE) else { throw .malformedELF("libelf: " + Self.libelfMessage()) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(String(cString: strerror(errno))) }
        guard let e = elf_begin(fd, ELF_C_READ_MMAP, nil) else {
            let m = Self.libelfMessage(); close(fd); throw .malformedELF(m)
        }
        try self.init(elf: e, fd: fd, buffer: nil)
    }

    /// Parses a copy of `bytes` (tests, fuzzing).
    public convenience init(copying bytes: [UInt8]) throws(ImageError) {
        guard elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE) else { throw .malformedELF("libelf: " + Self.libelfMessage()) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        buffer.copyBytes(from: bytes)
        guard let base = buffer.baseAddress, let e = elf_memory(base.assumingMemoryBound(to: CChar.self), bytes.count) else {
            buffer.deallocate()
            throw .malformedELF(Self.libelfMessage())
        }
        try self.init(elf: e, fd: -1, buffer: buffer)
    }

    private init(elf e: OpaquePointer, fd: Int32, buffer: UnsafeMutableRawBufferPointer?) throws(ImageError) {
        func fail(_ error: ImageError) -> ImageError {
            elf_end(e)
            if fd >= 0 { close(fd) }
            buffer?.deallocate()
            return error
        }
        guard elf_kind(e) == ELF_K_ELF else { throw fail(.unknownFormat("not an ELF file")) }
        var ehdr = GElf_Ehdr()
        guard gelf_getehdr(e, &ehdr) != nil else { throw fail(.malformedELF("ELF header: " + Self.libelfMessage())) }
        // Either byte order: libelf translates headers and notes (s390x dumps are big-endian).
        guard ehdr.e_ident.5 == UInt8(ELFDATA2LSB) || ehdr.e_ident.5 == UInt8(ELFDATA2MSB) else {
            throw fail(.unknownFormat("ELF data encoding \(ehdr.e_ident.5) is neither little- nor big-endian"))
        }
        self.fd = fd
        self.buffer = buffer
        self.elf = e
        self.elfClass = gelf_getclass(e)
        self.type = ehdr.e_type
        self.machine = ehdr.e_machine
    }

    deinit {
        elf_end(elf)
        if fd >= 0 { close(fd) }
        buffer?.deallocate()
    }

    /// The program headers (PN_XNUM handled by libelf).
    public func programHeaders() throws(ImageError) -> [ProgramHeader] {
        var n = 0
        guard elf_getphdrnum(elf, &n) == 0 else { throw .malformedELF("program headers: " + Self.libelfMessage()) }
        var out: [ProgramHeader] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            var ph = GElf_Phdr()
            guard let idx = Int32(exactly: i), gelf_getphdr(elf, idx, &ph) != nil else {
                throw .malformedELF("program header \(i): " + Self.libelfMessage())
            }
            out.append(ProgramHeader(type: ph.p_type, flags: ph.p_flags, offset: ph.p_offset, vaddr: ph.p_vaddr,
                                     paddr: ph.p_paddr, filesz: ph.p_filesz, memsz: ph.p_memsz, align: ph.p_align))
        }
        return out
    }

    /// Notes from every PT_NOTE segment (or, with no program headers, every SHT_NOTE section).
    public func notes(fileSize: Int) throws(ImageError) -> [ElfNote] {
        var chunks: [(UInt64, UInt64)] = []
        for ph in try programHeaders() where ph.type == UInt32(PT_NOTE) { chunks.append((ph.offset, ph.filesz)) }
        if chunks.isEmpty {
            for s in try sections() where s.type == UInt32(SHT_NOTE) { chunks.append((s.offset, s.size)) }
        }
        var result: [ElfNote] = []
        for (off64, len64) in chunks {
            guard len64 > 0 else { continue }
            guard let off = Int64(exactly: off64), let len = Int(exactly: len64),
                  off64 <= UInt64(fileSize), len64 <= UInt64(fileSize) - off64 else {
                throw .malformedELF("note segment at \(hex(off64)) (+\(hex(len64))) lies outside the file")
            }
            guard let data = elf_getdata_rawchunk(elf, off, len, ELF_T_NHDR) else {
                throw .malformedELF("notes: " + Self.libelfMessage())
            }
            guard let raw = data.pointee.d_buf else { continue }
            let size = data.pointee.d_size
            let base = raw.assumingMemoryBound(to: UInt8.self)
            var offset = 0
            while offset < size {
                var nhdr = GElf_Nhdr()
                var nameOff = 0, descOff = 0
                let next = gelf_getnote(data, offset, &nhdr, &nameOff, &descOff)
                let nlen = max(0, Int(nhdr.n_namesz) - 1)
                let dlen = Int(nhdr.n_descsz)
                guard next != 0, nameOff + nlen <= size, descOff + dlen <= size else {
                    // Zero padding after the last note is harmless; anything else is a note that
                    // runs past its segment, and the notes after it would be lost silently.
                    if (offset..<size).contains(where: { base[$0] != 0 }) {
                        throw .malformedELF("the note at byte \(offset) of the note segment at \(hex(off64)) runs past the segment's \(size) bytes (namesz \(nhdr.n_namesz), descsz \(nhdr.n_descsz))")
                    }
                    break
                }
                let name = UnsafeBufferPointer(start: base + nameOff, count: nlen)
                let desc = Array(UnsafeBufferPointer(start: base + descOff, count: dlen))
                result.append(ElfNote(name: String(decoding: name.prefix { $0 != 0 }, as: UTF8.self), type: nhdr.n_type, desc: desc))
                offset = next
            }
        }
        return result
    }

    /// Section headers with their names.
    public func sections() throws(ImageError) -> [SectionHeader] {
        var shstrndx = 0
        guard elf_getshdrstrndx(elf, &shstrndx) == 0 else { return [] }
        var out: [SectionHeader] = []
        var scn = elf_nextscn(elf, nil)
        while let s = scn {
            var sh = GElf_Shdr()
            if gelf_getshdr(s, &sh) != nil {
                let name = elf_strptr(elf, shstrndx, Int(sh.sh_name)).map { String(cString: $0) } ?? ""
                out.append(SectionHeader(name: name, type: sh.sh_type, flags: sh.sh_flags,
                                         addr: sh.sh_addr, offset: sh.sh_offset, size: sh.sh_size))
            }
            scn = elf_nextscn(elf, s)
        }
        return out
    }

    /// Symbols of `.symtab` and `.dynsym`.
    public func symbols() -> [ElfSymbol] { symbolTable().symbols }

    /// The symbols, and what was wrong with a symbol table that could not be read (so a user
    /// who asks for a symbol hears why there are none, not that there is no table).
    public func symbolTable() -> (symbols: [ElfSymbol], problem: String?) {
        var out: [ElfSymbol] = []
        var problem: String?
        var scn = elf_nextscn(elf, nil)
        while let s = scn {
            defer { scn = elf_nextscn(elf, s) }
            var sh = GElf_Shdr()
            guard gelf_getshdr(s, &sh) != nil,
                  sh.sh_type == UInt32(SHT_SYMTAB) || sh.sh_type == UInt32(SHT_DYNSYM) else { continue }
            guard sh.sh_entsize > 0, let data = elf_getdata(s, nil) else {
                problem = "its symbol table is malformed (sh_entsize \(sh.sh_entsize), \(sh.sh_size) bytes)"
                continue
            }
            let count = Int(sh.sh_size / sh.sh_entsize)
            for i in 0..<count {
                var sym = GElf_Sym()
                guard let idx = Int32(exactly: i), gelf_getsym(data, idx, &sym) != nil else { break }
                guard let cname = elf_strptr(elf, Int(sh.sh_link), Int(sym.st_name)) else { continue }
                let name = String(cString: cname)
                if name.isEmpty { continue }
                out.append(ElfSymbol(name: name, value: sym.st_value, size: sym.st_size, section: sym.st_shndx))
            }
        }
        return (out, problem)
    }
}
