/// One distinct page table met by `TableTreeWalk`.
public struct TableVisit {
    /// Where it is.
    public var pa: PhysicalAddress
    /// Its real level (0 = the top).
    public var level: Int
    /// The virtual address its first entry maps, for the first entry that pointed at it.
    public var base: VirtualAddress
    /// The entry that first pointed at it (nil for the root).
    public var parent: (table: PhysicalAddress, index: Int)?
    /// The entries `first...last` the walk looks at (all of them below the root).
    public var first: Int
    public var last: Int
    /// Entries from `split` on map from `upperBase` instead of `base` (the top table of an
    /// address space with a low and a sign-extended high half).
    public var split = Int.max
    public var upperBase: VirtualAddress = 0

    /// The first virtual address entry `i` maps, for entries `1 << shift` bytes apart.
    public func address(ofEntry i: Int, shift: Int) -> VirtualAddress {
        VirtualAddress((i >= split ? upperBase : base).rawValue &+ (UInt64(i) << UInt64(shift)))
    }
}

/// A walk over the tree of tables rather than the address space: every distinct table (by
/// physical address and level) once, whatever points at it, with how many entries point at it.
/// Used by `--check-tables` and `--stats`; bounded by the distinct tables (at most one per page
/// of the image), never by the mapped size. Reads tables only through `PageTables`.
public struct TableTreeWalk<A: Architecture> {
    public let tables: PageTables<A>
    private struct Key: Hashable { var pa: PhysicalAddress; var level: Int }
    /// Entries pointing at each table seen (the root counts one).
    public private(set) var references: [PhysicalAddress: Int] = [:]
    /// Tables that could not be read, with the entry that pointed there.
    public private(set) var unreadable: [(visit: TableVisit, reason: String)] = []
    /// Tables read.
    public private(set) var tablesRead = 0

    public init(arch: A, memory: any PhysicalMemory) {
        tables = PageTables(arch: arch, memory: memory)
    }

    /// Walks from `root` (real level `rootLevel`, mapping from `base`) over `ranges`, calling
    /// `inspect` once per distinct readable table with its entries. `maxTables` bounds the walk.
    public mutating func walk(root: PhysicalAddress, rootLevel: Int = 0, base: VirtualAddress = 0, ranges: [WalkRange],
                              maxTables: Int = 1 << 22, inspect: (TableVisit, TablePage) -> Void) {
        let arch = tables.arch
        let L = arch.levels[rootLevel]
        let span = L.tableSpan
        // The root's entries inside the walked ranges. A top table covers the low half from 0
        // and, sign-extended, the high half: each range maps from its own span-aligned base.
        var first = L.entries, last = -1
        var rootVisit = TableVisit(pa: root, level: rootLevel, base: base, parent: nil, first: 0, last: 0)
        for r in ranges {
            let chunk = span != 0 && rootLevel == 0 && base == 0 ? r.first.rawValue & ~(span - 1) : base.rawValue
            let i = Int(truncatingIfNeeded: min((r.first.rawValue &- chunk) >> UInt64(L.shift), UInt64(L.entries - 1)))
            let j = Int(truncatingIfNeeded: min((r.last.rawValue &- chunk) >> UInt64(L.shift), UInt64(L.entries - 1)))
            if last < 0 { rootVisit.base = VirtualAddress(chunk) } else if chunk != rootVisit.base.rawValue {
                rootVisit.split = i
                rootVisit.upperBase = VirtualAddress(chunk)
            }
            first = min(first, i)
            last = max(last, j)
        }
        guard first <= last else { return }
        rootVisit.first = first
        rootVisit.last = last
        var seen: Set<Key> = []
        var stack = [rootVisit]
        references[root, default: 0] += 1
        seen.insert(Key(pa: root, level: rootLevel))
        while let v = stack.popLast(), tablesRead < maxTables {
            let t: TablePage
            do {
                t = try tables.table(at: v.pa, level: v.level)
            } catch {
                unreadable.append((v, error.description))
                continue
            }
            tablesRead += 1
            inspect(v, t)
            guard v.level + 1 < arch.levels.count else { continue }
            let shift = UInt64(arch.levels[v.level].shift)
            var children: [TableVisit] = []
            for i in v.first...v.last {
                guard case .table(let child) = arch.kind(of: t[i], level: v.level) else { continue }
                references[child, default: 0] += 1
                let key = Key(pa: child, level: v.level + 1)
                if seen.insert(key).inserted {
                    let va = v.address(ofEntry: i, shift: Int(shift))
                    children.append(TableVisit(pa: child, level: v.level + 1, base: va, parent: (v.pa, i), first: 0,
                                               last: arch.levels[v.level + 1].entries - 1))
                }
            }
            // Depth first, in address order.
            stack += children.reversed()
        }
    }
}
