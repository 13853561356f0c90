import CLibElf
#if canImport(Glibc)
import Glibc
#endif

/// Page tables laid out by `ImageBuilder`: physically contiguous table memory from
/// `physicalBase`, with the top-level table at `root`. Writes itself in each input format
/// ptdump reads, and says which flags each format needs.
public struct BuiltImage: Sendable {
    /// The paging mode of the tables.
    public let mode: PagingMode
    /// Table memory, the first byte at `physicalBase`.
    public let bytes: [UInt8]
    /// Physical address of `bytes[0]`.
    public let physicalBase: UInt64
    /// Physical address of the top-level table.
    public let root: PhysicalAddress
    /// Bytes of one table page.
    public let tableBytes: Int

    public init(mode: PagingMode, bytes: [UInt8], physicalBase: UInt64, root: PhysicalAddress, tableBytes: Int) {
        self.mode = mode
        self.bytes = bytes
        self.physicalBase = physicalBase
        self.root = root
        self.tableBytes = tableBytes
    }

    /// The tables as physical memory (no file needed).
    public func physicalMemory() throws(ImageError) -> MappedMemory {
        try MappedMemory(file: MappedFile(bytes: bytes),
                           segments: [MemorySegment(physicalStart: PhysicalAddress(physicalBase), size: UInt64(bytes.count),
                                                    fileOffset: 0, fileSize: UInt64(bytes.count))])
    }

    /// The compact image's `PTDUMP` note: the paging mode and root, plus layout facts that keep
    /// the headings at their defaults (no KASLR inference, no KASAN, no PTI user tables).
    public var noteText: String {
        CompactImageNote(arch: mode.arch, levels: mode.levels, pageSize: Int(mode.pageSize), vaBits: mode.vaBits, root: root,
                         layout: (try? mode.encoder().noteFacts) ?? []).text
    }

    /// Writes a compact image (man/ptdump-image.5) holding every table page: `ptdump PATH`
    /// then needs no flags.
    public func writeCompactImage(path: String) throws(ImageError) {
        let pages = stride(from: 0, to: bytes.count, by: tableBytes).map { PhysicalAddress(physicalBase + UInt64($0)) }
        try CompactImageWriter.write(path: path, arch: mode.arch, memory: physicalMemory(), pages: pages,
                               pageBytes: tableBytes, note: noteText, vmcoreinfo: nil)
    }

    /// Writes the table memory as a raw flat dump starting at `physicalBase`; ptdump then
    /// needs `rawOptions` (`--arch`, `--root`, `--base` and the paging flags).
    public func writeRaw(path: String) throws(ImageError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotOpen("\(path): " + String(cString: strerror(errno))) }
        defer { close(fd) }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count, let p = buf.baseAddress {
                let n = write(fd, p + off, buf.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                off += n
            }
        }
        if failure != 0 { throw .other("cannot write \(path): " + String(cString: strerror(failure))) }
    }

    /// Where `writeELF` links the tables by default: the kernel image mapping.
    public var defaultLinkAddress: UInt64 {
        (try? mode.encoder().defaultLinkAddress(physicalBase: physicalBase)) ?? physicalBase
    }

    /// Writes a firmware-style ELF executable (`ET_EXEC`, x86_64 or AArch64): one `PT_LOAD`
    /// with the tables at `p_paddr = physicalBase` linked at `linkAddress`, and a `.symtab`
    /// whose `rootSymbol` is the root's link address. ptdump then needs `elfOptions`.
    public func writeELF(path: String, rootSymbol: String, linkAddress: UInt64? = nil) throws(ImageError) {
        let vaddr = linkAddress ?? defaultLinkAddress
        let load = ElfSegment(type: UInt32(PT_LOAD), vaddr: vaddr, paddr: physicalBase, data: bytes, align: 4096)
        try ElfWriter.write(path: path, machine: mode.arch.elfMachine, type: UInt16(ET_EXEC), segments: [load],
                            symbols: [(rootSymbol, vaddr &+ (root.rawValue &- physicalBase))])
    }

    /// The paging flags (`--levels`, or `--page-size` and `--va-bits`).
    public var pagingOptions: Options { (try? mode.encoder().pagingOptions) ?? Options() }

    /// What ptdump needs for the file `writeRaw` wrote: `--arch`, `--root`, `--base` and the
    /// paging flags.
    public var rawOptions: Options {
        var o = pagingOptions
        o.arch = mode.arch
        o.root = root
        o.rawBase = PhysicalAddress(physicalBase)
        return o
    }

    /// What ptdump needs for the file `writeELF` wrote: `--root-symbol` and the paging flags.
    public func elfOptions(rootSymbol: String) -> Options {
        var o = pagingOptions
        o.rootSymbol = rootSymbol
        return o
    }
}
