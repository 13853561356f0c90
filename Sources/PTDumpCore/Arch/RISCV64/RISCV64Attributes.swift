/// The riscv64 attribute table: `pte_bits[]` of `arch/riscv/mm/ptdump.c` (6.1), in print
/// order. The kernel text, JSON and `--walk` all name attributes from it.
extension RISCV64 {
    /// Each column of the kernel's text with the one bit it shows (mask = value in every row).
    static let pteBits: [TextColumn] = [
        TextColumn(AttributeBit("_PAGE_SOFT", mask: 1 << 8), set: "RSW", clear: "   "),
        TextColumn(AttributeBit("_PAGE_DIRTY", mask: 1 << 7), set: "D", clear: "."),
        TextColumn(AttributeBit("_PAGE_ACCESSED", mask: 1 << 6), set: "A", clear: "."),
        TextColumn(AttributeBit("_PAGE_GLOBAL", mask: 1 << 5), set: "G", clear: "."),
        TextColumn(AttributeBit("_PAGE_USER", mask: 1 << 4), set: "U", clear: "."),
        TextColumn(AttributeBit("_PAGE_EXEC", mask: 1 << 3), set: "X", clear: "."),
        TextColumn(AttributeBit("_PAGE_WRITE", mask: 1 << 2), set: "W", clear: "."),
        TextColumn(AttributeBit("_PAGE_READ", mask: 1 << 1), set: "R", clear: "."),
        TextColumn(AttributeBit("_PAGE_PRESENT", mask: 1 << 0), set: "V", clear: "."),
    ]

    /// `dump_addr` then `dump_prot`: `"0x%016lx-0x%016lx   "`, `" 0x%016lx "` (the first
    /// entry's PA), `"%9lu%c %s"` (size in KiB and up, level name), then `" %s"` per column;
    /// a range is printed only when its prot is non-zero.
    static let text = KernelTextStyle(
        name: "riscv64", units: ["K", "M", "G", "T", "P", "E"], sizeStartsInKiB: true, levelFirst: true,
        columnSeparator: " ", columns: pteBits, notPresentBlank: nil, presentMask: RISCV64EntryBits.present.rawValue,
        physicalColumn: true, skipsZeroProt: true)

    /// `note_prot_wx`: a range with both W and X counts (V is not looked at); the verdict has
    /// no prefix (no `pr_fmt`), a lower-case `failed` and no final period.
    static let wx = WXRule(
        prefix: "riscv/mm: ", pageSize: 4096,
        isWX: { prot, _ in
            let wx = RISCV64EntryBits([.write, .exec]).rawValue
            return prot & wx == wx
        },
        verdict: { wx, _ in
            wx == 0 ? "Checked W+X mappings: passed, no W+X pages found"
                    : "Checked W+X mappings: failed, \(wx) W+X pages found"
        })
}

extension ArchKind {
    /// riscv64 (ELF `EM_RISCV`, 64-bit).
    public static let riscv64 = ArchKind("riscv64")
}
