/// How one paging mode encodes architecture-neutral mappings: which levels may hold leaves,
/// the leaf and table descriptors the builder writes (from the architecture's `LeafEncoder`),
/// and the inverse for a walked range.
public struct MappingEncoding: Sendable {
    /// The mode encoded.
    public let mode: PagingMode
    /// The architecture's descriptors.
    public let encoder: any LeafEncoder
    /// Its paging mechanics.
    public var paging: Paging { encoder.paging }
    /// The real levels, top first.
    public let levels: [TableLevel]
    /// Indices into `levels` where a leaf may sit, largest first: the block levels the
    /// hardware and the kernel's `p?d_leaf` accept, then the last level.
    public let leafLevels: [Int]
    /// One past the highest physical address a descriptor can hold.
    public var physicalLimit: UInt64 { encoder.physicalLimit }

    /// The encoding of `mode`; throws when the mode is not supported.
    public init(mode: PagingMode) throws(ImageError) {
        self.mode = mode
        let e = try mode.encoder()
        encoder = e
        let lv = e.paging.architecture.levels
        let blocks = e.blockShifts
        levels = lv
        leafLevels = lv.indices.filter { blocks.contains(lv[$0].shift) && $0 < lv.count - 1 } + [lv.count - 1]
    }

    /// VA ranges ptdump walks in this mode: the only addresses whose mappings it reports.
    public var walkRanges: [WalkRange] { encoder.walkRanges }

    /// A descriptor pointing at the table at `pa`, for architectures whose table entries do
    /// not depend on their level.
    public func table(_ pa: PhysicalAddress) -> UInt64 { encoder.table(pa) }

    /// A descriptor at real level `level` pointing at the table at `pa`.
    public func table(_ pa: PhysicalAddress, level: Int) -> UInt64 { encoder.table(pa, level: level) }

    /// What an unused entry of a table at real level `level` holds.
    public func emptyEntry(level: Int) -> UInt64 { encoder.emptyEntry(level: level) }

    /// Bits ORed into every table entry above a user leaf.
    public var userTableBits: UInt64 { encoder.userTableBits }

    /// Checks that `attributes` can be expressed in this mode; nil when fine, else why not.
    public func unsupportedReason(_ attributes: MappingAttributes) -> String? { encoder.unsupportedReason(attributes) }

    /// The leaf descriptor mapping `pa` with `attributes` at real level `level`.
    public func leaf(_ pa: PhysicalAddress, _ attributes: MappingAttributes, level: Int) -> UInt64 {
        encoder.leaf(pa, attributes, level: level)
    }

    /// The attributes a walked range has, in the builder's words; nil when it maps nothing.
    public func attributes(prot: UInt64, effective: UInt64) -> MappingAttributes? {
        encoder.attributes(prot: prot, effective: effective)
    }

    /// `attributes` as a walk of this mode reads them back.
    public func canonical(_ attributes: MappingAttributes) -> MappingAttributes { encoder.canonical(attributes) }
}
