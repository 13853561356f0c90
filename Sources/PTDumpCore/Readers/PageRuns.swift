/// A sorted list of disjoint page-frame runs (one of a kdump file's bitmaps), with the number of
/// frames before each run so that the rank of a frame (its page descriptor's index) is a binary
/// search away.
struct PageRuns: Sendable {
    let runs: [Range<UInt64>]
    /// `before[i]` = frames in `runs[0..<i]`.
    private let before: [UInt64]

    /// `runs` sorted by start and disjoint; touching runs are merged.
    init(_ runs: [Range<UInt64>]) {
        var merged: [Range<UInt64>] = []
        for r in runs where !r.isEmpty {
            if let last = merged.last, last.upperBound == r.lowerBound {
                merged[merged.count - 1] = last.lowerBound..<r.upperBound
            } else {
                merged.append(r)
            }
        }
        self.runs = merged
        var sums: [UInt64] = []
        sums.reserveCapacity(runs.count + 1)
        var total: UInt64 = 0
        for r in merged {
            sums.append(total)
            total += UInt64(r.count)
        }
        sums.append(total)
        before = sums
    }

    /// Frames in all runs.
    var total: UInt64 { before.last ?? 0 }

    /// Index of the last run that starts at or below `pfn`, or nil.
    private func runIndex(atOrBelow pfn: UInt64) -> Int? {
        var lo = 0, hi = runs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if runs[mid].lowerBound <= pfn { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }

    func contains(_ pfn: UInt64) -> Bool {
        guard let i = runIndex(atOrBelow: pfn) else { return false }
        return runs[i].contains(pfn)
    }

    /// Frames of the runs that lie below `pfn`.
    func count(below pfn: UInt64) -> UInt64 {
        guard let i = runIndex(atOrBelow: pfn) else { return 0 }
        return before[i] + min(pfn, runs[i].upperBound) - runs[i].lowerBound
    }

    /// Frames of the runs inside `range`.
    func count(in range: Range<UInt64>) -> UInt64 {
        count(below: range.upperBound) - count(below: range.lowerBound)
    }

    /// The last frame of the runs below `pfn`, or nil if none.
    func last(below pfn: UInt64) -> UInt64? {
        guard pfn > 0, let i = runIndex(atOrBelow: pfn - 1) else { return nil }
        return min(pfn, runs[i].upperBound) - 1
    }
}
