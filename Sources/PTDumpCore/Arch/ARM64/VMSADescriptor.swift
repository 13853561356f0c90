/// What every arm64 translation table (stage 1 of any regime, stage 2) shares about its
/// descriptors: bit 0 valid, bit 1 table (or page at the last level), the output address in
/// `addressMask`.
enum VMSADescriptor {
    /// Hole, next-level table, or a block where `blockAllowed` says the level takes one.
    @inline(__always) static func classify(_ e: UInt64, addressMask: UInt64, blockAllowed: Bool) -> EntryClass {
        guard e & 1 != 0 else { return .hole }
        if e & 2 != 0 { return .table(PhysicalAddress(e & addressMask)) }
        return blockAllowed ? .leaf : .hole
    }

    /// The attribute bits `protMask` keeps; 0 for an invalid descriptor (bit 0 clear, or the
    /// reserved 0b01 at the last level, kernel level 4).
    @inline(__always) static func prot(_ e: UInt64, kernelLevel: Int, protMask: UInt64) -> UInt64 {
        guard e & 1 != 0, kernelLevel != 4 || e & 2 != 0 else { return 0 }
        return e & protMask
    }

    /// The output address of a leaf mapping `1 << shift` bytes.
    @inline(__always) static func outputAddress(_ e: UInt64, addressMask: UInt64, shift: Int) -> PhysicalAddress {
        PhysicalAddress(e & addressMask & ~((UInt64(1) << UInt64(shift)) - 1))
    }
}
