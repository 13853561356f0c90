/// One step of a translation: the entry read at one level.
public struct TranslationStep: Sendable, Equatable {
    public var level: Int
    public var tablePA: PhysicalAddress
    public var index: Int
    public var entry: UInt64
    public var kind: EntryClass
}

/// The tables of one architecture in one image: the one place that reads a table (with the
/// level's entry count and the architecture's byte order) and steps from an entry to the next
/// level. The walker, `--walk`, root checks and layout probes all descend through it.
public struct PageTables<A: Architecture> {
    public let arch: A
    public let memory: any PhysicalMemory

    public init(arch: A, memory: any PhysicalMemory) {
        self.arch = arch
        self.memory = memory
    }

    /// The table at `pa` of real level `level`, in the level's entry width: 8-byte entries are
    /// read in place; narrower ones (x86 legacy paging's 4-byte entries) are widened into a
    /// copy once per table, so the per-entry path is the same for every width.
    @inline(__always)
    public func table(at pa: PhysicalAddress, level: Int) throws(ImageError) -> TablePage {
        let L = arch.levels[level]
        if L.entryBytes == 8 { return try memory.table(at: pa, entries: L.entries, byteOrder: arch.byteOrder) }
        return try memory.widenedTable(at: pa, entries: L.entries, entryBytes: L.entryBytes, byteOrder: arch.byteOrder)
    }

    /// Index of `va` in a table of real level `level`.
    @inline(__always)
    public func index(of va: VirtualAddress, level: Int) -> Int {
        let L = arch.levels[level]
        return Int(truncatingIfNeeded: (va.rawValue >> UInt64(L.shift)) & UInt64(L.entries - 1))
    }

    /// The entries read translating `va` from the table at `root` (real level `start`),
    /// ending at a leaf, a hole, a skipped entry or an unreadable table (thrown).
    public func translate(_ va: VirtualAddress, root: PhysicalAddress, level start: Int = 0) throws(ImageError) -> [TranslationStep] {
        var steps: [TranslationStep] = []
        var pa = root
        for li in start..<arch.levels.count {
            let index = index(of: va, level: li)
            let e = try table(at: pa, level: li)[index]
            let kind = arch.kind(of: e, level: li)
            steps.append(TranslationStep(level: li, tablePA: pa, index: index, entry: e, kind: kind))
            guard case .table(let next) = kind else { return steps }
            pa = next
        }
        return steps
    }

    /// Effective permissions and compared attributes of the leaf a translation ended at.
    public func leafPermissions(_ steps: [TranslationStep]) -> Permissions? {
        guard let leaf = steps.last, leaf.kind == .leaf else { return nil }
        var parent: UInt64?
        for s in steps.dropLast() { parent = arch.inheritance(s.entry, parent: parent, level: s.level) }
        let L = arch.levels[leaf.level]
        return arch.permissions(prot: arch.prot(leaf.entry, kernelLevel: L.kernelLevel),
                                effective: arch.effective(leaf.entry, parent: parent))
    }

    /// The physical page `va` maps when the mapping is present and read-only (effective
    /// permissions down the levels), else nil. Used to recognize KASAN's shared shadow page.
    public func readOnlyPage(_ va: VirtualAddress, root: PhysicalAddress) -> PhysicalAddress? {
        guard let steps = try? translate(va, root: root), let p = leafPermissions(steps), let leaf = steps.last,
              p.present && !p.write else { return nil }
        return arch.outputAddress(leaf.entry, level: leaf.level)
    }

    /// Where `va` is mapped, when it is: its physical address and the bytes left in its
    /// page or block from there.
    public func mapping(of va: VirtualAddress, root: PhysicalAddress) -> (pa: PhysicalAddress, left: UInt64)? {
        guard let steps = try? translate(va, root: root), let p = leafPermissions(steps), p.present,
              let leaf = steps.last else { return nil }
        let size = arch.levels[leaf.level].entrySpan
        let offset = va.rawValue & (size &- 1)
        return (arch.outputAddress(leaf.entry, level: leaf.level) + offset, size &- offset)
    }

    /// The lowest present leaf at or above `from` and at most `last`: its VA and the PA it maps.
    /// Bounded: gives up after `budget` tables.
    public func firstLeaf(root: PhysicalAddress, from: VirtualAddress, last: VirtualAddress,
                          budget: Int = 4096) -> (va: VirtualAddress, pa: PhysicalAddress)? {
        var left = budget
        let span = arch.levels[0].tableSpan
        let base = span == 0 ? 0 : from.rawValue & ~(span - 1)
        let end = span == 0 ? last.rawValue : min(last.rawValue, base &+ (span - 1))
        return search(pa: root, li: 0, base: base, from: from.rawValue, last: end, left: &left)
    }

    private func search(pa: PhysicalAddress, li: Int, base: UInt64, from: UInt64, last: UInt64,
                        left: inout Int) -> (va: VirtualAddress, pa: PhysicalAddress)? {
        left -= 1
        guard left >= 0, let table = try? table(at: pa, level: li) else { return nil }
        let L = arch.levels[li]
        let shift = UInt64(L.shift)
        let lo = from <= base ? 0 : Int(truncatingIfNeeded: (from - base) >> shift)
        let hi = Int(truncatingIfNeeded: min((last &- base) >> shift, UInt64(L.entries - 1)))
        guard lo <= hi, lo < L.entries else { return nil }
        for i in lo...hi {
            let va = base &+ (UInt64(i) << shift)
            let e = table[i]
            switch arch.kind(of: e, level: li) {
            case .leaf:
                if arch.permissions(prot: arch.prot(e, kernelLevel: L.kernelLevel), effective: 0).present {
                    let off = va >= from ? 0 : from - va
                    return (VirtualAddress(va &+ off), arch.outputAddress(e, level: li) + off)
                }
            case .table(let child):
                if let r = search(pa: child, li: li + 1, base: va, from: max(from, va), last: last, left: &left) { return r }
            case .hole, .skip:
                break
            }
        }
        return nil
    }
}
