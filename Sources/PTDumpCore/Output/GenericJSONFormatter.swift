/// `--format json` for tables that are not a Linux kernel's (and `--format generic` as JSON
/// lines): the generic text's fields, one object per mapped range, then a summary object.
/// Keys always come in the same order. Schema: man/ptdump.1, JSON OUTPUT.
public struct GenericJSONFormatter<A: Architecture>: RangeSink {
    let out: TextOutput
    let arch: A
    private var ranges = 0
    private var mappedBytes: UInt64 = 0
    /// Ranges whose entries are not valid, as `START-END: why`.
    public private(set) var problems: [String] = []

    public init(out: TextOutput, arch: A) {
        self.out = out
        self.arch = arch
    }

    public mutating func marker(_ name: String) {}

    public mutating func range(_ r: CoalescedRange, printed: Bool) {
        let problem = r.prot == 0 ? nil : arch.entryProblem(prot: r.prot, effective: r.effective, level: r.level)
        if let why = problem { problems.append("\(hex16(r.start))-\(hex16(r.end)): \(why)") }
        let p = arch.permissions(prot: r.prot, effective: r.effective)
        guard printed, p.present else { return }
        ranges += 1
        mappedBytes &+= r.size
        var s = "{\"start\":\"\(hex16(r.start))\",\"end\":\"\(hex16(r.end))\",\"phys\":\"\(hex16(r.physical ?? 0))\""
        s += ",\"size\":\(r.size),\"level\":\(jsonString(GenericNames.level(r.level, arch: arch)))"
        let words = arch.rangeAttributes(prot: r.prot, effective: r.effective, level: r.level)
        s += ",\"attributes\":[\(words.map(jsonString).joined(separator: ","))],\"prot\":\"\(hex(r.prot))\""
        s += ",\"permissions\":{\"user\":\(p.user),\"write\":\(p.write),\"execute\":\(p.execute),\"user_execute\":\(p.userExecute)}"
        if let why = problem { s += ",\"problem\":\(jsonString(why))" }
        out.write(s + "}\n")
    }

    /// The closing object.
    public mutating func summary(platform: Platform, report: WalkReport) {
        var s = "{\"summary\":{\"arch\":\"\(platform.arch.value.rawValue)\""
        s += ",\"translation\":\(jsonString(platform.translationName ?? "Linux kernel"))"
        s += ",\"levels\":\(platform.levels.value),\"page_size\":\(platform.pageSize.value),\"root\":\"\(hex(platform.root.value))\""
        s += ",\"ranges\":\(ranges),\"mapped_bytes\":\(mappedBytes),\"tables_read\":\(report.tablesRead)"
        s += ",\"unreadable_tables\":\(report.problems.count)}}"
        out.write(s + "\n")
    }
}
