/// How the builder writes s390x entries: region entries typed for their table and pointing at
/// a full-length table (`_REGION?_ENTRY`), segment entries pointing at a 2 KiB page table,
/// invalid entries in every unused slot (`_REGION?_ENTRY_EMPTY`, `_SEGMENT_ENTRY_EMPTY`,
/// `_PAGE_INVALID`: a zero entry would be a valid one), and 2 GiB region-third, 1 MiB
/// segment and 4 KiB page frames.
struct S390XEncoder: LeafEncoder {
    let arch: S390X
    var paging: Paging { .s390x(arch) }
    let blockShifts: Set<Int> = [31, 20]
    /// `MAX_PHYSMEM_BITS`.
    let physicalLimit: UInt64 = 1 << 46
    let defaultPhysicalBase: UInt64 = 0x10_0000
    let userTableBits: UInt64 = 0
    /// `_REGION_ENTRY_LENGTH`: a full 2048-entry table.
    static let tableLength: UInt64 = 0x03
    /// `_PAGE_PRESENT`, `_SEGMENT_ENTRY_READ`, `_SEGMENT_ENTRY_WRITE` (software bits the
    /// kernel sets on its own mappings; no walk compares them).
    static let pagePresent: UInt64 = 0x001
    static let largeRead: UInt64 = 0x001
    static let largeWrite: UInt64 = 0x002

    func kernelLevel(_ level: Int) -> Int { arch.levels[level].kernelLevel }

    func table(_ pa: PhysicalAddress) -> UInt64 { pa.rawValue }

    func table(_ pa: PhysicalAddress, level: Int) -> UInt64 {
        let k = kernelLevel(level)
        return k == 3 ? pa.rawValue : pa.rawValue | S390X.tableType(kernelLevel: k) | Self.tableLength
    }

    func emptyEntry(level: Int) -> UInt64 {
        let k = kernelLevel(level)
        return k == 4 ? S390XEntryBits.pageInvalid.rawValue : S390X.tableType(kernelLevel: k) | S390XEntryBits.tableInvalid.rawValue
    }

    func unsupportedReason(_ a: MappingAttributes) -> String? {
        if a.memoryType != .normal { return "s390x has no memory types in its entries, only normal memory round-trips" }
        if a.user { return "the s390x kernel ASCE maps no user pages (user space has its own ASCE)" }
        return nil
    }

    func leaf(_ pa: PhysicalAddress, _ a: MappingAttributes, last: Bool) -> UInt64 {
        leaf(pa, a, level: arch.levels.count - (last ? 1 : 2))
    }

    func leaf(_ pa: PhysicalAddress, _ a: MappingAttributes, level: Int) -> UInt64 {
        var e = pa.rawValue
        if !a.write { e |= S390XEntryBits.protect.rawValue }
        if !a.execute { e |= S390XEntryBits.noExec.rawValue }
        switch kernelLevel(level) {
        case 4: return e | Self.pagePresent
        case 3: return e | S390XEntryBits.large.rawValue | Self.largeRead | (a.write ? Self.largeWrite : 0)
        default:
            return e | S390X.tableType(kernelLevel: 2) | S390XEntryBits.large.rawValue | Self.largeRead | (a.write ? Self.largeWrite : 0)
        }
    }

    func attributes(prot: UInt64, effective: UInt64) -> MappingAttributes? {
        let p = arch.permissions(prot: prot, effective: effective)
        guard p.present else { return nil }
        return MappingAttributes(write: p.write, execute: p.execute, userExecute: false, user: false, global: true, memoryType: .normal)
    }

    /// No user, user-execute or non-global mappings in the kernel ASCE.
    func canonical(_ attributes: MappingAttributes) -> MappingAttributes {
        var a = attributes
        a.user = false
        a.userExecute = false
        a.global = true
        return a
    }

    var walkRanges: [WalkRange] {
        [WalkRange(first: 0, last: VirtualAddress(arch.addressLimit &- 1))]
    }

    var noteFacts: [(key: LayoutKey, value: UInt64)] {
        [(.kasan, KasanMode.off.rawValue), (.s390LowcoreExecutable, 0)]
    }

    /// The kernel runs in the identity mapping.
    func defaultLinkAddress(physicalBase: UInt64) -> UInt64 { physicalBase }

    var pagingOptions: Options { Options(levels: arch.designationType + 2) }
}

extension PagingMode {
    /// s390x with an ASCE of designation type `dt`: 0 segment table (2 levels, 2 GiB), 1
    /// region-third (3, 4 TiB), 2 region-second (4, 8 PiB), 3 region-first (5, 16 EiB).
    public static func s390x(designationType dt: Int) -> PagingMode {
        let names = ["segment-table", "region-third", "region-second", "region-first"]
        return PagingMode(arch: .s390x, pageSize: 4096, vaBits: S390X.vaBits(designationType: dt),
                          levels: S390X.levelCount(designationType: dt),
                          description: "s390x \(dt >= 0 && dt < 4 ? names[dt] : "?") ASCE")
    }
}

extension S390XPort {
    /// Every ASCE type.
    public static var builderModes: [PagingMode] { (0...3).map { .s390x(designationType: $0) } }

    public static func encoder(for mode: PagingMode) throws(ImageError) -> any LeafEncoder {
        guard mode.pageSize == 4096, let a = S390X(designationType: mode.levels - 2) else {
            throw .contradiction("s390x has 2 to 5 levels of 4K pages, not \(mode.levels)")
        }
        return S390XEncoder(arch: a)
    }
}
