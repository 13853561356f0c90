/// Names kernel addresses through a System.map (`symbol+0xoff`), shifted by KASLR's offset.
public struct Symbolizer {
    private let sorted: [(UInt64, String)]

    public init(map: SystemMap?, kernelOffset: UInt64) {
        sorted = (map?.symbols ?? [:]).map { ($0.value &+ kernelOffset, $0.key) }.sorted { $0.0 < $1.0 }
    }

    /// `(name+0xoff)` for the closest symbol at or below `addr`, within 16 MiB.
    public func describe(_ addr: UInt64) -> String? {
        var lo = 0, hi = sorted.count
        while lo < hi { let m = (lo + hi) / 2; if sorted[m].0 <= addr { lo = m + 1 } else { hi = m } }
        guard lo > 0 else { return nil }
        let (a, name) = sorted[lo - 1]
        guard addr - a < 1 << 24 else { return nil }
        return "(\(name)+\(hex(addr - a)))"
    }
}
