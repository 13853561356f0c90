/// The arm64 attribute table: `pte_bits[]` of `arch/arm64/mm/ptdump.c`, in print order. The
/// kernel text, JSON and `--walk` all name attributes from it.
extension ARM64 {
    /// Each column of the kernel's text with the one attribute it shows.
    static let pteBits: [TextColumn] = [
        TextColumn(AttributeBit("PTE_VALID", mask: 1 << 0), set: " ", clear: "F"),
        TextColumn(AttributeBit("PTE_USER", mask: 1 << 6), set: "USR", clear: "   "),
        TextColumn(AttributeBit("PTE_RDONLY", mask: 1 << 7), set: "ro", clear: "RW"),
        TextColumn(AttributeBit("PTE_PXN", mask: 1 << 53), set: "NX", clear: "x "),
        TextColumn(AttributeBit("PTE_SHARED", mask: 3 << 8), set: "SHD", clear: "   "),
        TextColumn(AttributeBit("PTE_AF", mask: 1 << 10), set: "AF", clear: "  "),
        TextColumn(AttributeBit("PTE_NG", mask: 1 << 11), set: "NG", clear: "  "),
        TextColumn(AttributeBit("PTE_CONT", mask: 1 << 52), set: "CON", clear: "   "),
        TextColumn(AttributeBit("PTE_TABLE_BIT", mask: 1 << 1), set: "   ", clear: "BLK"),
        TextColumn(AttributeBit("PTE_UXN", mask: 1 << 54), set: "UXN", clear: "   "),
        TextColumn(AttributeBit("PTE_GP", mask: 1 << 50), set: "GP", clear: "  "),
        TextColumn(AttributeBit("MT_DEVICE_nGnRnE", mask: 7 << 2, value: 3 << 2), set: "DEVICE/nGnRnE", clear: nil),
        TextColumn(AttributeBit("MT_DEVICE_nGnRE", mask: 7 << 2, value: 4 << 2), set: "DEVICE/nGnRE", clear: nil),
        TextColumn(AttributeBit("MT_NORMAL_NC", mask: 7 << 2, value: 2 << 2), set: "MEM/NORMAL-NC", clear: nil),
        TextColumn(AttributeBit("MT_NORMAL", mask: 7 << 2, value: 0 << 2), set: "MEM/NORMAL", clear: nil),
        TextColumn(AttributeBit("MT_NORMAL_TAGGED", mask: 7 << 2, value: 1 << 2), set: "MEM/NORMAL-TAGGED", clear: nil),
    ]

    /// OR of the masks of `pteBits`.
    public static let protMask: UInt64 = pteBits.reduce(0) { $0 | $1.bits[0].mask }

    /// `dump_prot` after the level name, each column preceded by a space; nothing for a zero prot.
    static let text = KernelTextStyle(
        name: "arm64", units: ["K", "M", "G", "T", "P", "E"], sizeStartsInKiB: true, levelFirst: true,
        columnSeparator: " ", columns: pteBits, notPresentBlank: nil, presentMask: 0)

    /// `note_prot_wx`/`note_prot_uxn` for `pageSize`-byte pages: only ranges with a non-zero
    /// prot count; W+X is neither `PTE_RDONLY` nor `PTE_PXN`, non-UXN lacks `PTE_UXN`. No
    /// VALID test, as in the kernel.
    static func wxRule(pageSize: UInt64) -> WXRule {
        WXRule(
            prefix: "arm64/mm: ", pageSize: pageSize,
            isWX: { prot, _ in
                prot != 0 && prot & ARM64EntryBits.rdonly.rawValue == 0 && prot & ARM64EntryBits.pxn.rawValue == 0
            },
            isNonUXN: { prot, _ in prot != 0 && prot & ARM64EntryBits.uxn.rawValue == 0 },
            verdict: { wx, uxn in
                wx == 0 && uxn == 0 ? "Checked W+X mappings: passed, no W+X pages found"
                    : "Checked W+X mappings: FAILED, \(wx) W+X pages found, \(uxn) non-UXN pages found"
            })
    }
}

extension ArchKind {
    /// arm64 (ELF `EM_AARCH64`).
    public static let arm64 = ArchKind("arm64")
}
