/// A table the walk could not read.
public struct WalkProblem: Sendable, Equatable, CustomStringConvertible {
    /// Physical address of the table.
    public var tablePA: PhysicalAddress
    /// Kernel level of the entry that pointed at it.
    public var level: Int
    /// First virtual address it would have mapped.
    public var va: VirtualAddress
    /// Level names for the message.
    public var levelName: String
    /// Why it could not be read.
    public var reason: String = "outside the image's memory"

    public var description: String {
        "unreadable page table at \(hex(tablePA)) (\(levelName) entry for \(hex16(va))): \(reason)"
    }
}
