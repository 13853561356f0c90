/// How one architecture writes the descriptors the builder lays out, and reads a walked
/// range back into neutral attributes. Each architecture folder has one.
public protocol LeafEncoder: Sendable {
    /// The paging mechanics of the mode.
    var paging: Paging { get }
    /// Shifts of the block sizes a leaf may have above the last level.
    var blockShifts: Set<Int> { get }
    /// One past the highest physical address a descriptor can hold.
    var physicalLimit: UInt64 { get }
    /// A descriptor pointing at the table at `pa`.
    func table(_ pa: PhysicalAddress) -> UInt64
    /// Bits ORed into every table entry above a user leaf so the effective permission keeps
    /// user access (0 where table entries do not restrict their leaves).
    var userTableBits: UInt64 { get }
    /// Why `attributes` cannot be expressed in this mode, or nil.
    func unsupportedReason(_ attributes: MappingAttributes) -> String?
    /// The leaf descriptor mapping `pa` with `attributes`; `last` is true at the last level.
    func leaf(_ pa: PhysicalAddress, _ attributes: MappingAttributes, last: Bool) -> UInt64
    /// The attributes of a walked range (`prot`, `effective`), nil when it maps nothing.
    func attributes(prot: UInt64, effective: UInt64) -> MappingAttributes?
    /// `attributes` as a walk of this mode reads them back.
    func canonical(_ attributes: MappingAttributes) -> MappingAttributes
    /// VA ranges ptdump walks in this mode: the only addresses whose mappings it reports.
    var walkRanges: [WalkRange] { get }
    /// Layout facts for a compact image that keep the headings at their defaults.
    var noteFacts: [(key: LayoutKey, value: UInt64)] { get }
    /// Where tables start by default.
    var defaultPhysicalBase: UInt64 { get }
    /// Where `writeELF` links tables at `physicalBase` by default (the kernel image mapping).
    func defaultLinkAddress(physicalBase: UInt64) -> UInt64
    /// The paging flags a raw dump or ELF of this mode needs.
    var pagingOptions: Options { get }
    /// A descriptor at real level `level` pointing at the next table, at `pa` (s390 entries
    /// carry their table's type).
    func table(_ pa: PhysicalAddress, level: Int) -> UInt64
    /// What an unused entry of a table at real level `level` holds (0, or s390's invalid
    /// entries: a zero s390 entry is a valid one).
    func emptyEntry(level: Int) -> UInt64
    /// The leaf descriptor mapping `pa` with `attributes` at real level `level`.
    func leaf(_ pa: PhysicalAddress, _ attributes: MappingAttributes, level: Int) -> UInt64
}

extension LeafEncoder {
    /// The same descriptor at every level.
    public func table(_ pa: PhysicalAddress, level: Int) -> UInt64 { table(pa) }
    /// Zero: an empty entry.
    public func emptyEntry(level: Int) -> UInt64 { 0 }
    /// Leaves differ only at the last level.
    public func leaf(_ pa: PhysicalAddress, _ attributes: MappingAttributes, level: Int) -> UInt64 {
        leaf(pa, attributes, last: level == paging.architecture.levels.count - 1)
    }
}
