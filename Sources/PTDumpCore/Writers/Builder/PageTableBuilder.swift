/// Lays out page tables for any `Architecture` in a growing block of physical memory: tests,
/// fixtures and synthetic images are built with it instead of hand-written bytes.
public struct PageTableBuilder<A: Architecture> {
    public let arch: A
    /// Physical address of the first byte.
    public let physicalBase: UInt64
    /// Bytes of one table (the largest level's table).
    public let tableBytes: Int
    /// Bytes of one entry (`TableLevel.entryBytes`; the same at every level of every known
    /// paging format): 8, or 4 for x86 legacy paging.
    public let entryBytes: Int
    /// The memory laid out so far.
    public private(set) var bytes: [UInt8] = []
    /// The top-level table.
    public private(set) var root: PhysicalAddress = 0
    /// Encodes a table entry at a real level pointing at a physical address.
    public let tableEntry: @Sendable (PhysicalAddress, Int) -> UInt64
    /// What an unused entry of a table at a real level holds.
    public let emptyEntry: @Sendable (Int) -> UInt64

    /// Starts with an empty top-level table at `physicalBase`; table entries are the same at
    /// every level and unused entries are 0.
    public init(arch: A, physicalBase: UInt64 = 0x10_0000, tableEntry: @escaping @Sendable (PhysicalAddress) -> UInt64) {
        self.init(arch: arch, physicalBase: physicalBase, emptyEntry: { _ in 0 }) { pa, _ in tableEntry(pa) }
    }

    /// Starts with an empty top-level table at `physicalBase`; `tableEntry` encodes the entry
    /// at a real level pointing at a table, `emptyEntry` fills new tables of a real level.
    public init(arch: A, physicalBase: UInt64 = 0x10_0000, emptyEntry: @escaping @Sendable (Int) -> UInt64,
                tableEntry: @escaping @Sendable (PhysicalAddress, Int) -> UInt64) {
        self.arch = arch
        self.physicalBase = physicalBase
        self.tableBytes = arch.tableBytes
        self.entryBytes = arch.levels[0].entryBytes
        self.tableEntry = tableEntry
        self.emptyEntry = emptyEntry
        root = newTable(level: 0)
    }

    /// A new zeroed table; returns its physical address.
    public mutating func newTable() -> PhysicalAddress {
        let pa = PhysicalAddress(physicalBase + UInt64(bytes.count))
        bytes += [UInt8](repeating: 0, count: tableBytes)
        return pa
    }

    /// A new table of real level `level`, every entry unused; returns its physical address.
    public mutating func newTable(level: Int) -> PhysicalAddress {
        let pa = newTable()
        let empty = emptyEntry(level)
        if empty != 0 {
            for i in 0..<arch.levels[level].entries { set(table: pa, index: i, empty) }
        }
        return pa
    }

    /// Appends `count` bytes of data (e.g. a page for leaves to point at); returns its PA.
    public mutating func newData(_ data: [UInt8]) -> PhysicalAddress {
        let pa = PhysicalAddress(physicalBase + UInt64(bytes.count))
        bytes += data
        let pad = (tableBytes - data.count % tableBytes) % tableBytes
        bytes += [UInt8](repeating: 0, count: pad)
        return pa
    }

    /// Entry `index` of the table at `table`.
    public func entry(table: PhysicalAddress, index: Int) -> UInt64 {
        let n = entryBytes
        let o = Int(table.rawValue - physicalBase) + index * n
        return (0..<n).reduce(UInt64(0)) { v, b in
            v | UInt64(bytes[o + (arch.byteOrder == .big ? n - 1 - b : b)]) << (8 * UInt64(b))
        }
    }

    /// Sets entry `index` of the table at `table`.
    public mutating func set(table: PhysicalAddress, index: Int, _ value: UInt64) {
        let n = entryBytes
        let o = Int(table.rawValue - physicalBase) + index * n
        for b in 0..<n {
            bytes[o + (arch.byteOrder == .big ? n - 1 - b : b)] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(b)))
        }
    }

    /// Index of `va` in a table of real level `li`.
    public func index(of va: UInt64, level li: Int) -> Int {
        let L = arch.levels[li]
        return Int((va >> UInt64(L.shift)) & UInt64(L.entries - 1))
    }

    /// The table at real level `level` that translates `va`, created (with the tables above
    /// it) when missing.
    public mutating func table(for va: UInt64, level: Int) -> PhysicalAddress {
        var t = root
        for li in 0..<level {
            let i = index(of: va, level: li)
            let e = entry(table: t, index: i)
            if case .table(let next) = arch.classify(e, level: li) {
                t = next
            } else {
                let n = newTable(level: li + 1)
                set(table: t, index: i, tableEntry(n, li))
                t = n
            }
        }
        return t
    }

    /// Installs `entry` for `va` at real level `level` (a leaf, or a table entry to share).
    public mutating func install(va: UInt64, level: Int, entry: UInt64) {
        let t = table(for: va, level: level)
        set(table: t, index: index(of: va, level: level), entry)
    }

    /// The memory as an image's physical memory.
    public func physicalMemory() throws(ImageError) -> MappedMemory {
        try MappedMemory(file: MappedFile(bytes: bytes),
                         segments: [MemorySegment(physicalStart: PhysicalAddress(physicalBase), size: UInt64(bytes.count),
                                                    fileOffset: 0, fileSize: UInt64(bytes.count))])
    }
}
