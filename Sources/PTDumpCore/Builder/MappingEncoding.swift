/// How one paging mode encodes architecture-neutral mappings: which levels may hold leaves,
/// the leaf and table descriptors the builder writes, and the inverse for a walked range.
public struct MappingEncoding: Sendable {
    /// The mode encoded.
    public let mode: PagingMode
    /// Its paging mechanics.
    public let paging: Paging
    /// The real levels, top first.
    public let levels: [TableLevel]
    /// Indices into `levels` where a leaf may sit, largest first: the block levels the
    /// hardware and Linux 6.1's `p?d_leaf` accept (x86: 1G pud and 2M pmd with PSE; arm64 4K:
    /// 1G and 2M, 16K: 32M, 64K: 512M), then the last level.
    public let leafLevels: [Int]
    /// One past the highest physical address a descriptor can hold.
    public let physicalLimit: UInt64

    /// The encoding of `mode`; throws when Linux 6.1 has no such mode.
    public init(mode: PagingMode) throws(ImageError) {
        self.mode = mode
        paging = try mode.paging()
        let lv: [TableLevel]
        let blockShifts: Set<Int>
        switch paging {
        case .x86(let a):
            lv = a.levels
            blockShifts = [30, 21]
            physicalLimit = 1 << 52
        case .arm64(let a):
            lv = a.levels
            blockShifts = [12: [30, 21], 14: [25], 16: [29]][a.pageShift] ?? []
            physicalLimit = 1 << 48
        }
        levels = lv
        leafLevels = lv.indices.filter { blockShifts.contains(lv[$0].shift) } + [lv.count - 1]
    }

    /// VA ranges ptdump walks in this mode (x86: both canonical halves but the guard hole;
    /// arm64: `[PAGE_OFFSET, ~0]`): the only addresses whose mappings it reports.
    public var walkRanges: [WalkRange] {
        switch mode {
        case .x86_64(let levels): return X86Layout.layout(fiveLevel: levels == 5, facts: FactTable()).ranges
        case .arm64(_, let vaBits): return [WalkRange(first: ARM64Layout.pageOffset(vaBits: vaBits), last: .max)]
        }
    }

    /// A descriptor pointing at the table at `pa`. x86 tables are `_KERNPG_TABLE` (user
    /// leaves below add `userTableBits`); arm64 tables are `PMD_TYPE_TABLE`.
    public func table(_ pa: UInt64) -> UInt64 {
        if case .x86 = paging {
            return pa | X86EntryBits([.present, .rw, .accessed, .dirty]).rawValue
        }
        return pa | 3
    }

    /// Bits ORed into every table entry above a user leaf so the effective permission keeps
    /// user access (x86 ANDs `_PAGE_USER` down the levels; arm64 ignores table attributes).
    public var userTableBits: UInt64 {
        if case .x86 = paging { return X86EntryBits.user.rawValue }
        return 0
    }

    /// Checks that `attributes` can be expressed in this mode; nil when fine, else why not.
    public func unsupportedReason(_ attributes: MappingAttributes) -> String? {
        if case .x86 = paging, attributes.memoryType == .normalTagged {
            return "tagged memory (MT_NORMAL_TAGGED) exists only on arm64"
        }
        return nil
    }

    /// The leaf descriptor mapping `pa` with `attributes` at real level `level`.
    public func leaf(_ pa: UInt64, _ attributes: MappingAttributes, level: Int) -> UInt64 {
        let a = attributes
        let last = level == levels.count - 1
        switch paging {
        case .x86:
            var e = pa | X86EntryBits.present.rawValue | X86EntryBits.accessed.rawValue | X86EntryBits.dirty.rawValue
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
        case .arm64:
            // PTE_VALID | PTE_AF | PTE_SHARED (inner shareable) | AttrIndx; pages add PTE_TYPE_PAGE.
            var e = pa | ARM64EntryBits.valid.rawValue | (1 << 10) | (3 << 8) | UInt64(a.memoryType.rawValue) << 2
            if last { e |= ARM64EntryBits.table.rawValue }
            if a.user { e |= ARM64EntryBits.user.rawValue }
            if !a.write { e |= ARM64EntryBits.rdonly.rawValue }
            if !a.execute { e |= ARM64EntryBits.pxn.rawValue }
            if !a.userExecute { e |= ARM64EntryBits.uxn.rawValue }
            if !a.global { e |= Self.arm64NotGlobal }
            return e
        }
    }

    /// `PTE_NG`.
    static let arm64NotGlobal: UInt64 = 1 << 11

    /// The attributes a walked range has (its compared `prot` and `effective`), in the
    /// builder's words; nil when the range maps nothing.
    public func attributes(prot: UInt64, effective: UInt64) -> MappingAttributes? {
        switch paging {
        case .x86(let a):
            let p = a.permissions(prot: prot, effective: effective)
            guard p.present else { return nil }
            let cache = prot & (X86EntryBits.pcd.rawValue | X86EntryBits.pwt.rawValue)
            let type: MemoryType = cache == X86EntryBits.pwt.rawValue ? .normalNonCacheable
                : cache == X86EntryBits.pcd.rawValue ? .deviceNGnRE : cache == 0 ? .normal : .deviceNGnRnE
            return MappingAttributes(write: p.write, execute: p.execute, userExecute: false, user: p.user,
                                     global: prot & X86EntryBits.global.rawValue != 0, memoryType: type)
        case .arm64(let a):
            let p = a.permissions(prot: prot, effective: effective)
            guard p.present else { return nil }
            return MappingAttributes(write: p.write, execute: p.execute, userExecute: p.userExecute, user: p.user,
                                     global: prot & Self.arm64NotGlobal == 0,
                                     memoryType: MemoryType(rawValue: Int((prot >> 2) & 7)) ?? .normal)
        }
    }

    /// `attributes` as a walk of this mode reads them back (x86 has no user-execute bit of its own).
    public func canonical(_ attributes: MappingAttributes) -> MappingAttributes {
        var a = attributes
        if case .x86 = paging { a.userExecute = false }
        return a
    }
}
