/// A mapped (present) range of one image, as the diff compares it: `first...last` inclusive, so
/// a range reaching the top of the address space needs no wrap-around end.
public struct MappedRange: Sendable, Equatable {
    /// First virtual address.
    public var first: VirtualAddress
    /// Last virtual address (inclusive).
    public var last: VirtualAddress
    /// Kernel level of the leaves (0 = pgd … 4 = pte).
    public var level: Int
    /// The compared attribute value (the kernel's `prot`).
    public var prot: UInt64
    /// Effective permissions (0 where the architecture has none).
    public var effective: UInt64
    /// Physical address of `first` (with `--phys`).
    public var physical: PhysicalAddress?
    /// Index of the address-marker region it lies in (`AddressSpaceSnapshot.regions`).
    public var region: Int

    public init(first: VirtualAddress, last: VirtualAddress, level: Int, prot: UInt64, effective: UInt64,
                physical: PhysicalAddress? = nil, region: Int = 0) {
        self.first = first
        self.last = last
        self.level = level
        self.prot = prot
        self.effective = effective
        self.physical = physical
        self.region = region
    }

    /// Bytes covered, saturating at 2^64 - 1 for the whole address space.
    public var size: UInt64 { (last - first) &+ 1 == 0 ? .max : (last - first) &+ 1 }

    /// The part `from...to` of this range (both inside it), its physical address moved along.
    public func clipped(_ from: VirtualAddress, _ to: VirtualAddress) -> MappedRange {
        var r = self
        r.first = from
        r.last = to
        r.physical = physical.map { $0 + (from - first) }
        return r
    }
}
