/// One step of a translation: the entry read at one level.
public struct TranslationStep: Sendable, Equatable {
    public var level: Int
    public var tablePA: UInt64
    public var index: Int
    public var entry: UInt64
    public var kind: EntryClass
}

/// Single-address lookups over the tables: `--walk`, and the layout inference.
public struct Translator<A: Architecture> {
    public let arch: A
    public let memory: PhysicalMemory

    public init(arch: A, memory: PhysicalMemory) {
        self.arch = arch
        self.memory = memory
    }

    /// The entries read translating `va` from the table at `root` (real level `level`),
    /// ending at a leaf, a hole, a skipped entry or an unreadable table (thrown).
    public func translate(_ va: UInt64, root: UInt64, level start: Int = 0) throws(ImageError) -> [TranslationStep] {
        var steps: [TranslationStep] = []
        var pa = root
        for li in start..<arch.levels.count {
            let L = arch.levels[li]
            let index = Int((va >> UInt64(L.shift)) & UInt64(L.entries - 1))
            let table = try memory.table(at: pa, entries: L.entries)
            let e = table[index]
            let kind: EntryClass = li == arch.levels.count - 1 ? .leaf : arch.classify(e, level: li)
            steps.append(TranslationStep(level: li, tablePA: pa, index: index, entry: e, kind: kind))
            guard case .table(let next) = kind else { return steps }
            pa = next
        }
        return steps
    }

    /// The physical page `va` maps when the mapping is present and read-only (effective
    /// permissions down the levels), else nil. Used to recognize KASAN's shared shadow page.
    public func readOnlyPage(_ va: UInt64, root: UInt64) -> UInt64? {
        guard let steps = try? translate(va, root: root), let leaf = steps.last, leaf.kind == .leaf else { return nil }
        var parent: UInt64?
        for s in steps.dropLast() { parent = arch.effective(s.entry, parent: parent) }
        let L = arch.levels[leaf.level]
        let p = arch.permissions(prot: arch.prot(leaf.entry, kernelLevel: L.kernelLevel),
                                 effective: arch.effective(leaf.entry, parent: parent))
        return p.present && !p.write ? arch.outputAddress(leaf.entry, level: leaf.level) : nil
    }

    /// The lowest present leaf at or above `from` and at most `last`: its VA and the PA it maps.
    /// Bounded: gives up after `budget` tables.
    public func firstLeaf(root: UInt64, from: UInt64, last: UInt64, budget: Int = 4096) -> (va: UInt64, pa: UInt64)? {
        var left = budget
        let span = arch.levels[0].tableSpan
        let base = span == 0 ? 0 : from & ~(span - 1)
        let end = span == 0 ? last : min(last, base &+ (span - 1))
        return search(pa: root, li: 0, base: base, from: from, last: end, left: &left)
    }

    private func search(pa: UInt64, li: Int, base: UInt64, from: UInt64, last: UInt64, left: inout Int) -> (va: UInt64, pa: UInt64)? {
        left -= 1
        guard left >= 0, let table = try? memory.table(at: pa, entries: arch.levels[li].entries) else { return nil }
        let L = arch.levels[li]
        let shift = UInt64(L.shift)
        let lo = from <= base ? 0 : Int(truncatingIfNeeded: (from - base) >> shift)
        let hi = Int(truncatingIfNeeded: min((last &- base) >> shift, UInt64(L.entries - 1)))
        guard lo <= hi, lo < L.entries else { return nil }
        for i in lo...hi {
            let va = base &+ (UInt64(i) << shift)
            let e = table[i]
            let kind: EntryClass = li == arch.levels.count - 1 ? .leaf : arch.classify(e, level: li)
            switch kind {
            case .leaf:
                if arch.permissions(prot: arch.prot(e, kernelLevel: L.kernelLevel), effective: 0).present {
                    let off = va >= from ? 0 : from - va
                    return (va &+ off, arch.outputAddress(e, level: li) &+ off)
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
