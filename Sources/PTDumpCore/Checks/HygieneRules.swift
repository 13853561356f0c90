/// What an entry is, for a hygiene rule.
public enum EntryRole: Sendable, Equatable {
    /// Points at a next-level table.
    case table
    /// Maps a page or block.
    case leaf
}

/// Bits that must be zero in entries of one role at some levels (x86 bits 51:MAXPHYADDR and the
/// low address bits of a large page, arm64 RES0, riscv's reserved bits).
public struct ReservedBitsRule: Sendable {
    /// What the finding says (`reserved bits 20:13 of a 2M page`).
    public var name: String
    /// Real levels (0 = the top table) the rule applies to.
    public var realLevels: ClosedRange<Int>
    /// Entries it applies to.
    public var role: EntryRole
    /// Bits that must be zero (or, with `forbidden`, the bits compared).
    public var mask: UInt64
    /// When set, the finding is `entry & mask == forbidden` (an encoding the level does not
    /// allow, such as an arm64 block where the granule has none) instead of any bit of `mask`.
    public var forbidden: UInt64?

    public init(_ name: String, realLevels: ClosedRange<Int>, role: EntryRole, mask: UInt64, forbidden: UInt64? = nil) {
        self.name = name
        self.realLevels = realLevels
        self.role = role
        self.mask = mask
        self.forbidden = forbidden
    }

    /// True when `entry` breaks the rule.
    @inline(__always) public func isBroken(by entry: UInt64) -> Bool {
        if let f = forbidden { return entry & mask == f }
        return entry & mask != 0
    }
}

/// A contiguous-hint rule (arm64 `PTE_CONT`): entries with `bit` set come in aligned groups of
/// `entries`, each mapping the next piece of one aligned output range with the same attributes.
public struct ContiguousRule: Sendable {
    /// Real level of the table whose entries carry the hint.
    public var realLevel: Int
    /// The hint bit.
    public var bit: UInt64
    /// Entries in one group (`CONT_PTES`, `CONT_PMDS`).
    public var entries: Int
    /// Bits that must be equal across the group (the attributes; the address is checked apart).
    public var attributeMask: UInt64

    public init(realLevel: Int, bit: UInt64, entries: Int, attributeMask: UInt64) {
        self.realLevel = realLevel
        self.bit = bit
        self.entries = entries
        self.attributeMask = attributeMask
    }
}

/// Address bits an entry may not use above the machine's physical-address width (x86: bits
/// 51:MAXPHYADDR of every entry, leaf and table, are reserved). The width itself is not in the
/// tables: it comes from `--phys-bits`, a compact image, or the kernel's own record of it.
public struct AddressWidthRule: Sendable {
    /// The highest bit of the address field (x86: 51).
    public var highestBit: Int
    /// The widths the architecture allows (x86: 32...52); others are refused.
    public var widths: ClosedRange<Int>
    /// Bits of the field that are never reserved whatever the width (x86's SME encryption bit,
    /// VMCOREINFO `NUMBER(sme_mask)`, which sits above the width the kernel records).
    public var exempt: UInt64
    /// What the width is called (`MAXPHYADDR`).
    public var name: String

    public init(highestBit: Int, widths: ClosedRange<Int>, exempt: UInt64 = 0, name: String) {
        self.highestBit = highestBit
        self.widths = widths
        self.exempt = exempt
        self.name = name
    }

    /// The reserved bits for `width` physical-address bits: `highestBit:width` without `exempt`.
    public func mask(width: Int) -> UInt64 {
        guard width <= highestBit, width >= 0 else { return 0 }
        let top = highestBit >= 63 ? UInt64.max : (UInt64(1) << UInt64(highestBit + 1)) - 1
        return top & ~((UInt64(1) << UInt64(width)) - 1) & ~exempt
    }

    /// The rules it adds for `levels` real levels: every valid entry, leaf and table.
    func reservedRules(width: Int, levels: Int) -> [ReservedBitsRule] {
        let m = mask(width: width)
        guard m != 0, levels > 0 else { return [] }
        let what = "reserved bits \(highestBit):\(width) (above \(name) \(width))"
        return [ReservedBitsRule(what, realLevels: 0...(levels - 1), role: .leaf, mask: m),
                ReservedBitsRule(what, realLevels: 0...(levels - 1), role: .table, mask: m)]
    }
}

/// One paging mode's table-hygiene rules, as data: which bits must be zero where, where leaves
/// may sit, how contiguous hints are laid out, which leaves map device memory.
public struct HygieneRules: Sendable {
    /// Reserved bits per level and role.
    public var reserved: [ReservedBitsRule]
    /// Contiguous-hint layouts.
    public var contiguous: [ContiguousRule]
    /// Leaves with any of these attributes map device or uncached memory, which may lie outside
    /// every RAM region; nil when the architecture's entries do not say (no outside-RAM check).
    public var deviceMemory: [AttributeBit]?
    /// True when a non-zero entry the walk treats as empty (a `p?d_bad` entry the kernel clears)
    /// is a finding.
    public var badEntriesAreFindings: Bool
    /// The bit(s) that make an entry valid to the hardware: reserved and contiguous rules look
    /// only at entries with one of them set (the hardware ignores the rest of an invalid entry).
    public var validMask: UInt64

    /// The address-marker regions whose tables the kernel frees when they empty (memory
    /// hot-remove's linear map and vmemmap): an empty table linked there is a finding. Elsewhere
    /// (vmalloc, fixmap, preallocated top-level tables) the kernel keeps empty tables by design.
    public var freedWhenEmpty: [String]
    /// Attribute bits the hardware may change per entry (accessed, dirty): ignored when deciding
    /// whether a shared table merely repeats a few entries (KASAN's early shadow, ESPfix).
    public var hardwareUpdated: UInt64
    /// Physical ranges the kernel maps as normal memory whatever the machine has there (x86's
    /// legacy ISA window in the direct map): not outside-memory findings.
    public var mappedWhateverIsThere: [PhysicalRange]
    /// The marker region from which on every address space's top-level table repeats the
    /// kernel root's entries (x86: `Kernel Space`, copied into each PGD by `pgd_alloc` and kept
    /// in step by `sync_global_pgds`); nil: top-level tables are not copies of each other.
    public var sharedTopLevelFrom: String? = nil
    /// Regions inside the shared part that each address space maps for itself (x86's LDT
    /// remap slot with PTI, EFI's own PGD).
    public var perProcessRegions: [String] = []
    /// Address bits reserved above the physical-address width, when the architecture has them.
    public var addressWidth: AddressWidthRule? = nil

    public init(reserved: [ReservedBitsRule] = [], contiguous: [ContiguousRule] = [], deviceMemory: [AttributeBit]? = nil,
                badEntriesAreFindings: Bool = true, validMask: UInt64 = 1, freedWhenEmpty: [String] = [],
                hardwareUpdated: UInt64 = 0, mappedWhateverIsThere: [PhysicalRange] = [],
                addressWidth: AddressWidthRule? = nil) {
        self.addressWidth = addressWidth
        self.mappedWhateverIsThere = mappedWhateverIsThere
        self.freedWhenEmpty = freedWhenEmpty
        self.hardwareUpdated = hardwareUpdated
        self.reserved = reserved
        self.validMask = validMask
        self.contiguous = contiguous
        self.deviceMemory = deviceMemory
        self.badEntriesAreFindings = badEntriesAreFindings
    }

    /// No architecture-specific rules.
    public static let none = HygieneRules()
}
