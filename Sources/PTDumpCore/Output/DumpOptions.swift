/// How to walk and print, beyond the platform.
public struct DumpOptions: Sendable {
    /// JSON lines instead of text.
    public var json = false
    /// Print and break ranges on physical addresses (`--phys`).
    public var physical = false
    /// The generic text (`--format generic`), or its JSON with `json`.
    public var generic = false
    /// Walk only this window (`--range`).
    public var window: WalkRange?
    /// Stop after this many ranges (`--max-ranges`).
    public var maxRanges = PageTableDump.defaultMaxRanges
    /// Stop when one table has been pointed at this often (`--max-table-refs`).
    public var maxTableReferences = PageTableDump.defaultMaxTableReferences
    /// Record the table pages walked in the report (`--save`); off, the walk keeps no set.
    public var collectsTablePages = false

    public init(json: Bool = false, physical: Bool = false, window: WalkRange? = nil) {
        self.json = json
        self.physical = physical
        self.window = window
    }
}
