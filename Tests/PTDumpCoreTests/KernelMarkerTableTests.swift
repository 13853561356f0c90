import Testing
@testable import PTDumpCore

/// The order the marker-table data search reads kernel data in.
@Suite struct KernelMarkerTableTests {
    /// Windows go down from the start, then up; together they cover `[lower, upper)` exactly,
    /// each at most 64 KiB plus the overlap, and neighbours overlap so no entry pair is split.
    @Test(arguments: [(UInt64(0x1_0000_0000), UInt64(0xffe0_0000), UInt64(0x1_0010_0000)),
                      (0x1_0000_1238, 0x1_0000_0000, 0x1_0000_2000),
                      (0x5000, 0x5000, 0x9_5000),
                      (0x9_5000, 0x5000, 0x9_5000)])
    func windowsCoverTheRangeNearestFirst(start: UInt64, lower: UInt64, upper: UInt64) {
        let overlap: UInt64 = 96, step: UInt64 = 64 << 10
        let w = KernelMarkerTable.nearestFirst(around: start, lower: lower, upper: upper, overlap: overlap)
        let firsts = w.map(\.first.rawValue)
        // Down from the start (window starts falling), then up from it (rising): a V.
        let turn = firsts.indices.dropLast().first { firsts[$0] < firsts[$0 + 1] } ?? firsts.count - 1
        let down = (start - lower + step - 1) / step, up = (upper - start + step - 1) / step
        #expect(zip(firsts.prefix(turn + 1), firsts.prefix(turn + 1).dropFirst()).allSatisfy { $0 > $1 })
        #expect(zip(firsts.dropFirst(turn), firsts.dropFirst(turn + 1)).allSatisfy { $0 < $1 })
        #expect(UInt64(w.count) == down + up)
        // The first window read ends (or starts) at the start.
        #expect(w.first.map { $0.first.rawValue <= start && start <= $0.last.rawValue } ?? false)
        // Each at most 64 KiB plus the overlap, inside the range; neighbours overlap.
        #expect(w.allSatisfy { $0.last.rawValue - $0.first.rawValue <= step + overlap && $0.first.rawValue >= lower && $0.last.rawValue <= upper })
        // Every address of the range is in some window.
        let covered = w.map { ($0.first.rawValue, $0.last.rawValue) }.sorted { $0.0 < $1.0 }
        var reach = lower
        for (a, b) in covered where a <= reach { reach = max(reach, b) }
        #expect(reach == upper)
    }
}
