import Testing
import PTDumpCore

/// The walker's contract, for every architecture and paging mode the builder knows (x86_64
/// 4/5-level, every arm64 granule and VA size, riscv64 Sv39/48/57, every s390x ASCE type):
/// over builder-made tables and random sub-ranges of what ptdump walks, every address is
/// reported once and only once, in order; and a transliteration of the kernel's own page walk
/// (`mm/pagewalk.c` loops with ptdump's callbacks, over all five kernel levels), which steps
/// each level's entry pointer with `p++`, sees at every step the entry `offset(next)` names —
/// also at folded levels, whose pointer is the next real level's — and notes the same events.
/// This is `debug_vm_pgtable`'s idea run offline on our own architecture helpers.
@Suite struct WalkInvariantTests {
    static let seeds: [UInt64] = [11, 12]

    @Test(arguments: PagingMode.all, seeds)
    func everyAddressOnceAndKernelStepping(mode: PagingMode, seed: UInt64) throws {
        var g = try MappingGenerator(mode: mode, seed: seed)
        let mappings = g.mappings(count: 12)
        let built = try ImageBuilder(mode: mode).build(mappings)
        let memory = try built.physicalMemory()
        let paging = try mode.paging()
        var rng = SplitMix64(state: seed &* 0x5851_f42d_4c95_7f2d)
        let ranges = try MappingEncoding(mode: mode).walkRanges
        var windows = ranges.map { (a: $0.first.rawValue, b: $0.last.rawValue) }
        // Random page-granular sub-ranges, half of them around the mappings.
        for i in 0..<16 {
            let r = ranges[Int(rng.next() % UInt64(ranges.count))]
            let span = r.last.rawValue - r.first.rawValue
            var a: UInt64
            if i % 2 == 0, let m = mappings.randomElement(using: &rng), m.va >= r.first.rawValue, m.va <= r.last.rawValue {
                a = m.va &+ (rng.next() % max(m.size, 1)) & ~0xfff
                a = min(a, r.last.rawValue & ~0xfff)
            } else {
                a = r.first.rawValue &+ ((span == .max ? rng.next() : rng.next() % (span &+ 1)) & ~0xfff)
            }
            let left = r.last.rawValue - a
            let length = [UInt64(0x1000), 1 << 21, 1 << 31, 1 << 40][Int(rng.next() % 4)]
            let b = a &+ min(left, rng.next() % length | 0xfff)
            windows.append((a, b))
        }
        for w in windows {
            let problems = paging.accept(CheckWindow(memory: memory, root: built.root, first: w.a, last: w.b))
            #expect(problems.isEmpty, "\(mode) \(hex16(w.a))-\(hex16(w.b)): \(problems.prefix(3).joined(separator: "; "))")
        }
    }

    /// Each real level's table covers exactly one entry of the level above, so that stepping an
    /// entry and indexing the next address agree; folded levels are absent from `levels`.
    @Test(arguments: PagingMode.all)
    func levelsNestExactly(mode: PagingMode) throws {
        let arch = try mode.paging().architecture
        for (upper, lower) in zip(arch.levels, arch.levels.dropFirst()) {
            #expect(upper.shift == lower.shift + lower.entries.trailingZeroBitCount, "\(mode)")
            #expect(upper.kernelLevel < lower.kernelLevel, "\(mode)")
        }
        #expect(arch.levels.last?.kernelLevel == 4)
        #expect(arch.levels.last?.shift == Int(mode.pageSize).trailingZeroBitCount)
    }

    /// A walk range beyond the designated table's reach would make a folded level step: its
    /// `p++` then names the next entry of the real top table while `offset(next)` names entry
    /// 0 again (the stepping an s390 kernel must avoid by walking only to `max_addr`).
    @Test func foldedLevelSteppingPastTheReachIsCaught() throws {
        let mode = PagingMode.s390x(designationType: 1)
        let built = try ImageBuilder(mode: mode).build([Mapping(va: 0, size: 1 << 20, pa: 0x200000)])
        let memory = try built.physicalMemory()
        let arch = S390X(designationType: 1)!
        var w = KernelShapedWalk(tables: PageTables(arch: arch, memory: memory), root: built.root)
        w.walk(first: 0, last: (1 << 43) - 1)
        #expect(!w.mismatches.isEmpty)
        var inside = KernelShapedWalk(tables: PageTables(arch: arch, memory: memory), root: built.root)
        inside.walk(first: 0, last: (1 << 42) - 1)
        #expect(inside.mismatches.isEmpty)
    }
}

/// Walks one window with the walker and with the kernel-shaped walk; returns what differs.
private struct CheckWindow: ArchitectureVisitor {
    let memory: any PhysicalMemory, root: PhysicalAddress, first: UInt64, last: UInt64

    func visit<A: Architecture>(_ arch: A) -> [String] {
        var problems: [String] = []
        var walker = Walker(arch: arch, memory: memory)
        var runs: [Run] = []
        walker.walk(root: root, ranges: [WalkRange(first: VirtualAddress(first), last: VirtualAddress(last))]) { (r: Run) in
            runs.append(r)
        }
        // Once and only once, in order: each run starts where the previous one's last event
        // ends; the first covers `first`, the last reaches `last`.
        guard let head = runs.first, let tail = runs.last else { return ["no runs"] }
        if head.start > first || head.start &+ (head.stride &- 1) < first { problems.append("first run \(hex16(head.start)) does not cover \(hex16(first))") }
        if tail.last &+ (tail.stride &- 1) < last && tail.last &+ tail.stride != 0 { problems.append("last run ends before \(hex16(last))") }
        for (a, b) in zip(runs, runs.dropFirst()) where b.start != a.last &+ a.stride {
            problems.append("gap or overlap: run ending \(hex16(a.last &+ a.stride)) then \(hex16(b.start))")
        }
        for r in runs where r.start > last { problems.append("run at \(hex16(r.start)) past the window") }

        // The kernel's loops note the same events (at the window's start, not the entry's).
        var k = KernelShapedWalk(tables: PageTables(arch: arch, memory: memory), root: root)
        k.walk(first: first, last: last)
        problems += k.mismatches
        var ours: [KernelShapedWalk<A>.Event] = []
        for r in runs {
            var at = r.start
            while true {
                ours.append(.init(addr: max(at, first), level: Int(r.level), prot: r.prot))
                if at == r.last { break }
                at &+= r.stride
            }
        }
        if ours != k.events {
            let i = zip(ours, k.events).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(ours.count, k.events.count)
            problems.append("event \(i) differs: walker \(i < ours.count ? "\(ours[i])" : "none"), kernel \(i < k.events.count ? "\(k.events[i])" : "none") (\(ours.count) vs \(k.events.count))")
        }
        return problems
    }
}

/// `walk_page_range` with ptdump's callbacks, level by level over the kernel's five levels,
/// as loops that step an entry pointer (`p++`) and check it against `offset(next)`. A folded
/// level's pointer is the one the next real level gets (s390's `pgd_offset_raw` indexes the
/// real top table; `p4d_offset` of a folded p4d returns its argument); it steps by the span of
/// the real table below it, which covers the whole reach.
struct KernelShapedWalk<A: Architecture> {
    struct Event: Equatable, CustomStringConvertible {
        var addr: UInt64, level: Int, prot: UInt64
        var description: String { "\(hex16(addr)) L\(level) \(hex(prot))" }
    }
    struct Pointer: Equatable { var table: PhysicalAddress; var index: Int }

    let tables: PageTables<A>
    let root: PhysicalAddress
    var events: [Event] = []
    var mismatches: [String] = []

    init(tables: PageTables<A>, root: PhysicalAddress) {
        self.tables = tables
        self.root = root
    }

    var arch: A { tables.arch }

    /// `offset(next)` at real level `li` in the table at `table`.
    func offset(_ table: PhysicalAddress, _ li: Int, _ va: UInt64) -> Pointer {
        Pointer(table: table, index: tables.index(of: VirtualAddress(va), level: li))
    }

    /// The end of the entry of span `1 << shift` holding `va`, capped at `last` (inclusive).
    func entryLast(_ va: UInt64, shift: Int, _ last: UInt64) -> UInt64 {
        guard shift < 64 else { return last }
        let e = (va | ((UInt64(1) << UInt64(shift)) - 1))
        return min(e, last)
    }

    mutating func walk(first: UInt64, last: UInt64) {
        let top = arch.levels[0]
        // The folded levels above the top real table step by its whole span.
        let span = top.tableSpan
        let foldedShift = span == 0 ? 64 : span.trailingZeroBitCount
        var addr = first
        var p = offset(root, 0, addr)
        while true {
            if offset(root, 0, addr) != p {
                mismatches.append("folded level: p++ is entry \(p.index), offset(\(hex16(addr))) is \(offset(root, 0, addr).index)")
                return
            }
            let end = entryLast(addr, shift: foldedShift, last)
            table(root, li: 0, first: addr, last: end)
            if end == last { break }
            addr = end &+ 1
            p.index += 1
        }
    }

    /// One real level's loop over `first...last` of the table at `pa`.
    mutating func table(_ pa: PhysicalAddress, li: Int, first: UInt64, last: UInt64) {
        guard let t = try? tables.table(at: pa, level: li) else { mismatches.append("unreadable table \(hex(pa))"); return }
        let L = arch.levels[li]
        var addr = first
        var p = offset(pa, li, addr)
        while true {
            let o = offset(pa, li, addr)
            if o != p {
                mismatches.append("level \(L.kernelLevel): p++ is entry \(p.index), offset(\(hex16(addr))) is \(o.index)")
                return
            }
            let e = t[p.index]
            let end = entryLast(addr, shift: L.shift, last)
            switch arch.kind(of: e, level: li) {
            case .hole:
                events.append(Event(addr: addr, level: L.holeLevel, prot: arch.prot(0, kernelLevel: L.holeLevel)))
            case .leaf:
                events.append(Event(addr: addr, level: L.kernelLevel, prot: arch.prot(e, kernelLevel: L.kernelLevel)))
            case .skip:
                break
            case .table(let next):
                table(next, li: li + 1, first: addr, last: end)
            }
            if end == last { break }
            addr = end &+ 1
            p.index += 1
        }
    }
}
