/// Bits of an arm64 stage-1 descriptor (`arch/arm64/include/asm/pgtable-hwdef.h`, `pgtable-prot.h`).
public struct ARM64EntryBits: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// `PTE_VALID`
    public static let valid = ARM64EntryBits(rawValue: 1 << 0)
    /// `PTE_TABLE_BIT` (`PMD_TYPE_TABLE` together with `PTE_VALID`)
    public static let table = ARM64EntryBits(rawValue: 1 << 1)
    /// `PTE_USER` (AP[1])
    public static let user = ARM64EntryBits(rawValue: 1 << 6)
    /// `PTE_RDONLY` (AP[2])
    public static let rdonly = ARM64EntryBits(rawValue: 1 << 7)
    /// `PTE_CONT`
    public static let cont = ARM64EntryBits(rawValue: 1 << 52)
    /// `PTE_PXN`
    public static let pxn = ARM64EntryBits(rawValue: 1 << 53)
    /// `PTE_UXN`
    public static let uxn = ARM64EntryBits(rawValue: 1 << 54)
    /// `PTE_PROT_NONE` (software bit: present but inaccessible)
    public static let protNone = ARM64EntryBits(rawValue: 1 << 58)
    /// `PMD_PRESENT_INVALID` (software bit)
    public static let pmdPresentInvalid = ARM64EntryBits(rawValue: 1 << 59)
}

/// arm64 (AArch64) stage-1 translation of the kernel half (TTBR1) as Linux's ptdump sees
/// it: 4K, 16K or 64K granule, 2 to 4 levels (5 with LPA2), the kernel's level folding and names.
public struct ARM64: Architecture {
    public var kind: ArchKind { .arm64 }
    public let levels: [TableLevel]
    public let pageSize: UInt64
    public var levelNames: [String]
    /// `CONFIG_PGTABLE_LEVELS`.
    public let levelCount: Int
    /// `PAGE_SHIFT`.
    public let pageShift: Int
    /// `VA_BITS` (`CONFIG_ARM64_VA_BITS`).
    public let vaBitsConfigured: Int
    /// `CONFIG_ARM64_PA_BITS_52` (64K only): OA[51:48] sits in descriptor bits 15:12.
    public let pa52: Bool
    /// FEAT_LPA2 (`TCR_EL1.DS`, Linux 6.9+): 52-bit VA and PA with 4K or 16K pages. Output
    /// addresses use bits [49:PAGE_SHIFT] and OA[51:50] sits in bits 9:8, where the
    /// shareability field was (shareability then comes from TCR); with 4K pages a fifth
    /// level (the kernel's pgd over its p4d) translates VA bits 51:48.
    public let lpa2: Bool
    /// `PTE_ADDR_LOW`: bits [47:PAGE_SHIFT] ([49:PAGE_SHIFT] with LPA2).
    public let addressMask: UInt64

    /// `CONFIG_PGTABLE_LEVELS` = `ARM64_HW_PGTABLE_LEVELS(VA_BITS)` = (va - 4) / (PAGE_SHIFT - 3).
    public static func levelCount(pageShift: Int, vaBits: Int) -> Int { (vaBits - 4) / (pageShift - 3) }

    /// The paging of a kernel with `pageSize`-byte pages and `vaBits` (`VA_BITS`); nil when
    /// the granule is not 4K, 16K or 64K or the VA size gives fewer than 2 or more than 4
    /// levels (5 for 4K pages with 52-bit VA). `pa52` is `CONFIG_ARM64_PA_BITS_52` (ignored
    /// unless 64K); 52-bit VA with 4K or 16K pages is always LPA2, the only way to have it.
    public init?(pageSize: Int, vaBits: Int, pa52: Bool = false) {
        guard [4096, 16384, 65536].contains(pageSize), vaBits >= 25, vaBits <= 52 else { return nil }
        let ps = pageSize.trailingZeroBitCount
        let bits = ps - 3
        let n = Self.levelCount(pageShift: ps, vaBits: vaBits)
        let lpa2 = pageSize != 65536 && vaBits == 52
        guard n >= 2, n <= (lpa2 ? 5 : 4), vaBits > bits * n + 3, vaBits <= bits * n + 3 + bits else { return nil }
        self.pageSize = UInt64(pageSize)
        pageShift = ps
        levelCount = n
        vaBitsConfigured = vaBits
        self.pa52 = pa52 && pageSize == 65536
        self.lpa2 = lpa2
        addressMask = ((UInt64(1) << UInt64((lpa2 ? 50 : 48) - ps)) - 1) << UInt64(ps)
        // Kernel levels of the real levels, top first: the p4d is always folded; the pud
        // folds below 4 levels and the pmd at 2. A hole at the top is reported at depth 0
        // (`real_depth`), a leaf at the kernel level whose callback saw the entry.
        // Kernel level of each real level below the top: the last n-1 of p4d, pud, pmd, pte.
        let below = Array([1, 2, 3, 4].suffix(n - 1))
        let topKernelLevel = n >= 4 ? 0 : below[0] - 1
        var lv = [TableLevel(shift: bits * n + 3, entries: 1 << (vaBits - (bits * n + 3)),
                             kernelLevel: topKernelLevel, holeLevel: 0)]
        for k in below {
            lv.append(TableLevel(shift: ps + bits * (4 - k), entries: 1 << bits, kernelLevel: k, holeLevel: k))
        }
        levels = lv
        levelNames = ["PGD", "P4D", n > 3 ? "PUD" : "PGD", n > 2 ? "PMD" : "PGD", "PTE"]
    }

    /// Physical address held in a table, block or page descriptor (`__pte_to_phys`).
    @inline(__always) public func address(_ e: UInt64) -> UInt64 {
        if lpa2 { return (e & addressMask) | ((e & 0x300) << 42) }
        return pa52 ? (e & addressMask) | ((e & 0xf000) << 36) : e & addressMask
    }

    /// `pte_present`: `PTE_VALID` or `PTE_PROT_NONE`.
    @inline(__always) static func isPresent(_ e: UInt64) -> Bool {
        e & (ARM64EntryBits.valid.rawValue | ARM64EntryBits.protNone.rawValue) != 0
    }

    /// `(val & 3) == 3`: `PMD_TYPE_TABLE` / `PUD_TYPE_TABLE`.
    @inline(__always) static func isTableType(_ e: UInt64) -> Bool { e & 3 == 3 }

    public func classify(_ e: UInt64, level: Int) -> EntryClass {
        if e == 0 { return .hole }
        let next = EntryClass.table(PhysicalAddress(address(e)))
        switch levels[level].kernelLevel {
        case 0, 1:
            // 4 levels: the folded p4d; `p4d_bad` (no table bit) is cleared and reported as a hole,
            // otherwise descended without a present test; `p4d_leaf` is 0.
            return e & ARM64EntryBits.table.rawValue == 0 ? .hole : next
        case 2:
            // `pud_table` is constant true with 64K pages (no pud blocks).
            let present = Self.isPresent(e)
            let table = pageShift == 16 || Self.isTableType(e)
            if present && !table { return .leaf }
            return present ? next : .skip
        case 3:
            let present = Self.isPresent(e) || e & ARM64EntryBits.pmdPresentInvalid.rawValue != 0
            if present && !Self.isTableType(e) { return .leaf }
            return present ? next : .skip
        default:
            return .leaf
        }
    }

    /// `val & pg_level[level].mask`: the OR of every `pte_bits` mask (the same at every level).
    @inline(__always) public func prot(_ e: UInt64, kernelLevel: Int) -> UInt64 { e & Self.protMask }

    /// arm64's ptdump has no `effective_prot`: table attributes (APTable, PXNTable…) are ignored.
    @inline(__always) public func effective(_ e: UInt64, parent: UInt64?) -> UInt64 { 0 }

    public func outputAddress(_ e: UInt64, level: Int) -> PhysicalAddress {
        PhysicalAddress(address(e) & ~((UInt64(1) << UInt64(levels[level].shift)) - 1))
    }

    /// TTBR1 addresses have every bit above VA_BITS set, TTBR0 addresses none.
    public func isCanonical(_ va: VirtualAddress) -> Bool {
        let bits = vaBits
        guard bits < 64 else { return true }
        let top = va.rawValue >> UInt64(bits)
        return top == 0 || top == UInt64.max >> UInt64(bits)
    }

    /// From the descriptor itself (the kernel's ptdump ignores the table-level APTable/XNTable bits).
    public func permissions(prot: UInt64, effective: UInt64) -> Permissions {
        let present = prot & ARM64EntryBits.valid.rawValue != 0
        return Permissions(present: present, user: present && prot & ARM64EntryBits.user.rawValue != 0,
                           write: present && prot & ARM64EntryBits.rdonly.rawValue == 0,
                           execute: present && prot & ARM64EntryBits.pxn.rawValue == 0,
                           userExecute: present && prot & ARM64EntryBits.uxn.rawValue == 0)
    }

    public var attributes: [AttributeBit] { Self.attributeBits }
    /// Every column's attribute, once.
    static let attributeBits = pteBits.flatMap(\.bits)
    public var textStyle: KernelTextStyle { Self.text }
    public var wxRule: WXRule { Self.wxRule(pageSize: pageSize) }
    /// Output address bits 47 down to the page shift (the 52-bit high bits stay compared).
    public var leafAddressField: UInt64 { addressMask & ~Self.protMask }
    public var leafAddressStep: UInt64 { pageSize }
}
