/// What a walk met besides its output.
public struct WalkReport: Sendable {
    /// Tables that could not be read.
    public var problems: [WalkProblem] = []
    /// Ranges whose entries have reserved bits set, each as `START-END: why`.
    public var rangeProblems: [String] = []
    /// Physical addresses of every table page read.
    public var tablePages: Set<PhysicalAddress> = []
    /// Distinct table pages read.
    public var tablesRead = 0
    /// Bytes in the largest table of the architecture.
    public var tableBytes = 4096
    /// Set when the walk stopped at this many ranges (`--max-ranges`) before its end.
    public var rangeLimit: Int?
    /// Set when one table was pointed at more often than `--max-table-refs` allows.
    public var overReferenced: (table: PhysicalAddress, references: Int, limit: Int)?
    /// True when the walk stopped before its end, for either limit.
    public var stoppedEarly: Bool { rangeLimit != nil || overReferenced != nil }

    public init() {}
}
