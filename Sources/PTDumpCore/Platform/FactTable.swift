/// Layout facts gathered from flags, notes, files and the tables, each with its source;
/// first source wins. Profiles read from it so every value can say where it came from.
public struct FactTable: Sendable {
    public private(set) var entries: [(key: LayoutKey, fact: Fact<UInt64>)] = []

    public init() {}

    /// The layout facts a compact image recorded (`layout.NAME` keys of its PTDUMP note).
    public init(savedIn image: Image) throws(ImageError) {
        for (k, v) in image.ptdumpNote where k.hasPrefix("layout.") {
            guard let value = VMCoreInfo.parseHex(v) else { throw .malformedImageNote("\(k)=\(v.prefix(40)) is not a hex value") }
            offer(LayoutKey(String(k.dropFirst(7))), value, .imageNote(k))
        }
    }

    /// Records `value` for `key` unless a value is already known.
    public mutating func offer(_ key: LayoutKey, _ value: UInt64?, _ source: FactSource) {
        guard let value, !entries.contains(where: { $0.key == key }) else { return }
        entries.append((key, Fact(value, source)))
    }

    public subscript(key: LayoutKey) -> Fact<UInt64>? { entries.first { $0.key == key }?.fact }

    /// `key` as a switch (nonzero).
    public func flag(_ key: LayoutKey) -> Bool { (self[key]?.value ?? 0) != 0 }

    /// The kernel's KASAN (off when unknown).
    public var kasan: KasanMode { self[.kasan].flatMap { KasanMode(rawValue: $0.value) } ?? .off }
}
