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
    /// True when `effective` is whatever the last last-level entry walked before this run left
    /// behind, not yet known inside a summary (the kernel's KASAN shortcut reuses that value).
    public var staleEffective: Bool

    public init(start: UInt64, last: UInt64, shift: Int, level: Int, prot: UInt64, effective: UInt64,
                physical: UInt64? = nil, staleEffective: Bool = false) {
        self.start = start
        self.last = last
        self.shift = UInt8(shift)
        self.level = Int8(level)
        self.prot = prot
        self.effective = effective
        self.physical = physical
        self.staleEffective = staleEffective
    }

    /// Distance between events.
    @inline(__always) public var stride: UInt64 { UInt64(1) << UInt64(shift) }

    /// True when `next` continues this run event for event.
    @inline(__always) func continues(with next: Run) -> Bool {
        next.level == level && next.prot == prot && next.effective == effective && next.shift == shift
            && next.staleEffective == staleEffective && next.start == last &+ stride && next.start != 0
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

/// Where a walk's runs go: into a summary, or out to the coalescer.
protocol RunSink {
    /// Takes the next run in address order.
    mutating func append(_ r: Run)
    /// Effective permissions of the last last-level entry walked (the kernel's
    /// `prot_levels[4]`); nil inside a summary until it walks one.
    var lastLeafEffective: UInt64? { get set }
    /// A table that could not be read (VA relative to the sink's origin).
    mutating func problem(_ p: WalkProblem)
    /// True when the walk should stop feeding this sink: the consumer asked to stop, or a
    /// summary grew past its bound.
    var stopped: Bool { get }
}

extension RunSink {
    /// `r` with a stale effective value filled in, when it is known here.
    @inline(__always) func resolved(_ r: Run) -> Run {
        guard r.staleEffective, let e = lastLeafEffective else { return r }
        var x = r
        x.effective = e
        x.staleEffective = false
        return x
    }
}

/// Collects runs, merging each into the previous one when it continues it; gives up (stops)
/// past `limit` runs, so a summary never grows beyond a bound.
struct RunBuilder: RunSink {
    var runs: [Run] = []
    var lastLeafEffective: UInt64?
    var problems: [WalkProblem] = []
    let limit: Int
    private(set) var stopped = false

    init(limit: Int) { self.limit = limit }

    @inline(__always) mutating func append(_ run: Run) {
        let r = resolved(run)
        if let i = runs.indices.last, runs[i].continues(with: r) { runs[i].last = r.last } else {
            runs.append(r)
            if runs.count > limit { stopped = true }
        }
    }

    mutating func problem(_ p: WalkProblem) {
        if let i = problems.firstIndex(where: { $0.tablePA == p.tablePA }) { problems[i].references += p.references } else {
            problems.append(p)
        }
    }
}

/// What a walk hands its runs to, in address order: a value the walker is specialized for,
/// so that handing on a run is a direct call, not a closure's.
public protocol RunConsumer {
    /// Takes the next run; returns false to stop the walk.
    mutating func take(_ run: Run) -> Bool
}

/// A closure as a `RunConsumer`.
struct ClosureConsumer: RunConsumer {
    let emit: (Run) -> Bool
    @inline(__always) func take(_ run: Run) -> Bool { emit(run) }
}

/// Hands runs straight on, stale values resolved: the walk's top level, in absolute addresses.
struct StreamSink<Consumer: RunConsumer>: RunSink {
    /// Takes the runs.
    var consumer: Consumer
    /// The kernel's walk state starts zeroed.
    var lastLeafEffective: UInt64? = 0
    private(set) var stopped = false
    /// Unreadable tables, in the order met, one per table with its reference count.
    private(set) var problems: [WalkProblem] = []
    private var problemIndex: [PhysicalAddress: Int] = [:]

    init(consumer: Consumer) { self.consumer = consumer }

    /// Once the consumer has said stop it is handed nothing more (the walk may still finish
    /// the entries of the table it is in).
    @inline(__always) mutating func append(_ r: Run) {
        if stopped { return }
        if !consumer.take(resolved(r)) { stopped = true }
    }

    mutating func problem(_ p: WalkProblem) {
        if let i = problemIndex[p.tablePA] { problems[i].references += p.references } else {
            problemIndex[p.tablePA] = problems.count
            problems.append(p)
        }
    }
}
