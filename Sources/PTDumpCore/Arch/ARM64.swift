/// arm64 (AArch64) stage-1 translation as Linux 6.1's ptdump sees it.
/// (Work in progress: the attribute table; the paging itself follows.)
public enum ARM64 {
    /// `pte_bits[]` of `arch/arm64/mm/ptdump.c` (6.1), in print order.
    public static let pteBits: [AttributeBit] = [
        AttributeBit("PTE_VALID", mask: 1 << 0, set: " ", clear: "F"),
        AttributeBit("PTE_USER", mask: 1 << 6, set: "USR", clear: "   "),
        AttributeBit("PTE_RDONLY", mask: 1 << 7, set: "ro", clear: "RW"),
        AttributeBit("PTE_PXN", mask: 1 << 53, set: "NX", clear: "x "),
        AttributeBit("PTE_SHARED", mask: 3 << 8, set: "SHD", clear: "   "),
        AttributeBit("PTE_AF", mask: 1 << 10, set: "AF", clear: "  "),
        AttributeBit("PTE_NG", mask: 1 << 11, set: "NG", clear: "  "),
        AttributeBit("PTE_CONT", mask: 1 << 52, set: "CON", clear: "   "),
        AttributeBit("PTE_TABLE_BIT", mask: 1 << 1, set: "   ", clear: "BLK"),
        AttributeBit("PTE_UXN", mask: 1 << 54, set: "UXN", clear: "   "),
        AttributeBit("PTE_GP", mask: 1 << 50, set: "GP", clear: "  "),
        AttributeBit("MT_DEVICE_nGnRnE", mask: 7 << 2, value: 3 << 2, set: "DEVICE/nGnRnE", clear: nil),
        AttributeBit("MT_DEVICE_nGnRE", mask: 7 << 2, value: 4 << 2, set: "DEVICE/nGnRE", clear: nil),
        AttributeBit("MT_NORMAL_NC", mask: 7 << 2, value: 2 << 2, set: "MEM/NORMAL-NC", clear: nil),
        AttributeBit("MT_NORMAL", mask: 7 << 2, value: 0 << 2, set: "MEM/NORMAL", clear: nil),
        AttributeBit("MT_NORMAL_TAGGED", mask: 7 << 2, value: 1 << 2, set: "MEM/NORMAL-TAGGED", clear: nil),
    ]
}
