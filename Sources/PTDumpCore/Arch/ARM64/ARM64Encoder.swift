/// How the builder writes arm64 stage-1 descriptors: `PMD_TYPE_TABLE` tables, the blocks
/// each granule allows, `PAGE_KERNEL`-style leaves with the `MT_*` AttrIndx.
struct ARM64Encoder: LeafEncoder {
    let arch: ARM64
    var paging: Paging { .arm64(arch) }
    var blockShifts: Set<Int> { [12: [30, 21], 14: [25], 16: [29]][arch.pageShift] ?? [] }
    let physicalLimit: UInt64 = 1 << 48
    let defaultPhysicalBase: UInt64 = 0x4000_0000
    let userTableBits: UInt64 = 0

    /// `PTE_NG`.
    static let notGlobal: UInt64 = 1 << 11

    func table(_ pa: PhysicalAddress) -> UInt64 { encode(pa) | 3 }

    /// `__phys_to_pte_val`: with LPA2, OA[51:50] goes to bits 9:8.
    private func encode(_ pa: PhysicalAddress) -> UInt64 {
        arch.lpa2 ? (pa.rawValue & arch.addressMask) | ((pa.rawValue >> 42) & 0x300) : pa.rawValue
    }

    func unsupportedReason(_ a: MappingAttributes) -> String? { nil }

    func leaf(_ pa: PhysicalAddress, _ a: MappingAttributes, last: Bool) -> UInt64 {
        // PTE_VALID | PTE_AF | PTE_MAYBE_SHARED (inner shareable; none with LPA2, where bits 9:8
        // are address bits) | AttrIndx; pages add PTE_TYPE_PAGE.
        let shared: UInt64 = arch.lpa2 ? 0 : 3 << 8
        var e = encode(pa) | ARM64EntryBits.valid.rawValue | (1 << 10) | shared | UInt64(a.memoryType.rawValue) << 2
        if last { e |= ARM64EntryBits.table.rawValue }
        if a.user { e |= ARM64EntryBits.user.rawValue }
        if !a.write { e |= ARM64EntryBits.rdonly.rawValue }
        if !a.execute { e |= ARM64EntryBits.pxn.rawValue }
        if !a.userExecute { e |= ARM64EntryBits.uxn.rawValue }
        if !a.global { e |= Self.notGlobal }
        return e
    }

    func attributes(prot: UInt64, effective: UInt64) -> MappingAttributes? {
        let p = arch.permissions(prot: prot, effective: effective)
        guard p.present else { return nil }
        return MappingAttributes(write: p.write, execute: p.execute, userExecute: p.userExecute, user: p.user,
                                 global: prot & Self.notGlobal == 0,
                                 memoryType: MemoryType(rawValue: Int((prot >> 2) & 7)) ?? .normal)
    }

    func canonical(_ attributes: MappingAttributes) -> MappingAttributes { attributes }

    var walkRanges: [WalkRange] {
        [WalkRange(first: VirtualAddress(ARM64Formulas.pageOffset(vaBits: arch.vaBitsConfigured)), last: VirtualAddress(.max))]
    }

    var noteFacts: [(key: LayoutKey, value: UInt64)] { [(.kasan, KasanMode.off.rawValue)] }

    func defaultLinkAddress(physicalBase: UInt64) -> UInt64 {
        (UInt64.max << UInt64(arch.vaBitsConfigured - 1)) &+ physicalBase
    }

    var pagingOptions: Options { Options(pageSize: Int(arch.pageSize), vaBits: arch.vaBitsConfigured) }
}

extension PagingMode {
    /// arm64 with a 4K, 16K or 64K granule and a kernel `VA_BITS`.
    public static func arm64(pageSize: Int, vaBits: Int) -> PagingMode {
        let levels = ARM64.levelCount(pageShift: pageSize.trailingZeroBitCount, vaBits: vaBits)
        return PagingMode(arch: .arm64, pageSize: UInt64(pageSize), vaBits: vaBits, levels: levels,
                          description: "arm64 \(pageSize / 1024)K/\(vaBits)-bit")
    }
}

extension ARM64Port {
    /// Every granule and VA size the newest profile builds.
    public static var builderModes: [PagingMode] {
        (profiles.last?.configurations ?? []).flatMap { g in g.vaBits.map { PagingMode.arm64(pageSize: g.pageSize, vaBits: $0) } }
    }

    public static func encoder(for mode: PagingMode) throws(ImageError) -> any LeafEncoder {
        let ps = Int(mode.pageSize)
        if let last = profiles.last, let why = last.unsupportedReason(arch: kind, pageSize: ps, vaBits: mode.vaBits) {
            throw .contradiction(why)
        }
        guard let a = ARM64(pageSize: ps, vaBits: mode.vaBits) else { throw .contradiction("unsupported arm64 mode \(mode)") }
        return ARM64Encoder(arch: a)
    }
}
