/// The kernel's debugfs text (`note_page`'s range lines and `---[ marker ]---` headings),
/// following the architecture's `KernelTextStyle`: one formatter for every architecture.
public struct KernelTextFormatter: RangeSink {
    let out: TextOutput
    let style: KernelTextStyle
    let levelNames: [String]
    let physical: Bool

    /// `physical`: append each mapped range's physical start (`--phys`).
    public init(out: TextOutput, style: KernelTextStyle, levelNames: [String], physical: Bool = false) {
        self.out = out
        self.style = style
        self.levelNames = levelNames
        self.physical = physical
    }

    public mutating func marker(_ name: String) { out.write("---[ \(name) ]---\n") }

    public mutating func skipped(_ count: UInt64) {
        out.write("... \(count) entr\(count == 1 ? "y" : "ies") skipped ... \n")
    }

    public mutating func range(_ r: CoalescedRange, printed: Bool) {
        guard printed, r.prot != 0 || !style.skipsZeroProt else { return }
        var line = hex16(r.start) + "-" + hex16(r.end) + style.addressSeparator
        if style.physicalColumn { line += " " + hex16(r.physical ?? 0) + " " }
        line += sizeColumn(r.size, units: style.units, shiftFirst: style.sizeStartsInKiB) + " "
        let level = r.level >= 0 && r.level < levelNames.count ? levelNames[r.level] : ""
        if style.levelFirst { line += level }
        line += attributes(r.prot, level: r.level)
        if !style.levelFirst { line += level }
        // A text with its own PA column already shows it; `--phys` then only breaks ranges.
        if physical && !style.physicalColumn, let pa = r.physical { line += " " + hex16(pa) }
        out.write(line + "\n")
    }

    /// The attribute columns for `prot` noted at `level`.
    public func attributes(_ prot: UInt64, level: Int) -> String {
        if let blank = style.notPresentBlank {
            if prot & style.presentMask == 0 { return String(repeating: " ", count: blank) }
        } else if prot == 0 && style.zeroProtIsEmpty {
            return ""
        }
        var s = ""
        for c in style.columns {
            if let t = c.text(prot, level: level) { s += style.columnSeparator + t }
        }
        return s
    }
}
