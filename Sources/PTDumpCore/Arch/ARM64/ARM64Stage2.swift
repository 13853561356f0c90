/// arm64 stage-2 translation (VTTBR_EL2: guest IPA → host PA) as the hardware walks it and
/// as KVM builds it: any granule, an IPA size from 25 to 48 bits, the starting level KVM picks
/// for it (`stage2_pgtable_levels`: up to 16 concatenated tables at the first level) or the
/// one VTCR_EL2.SL0 gives. Levels are named by number, `0`…`3`, as KVM's ptdump does.
public struct ARM64Stage2: Architecture {
    public var kind: ArchKind { .arm64 }
    public let levels: [TableLevel]
    public let pageSize: UInt64
    /// KVM's level names: the hardware level number (reported as number + 1).
    public let levelNames = ["-1", "0", "1", "2", "3"]
    /// `PAGE_SHIFT` of the granule.
    public let pageShift: Int
    /// Bits of IPA translated (64 - VTCR_EL2.T0SZ).
    public let ipaBits: Int
    /// HCR_EL2.FWB: MemAttr is read as the FEAT_S2FWB encoding.
    public let forcedWriteBack: Bool
    /// Output-address bits [47:pageShift] of a descriptor.
    public let addressMask: UInt64

    /// The levels KVM uses for `ipaBits`: `ARM64_HW_PGTABLE_LEVELS(ipa - 4)`.
    public static func kvmLevels(pageShift: Int, ipaBits: Int) -> Int { (ipaBits - 8) / (pageShift - 3) }

    /// Stage 2 with a `pageSize`-byte granule over `ipaBits` bits, starting at hardware level
    /// `startLevel` (nil: KVM's choice); nil when that needs more than 16 concatenated tables
    /// or fewer than one entry, or the granule or size is not one stage 2 has.
    public init?(pageSize: Int, ipaBits: Int, startLevel: Int? = nil, forcedWriteBack: Bool = false) {
        guard [4096, 16384, 65536].contains(pageSize), (25...48).contains(ipaBits) else { return nil }
        let ps = pageSize.trailingZeroBitCount
        let b = ps - 3
        let start = startLevel ?? 4 - Self.kvmLevels(pageShift: ps, ipaBits: ipaBits)
        guard (0...3).contains(start) else { return nil }
        let n = 4 - start
        let topShift = ps + b * (n - 1)
        guard ipaBits > topShift, ipaBits - topShift <= b + 4 else { return nil }   // 1 … 16 tables
        self.pageSize = UInt64(pageSize)
        pageShift = ps
        self.ipaBits = ipaBits
        self.forcedWriteBack = forcedWriteBack
        addressMask = ((UInt64(1) << 48) - 1) & ~((UInt64(1) << UInt64(ps)) - 1)
        levels = (0..<n).map { i in
            let shift = ps + b * (n - 1 - i)
            return TableLevel(shift: shift, entries: i == 0 ? 1 << (ipaBits - shift) : 1 << b,
                              kernelLevel: start + i + 1, holeLevel: start + i + 1)
        }
    }

    /// The hardware level (0…3) of real level `level`.
    @inline(__always) public func hardwareLevel(_ level: Int) -> Int { levels[level].kernelLevel - 1 }

    /// Tables of the first level laid side by side (concatenated) to cover the IPA size.
    public var concatenatedTables: Int { max(1, levels[0].entries >> (pageShift - 3)) }

    public func classify(_ e: UInt64, level: Int) -> EntryClass {
        let hw = hardwareLevel(level)
        return VMSADescriptor.classify(e, addressMask: addressMask, blockAllowed: pageShift == 12 ? (hw == 1 || hw == 2) : hw == 2)
    }

    /// The descriptor's attribute bits; 0 for an invalid one.
    @inline(__always) public func prot(_ e: UInt64, kernelLevel: Int) -> UInt64 {
        VMSADescriptor.prot(e, kernelLevel: kernelLevel, protMask: Self.protMask)
    }

    @inline(__always) public func effective(_ e: UInt64, parent: UInt64?) -> UInt64 { 0 }

    public func outputAddress(_ e: UInt64, level: Int) -> PhysicalAddress {
        VMSADescriptor.outputAddress(e, addressMask: addressMask, shift: levels[level].shift)
    }

    /// IPAs have no bit above the IPA size set.
    public func isCanonical(_ va: VirtualAddress) -> Bool { va.rawValue >> UInt64(ipaBits) == 0 }

    /// S2AP[0] read, S2AP[1] write; XN[1:0] 0b00 executable at EL1 and EL0, 0b01 at EL0 only,
    /// 0b10 at neither, 0b11 at EL1 only. The guest's own stage 1 decides who is a user.
    public func permissions(prot: UInt64, effective: UInt64) -> Permissions {
        let present = prot & 1 != 0
        let xn = (prot >> 53) & 3
        return Permissions(present: present, user: false, write: present && prot & Self.s2apWrite != 0,
                           execute: present && (xn == 0 || xn == 3), userExecute: present && (xn == 0 || xn == 1))
    }

    public var attributes: [AttributeBit] { Self.attributeBits }
    public var textStyle: KernelTextStyle { Self.text }
    public var wxRule: WXRule { Self.wxRule(pageSize: pageSize) }
}
