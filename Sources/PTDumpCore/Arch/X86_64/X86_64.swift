/// Bits of an x86 page-table entry (`arch/x86/include/asm/pgtable_types.h`).
public struct X86EntryBits: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// `_PAGE_PRESENT`
    public static let present = X86EntryBits(rawValue: 1 << 0)
    /// `_PAGE_RW`
    public static let rw = X86EntryBits(rawValue: 1 << 1)
    /// `_PAGE_USER`
    public static let user = X86EntryBits(rawValue: 1 << 2)
    /// `_PAGE_PWT`
    public static let pwt = X86EntryBits(rawValue: 1 << 3)
    /// `_PAGE_PCD`
    public static let pcd = X86EntryBits(rawValue: 1 << 4)
    /// `_PAGE_ACCESSED`
    public static let accessed = X86EntryBits(rawValue: 1 << 5)
    /// `_PAGE_DIRTY`
    public static let dirty = X86EntryBits(rawValue: 1 << 6)
    /// `_PAGE_PSE` (`_PAGE_PAT` at the pte level)
    public static let pse = X86EntryBits(rawValue: 1 << 7)
    /// `_PAGE_GLOBAL` (also `_PAGE_PROTNONE` when not present)
    public static let global = X86EntryBits(rawValue: 1 << 8)
    /// `_PAGE_PAT_LARGE`
    public static let patLarge = X86EntryBits(rawValue: 1 << 12)
    /// `_PAGE_NX`
    public static let nx = X86EntryBits(rawValue: 1 << 63)
}

/// x86_64 4- and 5-level paging as Linux's ptdump sees it.
public struct X86_64: Architecture {
    public var kind: ArchKind { .x86_64 }
    public let levels: [TableLevel]
    public let pageSize: UInt64 = 4096
    public let levelNames = ["pgd", "p4d", "pud", "pmd", "pte"]
    /// `PTE_PFN_MASK`: bits 12–51 without the SME encryption bit.
    public let pfnMask: UInt64
    /// True with LA57.
    public let fiveLevel: Bool
    /// `_KERNPG_TABLE`: present, RW, accessed, dirty (and the SME bit).
    let kernelTable: UInt64

    /// `smeMask` is VMCOREINFO's `NUMBER(sme_mask)`: cleared from table addresses, kept in prot.
    public init(fiveLevel: Bool, smeMask: UInt64 = 0) {
        self.fiveLevel = fiveLevel
        pfnMask = 0x000f_ffff_ffff_f000 & ~smeMask
        kernelTable = 0x63 | smeMask
        if fiveLevel {
            levels = [TableLevel(shift: 48, entries: 512, kernelLevel: 0, holeLevel: 0),
                      TableLevel(shift: 39, entries: 512, kernelLevel: 1, holeLevel: 1),
                      TableLevel(shift: 30, entries: 512, kernelLevel: 2, holeLevel: 2),
                      TableLevel(shift: 21, entries: 512, kernelLevel: 3, holeLevel: 3),
                      TableLevel(shift: 12, entries: 512, kernelLevel: 4, holeLevel: 4)]
        } else {
            // The p4d is folded into the pgd: its holes are reported at depth 0.
            levels = [TableLevel(shift: 39, entries: 512, kernelLevel: 0, holeLevel: 0),
                      TableLevel(shift: 30, entries: 512, kernelLevel: 2, holeLevel: 2),
                      TableLevel(shift: 21, entries: 512, kernelLevel: 3, holeLevel: 3),
                      TableLevel(shift: 12, entries: 512, kernelLevel: 4, holeLevel: 4)]
        }
    }

    /// `p?d_none` ignores the accessed and dirty bits (`_PAGE_KNL_ERRATUM_MASK`).
    @inline(__always) static func isNone(_ e: UInt64) -> Bool {
        e & ~(X86EntryBits.accessed.rawValue | X86EntryBits.dirty.rawValue) == 0
    }

    /// The table an entry points at.
    @inline(__always) func next(_ e: UInt64) -> EntryClass { .table(PhysicalAddress(e & pfnMask)) }

    public func classify(_ e: UInt64, level: Int) -> EntryClass {
        if Self.isNone(e) { return .hole }
        let present = e & X86EntryBits.present.rawValue != 0
        let flags = e & ~pfnMask
        let ignored = X86EntryBits.user.rawValue | X86EntryBits.nx.rawValue
        switch levels[level].kernelLevel {
        case 0:
            // 5-level pgd: pgd_none is val == 0, pgd_bad is flags other than _KERNPG_TABLE;
            // the kernel clears a bad entry and reports a hole. Never a leaf.
            if fiveLevel { return e == 0 || flags & ~ignored != kernelTable ? .hole : next(e) }
            fallthrough
        case 1:
            // p4d (the top table with 4 levels): p4d_bad is any flag outside _KERNPG_TABLE | USR | NX.
            return flags & ~(kernelTable | ignored) != 0 ? .hole : next(e)
        case 2:
            // pud_large: PSE and PRESENT; a non-present pud is skipped.
            if !present { return .skip }
            return e & X86EntryBits.pse.rawValue != 0 ? .leaf : next(e)
        default:
            // pmd_large: PSE alone; pmd_present also counts PROTNONE (GLOBAL) and PSE.
            if e & X86EntryBits.pse.rawValue != 0 { return .leaf }
            let presentish = X86EntryBits.present.rawValue | X86EntryBits.global.rawValue
            return e & presentish != 0 ? next(e) : .skip
        }
    }

    /// `val & PTE_FLAGS_MASK`: everything but the frame number (so PAT_LARGE is stripped).
    @inline(__always) public func prot(_ e: UInt64, kernelLevel: Int) -> UInt64 { e & ~pfnMask }

    /// USR and RW are ANDed down the levels, NX is ORed (`effective_prot`).
    @inline(__always) public func effective(_ e: UInt64, parent: UInt64?) -> UInt64 {
        let p = e & ~pfnMask
        guard let parent else { return p }
        let ur = X86EntryBits.user.rawValue | X86EntryBits.rw.rawValue
        let nx = X86EntryBits.nx.rawValue
        return (parent & p & ur) | ((parent | p) & nx)
    }

    public func outputAddress(_ e: UInt64, level: Int) -> PhysicalAddress {
        if levels[level].kernelLevel == 4 { return PhysicalAddress(e & pfnMask) }
        let blockMask = ~((UInt64(1) << UInt64(levels[level].shift)) - 1)
        return PhysicalAddress(e & pfnMask & blockMask)
    }

    /// From the effective permissions (USR, RW and NX as inherited down the levels).
    public func permissions(prot: UInt64, effective: UInt64) -> Permissions {
        let present = prot & X86EntryBits.present.rawValue != 0
        let user = present && effective & X86EntryBits.user.rawValue != 0
        let exec = present && effective & X86EntryBits.nx.rawValue == 0
        return Permissions(present: present, user: user, write: present && effective & X86EntryBits.rw.rawValue != 0,
                           execute: exec, userExecute: exec && user)
    }

    public var attributes: [AttributeBit] { Self.attributeBits }
    public var textStyle: KernelTextStyle { Self.text }
    public var wxRule: WXRule { Self.wx }
    /// The PFN (SME's bit is outside it, so it stays compared, as `prot` keeps it).
    public var leafAddressField: UInt64 { pfnMask }
    public var leafAddressStep: UInt64 { 4096 }
}
