/// riscv64's table facts for the diff and `--check-tables` (the RISC-V privileged
/// specification, "Sv39: Page-Based 39-bit Virtual-Memory System" and its Sv48/Sv57 siblings).
extension RISCV64: ArchitectureTableRules {
    /// A leaf looks the same at every level.
    public func levelBits(kernelLevel level: Int) -> UInt64 { 0 }

    public func mask(of category: AttributeCategory, kernelLevel level: Int) -> UInt64 {
        switch category {
        case .accessedDirty: return RISCV64EntryBits.accessed.rawValue | RISCV64EntryBits.dirty.rawValue
        case .global: return RISCV64EntryBits.global.rawValue
        case .software: return RISCV64EntryBits.soft.rawValue
        case .pa, .level, .contiguous, .memoryType, .shareability: return 0
        }
    }

    public var hygiene: HygieneRules {
        let n = levels.count
        let reservedHigh: UInt64 = 0x1fc0_0000_0000_0000      // bits 60:54
        var reserved = [
            ReservedBitsRule("reserved bits 60:54 of a leaf", realLevels: 0...(n - 1), role: .leaf, mask: reservedHigh),
            // A pointer to a table has no D, A, U, PBMT or N bits.
            ReservedBitsRule("reserved bits (N, PBMT, 60:54, D, A, U) of a table pointer", realLevels: 0...(n - 2),
                             role: .table, mask: 0xffc0_0000_0000_00d0),
        ]
        for li in 0..<(n - 1) {
            // A superpage's PPN bits below its size must be zero (a misaligned superpage faults).
            let s = levels[li].shift
            let low = ((UInt64(1) << UInt64(s - 2)) - 1) & ~((UInt64(1) << 10) - 1)
            reserved.append(ReservedBitsRule("misaligned superpage: PPN bits below its size", realLevels: li...li,
                                             role: .leaf, mask: low))
        }
        return HygieneRules(reserved: reserved, deviceMemory: nil, validMask: RISCV64EntryBits.present.rawValue,
                            freedWhenEmpty: ["Linear mapping", "vmemmap start"],
                            hardwareUpdated: RISCV64EntryBits.accessed.rawValue | RISCV64EntryBits.dirty.rawValue)
    }
}
