/// arm64's table facts for the diff and `--check-tables` (Arm ARM D8.3 "Translation table
/// descriptor formats", D8.6.1 "The Contiguous bit").
extension ARM64: ArchitectureTableRules {
    /// The table bit: set in a page, clear in a block.
    public func levelBits(kernelLevel level: Int) -> UInt64 { ARM64EntryBits.table.rawValue }

    public func mask(of category: AttributeCategory, kernelLevel level: Int) -> UInt64 {
        switch category {
        case .accessedDirty: return 1 << 10                   // PTE_AF
        case .global: return 1 << 11                          // PTE_NG
        case .contiguous: return ARM64EntryBits.cont.rawValue
        case .memoryType: return 7 << 2                       // AttrIndx
        case .shareability: return 3 << 8                     // SH
        case .pa, .level, .software: return 0
        }
    }

    /// Bits `hi...lo`.
    static func bits(_ hi: Int, _ lo: Int) -> UInt64 {
        guard hi >= lo else { return 0 }
        return (hi >= 63 ? UInt64.max : (UInt64(1) << UInt64(hi + 1)) - 1) & ~((UInt64(1) << UInt64(lo)) - 1)
    }

    public var hygiene: HygieneRules {
        let n = levels.count
        // With 16K and 64K granules the output address starts above bit 12; below it is RES0,
        // except that 52-bit PAs with 64K pages keep OA[51:48] in bits 15:12.
        let belowGranule = pa52 ? 0 : Self.bits(pageShift - 1, 12)
        var reserved = [
            ReservedBitsRule("RES0 bits 51:48 of a table descriptor", realLevels: 0...(n - 2), role: .table,
                             mask: Self.bits(51, 48)),
            ReservedBitsRule("RES0 bits 49:48 of a page descriptor", realLevels: (n - 1)...(n - 1), role: .leaf,
                             mask: Self.bits(49, 48) | belowGranule),
        ]
        if belowGranule != 0 {
            reserved.append(ReservedBitsRule("RES0 address bits below the granule of a table descriptor",
                                             realLevels: 0...(n - 2), role: .table, mask: belowGranule))
        }
        for li in 0..<(n - 1) {
            // A block's address starts at its own size; the bits below it are RES0 but for nT (16).
            let s = levels[li].shift
            let mask = (Self.bits(s - 1, 12) & ~(1 << 16) & ~(pa52 ? Self.bits(15, 12) : 0)) | Self.bits(49, 48)
            reserved.append(ReservedBitsRule("RES0 bits of a \(levelNames[levels[li].kernelLevel]) block",
                                             realLevels: li...li, role: .leaf, mask: mask))
        }
        if pageShift == 16, let top = levels.firstIndex(where: { $0.kernelLevel == 2 }) {
            // `pud_table` is constant true with 64K pages: the kernel walks a level-1 block as a table.
            reserved.append(ReservedBitsRule("a block descriptor at a level the 64K granule has no blocks at",
                                             realLevels: top...top, role: .table, mask: 3, forbidden: 1))
        }
        // CONT_PTES and CONT_PMDS: 16 and 16 (4K), 128 and 32 (16K), 32 and 32 (64K).
        let groups: [Int: (pte: Int, pmd: Int)] = [12: (16, 16), 14: (128, 32), 16: (32, 32)]
        let g = groups[pageShift] ?? (16, 16)
        // Everything but the address, the access flag, DBM and Linux's software dirty bit must match.
        let same = ~(Self.bits(47, pageShift) | (pa52 ? Self.bits(15, 12) : 0) | (1 << 10) | (1 << 51) | (1 << 55))
        var contiguous: [ContiguousRule] = []
        for (li, l) in levels.enumerated() where l.kernelLevel >= 3 {
            contiguous.append(ContiguousRule(realLevel: li, bit: ARM64EntryBits.cont.rawValue,
                                             entries: l.kernelLevel == 4 ? g.pte : g.pmd, attributeMask: same))
        }
        let device = ARM64.pteBits.flatMap(\.bits).filter { ["MT_DEVICE_nGnRnE", "MT_DEVICE_nGnRE", "MT_NORMAL_NC"].contains($0.name) }
        return HygieneRules(reserved: reserved, contiguous: contiguous, deviceMemory: device,
                            validMask: ARM64EntryBits.valid.rawValue,
                            freedWhenEmpty: ["Linear Mapping start", "vmemmap start"],
                            hardwareUpdated: (1 << 10) | ARM64EntryBits.rdonly.rawValue | (1 << 51))
    }
}
