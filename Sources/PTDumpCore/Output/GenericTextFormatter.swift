/// `--format generic`: one line per mapped range, for any translation — its virtual range,
/// physical start, size, level and the architecture's words for its attributes
/// (`rangeAttributes`), with no kernel markers or kernel-only columns:
///
///     0x0000000040000000-0x0000000040200000 0x0000000040000000        2M L2 RW X UX Normal-WB ISH AF
public struct GenericTextFormatter<A: Architecture>: RangeSink {
    let out: TextOutput
    let arch: A
    /// Ranges whose entries are not valid (`Architecture.entryProblem`), as `START-END: why`.
    public private(set) var problems: [String] = []

    public init(out: TextOutput, arch: A) {
        self.out = out
        self.arch = arch
    }

    public mutating func marker(_ name: String) {}

    public mutating func range(_ r: CoalescedRange, printed: Bool) {
        if r.prot != 0, let why = arch.entryProblem(prot: r.prot, effective: r.effective, level: r.level) {
            problems.append("\(hex16(r.start))-\(hex16(r.end)): \(why)")
        }
        guard printed, arch.permissions(prot: r.prot, effective: r.effective).present else { return }
        var line = hex16(r.start) + "-" + hex16(r.end) + " " + hex16(r.physical ?? 0) + " "
        line += sizeColumn(r.size, units: ["B", "K", "M", "G", "T", "P", "E"], shiftFirst: false)
        line += " " + GenericNames.level(r.level, arch: arch)
        for w in arch.rangeAttributes(prot: r.prot, effective: r.effective, level: r.level) { line += " " + w }
        out.write(line + "\n")
    }
}

/// Shared by the generic text and JSON.
enum GenericNames {
    /// The level's name, or its number when the architecture has none for it.
    static func level<A: Architecture>(_ level: Int, arch: A) -> String {
        level >= 0 && level < arch.levelNames.count ? arch.levelNames[level] : String(level)
    }
}
