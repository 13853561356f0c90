import PTDumpCore

/// A mapped interval in builder terms: `[start, end)` (end 0 = 2^64) at `pa` with `attributes`.
struct MappedInterval: Equatable, CustomStringConvertible {
    var start: UInt64
    var end: UInt64
    var pa: UInt64
    var attributes: MappingAttributes

    var description: String {
        let a = attributes
        let bits = [a.write ? "W" : "-", a.execute ? "X" : "-", a.userExecute ? "UX" : "--", a.user ? "U" : "-",
                    a.global ? "G" : "-"].joined()
        return "\(hex16(start))-\(hex16(end)) → \(hex(pa)) \(bits) \(a.memoryType)"
    }

    /// Merges neighbours that continue each other virtually and physically with equal attributes.
    static func coalesce(_ xs: [MappedInterval]) -> [MappedInterval] {
        var out: [MappedInterval] = []
        for x in xs {
            if let l = out.last, l.end == x.start, l.end != 0, l.attributes == x.attributes, l.pa &+ (l.end &- l.start) == x.pa {
                out[out.count - 1].end = x.end
            } else {
                out.append(x)
            }
        }
        return out
    }
}

/// Random mapping sets for a paging mode: a mix of pages and every block size the mode
/// allows, adjacent or not, physically contiguous or not, with random attributes.
struct MappingGenerator {
    let mode: PagingMode
    let encoding: MappingEncoding
    var rng: SplitMix64

    init(mode: PagingMode, seed: UInt64) throws {
        self.mode = mode
        encoding = try MappingEncoding(mode: mode)
        rng = SplitMix64(state: seed)
    }

    mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
    mutating func chance(_ n: UInt64) -> Bool { rng.next() % n == 0 }

    mutating func attributes() -> MappingAttributes {
        let types = MemoryType.allCases.filter { encoding.unsupportedReason(MappingAttributes(memoryType: $0)) == nil }
        let a = MappingAttributes(write: chance(2), execute: chance(2), userExecute: chance(3), user: chance(4),
                                  global: !chance(4), memoryType: chance(2) ? .normal : pick(types))
        return encoding.canonical(a)
    }

    /// Up to `count` mappings in two regions of the walked ranges: the middle of the first, and
    /// the top of the last (where a mapping may end at 2^64, or at the reach of an s390 ASCE).
    mutating func mappings(count: Int) -> [Mapping] {
        let ps = mode.pageSize
        let ranges = encoding.walkRanges
        let top = ranges[ranges.count - 1]
        // Regions: the middle of the first walked range, and the top of the address space
        // (up to 64 GiB, at most a quarter of the top range).
        let quarter = min(64 << 30, (top.last - top.first) / 4 + 1)
        let high = (top.last.rawValue &+ 1) &- quarter
        let low = ranges[0].first.rawValue + (((ranges[0].last - ranges[0].first) / 2) & ~((1 << 30) - 1))
        let regions: [(first: UInt64, last: UInt64)] = [
            (low, ranges.count == 1 ? high - 1 : ranges[0].last.rawValue), (high, top.last.rawValue),
        ]
        var out: [Mapping] = []
        var previous: Mapping?
        var region = 0
        var cursor = regions[0].first
        while out.count < count {
            if region == 0 && out.count == count / 2 { region = 1; cursor = regions[1].first; previous = nil }
            let li = chance(2) ? encoding.levels.count - 1 : pick(encoding.leafLevels)
            let block = UInt64(1) << UInt64(encoding.levels[li].shift)
            if !chance(3) { cursor &+= (1 + rng.next() % 3) * (chance(2) ? ps : block) }
            let va = (cursor &+ (block - 1)) & ~(block - 1)
            var size = (1 + rng.next() % 2) * block
            if chance(2) { size += (rng.next() % 3) * ps }
            if li == encoding.levels.count - 1 { size = (1 + rng.next() % 24) * ps }
            guard va >= cursor, va <= regions[region].last, size - 1 <= regions[region].last - va else {
                if region == 1 { break }
                region = 1; cursor = regions[1].first; previous = nil
                continue
            }
            var pa = (rng.next() % 64) * block + (1 << 32)
            var attrs = attributes()
            if let p = previous, chance(2) {
                let next = p.pa + p.size
                if next % block == 0 { pa = next }
                if chance(2) { attrs = p.attributes }
            }
            var maxBlock = pick([UInt64.max, block, ps, block * 2])
            if size / min(maxBlock, size) > 2048 { maxBlock = .max }
            let m = Mapping(va: va, size: size, pa: pa, attributes: attrs, maxBlock: maxBlock)
            out.append(m)
            previous = m
            cursor = va &+ size
            if cursor == 0 { break }
        }
        return out
    }
}

/// Collects the ranges of `platform`'s walk under a single heading, with physical addresses.
struct CollectRanges: ArchitectureVisitor {
    let platform: Platform
    let memory: PhysicalMemory

    func visit<A: Architecture>(_ arch: A) -> RangeCollector {
        var report = WalkReport()
        return PageTableDump.run(arch: arch, memory: memory, root: platform.root.value, ranges: platform.layout.ranges,
                                 markers: [AddressMarker(0, "all")], advance: platform.layout.advance, physical: true,
                                 sink: RangeCollector(), report: &report)
    }
}

/// The expected intervals of `mappings`, coalesced.
func expectedIntervals(_ mappings: [Mapping], encoding: MappingEncoding) -> [MappedInterval] {
    MappedInterval.coalesce(mappings.sorted { $0.va < $1.va }.map {
        MappedInterval(start: $0.va, end: $0.vaEnd, pa: $0.pa, attributes: encoding.canonical($0.attributes))
    })
}

/// The present ranges of a walk as intervals, coalesced.
func walkedIntervals(_ ranges: [CoalescedRange], encoding: MappingEncoding) -> [MappedInterval] {
    MappedInterval.coalesce(ranges.compactMap { r in
        encoding.attributes(prot: r.prot, effective: r.effective).map {
            MappedInterval(start: r.start.rawValue, end: r.end.rawValue, pa: r.physical?.rawValue ?? .max, attributes: $0)
        }
    })
}
