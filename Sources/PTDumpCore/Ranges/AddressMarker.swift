/// A named address where the text output prints `---[ name ]---`.
public struct AddressMarker: Sendable, Equatable {
    /// Address where the region starts.
    public var start: UInt64
    /// Heading text.
    public var name: String
    /// Lines printed under this heading before the rest are counted as skipped (0 = no cap;
    /// x86's ESPfix area uses 16).
    public var maxLines: Int

    public init(_ start: UInt64, _ name: String, maxLines: Int = 0) {
        self.start = start
        self.name = name
        self.maxLines = maxLines
    }
}

/// How far the marker moves when a run ends: the kernels differ.
public enum MarkerAdvance: Sendable {
    /// x86: one step, only when a finished run is flushed.
    case oneStepOnFlush
    /// arm64: one step on flush, and once more after every note (so up to two steps).
    case alsoAfterEveryNote
}

/// A finished run of identical attributes: `[start, end)` (end 0 means the top of the
/// address space).
public struct CoalescedRange: Sendable, Equatable {
    public var start: UInt64
    public var end: UInt64
    /// Kernel level number (0 = pgd … 4 = pte).
    public var level: Int
    public var prot: UInt64
    public var effective: UInt64
    /// Physical address of `start` (with `--phys`, for mapped ranges).
    public var physical: UInt64?
    /// The heading this range is printed under.
    public var marker: String = ""

    /// Bytes covered (wrapping, as the kernel computes it).
    public var size: UInt64 { end &- start }
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
