/// One real (not folded) level of page tables, top first.
public struct TableLevel: Sendable, Equatable {
    /// log2 of the VA span one entry covers.
    public var shift: Int
    /// Entries in one table of this level.
    public var entries: Int
    /// The kernel's level number (0 = pgd … 4 = pte) reported for a leaf at this level.
    public var kernelLevel: Int
    /// The level reported for an empty entry here: the kernel's `real_depth()`, which moves a
    /// hole at a folded level up to the real one above it.
    public var holeLevel: Int
    /// Bytes of one entry in memory: 8 for every 64-bit format, 4 for x86's legacy 32-bit
    /// paging. `PageTables` hands out narrower entries widened to `UInt64`, so the walker and
    /// every consumer see 64-bit values whatever the width.
    public var entryBytes: Int

    public init(shift: Int, entries: Int, kernelLevel: Int, holeLevel: Int, entryBytes: Int = 8) {
        self.shift = shift
        self.entries = entries
        self.kernelLevel = kernelLevel
        self.holeLevel = holeLevel
        self.entryBytes = entryBytes
    }

    /// VA span of one whole table at this level (0 means 2^64).
    public var tableSpan: UInt64 {
        let bits = shift + entries.trailingZeroBitCount
        return bits >= 64 ? 0 : UInt64(1) << UInt64(bits)
    }

    /// VA span of one entry.
    public var entrySpan: UInt64 { UInt64(1) << UInt64(shift) }

    /// Bytes of one table of this level.
    public var tableBytes: Int { entries * entryBytes }
}
