/// What a walk met besides its output.
public struct WalkReport: Sendable {
    /// Tables that could not be read.
    public var problems: [WalkProblem] = []
    /// Physical addresses of every table page read.
    public var tablePages: Set<PhysicalAddress> = []
    /// Distinct table pages read.
    public var tablesRead = 0
    /// Bytes in the largest table of the architecture.
    public var tableBytes = 4096
    /// Set when the walk stopped at this many ranges (`--max-ranges`) before its end.
    public var rangeLimit: Int?

    public init() {}
}
