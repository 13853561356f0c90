/// Bits of a RISC-V Sv39/Sv48/Sv57 page-table entry (`arch/riscv/include/asm/pgtable-bits.h`):
/// `63 N | 62:61 MT | 53:10 PPN | 9:8 RSW | 7 D | 6 A | 5 G | 4 U | 3 X | 2 W | 1 R | 0 V`.
public struct RISCV64EntryBits: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// `_PAGE_PRESENT` (V)
    public static let present = RISCV64EntryBits(rawValue: 1 << 0)
    /// `_PAGE_READ` (R)
    public static let read = RISCV64EntryBits(rawValue: 1 << 1)
    /// `_PAGE_WRITE` (W)
    public static let write = RISCV64EntryBits(rawValue: 1 << 2)
    /// `_PAGE_EXEC` (X)
    public static let exec = RISCV64EntryBits(rawValue: 1 << 3)
    /// `_PAGE_USER` (U)
    public static let user = RISCV64EntryBits(rawValue: 1 << 4)
    /// `_PAGE_GLOBAL` (G; also `_PAGE_PROT_NONE`)
    public static let global = RISCV64EntryBits(rawValue: 1 << 5)
    /// `_PAGE_ACCESSED` (A)
    public static let accessed = RISCV64EntryBits(rawValue: 1 << 6)
    /// `_PAGE_DIRTY` (D)
    public static let dirty = RISCV64EntryBits(rawValue: 1 << 7)
    /// `_PAGE_SOFT`: the first RSW bit, the only one 6.1's ptdump shows.
    public static let soft = RISCV64EntryBits(rawValue: 1 << 8)
    /// `_PAGE_LEAF`: any of R, W, X makes an entry a leaf.
    public static let leaf: RISCV64EntryBits = [.read, .write, .exec]
}

/// RISC-V Sv39, Sv48 or Sv57 translation of the kernel half as Linux 6.1's ptdump sees it:
/// 4 KiB pages, 512-entry tables, and the run-time folding of `pgtable-64.h` (one kernel
/// built with 5 levels runs in whichever mode the hart has; the unused top levels fold onto
/// the real top table).
public struct RISCV64: Architecture {
    public var kind: ArchKind { .riscv64 }
    public let levels: [TableLevel]
    public let pageSize: UInt64 = 4096
    public let levelNames: [String]
    /// 3 (Sv39), 4 (Sv48) or 5 (Sv57).
    public let levelCount: Int
    /// `CONFIG_TRANSPARENT_HUGEPAGE`: `pmd_present` also counts a leaf without V.
    public let transparentHugepage: Bool

    /// `_PAGE_PFN_MASK` = GENMASK(53, 10).
    public static let pfnMask: UInt64 = ((1 << 54) - 1) & ~((1 << 10) - 1)

    /// The OR of every `pte_bits[]` mask: what runs are compared on, at every level.
    public static let protMask: UInt64 = 0x1ff

    /// VA bits of a level count (Sv39, Sv48, Sv57).
    public static func vaBits(levels: Int) -> Int { 12 + 9 * levels }

    /// The paging of `levels` levels (3, 4 or 5), else nil.
    public init?(levels n: Int, transparentHugepage: Bool = false) {
        guard (3...5).contains(n) else { return nil }
        levelCount = n
        self.transparentHugepage = transparentHugepage
        // Kernel levels of the real levels, top first: the last n of pgd, p4d, pud, pmd, pte.
        // A folded level's callbacks see the real top entry, so holes and leaves there are
        // noted at the kernel level of the top real one (`p4d_none` is 0 in Sv39, …).
        levels = (0..<n).map { i in
            let k = 5 - n + i
            return TableLevel(shift: 12 + 9 * (n - 1 - i), entries: 512, kernelLevel: k, holeLevel: k)
        }
        // `pg_level[]`, patched by `ptdump_init` from pgtable_l5_enabled / pgtable_l4_enabled.
        levelNames = ["PGD", n == 5 ? "P4D" : "PGD", n >= 4 ? "PUD" : "PGD", "PMD", "PTE"]
    }

    /// `PFN_PHYS(__page_val_to_pfn(v))`: bits 53:10 moved to 55:12; the Svpbmt and N bits
    /// never reach the address.
    @inline(__always) public static func address(_ e: UInt64) -> UInt64 { ((e & pfnMask) >> 10) << 12 }

    public func classify(_ e: UInt64, level: Int) -> EntryClass {
        if e == 0 { return .hole }
        let v = RISCV64EntryBits.present.rawValue, leaf = RISCV64EntryBits.leaf.rawValue
        let next = EntryClass.table(PhysicalAddress(Self.address(e)))
        switch levels[level].kernelLevel {
        case 0, 1:
            // pgd (Sv57) and p4d (Sv48, Sv57): `p?d_bad` is !V and is cleared and reported as
            // a hole; there is no `pgd_leaf`/`p4d_leaf`, so a valid entry is always descended.
            return e & v == 0 ? .hole : next
        case 2:
            // `pud_leaf`: V and any of R/W/X; a non-zero entry without V is skipped.
            if e & v == 0 { return .skip }
            return e & leaf != 0 ? .leaf : next
        case 3:
            // `pmd_present`: V or PROT_NONE (G), and with THP a leaf without V too.
            let presentBits = v | RISCV64EntryBits.global.rawValue | (transparentHugepage ? leaf : 0)
            if e & presentBits == 0 { return .skip }
            return e & leaf != 0 ? .leaf : next
        default:
            return .leaf
        }
    }

    /// `val & pg_level[level].mask`: 0x1ff at every level (RSW bit 8 and D…V).
    @inline(__always) public func prot(_ e: UInt64, kernelLevel: Int) -> UInt64 { e & Self.protMask }

    /// RISC-V table entries carry no permissions for their leaves.
    @inline(__always) public func effective(_ e: UInt64, parent: UInt64?) -> UInt64 { 0 }

    /// The address the entry holds, as the kernel prints it (a misaligned superpage, which the
    /// hardware refuses, is not rounded).
    public func outputAddress(_ e: UInt64, level: Int) -> PhysicalAddress { PhysicalAddress(Self.address(e)) }

    /// From the leaf itself: V, U, W, X (user code runs only from U pages).
    public func permissions(prot: UInt64, effective: UInt64) -> Permissions {
        let b = RISCV64EntryBits(rawValue: prot)
        let present = b.contains(.present)
        let exec = present && b.contains(.exec)
        return Permissions(present: present, user: present && b.contains(.user), write: present && b.contains(.write),
                           execute: exec, userExecute: exec && b.contains(.user))
    }

    public var attributes: [AttributeBit] { Self.attributeBits }
    /// Every column's attribute, once.
    static let attributeBits = pteBits.flatMap(\.bits)
    public var textStyle: KernelTextStyle { Self.text }
    public var wxRule: WXRule { Self.wx }
    /// The PPN field (bit 10 up): one page is one step of it.
    public var leafAddressField: UInt64 { Self.pfnMask & ~Self.protMask }
    public var leafAddressStep: UInt64 { 1 << 10 }
}
