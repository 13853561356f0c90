/// A run of identical walk events: one every `1 << shift` bytes from `start` to `last`
/// (both inclusive), each noting `(level, prot, effective)`. The walker emits runs instead of
/// single events so that a summarized subtree replays in time proportional to its runs.
public struct Run: Sendable, Equatable {
    /// Address of the first event.
    public var start: UInt64
    /// Address of the last event.
    public var last: UInt64
    /// log2 of the distance between events.
    public var shift: UInt8
    /// Kernel level number reported (0 = pgd … 4 = pte).
    public var level: Int8
    /// The compared attribute value (0 for a hole).
    public var prot: UInt64
    /// Effective permissions (0 for a hole or where the arch has none).
    public var effective: UInt64
    /// Physical address the first event maps, when the walk tracks physical addresses; each
    /// later event maps the next `stride` bytes.
    public var physical: UInt64?

    public init(start: UInt64, last: UInt64, shift: Int, level: Int, prot: UInt64, effective: UInt64, physical: UInt64? = nil) {
        self.start = start
        self.last = last
        self.shift = UInt8(shift)
        self.level = Int8(level)
        self.prot = prot
        self.effective = effective
        self.physical = physical
    }

    /// Distance between events.
    @inline(__always) public var stride: UInt64 { UInt64(1) << UInt64(shift) }

    /// True when `next` continues this run event for event.
    @inline(__always) func continues(with next: Run) -> Bool {
        next.level == level && next.prot == prot && next.effective == effective && next.shift == shift
            && next.start == last &+ stride && next.start != 0
            && next.physical == physical.map { $0 &+ (next.start &- start) }
    }

    /// The same run moved by `offset` bytes.
    @inline(__always) func shifted(by offset: UInt64) -> Run {
        var r = self
        r.start = start &+ offset
        r.last = last &+ offset
        return r
    }
}

/// Collects runs, merging each into the previous one when it continues it.
struct RunBuilder {
    var runs: [Run] = []

    @inline(__always) mutating func append(_ r: Run) {
        if let i = runs.indices.last, runs[i].continues(with: r) { runs[i].last = r.last } else { runs.append(r) }
    }
}
