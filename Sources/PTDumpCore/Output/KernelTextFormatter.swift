/// The kernel's debugfs text (`note_page`'s range lines and `---[ marker ]---` headings),
/// following the architecture's `KernelTextStyle`: one formatter for every architecture.
/// Every piece of text a line can hold is encoded once, at `init`; a line is written field by
/// field into the output's buffer.
public struct KernelTextFormatter: RangeSink {
    let out: TextOutput
    let style: KernelTextStyle
    let levelNames: [String]
    let physical: Bool
    /// `levelNames`, encoded.
    private let levelBytes: [[UInt8]]
    /// What follows the address range (`style.addressSeparator`), encoded.
    private let separatorBytes: [UInt8]
    /// The size units, encoded.
    private let unitBytes: [[UInt8]]
    /// Each column's text when set and when clear, the separator in front; nil prints nothing.
    private let columnBytes: [(bits: [AttributeBit], set: [UInt8]?, clear: [UInt8]?, hiddenWhen: UInt64)]

    /// `physical`: append each mapped range's physical start (`--phys`).
    public init(out: TextOutput, style: KernelTextStyle, levelNames: [String], physical: Bool = false) {
        self.out = out
        self.style = style
        self.levelNames = levelNames
        self.physical = physical
        levelBytes = levelNames.map { Array($0.utf8) }
        separatorBytes = Array(style.addressSeparator.utf8)
        unitBytes = style.units.map { Array(String($0).utf8) }
        let separator = Array(style.columnSeparator.utf8)
        columnBytes = style.columns.map { c in
            (c.bits, c.set.map { separator + Array($0.utf8) }, c.clear.map { separator + Array($0.utf8) }, c.hiddenWhen)
        }
    }

    public mutating func marker(_ name: String) {
        out.write("---[ ")
        out.write(name)
        out.write(" ]---\n")
    }

    public mutating func skipped(_ count: UInt64) {
        out.write("... \(count) entr\(count == 1 ? "y" : "ies") skipped ... \n")
    }

    public mutating func range(_ r: CoalescedRange, printed: Bool) {
        guard printed, r.prot != 0 || !style.skipsZeroProt else { return }
        out.hex16(r.start.rawValue)
        out.write(byte: UInt8(ascii: "-"))
        out.hex16(r.end.rawValue)
        out.write(bytes: separatorBytes)
        if style.physicalColumn {
            out.write(byte: UInt8(ascii: " "))
            out.hex16(r.physical?.rawValue ?? 0)
            out.write(byte: UInt8(ascii: " "))
        }
        let (value, unit) = sizeUnit(r.size, unitCount: unitBytes.count, shiftFirst: style.sizeStartsInKiB)
        out.decimal(value, width: 9)
        if unit < unitBytes.count { out.write(bytes: unitBytes[unit]) }
        out.write(byte: UInt8(ascii: " "))
        let level = r.level >= 0 && r.level < levelBytes.count ? r.level : -1
        if style.levelFirst && level >= 0 { out.write(bytes: levelBytes[level]) }
        writeAttributes(r.prot, level: r.level)
        if !style.levelFirst && level >= 0 { out.write(bytes: levelBytes[level]) }
        // A text with its own PA column already shows it; `--phys` then only breaks ranges.
        if physical && !style.physicalColumn, let pa = r.physical {
            out.write(byte: UInt8(ascii: " "))
            out.hex16(pa.rawValue)
        }
        out.write(byte: UInt8(ascii: "\n"))
    }

    /// The attribute columns for `prot` noted at `level`, written to the output.
    private func writeAttributes(_ prot: UInt64, level: Int) {
        if let blank = style.notPresentBlank {
            if prot & style.presentMask == 0 { return out.write(repeating: UInt8(ascii: " "), count: blank) }
        } else if prot == 0 && style.zeroProtIsEmpty {
            return
        }
        for c in columnBytes where prot & c.hiddenWhen == 0 {
            let set = c.bits.contains { $0.isSet(in: prot, level: level) }
            if let t = set ? c.set : c.clear { out.write(bytes: t) }
        }
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
