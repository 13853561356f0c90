/// One image's mapped ranges after coalescing, with the marker regions they lie in: what
/// `ptdump diff` compares. Taken with the walk and coalescer that print the image (one walk,
/// no second look at any table), keeping only present ranges, clipped to the walked ranges
/// (a kernel's last range before a non-canonical gap ends at the next walked address).
public struct AddressSpaceSnapshot: Sendable {
    /// Present ranges, ascending and non-overlapping.
    public var ranges: [MappedRange]
    /// The address markers, in order; `MappedRange.region` indexes them.
    public var regions: [AddressMarker]
    /// The paging mechanics, to name attributes and levels.
    public var arch: any Architecture
    /// What the walk met besides its ranges (unreadable tables, limits).
    public var report: WalkReport

    public init(ranges: [MappedRange], regions: [AddressMarker], arch: any Architecture, report: WalkReport = WalkReport()) {
        self.ranges = ranges
        self.regions = regions.isEmpty ? [AddressMarker(0, "")] : regions
        self.arch = arch
        self.report = report
    }

    /// Walks `platform`'s tables in `memory` (only `window` when given); `physical` (`--phys`)
    /// keeps each range's physical address and breaks ranges where physical contiguity breaks.
    public static func take(platform: Platform, memory: any PhysicalMemory, physical: Bool, window: WalkRange? = nil,
                            maxRanges: Int = PageTableDump.defaultMaxRanges,
                            maxTableReferences: Int = PageTableDump.defaultMaxTableReferences) -> AddressSpaceSnapshot {
        platform.paging.accept(Take(platform: platform, memory: memory, physical: physical, window: window,
                                    maxRanges: maxRanges, maxTableReferences: maxTableReferences))
    }

    private struct Take: ArchitectureVisitor {
        let platform: Platform, memory: any PhysicalMemory, physical: Bool, window: WalkRange?
        let maxRanges: Int, maxTableReferences: Int

        func visit<A: Architecture>(_ arch: A) -> AddressSpaceSnapshot {
            var report = WalkReport()
            let l = window.map { platform.layout.restricted(to: $0) } ?? platform.layout
            let sink = PageTableDump.run(arch: arch, memory: memory, root: platform.root.value, rootLevel: platform.rootLevel,
                                         base: platform.vaBase, ranges: l.ranges, markers: l.markers, advance: l.advance,
                                         physical: physical, kasanShortcut: l.kasanShortcut,
                                         finalAddress: window.map { $0.last.rawValue &+ 1 } ?? 0,
                                         maxRanges: maxRanges, maxTableReferences: maxTableReferences,
                                         sink: SnapshotSink(arch: arch, walked: l.ranges), report: &report)
            return AddressSpaceSnapshot(ranges: sink.ranges, regions: l.markers, arch: arch, report: report)
        }
    }
}

/// Keeps the present ranges of a coalesced stream, clipped to the walked ranges, each with the
/// index of the marker it was reported under.
struct SnapshotSink<A: Architecture>: RangeSink {
    let arch: A
    let walked: [WalkRange]
    var ranges: [MappedRange] = []
    private var region = -1
    private var next = 0

    init(arch: A, walked: [WalkRange]) {
        self.arch = arch
        self.walked = walked
    }

    mutating func marker(_ name: String) { region += 1 }

    mutating func range(_ r: CoalescedRange, printed: Bool) {
        guard arch.permissions(prot: r.prot, effective: r.effective).present else { return }
        let first = r.start, last = VirtualAddress(r.end.rawValue &- 1)
        guard first <= last || r.end.rawValue == 0 else { return }
        let whole = MappedRange(first: first, last: last, level: r.level, prot: r.prot, effective: r.effective,
                                physical: r.physical, region: max(region, 0))
        while next < walked.count && walked[next].last < first { next += 1 }
        var k = next
        while k < walked.count && walked[k].first <= last {
            let f = max(first, walked[k].first), l = min(last, walked[k].last)
            if f <= l { ranges.append(whole.clipped(f, l)) }
            k += 1
        }
    }
}
