/// A table the walk could not read: reported once per table, at the first virtual address it
/// would have mapped, with how many entries pointed at it.
public struct WalkProblem: Sendable, Equatable, CustomStringConvertible {
    /// Physical address of the table.
    public var tablePA: PhysicalAddress
    /// Kernel level of the unreadable table.
    public var level: Int
    /// First virtual address it would have mapped.
    public var va: VirtualAddress
    /// Level names for the message.
    public var levelName: String
    /// Why it could not be read.
    public var reason: String = "outside the image's memory"
    /// The table whose entry pointed at it, and the entry's index (nil for the root).
    public var parent: (table: PhysicalAddress, index: Int)?
    /// Entries seen pointing at it.
    public var references = 1

    public init(tablePA: PhysicalAddress, level: Int, va: VirtualAddress, levelName: String, reason: String = "outside the image's memory",
                parent: (table: PhysicalAddress, index: Int)? = nil) {
        self.tablePA = tablePA
        self.level = level
        self.va = va
        self.levelName = levelName
        self.reason = reason
        self.parent = parent
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.tablePA == b.tablePA && a.level == b.level && a.va == b.va && a.reason == b.reason && a.references == b.references
            && a.parent?.table == b.parent?.table && a.parent?.index == b.parent?.index
    }

    /// The same problem met `offset` bytes further on (a replayed summary).
    func shifted(by offset: UInt64) -> WalkProblem {
        var p = self
        p.va = va + offset
        return p
    }

    public var description: String {
        var s = "unreadable page table at \(hex(tablePA)) (\(levelName) table for \(hex16(va))"
        if let p = parent { s += ", entry \(p.index) of the table at \(hex(p.table))" }
        if references > 1 { s += ", and \(references - 1) more entries pointing at it" }
        return s + "): \(reason)"
    }
}
