import Testing
@testable import PTDumpCore

/// The generic walker's contract: every VA once, in order; runs equal a plain walk; shared and
/// cyclic tables are bounded.
@Suite struct WalkerTests {
    /// A random x86 mapping set: 4K pages, 2M and 1G leaves with random attributes.
    func randomImage(seed: UInt64) -> PageTableBuilder<X86_64> {
        var rng = SplitMix64(state: seed)
        var b = x86Builder()
        let bases: [UInt64] = [0xffff_8880_0000_0000, 0xffff_c900_0000_0000, 0xffff_ffff_8000_0000, 0x0000_7f00_0000_0000]
        for _ in 0..<60 {
            let base = bases[Int(rng.next() % UInt64(bases.count))]
            let level = [1, 2, 3, 3, 3][Int(rng.next() % 5)]          // pud, pmd, pte leaves
            let span: UInt64 = 1 << UInt64(b.arch.levels[level].shift)
            let va = base &+ (rng.next() % 1024) * span
            let rw = rng.next() & 1 == 0, nx = rng.next() & 1 == 0
            let pa = (rng.next() % 4096) << 12
            let e = level == 3 ? X86Entry.page(pa, rw: rw, nx: nx) : X86Entry.large(pa & ~(span - 1), rw: rw, nx: nx)
            let t = b.table(for: va, level: level)
            let existing = b.entry(table: t, index: b.index(of: va, level: level))
            if level < 3, case .table = b.arch.classify(existing, level: level) {
                continue        // never overwrite a table with a leaf
            }
            b.install(va: va, level: level, entry: e)
        }
        return b
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func runsEqualAPlainWalk(seed: UInt64) throws {
        let b = randomImage(seed: seed)
        let mem = try b.physicalMemory()
        let ranges = X86_64Port.walkRanges(fiveLevel: false)
        var got: [Run] = []
        var w = Walker(arch: b.arch, memory: mem)
        w.walk(root: b.root, ranges: ranges) { got.append($0) }
        // Expand runs to single events and compare with the reference walk.
        var events: [Run] = []
        for r in got {
            var a = r.start
            while true {
                events.append(Run(start: a, last: a, shift: Int(r.shift), level: Int(r.level), prot: r.prot, effective: r.effective))
                if a == r.last { break }
                a &+= r.stride
            }
        }
        let reference = referenceEvents(arch: b.arch, memory: mem, root: b.root, ranges: ranges)
        #expect(events == reference)
        #expect(w.problems.isEmpty)
    }

    @Test(arguments: [7, 8, 9] as [UInt64])
    func everyAddressIsReportedOnceInOrder(seed: UInt64) throws {
        let b = randomImage(seed: seed)
        let mem = try b.physicalMemory()
        let p = try x86Platform(root: b.root)
        var report = WalkReport()
        let sink = PageTableDump.run(arch: b.arch, memory: mem, root: b.root, ranges: p.layout.ranges,
                                     markers: p.layout.markers, advance: p.layout.advance,
                                     sink: RangeCollector(), report: &report)
        #expect(sink.ranges.first?.start == 0)
        #expect(sink.ranges.last?.end == 0)              // the final flush ends at address 0
        for (a, b2) in zip(sink.ranges, sink.ranges.dropFirst()) {
            #expect(a.end == b2.start)                   // contiguous: nothing twice, nothing missing
            #expect(a.start < a.end)
        }
    }

    @Test(arguments: [11, 12] as [UInt64])
    func coalescingNeverMergesDifferingAttributes(seed: UInt64) throws {
        let b = randomImage(seed: seed)
        let mem = try b.physicalMemory()
        let ranges = X86_64Port.walkRanges(fiveLevel: false)
        var report = WalkReport()
        let sink = PageTableDump.run(arch: b.arch, memory: mem, root: b.root, ranges: ranges, markers: [AddressMarker(0, "all")],
                                     advance: .oneStepOnFlush, sink: RangeCollector(), report: &report)
        let events = referenceEvents(arch: b.arch, memory: mem, root: b.root, ranges: ranges)
        // Each event lies in exactly one range, and that range has the event's attributes.
        var i = 0
        for e in events {
            while i < sink.ranges.count && sink.ranges[i].end != 0 && e.start >= sink.ranges[i].end.rawValue { i += 1 }
            let r = sink.ranges[i]
            #expect(r.level == Int(e.level) && r.prot == e.prot && r.effective == e.effective)
        }
        // Neighbouring ranges always differ (or the marker split them; there is one marker here).
        for (a, c) in zip(sink.ranges, sink.ranges.dropFirst()) {
            #expect(a.level != c.level || a.prot != c.prot || a.effective != c.effective)
        }
    }

    @Test func sharedTablesAreSummarizedOnce() throws {
        // KASAN-style early shadow: one PUD, PMD and PTE table reused by 200 top-level entries.
        var b = x86Builder()
        let pte = b.newTable(), pmd = b.newTable(), pud = b.newTable()
        let zero = b.newData([UInt8](repeating: 0, count: 4096))
        for i in 0..<512 {
            b.set(table: pte, index: i, X86Entry.page(zero.rawValue, rw: false))
            b.set(table: pmd, index: i, X86Entry.table(pte))
            b.set(table: pud, index: i, X86Entry.table(pmd))
        }
        for i in 300..<500 { b.set(table: b.root, index: i, X86Entry.table(pud)) }
        let mem = try b.physicalMemory()
        let p = try x86Platform(root: b.root)
        var w = Walker(arch: b.arch, memory: mem)
        var runs = 0
        w.walk(root: b.root, ranges: p.layout.ranges) { _ in runs += 1 }
        #expect(w.tablesRead <= 5)                       // root (once per range) + pud + pmd + pte
        // One run per top-level entry walked, but the first time the PUD and the PMD are met
        // they are walked in place (a table is only summarized once it is seen again): one run
        // for each of their other 511 entries, replayed from the summary below.
        #expect(runs == 256 + 240 + 2 * 511)
        let (text, _) = renderText(p, mem)
        // 200 × 512 GiB of identical 4K mappings print as a handful of lines split only by markers.
        #expect(text.split(separator: "\n").count < 40)
        #expect(text.contains("ro                 GLB NX pte"))
    }

    @Test func selfReferencingTablesTerminate() throws {
        // Every entry of every level points back at the root: 512^4 paths, one table.
        var b = x86Builder()
        for i in 0..<512 { b.set(table: b.root, index: i, X86Entry.table(b.root)) }
        let mem = try b.physicalMemory()
        let p = try x86Platform(root: b.root)
        var w = Walker(arch: b.arch, memory: mem)
        var count = 0
        w.walk(root: b.root, ranges: p.layout.ranges) { _ in count += 1 }
        #expect(w.tablesRead <= 8)
        #expect(count > 0)
    }

    @Test func unreadableTableIsReportedAndTheWalkGoesOn() throws {
        var b = x86Builder()
        b.install(va: 0xffff_8880_0000_0000, level: 3, entry: X86Entry.page(0x5000))
        b.set(table: b.root, index: 300, 0x7_0000_0000 | X86Entry.table)     // outside memory
        b.install(va: 0xffff_ffff_8000_0000, level: 3, entry: X86Entry.page(0x6000))
        let mem = try b.physicalMemory()
        let p = try x86Platform(root: b.root)
        let (text, report) = renderText(p, mem)
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.tablePA == 0x7_0000_0000)
        #expect(report.problems.first?.description.contains("outside the image's memory") == true)
        #expect(text.contains("0xffffffff80000000-0xffffffff80001000"))      // later mappings still printed
    }

    /// One x86 PTE table whose entries exercise every way a run of last-level entries ends:
    /// a physical jump, zero entries, an attribute change, an address field that carries into
    /// the attribute bits, equal entries, an entry with an address but no flags before a zero.
    func leafRunTable() -> (PageTableBuilder<X86_64>, va: UInt64, entries: [UInt64]) {
        var rng = SplitMix64(state: 99)
        var e = [UInt64](repeating: 0, count: 512)
        let rw = X86Entry.page(0, rw: true), ro = X86Entry.page(0, rw: false)
        for i in 0..<100 { e[i] = rw | (0x10_0000 + UInt64(i) << 12) }
        for i in 100..<150 { e[i] = rw | (0x90_0000 + UInt64(i) << 12) }            // a jump at 100
        for i in 160..<170 { e[i] = ro | (0x20_0000 + UInt64(i) << 12) }            // 150..<160 zero
        e[170] = rw | 0x000f_ffff_ffff_e000
        e[171] = rw | 0x000f_ffff_ffff_f000
        e[172] = e[171] &+ 4096                                                      // carries into bit 52
        for i in 173..<300 {
            let pick = rng.next()
            e[i] = (pick & 1 == 0 ? rw : ro) | (pick & 2 == 0 ? e[i - 1] & 0x000f_ffff_ffff_f000 &+ 4096 : (pick >> 20) << 12 & 0xff_ffff_f000)
            if pick % 7 == 0 { e[i] = 0 }
        }
        e[300] = 0x5000                                                              // address only
        for i in 302..<512 { e[i] = ro | 0x40_0000 }                                 // 301 zero; equal entries
        var b = x86Builder()
        let va: UInt64 = 0xffff_8880_0020_0000
        for (i, v) in e.enumerated() { b.install(va: va + UInt64(i) << 12, level: 3, entry: v) }
        return (b, va, e)
    }

    @Test(arguments: [false, true])
    func leafRunsScannedInATightLoopEqualAPlainWalk(physical: Bool) throws {
        let (b, va, entries) = leafRunTable()
        let mem = try b.physicalMemory()
        let window = [WalkRange(first: VirtualAddress(va), last: VirtualAddress(va + (512 << 12) - 1))]
        var w = Walker(arch: b.arch, memory: mem, tracksPhysical: physical)
        var got: [Run] = []
        w.walk(root: b.root, ranges: window) { got.append($0) }
        var events: [Run] = []
        for r in got {
            var a = r.start, pa = r.physical
            while true {
                events.append(Run(start: a, last: a, shift: Int(r.shift), level: Int(r.level), prot: r.prot,
                                  effective: r.effective, physical: pa))
                if a == r.last { break }
                a &+= r.stride
                pa = pa.map { $0 &+ r.stride }
            }
        }
        var reference = referenceEvents(arch: b.arch, memory: mem, root: b.root, ranges: window)
        #expect(reference.count == 512)
        for i in reference.indices where physical && entries[i] != 0 {
            reference[i].physical = b.arch.outputAddress(entries[i], level: 3).rawValue
        }
        #expect(events == reference)
        // Runs, not entries: the 512 entries arrive as far fewer records.
        #expect(got.count < 400)
        #expect(got.count > 10)
    }
}

