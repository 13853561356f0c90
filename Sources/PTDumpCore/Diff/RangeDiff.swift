/// How two images are compared.
public struct DiffSettings: Sendable {
    /// Categories whose differences are not reported (`--ignore`).
    public var ignore: Set<AttributeCategory>
    /// Compare physical addresses (`--phys`; needs snapshots taken with physical addresses).
    public var physical: Bool
    /// Compare each marker region by offset from its start, matching regions by name
    /// (`--align-layout`: KASLR moves the regions, not what is in them).
    public var alignLayout: Bool

    public init(ignore: Set<AttributeCategory> = [], physical: Bool = false, alignLayout: Bool = false) {
        self.ignore = ignore
        self.physical = physical
        self.alignLayout = alignLayout
    }
}

/// The semantic diff of two address spaces: one merge over the two sorted streams of mapped
/// ranges, cut wherever either image's range ends, reporting each piece that is mapped on one
/// side only or mapped on both with different attributes, level or (with `--phys`) physical
/// address. Linear in the number of ranges; no table is read again.
public enum RangeDiff {
    /// The entries, in address order (with `alignLayout`, region by region).
    public static func compare(_ a: AddressSpaceSnapshot, _ b: AddressSpaceSnapshot, settings: DiffSettings) -> [DiffEntry] {
        let ca = Comparer(snapshot: a, settings: settings), cb = Comparer(snapshot: b, settings: settings)
        guard settings.alignLayout else {
            var out: [DiffEntry] = []
            merge(a.ranges[...], b.ranges[...], ca, cb, settings: settings, baseA: 0, baseB: 0, into: &out)
            return out
        }
        // Regions matched by name (and, for a repeated name, by occurrence).
        let ka = keyedRegions(a), kb = keyedRegions(b)
        var out: [DiffEntry] = []
        let none: ArraySlice<MappedRange> = []
        for (key, ra) in ka.order.map({ ($0, ka.ranges[$0] ?? none) }) {
            let rb = kb.ranges[key] ?? none
            merge(ra, rb, ca, cb, settings: settings, baseA: ka.start[key] ?? 0, baseB: kb.start[key] ?? 0, into: &out)
        }
        for key in kb.order where ka.ranges[key] == nil {
            merge(none, kb.ranges[key] ?? none, ca, cb, settings: settings, baseA: 0, baseB: kb.start[key] ?? 0, into: &out)
        }
        return out
    }

    private struct RegionKey: Hashable { var name: String; var occurrence: Int }

    /// Each region's ranges (contiguous in the snapshot) and start, in order.
    private static func keyedRegions(_ s: AddressSpaceSnapshot)
        -> (order: [RegionKey], ranges: [RegionKey: ArraySlice<MappedRange>], start: [RegionKey: UInt64]) {
        var seen: [String: Int] = [:]
        var keys: [RegionKey] = []
        for m in s.regions {
            let n = seen[m.name, default: 0]
            seen[m.name] = n + 1
            keys.append(RegionKey(name: m.name, occurrence: n))
        }
        var ranges: [RegionKey: ArraySlice<MappedRange>] = [:]
        var start: [RegionKey: UInt64] = [:]
        for (i, k) in keys.enumerated() { start[k] = s.regions[i].start.rawValue }
        var i = 0
        while i < s.ranges.count {
            var j = i
            while j < s.ranges.count && s.ranges[j].region == s.ranges[i].region { j += 1 }
            let k = keys[min(s.ranges[i].region, keys.count - 1)]
            let base = VirtualAddress(start[k] ?? 0)
            // The first heading also covers addresses below its own start (the kernels never
            // compare it): cut ranges there and order them by offset, which wraps below it.
            if s.ranges[i].first < base {
                var pieces: [MappedRange] = []
                for r in s.ranges[i..<j] {
                    if r.first < base && base <= r.last {
                        pieces.append(r.clipped(r.first, VirtualAddress(base.rawValue - 1)))
                        pieces.append(r.clipped(base, r.last))
                    } else {
                        pieces.append(r)
                    }
                }
                pieces.sort { ($0.first - base) < ($1.first - base) }
                ranges[k] = pieces[...]
            } else {
                ranges[k] = s.ranges[i..<j]
            }
            i = j
        }
        return (keys, ranges, start)
    }

    /// Merges `xs` and `ys` (each ascending), compared at `address - base`.
    private static func merge(_ xs: ArraySlice<MappedRange>, _ ys: ArraySlice<MappedRange>, _ ca: Comparer, _ cb: Comparer,
                              settings: DiffSettings, baseA: UInt64, baseB: UInt64, into out: inout [DiffEntry]) {
        var i = xs.startIndex, j = ys.startIndex
        var at: UInt64 = 0
        func lo(_ r: MappedRange, _ base: UInt64) -> UInt64 { r.first.rawValue &- base }
        func hi(_ r: MappedRange, _ base: UInt64) -> UInt64 { r.last.rawValue &- base }
        func piece(_ r: MappedRange, _ base: UInt64, _ f: UInt64, _ l: UInt64) -> MappedRange {
            r.clipped(VirtualAddress(f &+ base), VirtualAddress(l &+ base))
        }
        while i < xs.endIndex || j < ys.endIndex {
            let x = i < xs.endIndex ? xs[i] : nil, y = j < ys.endIndex ? ys[j] : nil
            let xf = x.map { max(lo($0, baseA), at) }, yf = y.map { max(lo($0, baseB), at) }
            let s = min(xf ?? .max, yf ?? .max)
            var e: UInt64
            if let x, let y, xf == s, yf == s {
                e = min(hi(x, baseA), hi(y, baseB))
                let pa = piece(x, baseA, s, e), pb = piece(y, baseB, s, e)
                let kinds = differences(pa, pb, ca, cb, settings)
                if !kinds.isEmpty {
                    out.append(DiffEntry(sign: .changed, first: s, last: e, a: pa, b: pb, kinds: kinds,
                                         regionA: ca.region(pa), regionB: cb.region(pb)))
                }
            } else if let x, xf == s {
                e = hi(x, baseA)
                if let yf, yf > s { e = min(e, yf - 1) }
                let pa = piece(x, baseA, s, e)
                out.append(DiffEntry(sign: .removed, first: s, last: e, a: pa, b: nil, kinds: [], regionA: ca.region(pa),
                                     regionB: nil))
            } else if let y {
                e = hi(y, baseB)
                if let xf, xf > s { e = min(e, xf - 1) }
                let pb = piece(y, baseB, s, e)
                out.append(DiffEntry(sign: .added, first: s, last: e, a: nil, b: pb, kinds: [], regionA: nil,
                                     regionB: cb.region(pb)))
            } else {
                break
            }
            if let x, hi(x, baseA) == e { i += 1 }
            if let y, hi(y, baseB) == e { j += 1 }
            if e == .max { break }
            at = e + 1
        }
    }

    /// What differs between two pieces over the same addresses.
    private static func differences(_ a: MappedRange, _ b: MappedRange, _ ca: Comparer, _ cb: Comparer,
                                    _ settings: DiffSettings) -> [DiffChangeKind] {
        var kinds: [DiffChangeKind] = []
        let ka = ca.key(a), kb = cb.key(b)
        if ka.prot != kb.prot || ka.effective != kb.effective { kinds.append(.attributes) }
        if !settings.ignore.contains(.level) && a.level != b.level { kinds.append(.level) }
        if settings.physical && !settings.ignore.contains(.pa) && a.physical != b.physical { kinds.append(.physical) }
        return kinds
    }
}

/// One side's view of what is compared: its attributes without the bits of ignored categories
/// and without the bits that only encode the level.
struct Comparer {
    let snapshot: AddressSpaceSnapshot
    let rules: (any ArchitectureTableRules)?
    let ignore: Set<AttributeCategory>
    /// Ignored bits by kernel level 0…4.
    let masks: [UInt64]

    init(snapshot: AddressSpaceSnapshot, settings: DiffSettings) {
        self.snapshot = snapshot
        let rules = snapshot.arch as? any ArchitectureTableRules
        self.rules = rules
        ignore = settings.ignore
        masks = (0...4).map { level in
            guard let rules else { return 0 }
            return settings.ignore.reduce(rules.levelBits(kernelLevel: level)) { $0 | rules.mask(of: $1, kernelLevel: level) }
        }
    }

    @inline(__always) func key(_ r: MappedRange) -> (prot: UInt64, effective: UInt64) {
        let m = r.level >= 0 && r.level < masks.count ? masks[r.level] : 0
        return (r.prot & ~m, r.effective & ~m)
    }

    func region(_ r: MappedRange) -> String {
        r.region < snapshot.regions.count ? snapshot.regions[r.region].name : ""
    }
}
