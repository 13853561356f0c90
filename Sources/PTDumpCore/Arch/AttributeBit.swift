/// One named attribute of an entry: present when `entry & mask == value` (at the kernel
/// levels in `levels`, when given). An architecture lists them once; the kernel text, JSON
/// and `--walk` all name attributes from that list.
public struct AttributeBit: Sendable, Equatable {
    /// Name used by JSON and `--walk` (the kernel macro).
    public var name: String
    /// Bits looked at.
    public var mask: UInt64
    /// Value those bits must have.
    public var value: UInt64
    /// Kernel levels (0 = pgd … 4 = pte) where these bits mean this; nil: every level.
    public var levels: ClosedRange<Int>?

    public init(_ name: String, mask: UInt64, value: UInt64? = nil, levels: ClosedRange<Int>? = nil) {
        self.name = name
        self.mask = mask
        self.value = value ?? mask
        self.levels = levels
    }

    /// True when `prot` has this attribute (at any level).
    @inline(__always) public func isSet(in prot: UInt64) -> Bool { prot & mask == value }

    /// True when `prot`, noted at kernel level `level`, has this attribute.
    @inline(__always) public func isSet(in prot: UInt64, level: Int) -> Bool {
        prot & mask == value && (levels?.contains(level) ?? true)
    }
}
