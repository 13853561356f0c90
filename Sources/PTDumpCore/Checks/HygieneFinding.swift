/// One table-hygiene problem: what, in which table (its physical address and level), and for
/// which virtual addresses.
public struct HygieneFinding: Sendable, Equatable {
    /// The kinds of problem `--check-tables` reports.
    public enum Kind: String, Sendable, CaseIterable {
        /// A table with no valid entry, still linked from its parent.
        case emptyTable = "empty-table"
        /// A table linked from more than one entry, outside the known sharing (KASAN's early shadow).
        case sharedTable = "shared-table"
        /// A leaf whose output address lies outside every memory region the dump knows.
        case outsideMemory = "outside-memory"
        /// A table pointer into memory the dump does not hold (not RAM, or not saved).
        case unreadableTable = "unreadable-table"
        /// A contiguous-hint group that is misaligned, incomplete or inconsistent.
        case contiguous
        /// Reserved or must-be-zero bits set, or an encoding the level does not allow.
        case reservedBits = "reserved-bits"
        /// Break-before-make caught in the act: a contiguous-hint group whose valid entries all
        /// carry the hint while others are invalid (arm64 requires every entry of a group to be
        /// invalidated before any is changed, and the kernel sets the hint only on whole groups).
        case breakBeforeMake = "break-before-make"
        /// A CPU's live root maps part of the shared kernel half through other top-level entries
        /// than the kernel's root (a PGD copy out of sync).
        case liveRoot = "live-root"
        /// A non-zero, valid entry the walk treats as empty (the kernel's `p?d_bad`).
        case badEntry = "bad-entry"
        /// The walk did not report every address once and only once.
        case coverage
    }

    public var kind: Kind
    /// The table the problem is in (for `shared-table`, the shared one).
    public var table: PhysicalAddress
    /// The table's level name (`pte`, `PMD`).
    public var level: String
    /// The virtual addresses concerned, inclusive.
    public var first: VirtualAddress
    public var last: VirtualAddress
    /// The first entry concerned, when the problem is in entries.
    public var entry: Int?
    /// Entries of the table with this problem (1 for a problem of the whole table).
    public var count: Int
    /// What is wrong, in words.
    public var detail: String

    public init(kind: Kind, table: PhysicalAddress, level: String, first: VirtualAddress, last: VirtualAddress,
                entry: Int? = nil, count: Int = 1, detail: String) {
        self.kind = kind
        self.table = table
        self.level = level
        self.first = first
        self.last = last
        self.entry = entry
        self.count = count
        self.detail = detail
    }

    /// `KIND: LEVEL table at PA, VA FIRST-LAST[, entry N]: detail`.
    public var line: String {
        var s = "\(kind.rawValue): \(level) table at \(hex(table)), VA \(hex16(first))-\(hex16(last))"
        if let entry { s += ", entry \(entry)" }
        if count > 1 { s += " (\(count) entries)" }
        return s + ": " + detail
    }

    /// One JSON object.
    public var json: String {
        var s = "{\"kind\":\"\(kind.rawValue)\",\"table\":\"\(hex(table))\",\"level\":\(jsonString(level))"
        s += ",\"first\":\"\(hex16(first))\",\"last\":\"\(hex16(last))\""
        if let entry { s += ",\"entry\":\(entry)" }
        return s + ",\"count\":\(count),\"detail\":\(jsonString(detail))}"
    }
}
