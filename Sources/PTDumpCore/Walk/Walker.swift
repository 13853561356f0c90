/// Generic depth-first page-table walk in ascending VA. The architecture decides what each
/// entry is; the walker reports holes and leaves as `Run`s in address order, every VA of the
/// walked ranges once. A last-level table is scanned run by run: entries equal but for their
/// output address (`Architecture.leafAddressField`) continue one run, so the per-entry work is
/// a load and a compare. A table met for the first time is walked in place, straight to the
/// consumer; one referenced again (a shared subtree: KASAN's shadow, fan-outs of one table)
/// is summarized once per (table PA, level, inherited permissions) and replayed wherever it is
/// referenced after that, so work grows with distinct tables and hostile images (shared or
/// self-referencing tables) stay bounded: a summary never holds more than `summaryRunLimit`
/// runs, all summaries together at most `memoRunBudget`; past them the subtree is walked
/// again where it is referenced, and the consumer bounds the output (`emit` returning false
/// stops the walk).
public struct Walker<A: Architecture> {
    /// Runs one summary may hold before the subtree is streamed instead.
    public static var summaryRunLimit: Int { 1 << 16 }
    /// Runs all summaries together may hold.
    public static var memoRunBudget: Int { 1 << 21 }
    public let arch: A
    /// Where the tables are read.
    public let tables: PageTables<A>
    private struct Key: Hashable { var pa: PhysicalAddress; var level: Int; var parent: UInt64 }
    /// A table's runs relative to its first address, and the effective permissions its last
    /// last-level entry leaves behind.
    private struct Summary { var runs: [Run]; var lastLeafEffective: UInt64?; var problems: [WalkProblem] }
    private var memo: [Key: Summary] = [:]
    /// Tables whose summary outgrew its bound: walked where referenced.
    private var unsummarized: Set<Key> = []
    private var memoRuns = 0
    /// Per-table reference counts and what was done with each table (replaces a dictionary
    /// and a set per table).
    private var refs = TableRefs()
    /// Above zero while a summary is rebuilt for a table already walked whole in place: its
    /// tables and references were counted then, so they are not counted again.
    private var recounting = 0
    private struct ShadowKey: Hashable { var pa: PhysicalAddress; var level: Int }
    private var earlyShadow: [ShadowKey: UInt64?] = [:]
    /// Tables that could not be read, one per table in the order met, with absolute addresses
    /// and how many entries pointed at each.
    public private(set) var problems: [WalkProblem] = []
    /// True when the consumer stopped the walk before its end.
    public private(set) var stoppedEarly = false
    /// Entries the walk may see pointing at any one table before it stops (`--max-table-refs`):
    /// memoisation keeps a kernel's sharing (KASAN's early shadow, fan-outs of one table)
    /// far below it; only tables walked again and again in place reach it.
    public var maxTableReferences = Int.max
    /// The table that reached `maxTableReferences`, and the count, when one did.
    public private(set) var overReferenced: (table: PhysicalAddress, references: Int)?
    /// Table pages read (each distinct table, per inherited permissions, once).
    public private(set) var tablesRead = 0
    /// Physical addresses of the table pages read, for `--save`: collected only when
    /// `collectsTablePages`.
    public private(set) var tablePages: Set<PhysicalAddress> = []
    /// True when the walk records `tablePages`.
    public let collectsTablePages: Bool

    /// True when runs carry the physical address they map (`--phys`): runs then also break
    /// where physical contiguity breaks.
    public let tracksPhysical: Bool

    /// The kernel's KASAN shortcut (`note_kasan_page_table`): an entry pointing at the shared
    /// early-shadow tables is noted once, at the last level, with the early-shadow page's entry
    /// and the effective permissions the last walked last-level entry left behind.
    public let kasanShortcut: Bool

    /// True when a KASAN shortcut's run carries the early-shadow page's physical address (a
    /// kernel text that prints the physical address of each range's first note); false leaves
    /// it unnamed, so that `--phys` does not break the shared shadow at every entry.
    public let shortcutPhysical: Bool

    public init(arch: A, memory: any PhysicalMemory, tracksPhysical: Bool = false, kasanShortcut: Bool = false,
                shortcutPhysical: Bool = false, collectsTablePages: Bool = false) {
        self.collectsTablePages = collectsTablePages
        self.arch = arch
        self.tables = PageTables(arch: arch, memory: memory)
        self.tracksPhysical = tracksPhysical
        self.kasanShortcut = kasanShortcut
        self.shortcutPhysical = shortcutPhysical
    }

    /// Walks `ranges` (ascending, non-overlapping) from the table at `root`, which sits at
    /// real level `level` (0 = the top), and hands every run to `emit` in address order.
    /// `emit` returns false to stop the walk (`stoppedEarly` then says so).
    public mutating func walk(root: PhysicalAddress, level: Int = 0, base: VirtualAddress = 0, ranges: [WalkRange],
                              emit: (Run) -> Bool) {
        withoutActuallyEscaping(emit) { emit in
            var consumer = ClosureConsumer(emit: emit)
            walk(root: root, level: level, base: base, ranges: ranges, into: &consumer)
        }
    }

    /// `walk` handing every run to `consumer` (`take` returns false to stop the walk): the
    /// walk is specialized for the consumer, with no call through a closure per run.
    public mutating func walk<C: RunConsumer>(root: PhysicalAddress, level: Int = 0, base: VirtualAddress = 0,
                                              ranges: [WalkRange], into consumer: inout C) {
        var out = StreamSink(consumer: consumer)
        walk(root: root, level: level, base: base.rawValue, ranges: ranges, into: &out)
        consumer = out.consumer
        problems += out.problems
        stoppedEarly = stoppedEarly || out.stopped || overReferenced != nil
    }

    /// `walk` for consumers that never stop it.
    public mutating func walk(root: PhysicalAddress, level: Int = 0, base: VirtualAddress = 0, ranges: [WalkRange],
                              emit: (Run) -> Void) {
        walk(root: root, level: level, base: base, ranges: ranges) { (r: Run) -> Bool in emit(r); return true }
    }

    private mutating func walk<C>(root: PhysicalAddress, level: Int, base: UInt64, ranges: [WalkRange],
                                  into out: inout StreamSink<C>) {
        let span = arch.levels[level].tableSpan
        for range in ranges where !out.stopped && overReferenced == nil {
            let r = (first: range.first.rawValue, last: range.last.rawValue)
            guard level == 0, base == 0, span != 0 else {
                visit(pa: root, li: level, base: base, first: r.first, last: r.last, parent: nil, from: nil, into: &out)
                continue
            }
            // The top table covers the low half and, sign-extended, the high half; addresses
            // between them are not canonical and are not walked.
            var first = r.first
            while first <= r.last && !out.stopped && overReferenced == nil {
                let chunk = first & ~(span - 1)
                let chunkLast = chunk &+ (span - 1)
                let last = min(r.last, chunkLast)
                if chunk == 0 || chunk == ~(span - 1) {
                    visit(pa: root, li: 0, base: chunk, first: first, last: last, parent: nil, from: nil, into: &out)
                } else if chunk < ~(span - 1) {
                    first = ~(span - 1)
                    continue
                }
                if last == UInt64.max { break }
                first = last + 1
            }
        }
    }

    /// Walks entries `first...last` of the table at `pa` (real level `li`, mapping from
    /// `base`); `from` is the entry that pointed here, for messages.
    private mutating func visit<S: RunSink>(pa: PhysicalAddress, li: Int, base: UInt64, first: UInt64, last: UInt64,
                                            parent: UInt64?, from: (table: PhysicalAddress, index: Int)?, into out: inout S) {
        let L = arch.levels[li]
        let shift = UInt64(L.shift)
        let lo = Int(truncatingIfNeeded: (first &- base) >> shift)
        let hi = Int(truncatingIfNeeded: (last &- base) >> shift)
        guard lo >= 0, hi < L.entries, lo <= hi else { return }
        let table: TablePage
        do {
            table = try tables.table(at: pa, level: li)
        } catch {
            out.problem(WalkProblem(tablePA: pa, level: L.kernelLevel, va: VirtualAddress(first),
                                    levelName: arch.levelNames[L.kernelLevel], reason: error.description, parent: from))
            let holeLevel = li > 0 ? arch.levels[li - 1].holeLevel : L.holeLevel
            out.append(Run(start: first, last: first, shift: li > 0 ? arch.levels[li - 1].shift : L.shift,
                           level: holeLevel, prot: arch.prot(0, kernelLevel: holeLevel), effective: 0))
            return
        }
        if recounting == 0 { tablesRead += 1 }
        if collectsTablePages { tablePages.insert(pa) }
        if out.stopped || overReferenced != nil { return }
        if li == arch.levels.count - 1 {
            scanLeaves(table, li: li, base: base, lo: lo, hi: hi, parent: parent, into: &out)
            return
        }
        for i in lo...hi {
            let va = base &+ (UInt64(i) << shift)
            let e = table[i]
            switch arch.classify(e, level: li) {
            case .hole:
                // The kernel notes a hole as `note_page(addr, depth, 0)`: its prot is what the
                // architecture makes of a zero value (s390: invalid), 0 elsewhere.
                out.append(Run(start: va, last: va, shift: L.shift, level: L.holeLevel,
                               prot: arch.prot(0, kernelLevel: L.holeLevel), effective: 0))
            case .skip:
                break
            case .leaf:
                // A zero entry notes no effective permissions (x86 `note_page`).
                out.append(Run(start: va, last: va, shift: L.shift, level: L.kernelLevel,
                               prot: arch.prot(e, kernelLevel: L.kernelLevel),
                               effective: e == 0 ? 0 : arch.effective(e, parent: parent),
                               physical: tracksPhysical && e != 0 ? arch.outputAddress(e, level: li).rawValue : nil))
            case .table(let child):
                // The consumer's stop is looked at before each descent (a leaf table adds at
                // most its own entries), not on the per-entry path.
                if out.stopped || overReferenced != nil { return }
                if kasanShortcut, let v = earlyShadowEntry(pa: child, li: li + 1) {
                    let bottomLevel = arch.levels[arch.levels.count - 1].kernelLevel
                    let pa = tracksPhysical && shortcutPhysical ? arch.outputAddress(v, level: arch.levels.count - 1).rawValue : nil
                    out.append(Run(start: max(first, va), last: max(first, va), shift: L.shift, level: bottomLevel,
                                   prot: arch.prot(v, kernelLevel: bottomLevel), effective: 0, physical: pa, staleEffective: true))
                    continue
                }
                let slot = refs.slot(child)
                if recounting == 0 {
                    let seen = Int(refs[slot].references) &+ 1
                    refs[slot].references = UInt32(clamping: seen)
                    if seen > maxTableReferences {
                        overReferenced = (child, seen)
                        return
                    }
                }
                let eff = arch.inheritance(e, parent: parent, level: li)
                let entryLast = va &+ ((UInt64(1) << shift) &- 1)
                if first <= va && entryLast <= last {
                    // A replay cut short by the consumer ends this table's walk too.
                    if !descend(child: child, slot: slot, li: li + 1, va: va, last: entryLast, parent: eff, from: (pa, i),
                                into: &out) { return }
                } else {
                    visit(pa: child, li: li + 1, base: va, first: max(first, va), last: min(last, entryLast),
                          parent: eff, from: (pa, i), into: &out)
                }
            }
        }
    }

    /// Entries `lo...hi` of the last-level `table` (real level `li`, mapping from `base`): one
    /// run per stretch of entries that note the same event but for the advancing address.
    @inline(__always)
    private func scanLeaves<S: RunSink>(_ table: TablePage, li: Int, base: UInt64, lo: Int, hi: Int, parent: UInt64?,
                                        into out: inout S) {
        let L = arch.levels[li]
        let shift = UInt64(L.shift)
        let attributes = ~arch.leafAddressField
        let step = arch.leafAddressStep
        var i = lo
        while i <= hi {
            let e = table[i]
            var j = i &+ 1
            if e == 0 {
                while j <= hi && table[j] == 0 { j &+= 1 }
            } else if !tracksPhysical {
                // Same bits outside the address field, and not zero: the same (prot, effective).
                j = table.endOfRun(of: e, from: j, through: hi, compared: attributes)
            } else if step != 0 {
                // Also the next page of physical memory: the address field one step further.
                var expected = e &+ step
                while j <= hi {
                    let x = table[j]
                    if x != expected || (x ^ e) & attributes != 0 { break }
                    expected &+= step
                    j &+= 1
                }
            }
            let eff = arch.effective(e, parent: parent)
            out.lastLeafEffective = eff
            // A zero entry notes no effective permissions (x86 `note_page`).
            out.append(Run(start: base &+ (UInt64(i) << shift), last: base &+ (UInt64(j &- 1) << shift), shift: L.shift,
                           level: L.kernelLevel, prot: arch.prot(e, kernelLevel: L.kernelLevel), effective: e == 0 ? 0 : eff,
                           physical: tracksPhysical && e != 0 ? arch.outputAddress(e, level: li).rawValue : nil))
            i = j
        }
    }

    /// The whole table `child` (real level `li`) that the entry for `va...last` points at: walked
    /// in place the first time, summarized and replayed once it is met again. False when a
    /// replay was stopped by the consumer.
    private mutating func descend<S: RunSink>(child: PhysicalAddress, slot: Int, li: Int, va: UInt64, last: UInt64,
                                              parent: UInt64, from: (table: PhysicalAddress, index: Int), into out: inout S) -> Bool {
        let state = refs[slot]
        let key = Key(pa: child, level: li, parent: parent)
        if state.summarized, let s = memo[key] { return replay(s, at: va, into: &out) }
        if state.streamedLevel < 0 {
            refs[slot].streamedLevel = Int8(truncatingIfNeeded: li)
            refs[slot].streamedParent = parent
            visit(pa: child, li: li, base: va, first: va, last: last, parent: parent, from: from, into: &out)
            return true
        }
        // Met again: shared. Its first whole walk already counted what a summary walks.
        let again = Int(state.streamedLevel) == li && state.streamedParent == parent
        if again { recounting += 1 }
        let s = summary(pa: child, li: li, parent: parent, from: from)
        if again { recounting -= 1 }
        if let s {
            refs[refs.slot(child)].summarized = true
            return replay(s, at: va, into: &out)
        }
        visit(pa: child, li: li, base: va, first: va, last: last, parent: parent, from: from, into: &out)
        return true
    }

    /// Hands a summary's problems and runs on, moved to `va`; false when the consumer stopped.
    private func replay<S: RunSink>(_ s: Summary, at va: UInt64, into out: inout S) -> Bool {
        for p in s.problems { out.problem(p.shifted(by: va)) }
        for r in s.runs {
            out.append(r.shifted(by: va))
            if out.stopped { return false }
        }
        if let l = s.lastLeafEffective { out.lastLeafEffective = l }
        return true
    }

    /// Runs of the whole table at `pa` (real level `li`), relative to its first address; nil
    /// when they would outgrow the bounds (the caller then walks the table in place).
    private mutating func summary(pa: PhysicalAddress, li: Int, parent: UInt64,
                                  from: (table: PhysicalAddress, index: Int)) -> Summary? {
        let key = Key(pa: pa, level: li, parent: parent)
        if let s = memo[key] { return s }
        if memoRuns >= Self.memoRunBudget || unsummarized.contains(key) { return nil }
        var b = RunBuilder(limit: min(Self.summaryRunLimit, Self.memoRunBudget - memoRuns))
        let L = arch.levels[li]
        let lastVA = (UInt64(L.entries) << UInt64(L.shift)) &- 1
        visit(pa: pa, li: li, base: 0, first: 0, last: lastVA, parent: parent, from: from, into: &b)
        if b.stopped {
            unsummarized.insert(key)
            return nil
        }
        let s = Summary(runs: b.runs, lastLeafEffective: b.lastLeafEffective, problems: b.problems)
        memoRuns += s.runs.count
        memo[key] = s
        return s
    }

    /// The last-level entry of a KASAN early-shadow chain starting at the table `pa` (real
    /// level `li`), or nil. Early-shadow tables are recognized by their shape: every entry the
    /// same, pointing at the next early-shadow table, down to a last-level table whose every
    /// entry maps the same page.
    private mutating func earlyShadowEntry(pa: PhysicalAddress, li: Int) -> UInt64? {
        let key = ShadowKey(pa: pa, level: li)
        if let known = earlyShadow[key] { return known }
        earlyShadow[key] = .some(nil)                 // a self-reference is not a chain
        var result: UInt64?
        if let t = try? tables.table(at: pa, level: li) {
            let first = t[0]
            var uniform = first != 0
            var i = 1
            while uniform && i < t.entries { uniform = t[i] == first; i += 1 }
            if uniform {
                if collectsTablePages { tablePages.insert(pa) }
                if li == arch.levels.count - 1 {
                    result = first
                } else if case .table(let next) = arch.classify(first, level: li) {
                    result = earlyShadowEntry(pa: next, li: li + 1)
                }
            }
        }
        earlyShadow[key] = .some(result)
        return result
    }
}
