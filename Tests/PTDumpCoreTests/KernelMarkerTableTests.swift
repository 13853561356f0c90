import Testing
@testable import PTDumpCore

/// The order the marker-table data search reads kernel data in.
@Suite struct KernelMarkerTableTests {
    /// Windows go out from the start, down and up in turn; together they cover `[lower, upper)` exactly,
    /// each at most 64 KiB plus the overlap, and neighbours overlap so no entry pair is split.
    @Test(arguments: [(UInt64(0x1_0000_0000), UInt64(0xffe0_0000), UInt64(0x1_0010_0000)),
                      (0x1_0000_1238, 0x1_0000_0000, 0x1_0000_2000),
                      (0x5000, 0x5000, 0x9_5000),
                      (0x9_5000, 0x5000, 0x9_5000)])
    func windowsCoverTheRangeNearestFirst(start: UInt64, lower: UInt64, upper: UInt64) {
        let overlap: UInt64 = 96, step: UInt64 = 64 << 10
        let w = KernelMarkerTable.nearestFirst(around: start, lower: lower, upper: upper, overlap: overlap)
        // Out from the start, one window down and one up in turn: the k-th pair reaches no
        // farther than k windows from the start.
        let reach = w.map { max(start - min(start, $0.first.rawValue), $0.last.rawValue - min($0.last.rawValue, start)) }
        let down = (start - lower + step - 1) / step, up = (upper - start + step - 1) / step
        #expect(reach.prefix(2 * Int(min(down, up))).enumerated().allSatisfy { $0.element <= UInt64($0.offset / 2 + 1) * step })
        #expect(UInt64(w.count) == down + up)
        #expect(w.prefix(2 * Int(min(down, up))).enumerated().allSatisfy { ($0.offset % 2 == 0) == ($0.element.first.rawValue + overlap < start) })
        // The first window read ends (or starts) at the start.
        #expect(w.first.map { $0.first.rawValue <= start && start <= $0.last.rawValue } ?? false)
        // Each at most 64 KiB plus the overlap, inside the range; neighbours overlap.
        #expect(w.allSatisfy { $0.last.rawValue - $0.first.rawValue <= step + overlap && $0.first.rawValue >= lower && $0.last.rawValue <= upper })
        // Every address of the range is in some window.
        let covered = w.map { ($0.first.rawValue, $0.last.rawValue) }.sorted { $0.0 < $1.0 }
        var end = lower
        for (a, b) in covered where a <= end { end = max(end, b) }
        #expect(end == upper)
    }
}
