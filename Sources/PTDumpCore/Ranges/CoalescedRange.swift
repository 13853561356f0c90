/// A finished run of identical attributes: `[start, end)` (end 0 means the top of the
/// address space).
public struct CoalescedRange: Sendable, Equatable {
    public var start: VirtualAddress
    public var end: VirtualAddress
    /// Kernel level number (0 = pgd … 4 = pte).
    public var level: Int
    public var prot: UInt64
    public var effective: UInt64
    /// Physical address of `start` (with `--phys`, for mapped ranges).
    public var physical: PhysicalAddress?
    /// The heading this range is printed under.
    public var marker: String = ""

    /// Bytes covered (wrapping, as the kernel computes it).
    public var size: UInt64 { end - start }
}

/// What the coalescer produces.
public protocol RangeSink {
    /// A heading.
    mutating func marker(_ name: String)
    /// A finished run; `printed` is false past a marker's line cap.
    mutating func range(_ r: CoalescedRange, printed: Bool)
    /// `count` lines were not printed under the heading that just ended.
    mutating func skipped(_ count: UInt64)
}

extension RangeSink {
    public mutating func skipped(_ count: UInt64) {}
}
