/// Intel EPT (extended page tables: guest-physical → host-physical, Intel SDM vol. 3 §29.3)
/// with 4 or 5 levels (PML4 or PML5 first), 4K pages, 2M and 1G leaves. Bits 2:0 are
/// read/write/execute (with MBEC, bit 2 is supervisor execute and bit 10 user execute), a leaf
/// has the memory type in bits 5:3, ignore-PAT in bit 6, accessed and dirty in bits 8 and 9.
public struct X86EPT: Architecture {
    public var kind: ArchKind { .x86_64 }
    public let levels: [TableLevel]
    public let pageSize: UInt64 = 4096
    /// The SDM's names of each level's entries, by number (0 = PML5 … 4 = PT).
    public let levelNames = ["PML5", "PML4", "PDPT", "PD", "PT"]
    /// True with a PML5 table (57-bit guest-physical addresses).
    public let fiveLevel: Bool
    /// Host-physical address bits 51:12.
    public static let addressMask: UInt64 = 0x000f_ffff_ffff_f000

    public init(fiveLevel: Bool) {
        self.fiveLevel = fiveLevel
        let first = fiveLevel ? 0 : 1
        levels = (first...4).map { k in TableLevel(shift: 12 + 9 * (4 - k), entries: 512, kernelLevel: k, holeLevel: k) }
    }

    /// An entry is present when it grants read, write or execute (or user execute, bit 10).
    @inline(__always) static func isPresent(_ e: UInt64) -> Bool { e & 0x407 != 0 }

    public func classify(_ e: UInt64, level: Int) -> EntryClass {
        guard Self.isPresent(e) else { return .hole }
        // Bit 7 is a 1G or 2M leaf in a PDPTE or PDE; in a PML4E or PML5E it is reserved and
        // the entry is reported (as a leaf) with the problem.
        if e & (1 << 7) != 0 { return .leaf }
        return .table(PhysicalAddress(e & Self.addressMask))
    }

    /// R, W, X, memory type, ignore-PAT, page size, accessed, dirty, user execute, suppress #VE.
    @inline(__always) public func prot(_ e: UInt64, kernelLevel: Int) -> UInt64 {
        Self.isPresent(e) ? e & Self.protMask : 0
    }

    /// What the table entries above a leaf handed down: bit k set when the non-leaf entry at
    /// kernel level k has reserved bits (SDM tables 29-1, 29-3, 29-5: bits 7:3 of a PML5E or
    /// PML4E, 6:3 of a PDPTE or PDE that references a table; bit 7 there makes a leaf).
    @inline(__always) public func effective(_ e: UInt64, parent: UInt64?) -> UInt64 { parent ?? 0 }

    @inline(__always) public func inheritance(_ e: UInt64, parent: UInt64?, level: Int) -> UInt64 {
        (parent ?? 0) | (e & Self.tableReserved != 0 ? 1 << UInt64(levels[level].kernelLevel) : 0)
    }

    /// Bits 6:3 of a non-leaf entry: reserved at every level.
    static let tableReserved: UInt64 = 0x78

    public func outputAddress(_ e: UInt64, level: Int) -> PhysicalAddress {
        PhysicalAddress(e & Self.addressMask & ~((UInt64(1) << UInt64(levels[level].shift)) - 1))
    }

    /// Guest-physical addresses have no bit above 48 (57 with 5 levels) set.
    public func isCanonical(_ va: VirtualAddress) -> Bool { va.rawValue >> UInt64(fiveLevel ? 57 : 48) == 0 }

    /// Bit 1 write; bit 2 execute (supervisor execute with MBEC); bit 10 user execute (MBEC).
    public func permissions(prot: UInt64, effective: UInt64) -> Permissions {
        let present = Self.isPresent(prot)
        return Permissions(present: present, user: false, write: present && prot & 2 != 0,
                           execute: present && prot & 4 != 0, userExecute: present && prot & (1 << 10) != 0)
    }

    public var attributes: [AttributeBit] { Self.attributeBits }
    public var textStyle: KernelTextStyle { X86_64.text }
    public var wxRule: WXRule { Self.wx }
}
