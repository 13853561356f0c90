/// The name of one layout fact (a base address, a size, a configuration switch). Each
/// architecture declares its keys as constants (`LayoutKey.pageOffsetBase`); the name is what
/// `--info` prints and the compact image stores (`layout.NAME=`).
public struct LayoutKey: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String
    public init(_ name: String) { self.name = name }
    public init(stringLiteral name: String) { self.name = name }
    public var description: String { name }
}

/// Which KASAN a kernel was built with (the `kasan` fact).
public enum KasanMode: UInt64, Sendable {
    case off = 0
    /// `CONFIG_KASAN_GENERIC`: 1 shadow byte per 8 bytes.
    case generic = 1
    /// `CONFIG_KASAN_SW_TAGS`: 1 shadow byte per 16 bytes.
    case softwareTags = 2
}

extension LayoutKey {
    /// `KasanMode` of the kernel (every architecture with KASAN).
    public static let kasan = LayoutKey("kasan")
    /// `__end_of_permanent_fixed_addresses`: fixmap pages below `FIXADDR_TOP`.
    public static let fixmapPages = LayoutKey("fixmap_pages")
    /// `CONFIG_KASAN_SHADOW_OFFSET`.
    public static let kasanShadowOffset = LayoutKey("kasan_shadow_offset")
}
