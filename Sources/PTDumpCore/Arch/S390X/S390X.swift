/// Bits of an s390 region-, segment- or page-table entry (`arch/s390/include/asm/pgtable.h`;
/// IBM numbers bits from the most significant, these are the values of the 64-bit entry).
public struct S390XEntryBits: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// `_PAGE_NOEXEC`, `_SEGMENT_ENTRY_NOEXEC`, `_REGION_ENTRY_NOEXEC` (IEP).
    public static let noExec = S390XEntryBits(rawValue: 0x100)
    /// `_PAGE_PROTECT`, `_SEGMENT_ENTRY_PROTECT`, `_REGION_ENTRY_PROTECT` (P).
    public static let protect = S390XEntryBits(rawValue: 0x200)
    /// `_PAGE_INVALID`: the invalid bit of a page-table entry.
    public static let pageInvalid = S390XEntryBits(rawValue: 0x400)
    /// `_SEGMENT_ENTRY_LARGE` (STE format control: a 1 MiB frame) and `_REGION3_ENTRY_LARGE`
    /// (RTTE format control: a 2 GiB frame).
    public static let large = S390XEntryBits(rawValue: 0x400)
    /// `_REGION_ENTRY_INVALID`, `_SEGMENT_ENTRY_INVALID`.
    public static let tableInvalid = S390XEntryBits(rawValue: 0x20)
}

/// s390x DAT as Linux 6.1's ptdump sees the kernel address space: 4 KiB pages, 2048-entry
/// (16 KiB) region and segment tables and 256-entry (2 KiB) page tables, big-endian entries.
/// The address-space-control element's designation type (DT) says which table the
/// translation starts at — region-first, -second, -third or the segment table — and so how
/// many of the kernel's five levels (pgd = region-first … pte) are folded: the levels above
/// the designated table do not exist, and the kernel's `pgd_offset`/`p4d_offset`/`pud_offset`
/// hand back the entry of the first real table indexed by its own shift, so a folded level
/// is stepped exactly like the real one below it.
public struct S390X: Architecture {
    public var kind: ArchKind { .s390x }
    public let levels: [TableLevel]
    public let pageSize: UInt64 = 4096
    /// `print_prot()`'s `level_name[]`, indexed by the generic ptdump level.
    public let levelNames = ["ASCE", "PGD", "PUD", "PMD", "PTE"]
    public var byteOrder: ByteOrder { .big }
    /// The ASCE designation type: 0 segment table, 1 region-third, 2 region-second, 3
    /// region-first (`(asce & _ASCE_TYPE_MASK) >> 2`).
    public let designationType: Int
    /// True when the first lowcore page must stay executable (no BEAR facility, or spectre
    /// trampolines): the W^X check then skips it and says "no unexpected W+X pages".
    public let lowcoreExecutable: Bool

    /// `_REGION_ENTRY_TYPE_MASK`: the table type (TT) in region and segment entries.
    public static let typeMask: UInt64 = 0x0c
    /// `_REGION_ENTRY_BITS`: what a valid region-table entry may have set (`p?d_bad`).
    public static let regionEntryBits: UInt64 = 0xffff_ffff_ffff_f22f
    /// `_REGION_ENTRY_ORIGIN`: the next table's address in a region entry (4 KiB aligned).
    public static let regionOrigin: UInt64 = ~0xfff
    /// `_SEGMENT_ENTRY_ORIGIN`: the page table's address in a segment entry (2 KiB aligned).
    public static let segmentOrigin: UInt64 = ~0x7ff
    /// The prot `note_page` gives invalid ranges and holes (`_PAGE_INVALID`).
    public static let invalidProt: UInt64 = S390XEntryBits.pageInvalid.rawValue
    /// What `note_page` compares: `_PAGE_PROTECT | _PAGE_NOEXEC`.
    public static let protMask: UInt64 = 0x300

    /// Entry shift of each kernel level: region-first 53, region-second 42, region-third 31,
    /// segment 20, page 12.
    static let shifts = [53, 42, 31, 20, 12]

    /// The paging of an ASCE of designation type `dt` (0…3), else nil.
    public init?(designationType dt: Int, lowcoreExecutable: Bool = false) {
        guard (0...3).contains(dt) else { return nil }
        designationType = dt
        self.lowcoreExecutable = lowcoreExecutable
        // Kernel levels of the real tables: region-first is the pgd (0), the segment table the
        // pmd (3); a region-third ASCE starts at the pud. A hole is noted at its own level:
        // a folded level's `p?d_none` is false, so it never reports one.
        levels = (3 - dt...4).map { k in
            TableLevel(shift: Self.shifts[k], entries: k == 4 ? 256 : 2048, kernelLevel: k, holeLevel: k)
        }
    }

    /// Real levels of a designation type (2 for a segment-table ASCE … 5 for region-first).
    public static func levelCount(designationType dt: Int) -> Int { dt + 2 }

    /// VA bits an ASCE of designation type `dt` translates: 31, 42, 53 or 64.
    public static func vaBits(designationType dt: Int) -> Int { 31 + 11 * dt }

    /// The table type an entry of kernel level `k` (0…3) carries in its TT bits.
    @inline(__always) static func tableType(kernelLevel k: Int) -> UInt64 { UInt64(3 - k) << 2 }

    public func classify(_ e: UInt64, level: Int) -> EntryClass {
        let k = levels[level].kernelLevel
        let tt = e & Self.typeMask
        switch k {
        case 0:
            // `pgd_none` (I set) or `pgd_bad` (bits outside `_REGION_ENTRY_BITS`, which the
            // kernel clears and reports as a hole). An entry typed below region-first would make
            // the kernel fold the level onto this very entry and step past the table; the
            // hardware faults on it: a hole here.
            if tt != Self.tableType(kernelLevel: 0) || e & S390XEntryBits.tableInvalid.rawValue != 0
                || e & ~Self.regionEntryBits != 0 { return .hole }
            return .table(PhysicalAddress(e & Self.regionOrigin))
        case 1:
            // `p4d_none` is exactly `_REGION2_ENTRY_EMPTY`; `p4d_bad` as for the pgd. Another
            // invalid value is descended, as the kernel's walk does (it never asks `p4d_present`).
            if tt != Self.tableType(kernelLevel: 1) || e == (tt | S390XEntryBits.tableInvalid.rawValue)
                || e & ~Self.regionEntryBits != 0 { return .hole }
            return .table(PhysicalAddress(e & Self.regionOrigin))
        case 2:
            // `pud_none` is exactly `_REGION3_ENTRY_EMPTY`; `pud_leaf` a region-third entry with
            // the RTTE format control (2 GiB frame); `!pud_present` (no origin) is skipped. A
            // segment-typed entry here would be folded onto itself by the kernel: a hole.
            if tt < Self.tableType(kernelLevel: 2) { return .hole }
            if e == (tt | S390XEntryBits.tableInvalid.rawValue) && tt == Self.tableType(kernelLevel: 2) { return .hole }
            if tt == Self.tableType(kernelLevel: 2) && e & S390XEntryBits.large.rawValue != 0 { return .leaf }
            if e & Self.regionOrigin == 0 { return .skip }
            return .table(PhysicalAddress(e & Self.regionOrigin))
        case 3:
            // `pmd_none` is exactly `_SEGMENT_ENTRY_EMPTY`, `pmd_leaf` the STE format control
            // (1 MiB frame); anything else is a page table, as the kernel's walk takes it.
            if e == S390XEntryBits.tableInvalid.rawValue { return .hole }
            if e & S390XEntryBits.large.rawValue != 0 { return .leaf }
            return .table(PhysicalAddress(e & Self.segmentOrigin))
        default:
            return .leaf
        }
    }

    /// `note_page`'s prot: `_PAGE_INVALID` for an invalid page-table entry and for a zero
    /// value above the page level (a hole), else `val & (_PAGE_PROTECT | _PAGE_NOEXEC)`.
    @inline(__always) public func prot(_ e: UInt64, kernelLevel: Int) -> UInt64 {
        if kernelLevel == 4 {
            return e & Self.invalidProt != 0 ? Self.invalidProt : e & Self.protMask
        }
        return e == 0 ? Self.invalidProt : e & Self.protMask
    }

    /// s390 tables carry no permissions for their leaves.
    @inline(__always) public func effective(_ e: UInt64, parent: UInt64?) -> UInt64 { 0 }

    /// The frame a leaf maps: a 2 GiB region-third frame, a 1 MiB segment frame or a page.
    public func outputAddress(_ e: UInt64, level: Int) -> PhysicalAddress {
        switch levels[level].kernelLevel {
        case 2: return PhysicalAddress(e & ~0x7fff_ffff)
        case 3: return PhysicalAddress(e & ~0xf_ffff)
        default: return PhysicalAddress(e & ~0xfff)
        }
    }

    /// From the leaf: valid unless invalid, writable unless protected, executable unless
    /// no-exec. The kernel ASCE has no user pages (user space has its own ASCE).
    public func permissions(prot: UInt64, effective: UInt64) -> Permissions {
        let present = prot & Self.invalidProt == 0
        return Permissions(present: present, user: false, write: present && prot & S390XEntryBits.protect.rawValue == 0,
                           execute: present && prot & S390XEntryBits.noExec.rawValue == 0, userExecute: false)
    }

    /// Addresses below the designated table's reach; nothing above it translates (there is no
    /// upper half).
    public func isCanonical(_ va: VirtualAddress) -> Bool {
        let bits = vaBits
        return bits >= 64 || va.rawValue >> UInt64(bits) == 0
    }

    /// One past the last address the ASCE translates (`max_addr` of `pt_dump_init`); 0 for
    /// region-first, whose reach is all of 2^64.
    public var addressLimit: UInt64 { vaBits >= 64 ? 0 : UInt64(1) << UInt64(vaBits) }

    public var attributes: [AttributeBit] { Self.attributeBits }
    public var entryAttributes: [AttributeBit] { Self.entryBits }
    public var textStyle: KernelTextStyle { Self.text }
    public var wxRule: WXRule { lowcoreExecutable ? Self.wxLowcoreExecutable : Self.wx }
}
