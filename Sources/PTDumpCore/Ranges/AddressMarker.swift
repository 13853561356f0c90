/// A named address where the text output prints `---[ name ]---`.
public struct AddressMarker: Sendable, Equatable {
    /// Address where the region starts.
    public var start: VirtualAddress
    /// Heading text.
    public var name: String
    /// Lines printed under this heading before the rest are counted as skipped (0 = no cap;
    /// x86's ESPfix area uses 16).
    public var maxLines: Int

    public init(_ start: UInt64, _ name: String, maxLines: Int = 0) {
        self.start = VirtualAddress(start)
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
    /// riscv: on flush, past every marker the address has reached (`while (addr >=
    /// st->marker[1].start_address)`), so markers at one address print together.
    case allPassedOnFlush
}
