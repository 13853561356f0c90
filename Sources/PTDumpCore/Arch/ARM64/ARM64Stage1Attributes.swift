/// The bits of a stage-1 block or page descriptor (Arm ARM D8.3) that ptdump reads, named
/// once for JSON, `--walk`, the generic text and the W^X rule.
extension ARM64Stage1 {
    /// AP[1]: EL0 access (two-range regimes; no meaning at EL2 without VHE or EL3).
    static let apUser: UInt64 = 1 << 6
    /// AP[2]: read-only.
    static let apReadOnly: UInt64 = 1 << 7
    /// PXN (two-range regimes; RES0 in one-range regimes).
    static let pxn: UInt64 = 1 << 53
    /// UXN in two-range regimes, XN in one-range regimes.
    static let uxn: UInt64 = 1 << 54
    /// nG (two-range regimes).
    static let notGlobal: UInt64 = 1 << 11
    /// NS (EL3 and Secure state).
    static let nonSecure: UInt64 = 1 << 5

    /// APTable[1] of a table descriptor: no writes below it.
    static let apTableReadOnly: UInt64 = 1 << 62
    /// APTable[0] (two-range regimes): no EL0 access below it.
    static let apTableNoEL0: UInt64 = 1 << 61
    /// UXNTable in two-range regimes, XNTable in one-range regimes.
    static let uxnTable: UInt64 = 1 << 60
    /// PXNTable (two-range regimes).
    static let pxnTable: UInt64 = 1 << 59

    /// The hierarchical bits of a table descriptor in `regime` (APTable[0] and PXNTable are
    /// RES0 where there is one VA range).
    static func tableBits(_ regime: ARM64Regime) -> UInt64 {
        regime.hasTwoRanges ? apTableReadOnly | apTableNoEL0 | uxnTable | pxnTable : apTableReadOnly | uxnTable
    }

    /// What a leaf with `prot` allows under the restrictions its tables handed down.
    static func permissions(prot: UInt64, effective eff: UInt64, regime: ARM64Regime) -> Permissions {
        let present = prot & 1 != 0
        let write = present && prot & apReadOnly == 0 && eff & apTableReadOnly == 0
        if regime.hasTwoRanges {
            let user = present && prot & apUser != 0 && eff & apTableNoEL0 == 0
            return Permissions(present: present, user: user, write: write,
                               execute: present && prot & pxn == 0 && eff & pxnTable == 0,
                               userExecute: present && prot & uxn == 0 && eff & uxnTable == 0)
        }
        return Permissions(present: present, user: false, write: write,
                           execute: present && prot & uxn == 0 && eff & uxnTable == 0, userExecute: false)
    }

    /// Every bit a range is compared on: valid, AttrIndx, NS, AP, SH, AF, nG, GP, DBM,
    /// Contiguous, PXN, UXN/XN.
    static let protMask: UInt64 = 1 | (7 << 2) | (1 << 5) | (3 << 6) | (3 << 8) | (1 << 10) | (1 << 11)
        | (1 << 50) | (1 << 51) | (1 << 52) | (1 << 53) | (1 << 54)

    static let common: [AttributeBit] = [
        AttributeBit("VALID", mask: 1),
        AttributeBit("AP_RDONLY", mask: apReadOnly),
        AttributeBit("AF", mask: 1 << 10),
        AttributeBit("SH_OUTER", mask: 3 << 8, value: 2 << 8),
        AttributeBit("SH_INNER", mask: 3 << 8, value: 3 << 8),
        AttributeBit("CONTIGUOUS", mask: 1 << 52),
        AttributeBit("DBM", mask: 1 << 51),
        AttributeBit("GP", mask: 1 << 50),
    ]

    /// EL1&0 and EL2&0: AP[1], PXN, UXN and nG mean something.
    static let twoRangeBits: [AttributeBit] = common + [
        AttributeBit("AP_USER", mask: apUser), AttributeBit("PXN", mask: pxn), AttributeBit("UXN", mask: uxn),
        AttributeBit("NG", mask: notGlobal),
    ]

    /// EL2 without VHE and EL3: bit 54 is XN, the only execute-never bit; NS at EL3.
    static let oneRangeBits: [AttributeBit] = common + [AttributeBit("XN", mask: uxn), AttributeBit("NS", mask: nonSecure)]

    /// Writable and executable at some exception level the regime has, after the table
    /// entries' restrictions: AP[2] and APTable[1] clear, and PXN/PXNTable or UXN/UXNTable
    /// clear in a two-range regime, XN and XNTable clear in a one-range regime.
    static func wxRule(pageSize: UInt64, regime: ARM64Regime) -> WXRule {
        let prefix = "arm64 \(regime.displayName): "
        return WXRule(
            prefix: prefix, pageSize: pageSize,
            isWX: { prot, eff in
                let p = permissions(prot: prot, effective: eff, regime: regime)
                return p.write && (p.execute || p.userExecute)
            },
            verdict: { wx, _ in
                wx == 0 ? "\(prefix)Checked W+X mappings: passed, no W+X pages found"
                        : "\(prefix)Checked W+X mappings: FAILED, \(wx) W+X page(s) found"
            })
    }

    /// The generic text's words for a range: permissions, the memory type (by `MAIR`, else
    /// `AttrIndx=N`), shareability of Normal memory, and the flags that are set.
    /// Effective permissions come first; the table restrictions that took part of them away
    /// are named at the end (`APTable:RO`, `APTable:noEL0`, `PXNTable`, `UXNTable`/`XNTable`).
    public func rangeAttributes(prot: UInt64, effective: UInt64, level: Int) -> [String] {
        Self.words(prot: prot, effective: effective, regime: regime, mair: mair)
    }

    /// Names of the hierarchical restrictions in `bits` (a table descriptor, or an effective
    /// value) that `regime` has.
    static func restrictionNames(_ bits: UInt64, regime: ARM64Regime) -> [String] {
        let b = bits & tableBits(regime)
        var w: [String] = []
        if b & apTableReadOnly != 0 { w.append("APTable:RO") }
        if b & apTableNoEL0 != 0 { w.append("APTable:noEL0") }
        if b & pxnTable != 0 { w.append("PXNTable") }
        if b & uxnTable != 0 { w.append(regime.hasTwoRanges ? "UXNTable" : "XNTable") }
        return w
    }

    public func tableRestrictions(_ entry: UInt64, level: Int) -> [String] {
        hierarchical ? Self.restrictionNames(entry, regime: regime) : []
    }

    /// The words for a stage-1 descriptor's attribute bits in `regime` under `mair`, with the
    /// restrictions in `effective` applied and named.
    static func words(prot: UInt64, effective: UInt64 = 0, regime: ARM64Regime, mair: ARM64MAIR?) -> [String] {
        guard prot & 1 != 0 else { return [] }
        let p = permissions(prot: prot, effective: effective, regime: regime)
        var w: [String] = [p.write ? "RW" : "RO"]
        if regime.hasTwoRanges {
            w.append(p.execute ? "X" : "PXN")
            w.append(p.userExecute ? "UX" : "UXN")
            if p.user { w.append("USER") }
        } else {
            w.append(p.execute ? "X" : "XN")
        }
        let index = Int((prot >> 2) & 7)
        let type = mair?.name(index: index) ?? "AttrIndx=\(index)"
        w.append(type)
        if type.hasPrefix("Normal") || mair == nil {
            switch (prot >> 8) & 3 {
            case 0: w.append("NSH")
            case 2: w.append("OSH")
            case 3: w.append("ISH")
            default: w.append("SH=reserved")
            }
        }
        if prot & (1 << 10) != 0 { w.append("AF") }
        if regime.hasTwoRanges && prot & notGlobal != 0 { w.append("nG") }
        if regime == .el3 && prot & nonSecure != 0 { w.append("NS") }
        if prot & (1 << 52) != 0 { w.append("CONT") }
        if prot & (1 << 51) != 0 { w.append("DBM") }
        if prot & (1 << 50) != 0 { w.append("GP") }
        return w + restrictionNames(effective, regime: regime)
    }
}

extension ARM64 {
    /// A Linux kernel's ranges in the generic text: EL1&0 meanings under Linux's `MAIR_EL1`.
    public func rangeAttributes(prot: UInt64, effective: UInt64, level: Int) -> [String] {
        ARM64Stage1.words(prot: prot, regime: .el1, mair: .linuxDefault)
    }
}
