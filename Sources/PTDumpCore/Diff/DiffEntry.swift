/// What differs in a range mapped in both images.
public enum DiffChangeKind: String, Sendable, CaseIterable {
    /// The compared attributes or the effective permissions.
    case attributes
    /// The level of the leaves (a block split into pages, pages merged into a block).
    case level
    /// The physical address (with `--phys`).
    case physical = "phys"
}

/// One line of a diff: a range mapped only in the first image (`-`), only in the second (`+`),
/// or in both with a difference (`~`).
public struct DiffEntry: Sendable, Equatable {
    public enum Sign: String, Sendable {
        case removed = "-"
        case added = "+"
        case changed = "~"
    }

    public var sign: Sign
    /// First and last address compared (absolute, or the offset in the region with
    /// `--align-layout`).
    public var first: UInt64
    public var last: UInt64
    /// The first image's part of it (nil for `+`), absolute addresses.
    public var a: MappedRange?
    /// The second image's part of it (nil for `-`), absolute addresses.
    public var b: MappedRange?
    /// What differs (`~` only).
    public var kinds: [DiffChangeKind]
    /// The marker region in the first image, the second, or both.
    public var regionA: String?
    public var regionB: String?

    /// Bytes covered, saturating at 2^64 - 1.
    public var size: UInt64 { (last &- first) &+ 1 == 0 ? .max : (last &- first) &+ 1 }

    /// The region the entry lies in: one name when both images agree.
    public var region: String {
        switch (regionA, regionB) {
        case let (x?, y?): return x == y ? x : "\(x) / \(y)"
        case let (x?, nil): return x
        case let (nil, y?): return y
        case (nil, nil): return ""
        }
    }

    /// The same entry seen from the other side (`ptdump diff B A`).
    public var swapped: DiffEntry {
        var e = self
        e.sign = sign == .removed ? .added : sign == .added ? .removed : .changed
        e.a = b
        e.b = a
        e.regionA = regionB
        e.regionB = regionA
        return e
    }
}
