/// What a kernel release prints for one architecture, as data: its address markers (names,
/// order and the conditions under which each appears), the ranges it walks, and its quirks.
/// A profile applies from `release` until the next known one; each architecture folder lists
/// its profiles (`ArchitecturePort.profiles`).
public struct KernelProfile: Sendable {
    /// First release this profile describes.
    public var release: KernelRelease
    /// The address markers, in the kernel's order.
    public var markers: [MarkerSpec]
    /// The ranges the kernel's ptdump walks.
    public var walkRanges: @Sendable (LayoutContext) -> [WalkRange]
    /// How far a marker moves when a range ends.
    public var markerAdvance: MarkerAdvance
    /// True when the W^X check walks with the same markers as the text (x86); false when it
    /// walks with none (arm64's `ptdump_check_wx`).
    public var checkUsesMarkers: Bool
    /// True when the kernel notes an entry pointing at the shared KASAN early-shadow tables
    /// once, without walking them (`note_kasan_page_table`).
    public var kasanEarlyShadowShortcut: Bool
    /// The (page size, VA bits) configurations this release can be built with.
    public var configurations: [(pageSize: Int, vaBits: [Int])]
    /// Offers the facts a kernel configuration decides (`config` nil: a distribution kernel's).
    public var configFacts: @Sendable (inout FactTable, KernelConfig?, LayoutContext) -> Void
    /// Offers every layout fact still unknown from this release's formulas.
    public var derivedFacts: @Sendable (inout FactTable, LayoutContext) -> Void
    /// The level names this release prints, by kernel level, for a paging with this many
    /// levels, when they differ from the architecture's usual names (nil: the usual).
    public var levelNames: (@Sendable (_ levels: Int) -> [String])? = nil
    /// Options this release renamed: its name → the name the ports and profiles read (the
    /// oldest release's), applied to `--kernel-config` before anything reads it.
    public var configAliases: [String: String] = [:]
    /// True when the kernel sorts its markers by address before printing, keeping the table
    /// order of markers at one address (s390's `sort_address_markers`); false prints them in
    /// table order.
    public var sortsMarkers = false
    /// Where the last range ends: the address the kernel's final flush (`note_page(st, 0, -1,
    /// 0)`) passes, 0 on most architectures; s390 replaces it with `max_addr`.
    public var finalAddress: @Sendable (LayoutContext) -> UInt64 = { _ in 0 }
    /// Where this release keeps the CPU's physical-address width (x86's
    /// `boot_cpu_data.x86_phys_bits`), read through the kernel's symbols for the reserved-bits
    /// check; nil when the release's architecture has no such field.
    public var physicalAddressBits: KernelVariableField? = nil

    public init(release: KernelRelease, markers: [MarkerSpec], walkRanges: @escaping @Sendable (LayoutContext) -> [WalkRange],
                markerAdvance: MarkerAdvance, checkUsesMarkers: Bool, kasanEarlyShadowShortcut: Bool,
                configurations: [(pageSize: Int, vaBits: [Int])],
                configFacts: @escaping @Sendable (inout FactTable, KernelConfig?, LayoutContext) -> Void,
                derivedFacts: @escaping @Sendable (inout FactTable, LayoutContext) -> Void,
                physicalAddressBits: KernelVariableField? = nil) {
        self.physicalAddressBits = physicalAddressBits
        self.configFacts = configFacts
        self.derivedFacts = derivedFacts
        self.release = release
        self.markers = markers
        self.walkRanges = walkRanges
        self.markerAdvance = markerAdvance
        self.checkUsesMarkers = checkUsesMarkers
        self.kasanEarlyShadowShortcut = kasanEarlyShadowShortcut
        self.configurations = configurations
    }

    /// This profile with release-specific level names (`levelNames`).
    public func withLevelNames(_ names: @escaping @Sendable (_ levels: Int) -> [String]) -> KernelProfile {
        var p = self
        p.levelNames = names
        return p
    }

    /// "Linux 6.1".
    public var name: String { "Linux \(release)" }

    /// Why `pageSize`/`vaBits` is not a configuration of this release, or nil when it is.
    public func unsupportedReason(arch: ArchKind, pageSize: Int, vaBits: Int) -> String? {
        guard let g = configurations.first(where: { $0.pageSize == pageSize }) else {
            let sizes = configurations.map { String($0.pageSize) }.joined(separator: ", ")
            return "\(arch) page size \(pageSize) is not one of \(sizes) in \(name)"
        }
        guard g.vaBits.contains(vaBits) else {
            return "\(arch) with \(pageSize / 1024)K pages has \(g.vaBits.map(String.init).joined(separator: ", ")) VA bits in \(name), not \(vaBits)"
        }
        return nil
    }

    /// `chosen` when it builds `pageSize`/`vaBits`; when nothing named the release (its source
    /// is a default) the first of `profiles` that does; else the reason it cannot be.
    public static func fitting(_ chosen: Fact<KernelProfile>, from profiles: [KernelProfile], arch: ArchKind,
                               pageSize: Int, vaBits: Int) -> Result<Fact<KernelProfile>, ImageError> {
        guard let why = chosen.value.unsupportedReason(arch: arch, pageSize: pageSize, vaBits: vaBits) else { return .success(chosen) }
        if chosen.source.isDefault, let p = profiles.first(where: { $0.unsupportedReason(arch: arch, pageSize: pageSize, vaBits: vaBits) == nil }) {
            return .success(Fact(p, FactSource("\(chosen.source); \(p.name) is the first release that builds \(pageSize / 1024)K pages with \(vaBits)-bit VA")))
        }
        return .failure(.contradiction(why))
    }

    /// The layout these facts give: markers whose condition holds, in order, and the ranges.
    public func layout(_ c: LayoutContext) -> KernelLayout {
        var m = markers.compactMap { spec -> AddressMarker? in
            guard spec.condition(c), let a = spec.address(c) else { return nil }
            return AddressMarker(a, spec.name, maxLines: spec.maxLines)
        }
        if sortsMarkers {
            // Stable: markers at one address keep their table order (an insertion sort in the kernel).
            m = m.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
        }
        let ranges = walkRanges(c)
        var layout = KernelLayout(ranges: ranges, markers: m, advance: markerAdvance,
                                  checkMarkers: checkUsesMarkers ? m : [AddressMarker(0, "")], checkRanges: ranges,
                                  facts: c.facts.entries, kasanShortcut: kasanEarlyShadowShortcut && c.facts.kasan != .off)
        layout.finalAddress = finalAddress(c)
        return layout
    }

    /// The profile for `release` among `profiles` (oldest first): the newest one not newer
    /// than it, with a note when `release` is not exactly a known one; the oldest when unknown.
    public static func select(from profiles: [KernelProfile], release: KernelRelease?) -> (KernelProfile, note: String?) {
        guard let release, let first = profiles.first else { return (profiles[0], nil) }
        let fit = profiles.last { $0.release <= release } ?? first
        if fit.release == release { return (fit, nil) }
        return (fit, "kernel \(release) has no profile of its own; using \(fit.name)'s layout")
    }
}

/// One address marker of a profile: `---[ name ]---` at `address`, printed when `condition`
/// holds (and `address` gives a value).
public struct MarkerSpec: Sendable {
    public var name: String
    public var address: @Sendable (LayoutContext) -> UInt64?
    public var condition: @Sendable (LayoutContext) -> Bool
    /// Lines printed under this heading before the rest are counted as skipped (0: no cap).
    public var maxLines: Int

    public init(_ name: String, maxLines: Int = 0, when condition: @escaping @Sendable (LayoutContext) -> Bool = { _ in true },
                at address: @escaping @Sendable (LayoutContext) -> UInt64?) {
        self.name = name
        self.address = address
        self.condition = condition
        self.maxLines = maxLines
    }
}

/// What a profile's markers and ranges are computed from: the resolved facts and the paging
/// geometry.
public struct LayoutContext: Sendable {
    public var facts: FactTable
    public var levels: Int
    public var pageSize: Int
    public var vaBits: Int

    public init(facts: FactTable, levels: Int, pageSize: Int, vaBits: Int) {
        self.facts = facts
        self.levels = levels
        self.pageSize = pageSize
        self.vaBits = vaBits
    }

    /// The fact `key`, when known.
    public subscript(key: LayoutKey) -> UInt64? { facts[key]?.value }
    /// `key` as a switch.
    public func flag(_ key: LayoutKey) -> Bool { facts.flag(key) }
}
