import CLibElf

/// Writes ptdump's compact image (man/ptdump-image.5): the table pages read, the `PTDUMP`
/// note and the source's VMCOREINFO, as an ELF64 core.
public enum CompactImageWriter {
    /// Writes an image holding `pages` (each `pageBytes` long) of `memory`.
    public static func write(path: String, arch: ArchKind, memory: any PhysicalMemory, pages: [PhysicalAddress], pageBytes: Int,
                             note: String, vmcoreinfo: VMCoreInfo?) throws(ImageError) {
        // Group contiguous pages into segments.
        var segs: [(pa: PhysicalAddress, count: Int)] = []
        for pa in pages.sorted() {
            if let last = segs.last, last.pa + UInt64(last.count * pageBytes) == pa { segs[segs.count - 1].count += 1 }
            else { segs.append((pa, 1)) }
        }
        var notes = CompactImage.noteBytes(name: CompactImage.noteName, type: CompactImage.noteType, desc: Array(note.utf8))
        if let vi = vmcoreinfo { notes += CompactImage.noteBytes(name: "VMCOREINFO", type: 0, desc: Array(vi.text.utf8)) }
        var blobs: [[UInt8]] = [notes]
        for s in segs { blobs.append(try readPadded(memory, s.pa, length: s.count * pageBytes)) }
        var specs = [ElfSegment(type: UInt32(PT_NOTE), data: blobs[0])]
        for (i, s) in segs.enumerated() {
            specs.append(ElfSegment(type: UInt32(PT_LOAD), vaddr: s.pa.rawValue, paddr: s.pa.rawValue, data: blobs[i + 1], align: 4096))
        }
        try ElfWriter.write(path: path, machine: arch.elfMachine, type: 4, segments: specs)
    }

    /// `length` bytes at `pa`; a table smaller than a page at the end of the memory (a 32-byte
    /// PAE PDPT at the end of a segment) is saved with the rest of its page as zeros.
    static func readPadded(_ memory: any PhysicalMemory, _ pa: PhysicalAddress, length: Int) throws(ImageError) -> [UInt8] {
        if memory.contains(pa, length: length) { return try memory.read(pa, length: length) }
        var n = 0
        while n + 8 <= length && memory.contains(pa + UInt64(n), length: 8) { n += 8 }
        guard n > 0 else { return try memory.read(pa, length: length) }
        return try memory.read(pa, length: n) + [UInt8](repeating: 0, count: length - n)
    }

}

/// The `PTDUMP` note of a compact image: what a reader needs to walk the saved tables with
/// no flags. The one writer of that note (`--save` and the builder both use it).
public struct CompactImageNote: Sendable {
    public var arch: ArchKind
    public var levels: Int
    public var pageSize: Int
    public var vaBits: Int
    public var root: PhysicalAddress
    /// `--root-level` name and `--va-base`, when the root is not the top table.
    public var rootLevel: (name: String, vaBase: VirtualAddress)?
    /// The kernel release whose profile was used.
    public var kernel: KernelRelease?
    /// Layout facts, in order.
    public var layout: [(key: LayoutKey, value: UInt64)]
    /// Markers to print exactly (when they came from the kernel's own table), in order.
    public var markers: [AddressMarker] = []
    /// What walks a translation that is not a Linux kernel's (`translation`, `regime`, …).
    public var translation: [(key: String, value: String)] = []
    /// The machine's physical-address width (`phys_bits`), when known.
    public var physicalAddressBits: Int?
    /// The source's RAM regions (`ram=` lines, `CompactImageMemoryMap`).
    public var memoryMap: [(key: String, value: String)] = []

    public init(arch: ArchKind, levels: Int, pageSize: Int, vaBits: Int, root: PhysicalAddress,
                rootLevel: (name: String, vaBase: VirtualAddress)? = nil, kernel: KernelRelease? = nil,
                layout: [(key: LayoutKey, value: UInt64)] = []) {
        self.arch = arch
        self.levels = levels
        self.pageSize = pageSize
        self.vaBits = vaBits
        self.root = root
        self.rootLevel = rootLevel
        self.kernel = kernel
        self.layout = layout
    }

    /// The `key=value` lines.
    public var text: String {
        var s = "format=\(CompactImage.formatVersion)\narch=\(arch.rawValue)\nlevels=\(levels)\n"
        s += "page_size=\(pageSize)\nva_bits=\(vaBits)\nroot=\(hex(root))\n"
        if let r = rootLevel { s += "root_level=\(r.name)\nva_base=\(hex(r.vaBase))\n" }
        if let k = kernel { s += "kernel=\(k)\n" }
        for (key, value) in layout { s += "layout.\(key.name)=\(hex(value))\n" }
        for m in markers { s += "marker=\(hex(m.start)),\(m.maxLines),\(m.name)\n" }
        for (key, value) in translation { s += "\(key)=\(value)\n" }
        if let n = physicalAddressBits { s += "phys_bits=\(n)\n" }
        for (key, value) in memoryMap { s += "\(key)=\(value)\n" }
        return s
    }
}
