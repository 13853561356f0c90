@testable import PTDumpCore

/// A second `PhysicalMemory`, for tests only: pages held in a dictionary, every table handed
/// out as a copy, optionally with every 8-byte word stored big-endian. The walker must run on
/// it unchanged.
struct PageDictionaryMemory: PhysicalMemory {
    let pageSize: Int
    let pages: [UInt64: [UInt8]]
    let regions: [PhysicalRange]

    /// The pages of `memory` that hold `addresses` (page-aligned), words byte-swapped when `bigEndian`.
    init(copying memory: any PhysicalMemory, pageSize: Int, bigEndian: Bool = false) throws {
        self.pageSize = pageSize
        var pages: [UInt64: [UInt8]] = [:]
        for r in memory.regions {
            var pa = r.start.rawValue & ~UInt64(pageSize - 1)
            while pa < r.end.rawValue {
                var bytes = try memory.read(PhysicalAddress(pa), length: pageSize)
                if bigEndian {
                    for w in stride(from: 0, to: bytes.count, by: 8) { bytes[w..<w + 8].reverse() }
                }
                pages[pa] = bytes
                pa += UInt64(pageSize)
            }
        }
        self.pages = pages
        var rs: [PhysicalRange] = []
        for pa in pages.keys.sorted() {
            let end = PhysicalAddress(pa + UInt64(pageSize))
            if let last = rs.last, last.end.rawValue == pa { rs[rs.count - 1].end = end } else {
                rs.append(PhysicalRange(start: PhysicalAddress(pa), end: end))
            }
        }
        regions = rs
    }

    var summary: String { "\(pages.count) pages in a dictionary" }

    func read(_ pa: PhysicalAddress, length: Int) throws(ImageError) -> [UInt8] {
        var out: [UInt8] = []
        var addr = pa.rawValue
        while out.count < length {
            let page = addr & ~UInt64(pageSize - 1)
            guard let bytes = pages[page] else { throw .outsideMemory(pa.rawValue, length) }
            let off = Int(addr - page)
            let n = min(pageSize - off, length - out.count)
            out += bytes[off..<off + n]
            addr += UInt64(n)
        }
        return out
    }

    func table(at pa: PhysicalAddress, entries: Int, byteOrder: ByteOrder) throws(ImageError) -> TablePage {
        try copiedTable(at: pa, entries: entries, byteOrder: byteOrder)
    }
}

/// An architecture exactly like `A` but storing its entries big-endian: the walk must not
/// care which byte order the memory holds, only what the architecture says.
struct BigEndian<A: Architecture>: Architecture {
    let base: A
    var kind: ArchKind { base.kind }
    var levels: [TableLevel] { base.levels }
    var pageSize: UInt64 { base.pageSize }
    var levelNames: [String] { base.levelNames }
    var byteOrder: ByteOrder { .big }
    func classify(_ entry: UInt64, level: Int) -> EntryClass { base.classify(entry, level: level) }
    func prot(_ entry: UInt64, kernelLevel: Int) -> UInt64 { base.prot(entry, kernelLevel: kernelLevel) }
    func effective(_ entry: UInt64, parent: UInt64?) -> UInt64 { base.effective(entry, parent: parent) }
    func outputAddress(_ entry: UInt64, level: Int) -> PhysicalAddress { base.outputAddress(entry, level: level) }
    var attributes: [AttributeBit] { base.attributes }
    func permissions(prot: UInt64, effective: UInt64) -> Permissions { base.permissions(prot: prot, effective: effective) }
    func isCanonical(_ va: VirtualAddress) -> Bool { base.isCanonical(va) }
    var textStyle: KernelTextStyle { base.textStyle }
    var wxRule: WXRule { base.wxRule }
}
