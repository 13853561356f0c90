/// Writes `ARM64Stage1` descriptors: what tests and synthetic fixtures lay out with
/// `PageTableBuilder` for a regime, and the inverse of `ARM64Stage1.permissions`.
public struct ARM64Stage1Encoder: Sendable {
    public let arch: ARM64Stage1

    public init(arch: ARM64Stage1) { self.arch = arch }

    /// A table descriptor pointing at `pa`.
    public func table(_ pa: PhysicalAddress) -> UInt64 { pa.rawValue | 3 }

    /// A block (`last` false) or page descriptor mapping `pa`: inner shareable, accessed,
    /// memory type `attrIndex`. `execute` clears PXN (two ranges) or XN (one range);
    /// `userExecute` clears UXN and `user` sets AP[1] where the regime has EL0. `pxnBit` sets
    /// bit 53 in a one-range regime, where it is RES0 and must change nothing.
    public func leaf(_ pa: PhysicalAddress, write: Bool, execute: Bool, userExecute: Bool = false, user: Bool = false,
                     attrIndex: Int = 0, last: Bool, pxnBit: Bool = false) -> UInt64 {
        var e = pa.rawValue | 1 | (last ? 2 : 0) | UInt64(attrIndex & 7) << 2 | (3 << 8) | (1 << 10)
        if !write { e |= ARM64Stage1.apReadOnly }
        if arch.regime.hasTwoRanges {
            if !execute { e |= ARM64Stage1.pxn }
            if !userExecute { e |= ARM64Stage1.uxn }
            if user { e |= ARM64Stage1.apUser }
        } else {
            if !execute { e |= ARM64Stage1.uxn }
            if pxnBit { e |= ARM64Stage1.pxn }
        }
        return e
    }
}
