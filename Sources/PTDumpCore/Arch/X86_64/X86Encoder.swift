/// How the builder writes x86_64 descriptors: `_KERNPG_TABLE` tables, PSE blocks of 1G and
/// 2M, Linux's PAT setup for the memory types.
struct X86Encoder: LeafEncoder {
    let arch: X86_64
    var paging: Paging { .x86_64(arch) }
    let blockShifts: Set<Int> = [30, 21]
    let physicalLimit: UInt64 = 1 << 52
    let defaultPhysicalBase: UInt64 = 0x10_0000

    func table(_ pa: PhysicalAddress) -> UInt64 { pa.rawValue | X86EntryBits([.present, .rw, .accessed, .dirty]).rawValue }

    var userTableBits: UInt64 { X86EntryBits.user.rawValue }

    func unsupportedReason(_ a: MappingAttributes) -> String? {
        a.memoryType == .normalTagged ? "tagged memory (MT_NORMAL_TAGGED) exists only on arm64" : nil
    }

    func leaf(_ pa: PhysicalAddress, _ a: MappingAttributes, last: Bool) -> UInt64 {
        var e = pa.rawValue | X86EntryBits.present.rawValue | X86EntryBits.accessed.rawValue | X86EntryBits.dirty.rawValue
        if a.write { e |= X86EntryBits.rw.rawValue }
        if a.user { e |= X86EntryBits.user.rawValue }
        if a.global { e |= X86EntryBits.global.rawValue }
        if !a.execute { e |= X86EntryBits.nx.rawValue }
        if !last { e |= X86EntryBits.pse.rawValue }
        switch a.memoryType {
        case .normal, .normalTagged: break
        case .normalNonCacheable: e |= X86EntryBits.pwt.rawValue
        case .deviceNGnRnE: e |= X86EntryBits.pcd.rawValue | X86EntryBits.pwt.rawValue
        case .deviceNGnRE: e |= X86EntryBits.pcd.rawValue
        }
        return e
    }

    func attributes(prot: UInt64, effective: UInt64) -> MappingAttributes? {
        let p = arch.permissions(prot: prot, effective: effective)
        guard p.present else { return nil }
        let cache = prot & (X86EntryBits.pcd.rawValue | X86EntryBits.pwt.rawValue)
        let type: MemoryType = cache == X86EntryBits.pwt.rawValue ? .normalNonCacheable
            : cache == X86EntryBits.pcd.rawValue ? .deviceNGnRE : cache == 0 ? .normal : .deviceNGnRnE
        return MappingAttributes(write: p.write, execute: p.execute, userExecute: false, user: p.user,
                                 global: prot & X86EntryBits.global.rawValue != 0, memoryType: type)
    }

    /// x86 has no user-execute bit of its own.
    func canonical(_ attributes: MappingAttributes) -> MappingAttributes {
        var a = attributes
        a.userExecute = false
        return a
    }

    var walkRanges: [WalkRange] { X86_64Port.walkRanges(fiveLevel: arch.fiveLevel) }

    var noteFacts: [(key: LayoutKey, value: UInt64)] {
        let (po, vm, vmemmap) = X86_64Port.defaultBases(fiveLevel: arch.fiveLevel)
        return [(.pageOffsetBase, po), (.vmallocBase, vm), (.vmemmapBase, vmemmap), (.ptiConfigured, 0)]
    }

    func defaultLinkAddress(physicalBase: UInt64) -> UInt64 { X86_64Port.startKernelMap &+ physicalBase }

    var pagingOptions: Options { Options(levels: arch.fiveLevel ? 5 : 4) }
}

extension PagingMode {
    /// x86_64 with 4 (48-bit VA) or 5 (LA57, 57-bit VA) levels.
    public static func x86_64(levels: Int) -> PagingMode {
        PagingMode(arch: .x86_64, pageSize: 4096, vaBits: levels == 5 ? 57 : 48, levels: levels,
                   description: "x86_64 \(levels)-level")
    }
}
