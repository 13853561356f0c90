/// Names kernel addresses through a System.map (`symbol+0xoff`), shifted by KASLR's offset.
public struct Symbolizer {
    private let sorted: [(UInt64, String)]

    public init(map: SystemMap?, kernelOffset: UInt64) {
        // Stable by address, then file order: the first name System.map gives an address wins.
        let all = (map?.ordered ?? []).enumerated().map { ($0.element.address &+ kernelOffset, $0.offset, $0.element.name) }
        var seen = Set<UInt64>()
        sorted = all.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.filter { seen.insert($0.0).inserted }.map { ($0.0, $0.2) }
    }

    /// `(name+0xoff)` for the closest symbol at or below `addr`, within 16 MiB.
    public func describe(_ va: VirtualAddress) -> String? {
        let addr = va.rawValue
        var lo = 0, hi = sorted.count
        while lo < hi { let m = (lo + hi) / 2; if sorted[m].0 <= addr { lo = m + 1 } else { hi = m } }
        guard lo > 0 else { return nil }
        let (a, name) = sorted[lo - 1]
        guard addr - a < 1 << 24 else { return nil }
        return "(\(name)+\(hex(addr - a)))"
    }
}
