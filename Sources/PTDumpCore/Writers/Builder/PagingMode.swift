/// A paging mode the builder can produce: the architecture and its page-table geometry.
/// Each architecture folder adds its constructors (`.x86_64(levels:)`, `.arm64(pageSize:vaBits:)`).
public struct PagingMode: Sendable, Hashable, CustomStringConvertible {
    /// The machine.
    public var arch: ArchKind
    /// Base page size in bytes.
    public var pageSize: UInt64
    /// VA bits translated.
    public var vaBits: Int
    /// Levels (as the architecture counts them).
    public var levels: Int
    /// How the mode is written (`x86_64 4-level`, `arm64 4K/48-bit`).
    public var description: String

    public init(arch: ArchKind, pageSize: UInt64, vaBits: Int, levels: Int, description: String) {
        self.arch = arch
        self.pageSize = pageSize
        self.vaBits = vaBits
        self.levels = levels
        self.description = description
    }

    /// Every mode the known architectures' profiles can be built with.
    public static var all: [PagingMode] { ArchitectureRegistry.ports.flatMap { $0.builderModes } }

    /// The descriptors of this mode, or an error naming what is supported.
    public func encoder() throws(ImageError) -> any LeafEncoder { try arch.port.encoder(for: self) }

    /// The paging mechanics, or an error naming what is supported.
    public func paging() throws(ImageError) -> Paging { try encoder().paging }
}
