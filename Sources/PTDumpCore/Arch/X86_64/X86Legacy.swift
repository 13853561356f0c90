/// x86 legacy 32-bit paging (CR0.PG with CR4.PAE clear, Intel SDM vol. 3 §4.3) as a boot
/// loader or firmware runs it: one page directory of 1024 4-byte entries, page tables of 1024
/// 4-byte entries with 4K pages, and 4M pages in the directory (PS, bit 7, with CR4.PSE set;
/// PSE-36/PSE-40 put physical-address bits 39:32 in bits 20:13). 32-bit virtual addresses.
/// RW and US are ANDed down the two levels; there is no execute-disable bit, so every present
/// page is executable and every writable page is W+X.
public struct X86Legacy: Architecture {
    public var kind: ArchKind { .x86_64 }
    public let levels = [TableLevel(shift: 22, entries: 1024, kernelLevel: 3, holeLevel: 3, entryBytes: 4),
                         TableLevel(shift: 12, entries: 1024, kernelLevel: 4, holeLevel: 4, entryBytes: 4)]
    public let pageSize: UInt64 = 4096
    public let levelNames = ["", "", "", "PD", "PT"]
    /// The memory types of the PAT indices.
    public let pat: X86PAT

    /// Address bits 31:12 of a table or a 4K page.
    static let frameMask: UInt64 = 0xffff_f000
    /// Bits 31:22 of a 4M page's address.
    static let largeLowMask: UInt64 = 0xffc0_0000
    /// Bits 20:13 of a 4M page's entry: its physical-address bits 39:32 (PSE-36 uses 16:13).
    static let largeHighMask: UInt64 = 0x001f_e000
    /// Bit 21 of a 4M page's entry: reserved (it would be PA bit 40, beyond PSE-40).
    static let largeReserved: UInt64 = 1 << 21

    public init(pat: X86PAT) { self.pat = pat }

    public func classify(_ e: UInt64, level: Int) -> EntryClass {
        guard e & 1 != 0 else { return .hole }
        if e & X86EntryBits.pse.rawValue != 0 { return .leaf }
        return .table(PhysicalAddress(e & Self.frameMask))
    }

    /// Flags (bits 8:0); a 4M page's PAT (bit 12) and reserved bit 21, which its address
    /// bits do not include.
    @inline(__always) public func prot(_ e: UInt64, kernelLevel: Int) -> UInt64 {
        guard e & 1 != 0 else { return 0 }
        return e & (0x1ff | (kernelLevel == 3 ? X86EntryBits.patLarge.rawValue | Self.largeReserved : 0))
    }

    /// RW and US ANDed down the levels; a page-directory entry (no parent) gives its own.
    @inline(__always) public func effective(_ e: UInt64, parent: UInt64?) -> UInt64 {
        (parent ?? 6) & e & 6
    }

    public func outputAddress(_ e: UInt64, level: Int) -> PhysicalAddress {
        guard level == 0 else { return PhysicalAddress(e & Self.frameMask) }
        return PhysicalAddress((e & Self.largeLowMask) | (e & Self.largeHighMask) << 19)
    }

    public func isCanonical(_ va: VirtualAddress) -> Bool { va.rawValue >> 32 == 0 }

    /// A last-level entry's address field and one page's step in it.
    public var leafAddressField: UInt64 { Self.frameMask }
    public var leafAddressStep: UInt64 { 0x1000 }

    public func permissions(prot: UInt64, effective: UInt64) -> Permissions {
        let present = prot & 1 != 0
        let user = present && effective & 4 != 0
        return Permissions(present: present, user: user, write: present && effective & 2 != 0, execute: present,
                           userExecute: present && user)
    }

    public var attributes: [AttributeBit] { X86_64.legacyAttributeBits }
    public var textStyle: KernelTextStyle { X86_64.text }
    public var wxRule: WXRule { Self.wx }

    /// Every present, writable page counts: 32-bit paging cannot forbid execution.
    static let wx = WXRule(
        prefix: "x86 32-bit: ", pageSize: 4096,
        isWX: { prot, eff in prot & 1 != 0 && eff & 2 != 0 },
        verdict: { wx, _ in
            wx == 0 ? "x86 32-bit: Checked W+X mappings: passed, no W+X pages found"
                    : "x86 32-bit: Checked W+X mappings: FAILED, \(wx) W+X page(s) found (32-bit paging has no NX bit: every writable page is executable)"
        })

    /// `RW`/`RO`, `X` (always), `USER` (effective, down the levels), the memory type of the
    /// PAT index, then `GLB`, `A`, `D` when set.
    public func rangeAttributes(prot: UInt64, effective: UInt64, level: Int) -> [String] {
        X86_64.words(prot: prot, effective: effective, large: level < 4, pat: pat)
    }

    /// A 4M page with bit 21 set: reserved under PSE-36 and PSE-40 alike.
    public func entryProblem(prot: UInt64, effective: UInt64, level: Int) -> String? {
        level == 3 && prot & Self.largeReserved != 0 ? "reserved bit 21 of a 4M page set" : nil
    }
}

extension X86_64 {
    /// The bits of a 32-bit entry: x86_64's without NX.
    static let legacyAttributeBits = [present, user, rw, pwt, pcd, accessed, dirty, psePrinted, patPte, patLarge, global]
}
