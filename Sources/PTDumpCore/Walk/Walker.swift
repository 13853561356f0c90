/// A table the walk could not read.
public struct WalkProblem: Sendable, Equatable, CustomStringConvertible {
    /// Physical address of the table.
    public var tablePA: UInt64
    /// Kernel level of the entry that pointed at it.
    public var level: Int
    /// First virtual address it would have mapped.
    public var va: UInt64
    /// Level names for the message.
    public var levelName: String

    public var description: String {
        "unreadable page table at \(hex(tablePA)) (\(levelName) entry for \(hex16(va))): outside the image's memory"
    }
}

/// A closed range of virtual addresses to walk.
public struct WalkRange: Sendable, Equatable {
    public var first: UInt64
    public var last: UInt64
    public init(first: UInt64, last: UInt64) {
        self.first = first
        self.last = last
    }
}

/// Generic depth-first page-table walk in ascending VA. The architecture decides what each
/// entry is; the walker reports holes and leaves as `Run`s in address order, every VA of the
/// walked ranges once. A fully covered table is summarized once per (table PA, level,
/// inherited permissions) and replayed wherever it is referenced again, so work grows with
/// distinct tables and hostile images (shared or self-referencing tables) stay bounded.
public struct Walker<A: Architecture> {
    public let arch: A
    public let memory: PhysicalMemory
    private struct Key: Hashable { var pa: UInt64; var level: Int; var parent: UInt64 }
    private var memo: [Key: [Run]] = [:]
    private var reported: Set<UInt64> = []
    /// Tables that could not be read, in the order met.
    public private(set) var problems: [WalkProblem] = []
    /// Table pages read (each distinct summarized table once).
    public private(set) var tablesRead = 0
    /// Physical addresses of the table pages read, for `--save`.
    public private(set) var tablePages: Set<UInt64> = []

    /// True when runs carry the physical address they map (`--phys`): runs then also break
    /// where physical contiguity breaks.
    public let tracksPhysical: Bool

    public init(arch: A, memory: PhysicalMemory, tracksPhysical: Bool = false) {
        self.arch = arch
        self.memory = memory
        self.tracksPhysical = tracksPhysical
    }

    /// Walks `ranges` (ascending, non-overlapping) from the table at `root`, which sits at
    /// real level `level` (0 = the top), and hands every run to `emit` in address order.
    public mutating func walk(root: UInt64, level: Int = 0, base: UInt64 = 0, ranges: [WalkRange],
                              emit: (Run) -> Void) {
        let span = arch.levels[level].tableSpan
        for r in ranges {
            guard level == 0, base == 0, span != 0 else {
                visit(pa: root, li: level, base: base, first: r.first, last: r.last, parent: nil, emit: emit)
                continue
            }
            // The top table covers the low half and, sign-extended, the high half; addresses
            // between them are not canonical and are not walked.
            var first = r.first
            while first <= r.last {
                let chunk = first & ~(span - 1)
                let chunkLast = chunk &+ (span - 1)
                let last = min(r.last, chunkLast)
                if chunk == 0 || chunk == ~(span - 1) {
                    visit(pa: root, li: 0, base: chunk, first: first, last: last, parent: nil, emit: emit)
                } else if chunk < ~(span - 1) {
                    first = ~(span - 1)
                    continue
                }
                if last == UInt64.max { break }
                first = last + 1
            }
        }
    }

    private mutating func visit(pa: UInt64, li: Int, base: UInt64, first: UInt64, last: UInt64,
                                parent: UInt64?, emit: (Run) -> Void) {
        let L = arch.levels[li]
        let shift = UInt64(L.shift)
        let lo = Int(truncatingIfNeeded: (first &- base) >> shift)
        let hi = Int(truncatingIfNeeded: (last &- base) >> shift)
        guard lo >= 0, hi < L.entries, lo <= hi else { return }
        let table: TablePage
        do {
            table = try memory.table(at: pa, entries: L.entries)
        } catch {
            if reported.insert(pa).inserted {
                problems.append(WalkProblem(tablePA: pa, level: L.kernelLevel, va: first,
                                            levelName: arch.levelNames[L.kernelLevel]))
            }
            let holeLevel = li > 0 ? arch.levels[li - 1].holeLevel : L.holeLevel
            emit(Run(start: first, last: first, shift: li > 0 ? arch.levels[li - 1].shift : L.shift,
                     level: holeLevel, prot: 0, effective: 0))
            return
        }
        tablesRead += 1
        tablePages.insert(pa)
        let bottom = li == arch.levels.count - 1
        for i in lo...hi {
            let va = base &+ (UInt64(i) << shift)
            let e = table[i]
            switch bottom ? .leaf : arch.classify(e, level: li) {
            case .hole:
                emit(Run(start: va, last: va, shift: L.shift, level: L.holeLevel, prot: 0, effective: 0))
            case .skip:
                break
            case .leaf:
                emit(Run(start: va, last: va, shift: L.shift, level: L.kernelLevel,
                         prot: arch.prot(e, kernelLevel: L.kernelLevel), effective: arch.effective(e, parent: parent),
                         physical: tracksPhysical && e != 0 ? arch.outputAddress(e, level: li) : nil))
            case .table(let child):
                let eff = arch.effective(e, parent: parent)
                let entryLast = va &+ ((UInt64(1) << shift) &- 1)
                if first <= va && entryLast <= last {
                    for r in summary(pa: child, li: li + 1, parent: eff) { emit(r.shifted(by: va)) }
                } else {
                    visit(pa: child, li: li + 1, base: va, first: max(first, va), last: min(last, entryLast),
                          parent: eff, emit: emit)
                }
            }
        }
    }

    /// Runs of the whole table at `pa` (real level `li`), relative to its first address.
    private mutating func summary(pa: UInt64, li: Int, parent: UInt64) -> [Run] {
        let key = Key(pa: pa, level: li, parent: parent)
        if let s = memo[key] { return s }
        var b = RunBuilder()
        let L = arch.levels[li]
        let lastVA = (UInt64(L.entries) << UInt64(L.shift)) &- 1
        visit(pa: pa, li: li, base: 0, first: 0, last: lastVA, parent: parent) { b.append($0) }
        memo[key] = b.runs
        return b.runs
    }
}
