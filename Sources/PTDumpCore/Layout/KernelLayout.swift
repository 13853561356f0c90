/// What shapes the output beyond the tables themselves: the walked ranges, the address
/// markers and how they advance, and the facts they came from.
public struct KernelLayout: Sendable {
    /// Ranges the kernel walks, ascending.
    public var ranges: [WalkRange]
    /// Headings, ascending.
    public var markers: [AddressMarker]
    /// How the heading moves on.
    public var advance: MarkerAdvance
    /// Markers the W^X check uses (x86: the same; arm64: none).
    public var checkMarkers: [AddressMarker]
    /// Ranges the W^X check walks.
    public var checkRanges: [WalkRange]
    /// Named facts behind the layout, for `--info` and the compact image.
    public var facts: [(name: String, fact: Fact<UInt64>)]

    public init(ranges: [WalkRange], markers: [AddressMarker], advance: MarkerAdvance,
                checkMarkers: [AddressMarker], checkRanges: [WalkRange], facts: [(name: String, fact: Fact<UInt64>)]) {
        self.ranges = ranges
        self.markers = markers
        self.advance = advance
        self.checkMarkers = checkMarkers
        self.checkRanges = checkRanges
        self.facts = facts
    }

    /// The same layout walking only `window`: ranges clipped to it, and the markers starting
    /// with the one in force at its start.
    public func restricted(to window: WalkRange) -> KernelLayout {
        func clip(_ rs: [WalkRange]) -> [WalkRange] {
            rs.compactMap { r in
                let f = max(r.first, window.first), l = min(r.last, window.last)
                return f <= l ? WalkRange(first: f, last: l) : nil
            }
        }
        // Headings from the one in force at the window's start up to the last one inside it.
        func from(_ ms: [AddressMarker]) -> [AddressMarker] {
            let i = ms.lastIndex(where: { $0.start <= window.first }) ?? 0
            return Array(ms[i...].filter { $0.start <= window.last || $0.start == ms[i].start })
        }
        var l = self
        l.ranges = clip(ranges)
        l.checkRanges = clip(checkRanges)
        l.markers = from(markers)
        l.checkMarkers = from(checkMarkers)
        return l
    }

    /// True when the kernel has KASAN, whose early-shadow tables ptdump notes in one step.
    public var kasan: Bool { (fact("kasan") ?? 0) != 0 }

    /// The fact called `name`.
    public func fact(_ name: String) -> UInt64? { facts.first { $0.name == name }?.fact.value }
}

/// Facts gathered from flags, notes and files, looked up by name with their sources, first
/// source wins. Layout builders read from it so every value can say where it came from.
public struct FactTable: Sendable {
    public private(set) var entries: [(name: String, fact: Fact<UInt64>)] = []

    public init() {}

    /// The layout facts a compact image recorded (`layout.NAME` keys of its PTDUMP note).
    public init(savedIn image: Image) {
        for (k, v) in image.ptdumpNote where k.hasPrefix("layout.") {
            offer(String(k.dropFirst(7)), VMCoreInfo.parseHex(v), .imageNote(k))
        }
    }

    /// Records `value` for `name` unless a value is already known.
    public mutating func offer(_ name: String, _ value: UInt64?, _ source: FactSource) {
        guard let value, !entries.contains(where: { $0.name == name }) else { return }
        entries.append((name, Fact(value, source)))
    }

    public subscript(name: String) -> Fact<UInt64>? { entries.first { $0.name == name }?.fact }

    /// `name` as a boolean (nonzero).
    public func flag(_ name: String) -> Bool { (self[name]?.value ?? 0) != 0 }
}
