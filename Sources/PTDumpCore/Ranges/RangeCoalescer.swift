/// The kernel's `note_page`: merges consecutive walk events with the same level, attributes
/// and effective attributes into ranges, and breaks them at address markers. Fed `Run`s, it
/// behaves exactly as if it were given each event of each run in turn.
public struct RangeCoalescer<Sink: RangeSink> {
    public var sink: Sink
    private let markers: [AddressMarker]
    /// `markers`' starts, for the hot path.
    private let starts: [UInt64]
    private let advance: MarkerAdvance
    private var marker = 0
    private var level = -1
    private var started = false
    private var start: UInt64 = 0
    private var prot: UInt64 = 0
    private var effective: UInt64 = 0
    private var lines = 0
    private var physical: UInt64?
    /// Ranges handed to the sink so far.
    public private(set) var rangeCount = 0
    private let breaksOnPhysical: Bool

    /// `markers` ascending by start; the first one heads the output (none: one unnamed heading;
    /// its own start is never compared, as in the kernels). With `breaksOnPhysical` false, a
    /// range keeps the physical address of its first event without ending where physical
    /// contiguity ends (the kernel text's PA column).
    public init(markers: [AddressMarker], advance: MarkerAdvance, breaksOnPhysical: Bool = true, sink: Sink) {
        self.markers = markers.isEmpty ? [AddressMarker(0, "")] : markers
        self.starts = self.markers.map(\.start.rawValue)
        self.advance = advance
        self.breaksOnPhysical = breaksOnPhysical
        self.sink = sink
    }

    /// Start of the next marker, nil after the last one.
    @inline(__always) private var nextMarkerStart: UInt64? {
        marker + 1 < starts.count ? starts[marker + 1] : nil
    }

    /// True when `addr` has reached the next marker.
    @inline(__always) private func reachesNextMarker(_ addr: UInt64) -> Bool {
        marker + 1 < starts.count && addr >= starts[marker + 1]
    }

    /// Notes every event of `run`.
    public mutating func feed(_ run: Run) {
        note(run.start, level: Int(run.level), prot: run.prot, effective: run.effective, physical: run.physical)
        guard run.last != run.start else { return }
        let stride = run.stride
        var at = run.start
        // Only a marker can end a run inside `run`: jump to the first event at or past it.
        while true {
            guard let m = nextMarkerStart, m <= run.last else { return }
            var next: UInt64
            if m <= at {
                next = at &+ stride
            } else {
                let d = m - run.start
                let q = d / stride + (d % stride == 0 ? 0 : 1)
                next = run.start &+ q &* stride
            }
            if next <= at || next > run.last { return }
            note(next, level: Int(run.level), prot: run.prot, effective: run.effective,
                 physical: run.physical.map { $0 &+ (next &- run.start) })
            at = next
        }
    }

    /// One event: the kernel's `note_page(addr, level, val)` after `val` became `prot`.
    /// `physical` is the address `addr` maps (tracked walks only): a range also ends where it
    /// is not the continuation of the range's physical start.
    public mutating func note(_ addr: UInt64, level newLevel: Int, prot newProt: UInt64, effective newEff: UInt64,
                              physical newPhys: UInt64? = nil) {
        if !started {
            started = true
            level = newLevel
            prot = newProt
            effective = newEff
            start = addr
            physical = newPhys
            sink.marker(markers[marker].name)
        } else if newProt != prot || newEff != effective || newLevel != level || reachesNextMarker(addr)
                    || (breaksOnPhysical && newPhys != physical.map({ $0 &+ (addr &- start) })) {
            let cap = markers[marker].maxLines
            sink.range(CoalescedRange(start: VirtualAddress(start), end: VirtualAddress(addr), level: level, prot: prot,
                                      effective: effective, physical: physical.map { PhysicalAddress($0) },
                                      marker: markers[marker].name),
                       printed: cap == 0 || lines < cap)
            lines += 1
            rangeCount += 1
            if reachesNextMarker(addr) {
                if cap > 0 && lines > cap { sink.skipped(UInt64(lines - cap)) }
                marker += 1
                lines = 0
                sink.marker(markers[marker].name)
                // Further markers the address has also reached.
                while advance == .allPassedOnFlush && reachesNextMarker(addr) {
                    marker += 1
                    sink.marker(markers[marker].name)
                }
            }
            start = addr
            prot = newProt
            effective = newEff
            level = newLevel
            physical = newPhys
        }
        if advance == .alsoAfterEveryNote && reachesNextMarker(addr) {
            marker += 1
            sink.marker(markers[marker].name)
        }
    }

    /// The final flush (`note_page(st, 0, -1, 0)`): the last range ends at `address`, which
    /// the kernel always passes as 0 (so its last line ends at 0x0000000000000000).
    public mutating func finish(at address: UInt64 = 0) {
        guard started else { return }
        note(address, level: -1, prot: 0, effective: 0)
    }
}
