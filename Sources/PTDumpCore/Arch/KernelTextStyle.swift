/// One column of the kernel's text: printed `set` when any of `bits` is set at the range's
/// level, else `clear` (nil prints nothing). Modelled on arm64's `prot_bits[]`.
public struct TextColumn: Sendable {
    public var bits: [AttributeBit]
    public var set: String?
    public var clear: String?
    /// The column prints nothing at all when any of these bits is in `prot` (s390 prints only
    /// `I` for an invalid range, not its RO/RW and X/NX columns).
    public var hiddenWhen: UInt64

    public init(_ bits: AttributeBit..., set: String?, clear: String?, hiddenWhen: UInt64 = 0) {
        self.bits = bits
        self.set = set
        self.clear = clear
        self.hiddenWhen = hiddenWhen
    }

    /// The text for `prot` noted at `level`.
    @inline(__always) public func text(_ prot: UInt64, level: Int) -> String? {
        if prot & hiddenWhen != 0 { return nil }
        return bits.contains { $0.isSet(in: prot, level: level) } ? set : clear
    }
}

/// How one kernel prints a range line (`note_page`'s `pt_dump_seq_printf` calls): data an
/// architecture supplies and the one kernel-text formatter follows.
public struct KernelTextStyle: Sendable {
    /// The `--format` name of this text (`x86`, `arm64`).
    public var name: String
    /// Units of the size column, smallest first.
    public var units: [Character]
    /// True when the size column starts in KiB (arm64 shifts by 10 first).
    public var sizeStartsInKiB: Bool
    /// True when the level name comes before the attribute columns (arm64), false after (x86).
    public var levelFirst: Bool
    /// Text between printed columns (arm64: a space before each).
    public var columnSeparator: String
    /// The attribute columns, in print order.
    public var columns: [TextColumn]
    /// When a range is not present: x86 prints this many spaces instead of the columns; nil
    /// prints the columns only when `prot` is non-zero (arm64).
    public var notPresentBlank: Int?
    /// The present bit, for `notPresentBlank`.
    public var presentMask: UInt64
    /// True when the physical address of a range's first entry is printed between the
    /// addresses and the size (riscv's `" 0x%016lx "` of `start_pa`).
    public var physicalColumn: Bool
    /// True when a range whose `prot` is 0 is not printed at all (riscv's `if
    /// (st->current_prot)`): only mapped ranges appear, under their markers.
    public var skipsZeroProt: Bool
    /// Text between the address range and the size column (x86, arm64, riscv: three spaces;
    /// s390: one).
    public var addressSeparator: String
    /// True when a range whose `prot` is 0 prints no attribute columns (x86, arm64, riscv: 0
    /// means nothing is mapped); false prints its columns like any other (s390: 0 is a valid
    /// read-write, executable mapping).
    public var zeroProtIsEmpty: Bool

    public init(name: String, units: [Character], sizeStartsInKiB: Bool, levelFirst: Bool, columnSeparator: String,
                columns: [TextColumn], notPresentBlank: Int?, presentMask: UInt64,
                physicalColumn: Bool = false, skipsZeroProt: Bool = false, addressSeparator: String = "   ",
                zeroProtIsEmpty: Bool = true) {
        self.addressSeparator = addressSeparator
        self.zeroProtIsEmpty = zeroProtIsEmpty
        self.physicalColumn = physicalColumn
        self.skipsZeroProt = skipsZeroProt
        self.name = name
        self.units = units
        self.sizeStartsInKiB = sizeStartsInKiB
        self.levelFirst = levelFirst
        self.columnSeparator = columnSeparator
        self.columns = columns
        self.notPresentBlank = notPresentBlank
        self.presentMask = presentMask
    }
}
