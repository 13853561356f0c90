/// The bits of an EPT entry (Intel SDM vol. 3, tables 29-1 to 29-7), named once for JSON,
/// `--walk`, the generic text and the W^X rule.
extension X86EPT {
    static let protMask: UInt64 = 0x7ff | (1 << 63)

    static let attributeBits: [AttributeBit] = [
        AttributeBit("EPT_READ", mask: 1 << 0), AttributeBit("EPT_WRITE", mask: 1 << 1),
        AttributeBit("EPT_EXECUTE", mask: 1 << 2), AttributeBit("EPT_IGNORE_PAT", mask: 1 << 6),
        AttributeBit("EPT_LARGE", mask: 1 << 7), AttributeBit("EPT_ACCESSED", mask: 1 << 8),
        AttributeBit("EPT_DIRTY", mask: 1 << 9), AttributeBit("EPT_USER_EXECUTE", mask: 1 << 10),
        AttributeBit("EPT_SUPPRESS_VE", mask: 1 << 63),
    ]

    /// The memory type of bits 5:3 of a leaf: UC, WC, WT, WP, WB (2, 3 and 7 are reserved).
    static func memoryType(_ prot: UInt64) -> String {
        let t = Int((prot >> 3) & 7)
        return ["UC", "WC", "type2", "type3", "WT", "WP", "WB", "type7"][t]
    }

    /// Writable and executable by the guest, in supervisor or (MBEC) user mode.
    static let wx = WXRule(
        prefix: "x86 EPT: ", pageSize: 4096,
        isWX: { prot, _ in prot & 2 != 0 && prot & (4 | 1 << 10) != 0 },
        verdict: { wx, _ in
            wx == 0 ? "x86 EPT: Checked W+X mappings: passed, no W+X pages found"
                    : "x86 EPT: Checked W+X mappings: FAILED, \(wx) W+X page(s) found"
        })

    /// `RWX` (`-` for a clear bit), `UX`, the memory type, then `IPAT`, `A`, `D`, `SVE` when
    /// set, and `MISCONFIGURED` for an entry with reserved bits.
    public func rangeAttributes(prot: UInt64, effective: UInt64, level: Int) -> [String] {
        guard Self.isPresent(prot) else { return [] }
        var w = [(prot & 1 != 0 ? "R" : "-") + (prot & 2 != 0 ? "W" : "-") + (prot & 4 != 0 ? "X" : "-")]
        if prot & (1 << 10) != 0 { w.append("UX") }
        if level > 1 {
            w.append(Self.memoryType(prot))
            if prot & (1 << 6) != 0 { w.append("IPAT") }
            if prot & (1 << 8) != 0 { w.append("A") }
            if prot & (1 << 9) != 0 { w.append("D") }
        }
        if prot & (1 << 63) != 0 { w.append("SVE") }
        if entryProblem(prot: prot, effective: effective, level: level) != nil { w.append("MISCONFIGURED") }
        return w
    }

    /// A leaf that causes an EPT misconfiguration: write without read, a reserved memory type,
    /// bit 7 in a PML4E/PML5E, or a table entry above it with reserved bits (`effective`).
    public func entryProblem(prot: UInt64, effective: UInt64, level: Int) -> String? {
        guard Self.isPresent(prot) else { return nil }
        if let k = (0...4).first(where: { effective & (1 << UInt64($0)) != 0 }) {
            return "EPT \(levelNames[k]) entry above it has reserved bits 6:3 set (a non-leaf entry has no memory type)"
        }
        if level <= 1 { return "EPT \(levelNames[level]) entry has bit 7 (page size) set, which is reserved there" }
        if prot & 3 == 2 { return "EPT \(levelNames[level]) entry is writable but not readable (a misconfiguration)" }
        let t = (prot >> 3) & 7
        if t == 2 || t == 3 || t == 7 { return "EPT \(levelNames[level]) entry has the reserved memory type \(t) in bits 5:3" }
        return nil
    }
}
