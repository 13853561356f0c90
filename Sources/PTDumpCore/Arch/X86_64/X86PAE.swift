/// 32-bit x86 PAE paging (CR4.PAE, Intel SDM vol. 3 §4.4) as a boot loader or firmware runs
/// it: a 4-entry PDPT, page directories with 2M pages, page tables with 4K pages, 32-bit
/// virtual addresses, 64-bit entries with XD. RW and US are ANDed down the levels and XD ORed;
/// the PDPT entries carry none of them.
public struct X86PAE: Architecture {
    public var kind: ArchKind { .x86_64 }
    public let levels = [TableLevel(shift: 30, entries: 4, kernelLevel: 2, holeLevel: 2),
                         TableLevel(shift: 21, entries: 512, kernelLevel: 3, holeLevel: 3),
                         TableLevel(shift: 12, entries: 512, kernelLevel: 4, holeLevel: 4)]
    public let pageSize: UInt64 = 4096
    public let levelNames = ["", "", "PDPT", "PD", "PT"]
    /// The memory types of the PAT indices.
    public let pat: X86PAT
    /// Physical-address bits 51:12.
    static let addressMask: UInt64 = 0x000f_ffff_ffff_f000

    public init(pat: X86PAT) { self.pat = pat }

    public func classify(_ e: UInt64, level: Int) -> EntryClass {
        guard e & 1 != 0 else { return .hole }
        if level == 1 && e & (1 << 7) != 0 { return .leaf }
        return .table(PhysicalAddress(e & Self.addressMask))
    }

    /// Flags and XD; PAT (bit 12) of a 2M page.
    @inline(__always) public func prot(_ e: UInt64, kernelLevel: Int) -> UInt64 {
        guard e & 1 != 0 else { return 0 }
        return e & (0x1ff | 1 << 63 | (kernelLevel == 3 ? 1 << 12 : 0))
    }

    /// RW and US ANDed, XD ORed; a PDPT entry (no parent) allows both and executes.
    @inline(__always) public func effective(_ e: UInt64, parent: UInt64?) -> UInt64 {
        guard let parent else { return 6 }
        return (parent & e & 6) | ((parent | e) & (1 << 63))
    }

    public func outputAddress(_ e: UInt64, level: Int) -> PhysicalAddress {
        PhysicalAddress(e & Self.addressMask & ~((UInt64(1) << UInt64(levels[level].shift)) - 1))
    }

    public func isCanonical(_ va: VirtualAddress) -> Bool { va.rawValue >> 32 == 0 }

    public func permissions(prot: UInt64, effective: UInt64) -> Permissions {
        let present = prot & 1 != 0
        let user = present && effective & 4 != 0
        let exec = present && effective & (1 << 63) == 0
        return Permissions(present: present, user: user, write: present && effective & 2 != 0, execute: exec,
                           userExecute: exec && user)
    }

    public var attributes: [AttributeBit] { X86_64.attributeBits }
    public var textStyle: KernelTextStyle { X86_64.text }
    public var wxRule: WXRule { Self.wx }

    static let wx = WXRule(
        prefix: "x86 PAE: ", pageSize: 4096,
        isWX: { prot, eff in prot & 1 != 0 && eff & 2 != 0 && eff & (1 << 63) == 0 },
        verdict: { wx, _ in
            wx == 0 ? "x86 PAE: Checked W+X mappings: passed, no W+X pages found"
                    : "x86 PAE: Checked W+X mappings: FAILED, \(wx) W+X page(s) found"
        })

    /// `RW`/`RO`, `X`/`NX`, `USER` (effective, down the levels), the memory type of the PAT
    /// index, then `GLB`, `A`, `D` when set.
    public func rangeAttributes(prot: UInt64, effective: UInt64, level: Int) -> [String] {
        X86_64.words(prot: prot, effective: effective, large: level < 4, pat: pat)
    }
}

extension X86_64 {
    /// The generic words of an x86 leaf under `pat`.
    static func words(prot: UInt64, effective: UInt64, large: Bool, pat: X86PAT) -> [String] {
        guard prot & 1 != 0 else { return [] }
        var w = [effective & 2 != 0 ? "RW" : "RO", effective & (1 << 63) != 0 ? "NX" : "X"]
        if effective & 4 != 0 { w.append("USER") }
        w.append(pat.name(index: X86PAT.index(prot, large: large)))
        if prot & (1 << 8) != 0 { w.append("GLB") }
        if prot & (1 << 5) != 0 { w.append("A") }
        if prot & (1 << 6) != 0 { w.append("D") }
        return w
    }

    /// A Linux kernel's ranges in the generic text: effective permissions and Linux's PAT.
    public func rangeAttributes(prot: UInt64, effective: UInt64, level: Int) -> [String] {
        Self.words(prot: prot, effective: effective, large: level < 4, pat: .linux)
    }
}
