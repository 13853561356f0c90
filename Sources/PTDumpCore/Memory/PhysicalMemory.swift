/// How a machine stores multi-byte values: a property of the architecture, applied by the
/// memory when it hands out table pages.
public enum ByteOrder: Sendable {
    case little
    case big
}

/// `[start, end)` of physical memory that an image holds bytes for.
public struct PhysicalRange: Sendable, Equatable {
    public var start: PhysicalAddress
    /// One past the last byte (saturating at 2^64-1).
    public var end: PhysicalAddress
    public init(start: PhysicalAddress, end: PhysicalAddress) {
        self.start = start
        self.end = end
    }
    /// Bytes covered.
    public var size: UInt64 { end - start }
}

/// The memory of an image, as the walk sees it: "the table page at PA" and "the bytes at PA".
/// Implementations decide where the bytes come from (a mapped file, decompressed pages, a
/// dictionary in a test); none of them may trap on an address: a read outside what they hold
/// throws. The walker, `--walk`, root checks and layout probes all read through this.
public protocol PhysicalMemory: Sendable {
    /// The physical ranges that hold bytes, sorted and non-overlapping.
    var regions: [PhysicalRange] { get }
    /// Copies `[pa, pa+length)`; throws when any byte of it is not in the image.
    func read(_ pa: PhysicalAddress, length: Int) throws(ImageError) -> [UInt8]
    /// The table page at `pa`: `entries` 8-byte entries in `byteOrder`, checked once.
    func table(at pa: PhysicalAddress, entries: Int, byteOrder: ByteOrder) throws(ImageError) -> TablePage
    /// A short description for `--info` (how many segments, pages read, …).
    var summary: String { get }
    /// The parts of `regions` whose bytes the image really holds (not zero fill such as an
    /// ELF segment's `p_memsz` beyond `p_filesz`): what a search of memory has to read.
    var storedRegions: [PhysicalRange] { get }
}

extension PhysicalMemory {
    /// Every region, unless the memory knows better.
    public var storedRegions: [PhysicalRange] { regions }

    /// True when every byte of `[pa, pa+length)` is in some region.
    public func contains(_ pa: PhysicalAddress, length: Int) -> Bool {
        guard length >= 0 else { return false }
        let (last, o) = pa.rawValue.addingReportingOverflow(UInt64(max(length, 1)) - 1)
        if o { return false }
        var addr = pa.rawValue
        for r in regions where r.end.rawValue > addr {
            if r.start.rawValue > addr { return false }
            if last < r.end.rawValue { return true }
            addr = r.end.rawValue
        }
        return false
    }

    /// The 64-bit value at `pa` in `byteOrder`.
    public func u64(_ pa: PhysicalAddress, byteOrder: ByteOrder = .little) throws(ImageError) -> UInt64 {
        let b = try read(pa, length: 8)
        var v: UInt64 = 0
        switch byteOrder {
        case .little: for i in (0..<8).reversed() { v = v << 8 | UInt64(b[i]) }
        case .big: for i in 0..<8 { v = v << 8 | UInt64(b[i]) }
        }
        return v
    }

    /// A table page built from a copy of its bytes: for implementations whose bytes are not
    /// already in one piece of memory.
    public func copiedTable(at pa: PhysicalAddress, entries: Int, byteOrder: ByteOrder) throws(ImageError) -> TablePage {
        guard entries > 0, entries <= 1 << 16 else { throw .other("a page table of \(entries) entries is not possible") }
        return TablePage(copying: try read(pa, length: entries * 8), entries: entries, byteOrder: byteOrder)
    }

    /// The table at `pa` of `entries` entries of `entryBytes` (1…8) bytes each in `byteOrder`,
    /// each zero-extended into a 64-bit entry of a copied page: for entries narrower than 8
    /// bytes (x86 legacy 32-bit paging). Bounds-checked like `table(at:entries:byteOrder:)`.
    public func widenedTable(at pa: PhysicalAddress, entries: Int, entryBytes: Int,
                             byteOrder: ByteOrder) throws(ImageError) -> TablePage {
        guard entries > 0, entries <= 1 << 16, entryBytes > 0, entryBytes <= 8 else {
            throw .other("a page table of \(entries) entries of \(entryBytes) bytes is not possible")
        }
        let raw = try read(pa, length: entries * entryBytes)
        var wide = [UInt8](repeating: 0, count: entries * 8)
        for i in 0..<entries {
            for b in 0..<entryBytes {
                // Little-endian 64-bit result: the entry's least significant byte first.
                let src = byteOrder == .little ? i * entryBytes + b : i * entryBytes + entryBytes - 1 - b
                wide[i * 8 + b] = raw[src]
            }
        }
        return TablePage(copying: wide, entries: entries, byteOrder: .little)
    }

    /// Total bytes held.
    public var totalSize: UInt64 { regions.reduce(0) { $0 &+ $1.size } }
}
