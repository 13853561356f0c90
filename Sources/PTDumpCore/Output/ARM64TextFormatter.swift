/// arm64 text exactly as Linux 6.1 `/sys/kernel/debug/kernel_page_tables` prints it
/// (`arch/arm64/mm/ptdump.c`: `note_page` and `dump_prot`).
public struct ARM64TextFormatter: RangeSink {
    let out: TextOutput
    let levelNames: [String]
    let physical: Bool
    static let units: [Character] = ["K", "M", "G", "T", "P", "E"]

    /// `physical`: append each mapped range's physical start (`--phys`).
    public init(out: TextOutput, levelNames: [String], physical: Bool = false) {
        self.out = out
        self.levelNames = levelNames
        self.physical = physical
    }

    public mutating func marker(_ name: String) { out.write("---[ \(name) ]---\n") }

    public mutating func range(_ r: CoalescedRange, printed: Bool) {
        guard printed else { return }
        var line = hex16(r.start) + "-" + hex16(r.end) + "   "
        line += sizeColumn(r.size, units: Self.units, shiftFirst: true) + " "
        line += r.level >= 0 && r.level < levelNames.count ? levelNames[r.level] : ""
        if r.prot != 0 {
            for bit in ARM64.pteBits {
                if let s = bit.isSet(in: r.prot) ? bit.set : bit.clear { line += " " + s }
            }
        }
        if physical, let pa = r.physical { line += " " + hex16(pa) }
        out.write(line + "\n")
    }
}
