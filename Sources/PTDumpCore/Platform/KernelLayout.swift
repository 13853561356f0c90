/// What shapes the output beyond the tables themselves: the walked ranges, the address
/// markers and how they advance, and the facts they came from (a profile's `layout`).
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
    public var facts: [(key: LayoutKey, fact: Fact<UInt64>)]
    /// True when the walk notes KASAN's shared early-shadow tables in one step, as the kernel does.
    public var kasanShortcut: Bool
    /// Where the markers came from when not from the profile's formulas (the kernel's own
    /// `address_markers[]`, or a compact image that saved them).
    public var markerSource: FactSource?
    /// Where the last range ends (the final flush's address): 0, the top of the address space,
    /// unless the walk covers only a half that ends lower (a TTBR0 or stage-2 table) or the
    /// kernel flushes elsewhere (s390's `max_addr`, from the profile).
    public var finalAddress: UInt64 = 0

    public init(ranges: [WalkRange], markers: [AddressMarker], advance: MarkerAdvance,
                checkMarkers: [AddressMarker], checkRanges: [WalkRange], facts: [(key: LayoutKey, fact: Fact<UInt64>)],
                kasanShortcut: Bool = false) {
        self.ranges = ranges
        self.markers = markers
        self.advance = advance
        self.checkMarkers = checkMarkers
        self.checkRanges = checkRanges
        self.facts = facts
        self.kasanShortcut = kasanShortcut
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
            guard !ms.isEmpty else { return ms }
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

    /// Uses `markers` exactly (the kernel's own table: its names, order, starts and caps) in
    /// place of the profile's, for the W^X walk too when it walks with markers.
    public mutating func adopt(markers kernel: [AddressMarker], source: FactSource) {
        if checkMarkers == markers { checkMarkers = kernel }
        markers = kernel
        markerSource = source
    }

    /// The fact `key`.
    public func fact(_ key: LayoutKey) -> UInt64? { facts.first { $0.key == key }?.fact.value }
}
