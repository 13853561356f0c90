/// arm64 stage-1 translation as the hardware walks it, for tables that are not a Linux
/// kernel's (firmware, boot loaders, hypervisors): any granule, any VA size from 25 to 48
/// bits with the starting level that gives, one of the regimes of `ARM64Regime`, and the
/// `MAIR_ELx` that names the memory types. Levels are named `L0`…`L3` as the Arm ARM does.
///
/// Hierarchical table attributes are applied (Arm ARM D8.4.2): APTable, PXNTable and
/// UXNTable in two-range regimes, APTable[1] and XNTable in one-range regimes (EL2 without VHE,
/// EL3), unless `TCR_ELx.HPD` turns them off. A range's effective value holds the restrictions
/// its table entries hand down, in their own bit positions 62:59. (Linux's own ptdump, and
/// `ARM64`, look at leaves only.)
public struct ARM64Stage1: Architecture {
    public var kind: ArchKind { .arm64 }
    public let levels: [TableLevel]
    public let pageSize: UInt64
    /// "L0"…"L3" at the levels' numbers (a hardware level n is reported as number n + 1).
    public let levelNames = ["L-1", "L0", "L1", "L2", "L3"]
    /// The regime whose bit meanings apply.
    public let regime: ARM64Regime
    /// The memory types of `AttrIndx`, when known.
    public let mair: ARM64MAIR?
    /// `PAGE_SHIFT` of the granule.
    public let pageShift: Int
    /// Bits of VA translated (64 - TnSZ).
    public let inputBits: Int
    /// Output-address bits [47:pageShift] of a descriptor.
    public let addressMask: UInt64
    /// True unless `TCR_ELx.HPD` disables the table entries' APTable/PXNTable/XNTable bits.
    public let hierarchical: Bool

    /// Stage 1 with a `pageSize`-byte granule translating `vaBits` bits; nil when the granule
    /// is not 4K, 16K or 64K or `vaBits` is outside 25…48.
    public init?(pageSize: Int, vaBits: Int, regime: ARM64Regime, mair: ARM64MAIR?, hierarchical: Bool = true) {
        guard [4096, 16384, 65536].contains(pageSize), (25...48).contains(vaBits) else { return nil }
        let ps = pageSize.trailingZeroBitCount
        let b = ps - 3
        let n = (vaBits - ps + b - 1) / b
        guard n >= 1, n <= 4 else { return nil }
        self.pageSize = UInt64(pageSize)
        pageShift = ps
        inputBits = vaBits
        self.regime = regime
        self.mair = mair
        self.hierarchical = hierarchical
        addressMask = ((UInt64(1) << 48) - 1) & ~((UInt64(1) << UInt64(ps)) - 1)
        var lv: [TableLevel] = []
        for i in 0..<n {
            let shift = ps + b * (n - 1 - i)
            let entries = i == 0 ? 1 << (vaBits - shift) : 1 << b
            let number = 4 - n + i + 1
            lv.append(TableLevel(shift: shift, entries: entries, kernelLevel: number, holeLevel: number))
        }
        levels = lv
    }

    /// The hardware level (0…3) of real level `level`.
    @inline(__always) public func hardwareLevel(_ level: Int) -> Int { levels[level].kernelLevel - 1 }

    /// True when a block descriptor is allowed at hardware level `hw` (4K: L1, L2; 16K and 64K: L2).
    @inline(__always) func blockAllowed(hardwareLevel hw: Int) -> Bool {
        pageShift == 12 ? (hw == 1 || hw == 2) : hw == 2
    }

    public func classify(_ e: UInt64, level: Int) -> EntryClass {
        VMSADescriptor.classify(e, addressMask: addressMask, blockAllowed: blockAllowed(hardwareLevel: hardwareLevel(level)))
    }

    /// The descriptor's attribute bits; 0 for an invalid one (bit 0 clear, or a reserved
    /// 0b01 at the last level).
    @inline(__always) public func prot(_ e: UInt64, kernelLevel: Int) -> UInt64 {
        VMSADescriptor.prot(e, kernelLevel: kernelLevel, protMask: Self.protMask)
    }

    /// A leaf's own bits are in `prot`: its effective value is what its tables handed down.
    @inline(__always) public func effective(_ e: UInt64, parent: UInt64?) -> UInt64 { parent ?? 0 }

    /// A table descriptor adds its hierarchical bits (those the regime has) to its parent's.
    @inline(__always) public func inheritance(_ e: UInt64, parent: UInt64?, level: Int) -> UInt64 {
        hierarchical ? (parent ?? 0) | (e & Self.tableBits(regime)) : 0
    }

    public func outputAddress(_ e: UInt64, level: Int) -> PhysicalAddress {
        VMSADescriptor.outputAddress(e, addressMask: addressMask, shift: levels[level].shift)
    }

    /// Low-half addresses have no bit above the VA size set; in a two-range regime high-half
    /// addresses have all of them set.
    public func isCanonical(_ va: VirtualAddress) -> Bool {
        let top = va.rawValue >> UInt64(inputBits)
        return top == 0 || (regime.hasTwoRanges && top == UInt64.max >> UInt64(inputBits))
    }

    public func permissions(prot: UInt64, effective: UInt64) -> Permissions {
        Self.permissions(prot: prot, effective: effective, regime: regime)
    }

    public var attributes: [AttributeBit] { regime.hasTwoRanges ? Self.twoRangeBits : Self.oneRangeBits }
    public var textStyle: KernelTextStyle { ARM64.text }
    public var wxRule: WXRule { Self.wxRule(pageSize: pageSize, regime: regime) }
}
