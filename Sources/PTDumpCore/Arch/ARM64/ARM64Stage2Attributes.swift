/// The bits of a stage-2 block or page descriptor (Arm ARM D8.3, `KVM_PTE_LEAF_ATTR_*` in
/// `arch/arm64/include/asm/kvm_pgtable.h`) and KVM's stage-2 ptdump text.
extension ARM64Stage2 {
    /// S2AP[0]: the guest may read.
    static let s2apRead: UInt64 = 1 << 6
    /// S2AP[1]: the guest may write.
    static let s2apWrite: UInt64 = 1 << 7

    /// Valid, type, MemAttr[3:0], S2AP, SH, AF, Contiguous, XN[1:0].
    static let protMask: UInt64 = 3 | (0xf << 2) | (3 << 6) | (3 << 8) | (1 << 10) | (1 << 52) | (3 << 53)

    static let attributeBits: [AttributeBit] = [
        AttributeBit("VALID", mask: 1),
        AttributeBit("S2AP_R", mask: s2apRead), AttributeBit("S2AP_W", mask: s2apWrite),
        AttributeBit("XN_PXN", mask: 3 << 53, value: 1 << 53), AttributeBit("XN", mask: 3 << 53, value: 2 << 53),
        AttributeBit("XN_UXN", mask: 3 << 53, value: 3 << 53),
        AttributeBit("AF", mask: 1 << 10), AttributeBit("SH_OUTER", mask: 3 << 8, value: 2 << 8),
        AttributeBit("SH_INNER", mask: 3 << 8, value: 3 << 8), AttributeBit("CONTIGUOUS", mask: 1 << 52),
    ]

    /// `stage2_pte_bits[]` of `arch/arm64/kvm/ptdump.c` (6.13+), in print order.
    static let columns: [TextColumn] = [
        TextColumn(AttributeBit("PTE_VALID", mask: 1), set: " ", clear: "F"),
        TextColumn(AttributeBit("S2AP_R", mask: s2apRead), set: "R", clear: " "),
        TextColumn(AttributeBit("S2AP_W", mask: s2apWrite), set: "W", clear: " "),
        TextColumn(AttributeBit("XN_00", mask: 3 << 53, value: 0), set: "px ux ", clear: nil),
        TextColumn(AttributeBit("XN_01", mask: 3 << 53, value: 1 << 53), set: "PXNux ", clear: nil),
        TextColumn(AttributeBit("XN_10", mask: 3 << 53, value: 2 << 53), set: "PXNUXN", clear: nil),
        TextColumn(AttributeBit("XN_11", mask: 3 << 53, value: 3 << 53), set: "px UXN", clear: nil),
        TextColumn(AttributeBit("AF", mask: 1 << 10), set: "AF", clear: "  "),
        TextColumn(AttributeBit("BLK", mask: 3, value: 1), set: "BLK", clear: "   "),
    ]

    /// arm64's `note_page` line with KVM's columns and level names.
    static let text = KernelTextStyle(
        name: "arm64", units: ["K", "M", "G", "T", "P", "E"], sizeStartsInKiB: true, levelFirst: true,
        columnSeparator: " ", columns: columns, notPresentBlank: nil, presentMask: 0)

    /// A guest page writable and executable (at EL1 or EL0) in stage 2.
    static func wxRule(pageSize: UInt64) -> WXRule {
        let prefix = "arm64 stage 2: "
        return WXRule(
            prefix: prefix, pageSize: pageSize,
            isWX: { prot, _ in prot & 1 != 0 && prot & s2apWrite != 0 && (prot >> 53) & 3 != 2 },
            verdict: { wx, _ in
                wx == 0 ? "\(prefix)Checked W+X mappings: passed, no W+X pages found"
                        : "\(prefix)Checked W+X mappings: FAILED, \(wx) W+X page(s) found"
            })
    }

    /// The generic text's words: access, execution, memory type, shareability, AF, CONT.
    public func rangeAttributes(prot: UInt64, effective: UInt64, level: Int) -> [String] {
        guard prot & 1 != 0 else { return [] }
        let access = ["NONE", "RO", "WO", "RW"][Int((prot >> 6) & 3)]
        let exec = ["X", "PXN", "XN", "UXN"][Int((prot >> 53) & 3)]
        let type = Self.memoryType(prot, fwb: forcedWriteBack)
        var w = [access, exec, type]
        if type.hasPrefix("Normal") {
            w.append(["NSH", "SH=reserved", "OSH", "ISH"][Int((prot >> 8) & 3)])
        }
        if prot & (1 << 10) != 0 { w.append("AF") }
        if prot & (1 << 52) != 0 { w.append("CONT") }
        return w
    }

    /// MemAttr[3:0] (bits 5:2) by name: Device-… when MemAttr[3:2] is 0, else Normal with the
    /// outer (MemAttr[3:2]) and inner (MemAttr[1:0]) cacheability; with FWB, MemAttr[2] 0 is
    /// Device, 0b101 Normal-NC, 0b110 Normal-WB, 0b111 the stage-1 attributes.
    static func memoryType(_ prot: UInt64, fwb: Bool) -> String {
        let m = Int((prot >> 2) & 0xf)
        let device = ["Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE"]
        if fwb {
            if m & 0b100 == 0 { return device[m & 3] }
            return ["reserved(MemAttr=0b\(String(m, radix: 2)))", "Normal-NC", "Normal-WB", "Normal-S1"][m & 3]
        }
        if m >> 2 == 0 { return device[m & 3] }
        let names = ["", "NC", "WT", "WB"]
        guard m & 3 != 0 else { return "reserved(MemAttr=0b\(String(m, radix: 2)))" }
        let outer = names[m >> 2], inner = names[m & 3]
        return outer == inner ? "Normal-\(inner)" : "Normal-i\(inner)-o\(outer)"
    }
}
