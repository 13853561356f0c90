/// How the builder writes x86 legacy 32-bit entries: page-directory entries pointing at page
/// tables (present, RW, US, so the leaves decide), 4M PSE pages and 4K pages. There is no NX
/// bit: a non-executable mapping cannot be expressed. Memory types as `X86Encoder` writes them
/// (PWT/PCD), read back under the power-on PAT.
struct X86LegacyEncoder: LeafEncoder {
    let arch: X86Legacy
    var paging: Paging { .x86Legacy(arch) }
    let blockShifts: Set<Int> = [22]
    /// Page tables and 4K pages hold 32-bit addresses (4M pages reach 40 bits, but every
    /// mapping here may end in 4K pages).
    let physicalLimit: UInt64 = 1 << 32
    let defaultPhysicalBase: UInt64 = 0x10_0000

    func table(_ pa: PhysicalAddress) -> UInt64 {
        pa.rawValue | X86EntryBits([.present, .rw, .user, .accessed]).rawValue
    }

    var userTableBits: UInt64 { 0 }

    func unsupportedReason(_ a: MappingAttributes) -> String? {
        if !a.execute { return "32-bit legacy paging has no NX bit: every mapping is executable" }
        if a.memoryType == .normalTagged { return "tagged memory (MT_NORMAL_TAGGED) exists only on arm64" }
        return nil
    }

    func leaf(_ pa: PhysicalAddress, _ a: MappingAttributes, last: Bool) -> UInt64 {
        var e = X86EntryBits([.present, .accessed, .dirty]).rawValue
        if last {
            e |= pa.rawValue & X86Legacy.frameMask
        } else {
            e |= X86EntryBits.pse.rawValue | (pa.rawValue & X86Legacy.largeLowMask)
            e |= (pa.rawValue >> 19) & X86Legacy.largeHighMask
        }
        if a.write { e |= X86EntryBits.rw.rawValue }
        if a.user { e |= X86EntryBits.user.rawValue }
        if a.global { e |= X86EntryBits.global.rawValue }
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
        return MappingAttributes(write: p.write, execute: true, userExecute: false, user: p.user,
                                 global: prot & X86EntryBits.global.rawValue != 0, memoryType: type)
    }

    /// Always executable; no user-execute bit of its own.
    func canonical(_ attributes: MappingAttributes) -> MappingAttributes {
        var a = attributes
        a.execute = true
        a.userExecute = false
        return a
    }

    var walkRanges: [WalkRange] { [WalkRange(first: 0, last: VirtualAddress(UInt64(0xffff_ffff)))] }

    var noteFacts: [(key: LayoutKey, value: UInt64)] { [] }

    /// Firmware is identity-mapped: linked where it is loaded.
    func defaultLinkAddress(physicalBase: UInt64) -> UInt64 { physicalBase }

    var pagingOptions: Options { Options(levels: 2) }
}

extension PagingMode {
    /// x86 legacy 32-bit paging: 2 levels of 1024 4-byte entries, 4K and 4M pages.
    public static let x86Legacy = PagingMode(arch: .x86_64, pageSize: 4096, vaBits: 32, levels: 2,
                                             description: "x86 32-bit 2-level")
}
