/// `--check-tables`: table hygiene over the tree of tables (each distinct table once) and the
/// walker's own invariant over the coalesced ranges. The rules are the architecture's data
/// (`ArchitectureTableRules.hygiene`); this file knows no architecture.
public struct TableHygieneReport: Sendable {
    /// Every finding, tables in walk order.
    public var findings: [HygieneFinding] = []
    /// Distinct tables read.
    public var tablesRead = 0
    /// Entries looked at.
    public var entriesChecked = 0
    /// Checks that could not run, and why (`outside-memory: the image holds only page tables`).
    public var skipped: [String] = []

    /// The closing line.
    public var verdict: String {
        let what = "\(tablesRead) page table\(tablesRead == 1 ? "" : "s"), \(entriesChecked) entries"
        return findings.isEmpty ? "Checked \(what): passed, no findings."
                                : "Checked \(what): FAILED, \(findings.count) finding\(findings.count == 1 ? "" : "s")."
    }
}

public enum TableHygiene {
    /// Checks `platform`'s tables in `memory`. `memoryMap` is the physical memory the machine
    /// had (the dump's RAM regions); nil when the image does not say (a compact image holds
    /// only table pages), which skips the outside-memory check.
    /// `maxRanges` and `maxTableReferences` bound the coverage walk as they bound printing.
    /// `addressWidth` is the physical-address width for the architecture's `AddressWidthRule`
    /// (x86 bits 51:MAXPHYADDR); unknown, that rule is skipped and the report says why.
    /// `memoryMapMissing` says why there is no memory map, for the report.
    public static func check(platform: Platform, memory: any PhysicalMemory, memoryMap: [PhysicalRange]?,
                             window: WalkRange? = nil, maxRanges: Int = PageTableDump.defaultMaxRanges,
                             maxTableReferences: Int = PageTableDump.defaultMaxTableReferences,
                             addressWidth: PhysicalAddressWidth.Outcome = .notApplicable,
                             memoryMapMissing: String = "the image holds only page tables, not the machine's memory map") -> TableHygieneReport {
        platform.paging.accept(Check(platform: platform, memory: memory, memoryMap: memoryMap, window: window,
                                     maxRanges: maxRanges, maxTableReferences: maxTableReferences,
                                     addressWidth: addressWidth, memoryMapMissing: memoryMapMissing))
    }

    private struct Check: ArchitectureVisitor {
        let platform: Platform, memory: any PhysicalMemory, memoryMap: [PhysicalRange]?, window: WalkRange?
        let maxRanges: Int, maxTableReferences: Int
        let addressWidth: PhysicalAddressWidth.Outcome
        let memoryMapMissing: String

        func visit<A: Architecture>(_ arch: A) -> TableHygieneReport {
            let layout = window.map { platform.layout.restricted(to: $0) } ?? platform.layout
            var report = TableHygieneReport()
            var rules = (arch as? any ArchitectureTableRules)?.hygiene ?? .none
            if let w = rules.addressWidth {
                switch addressWidth {
                case .known(let f): rules.reserved += w.reservedRules(width: f.value, levels: arch.levels.count)
                case .unknown(let why): report.skipped.append("reserved bits \(w.highestBit):\(w.name): \(w.name) is unknown (\(why))")
                case .notApplicable: report.skipped.append("reserved bits \(w.highestBit):\(w.name): \(w.name) is unknown; pass --phys-bits N")
                }
            }
            var inspector = TableInspector(arch: arch, rules: rules, memoryMap: memoryMap, markers: layout.markers)
            if memoryMap == nil { report.skipped.append("outside-memory: \(memoryMapMissing)") }
            if rules.deviceMemory == nil && memoryMap != nil {
                report.skipped.append("outside-memory: this architecture's entries do not say which leaves map device memory")
            }
            var tree = TableTreeWalk(arch: arch, memory: memory)
            var visits: [PhysicalAddress: TableVisit] = [:]
            tree.walk(root: platform.root.value, rootLevel: platform.rootLevel, base: platform.vaBase, ranges: layout.ranges) { v, t in
                if visits[v.pa] == nil { visits[v.pa] = v }
                inspector.inspect(v, t)
            }
            report.findings = inspector.findings
            report.entriesChecked = inspector.entries
            report.tablesRead = tree.tablesRead
            for (v, reason) in tree.unreadable {
                let (f, l) = inspector.span(v)
                report.findings.append(HygieneFinding(kind: .unreadableTable, table: v.pa, level: inspector.levelName(v.level),
                                                      first: f, last: l, detail: "cannot be read (\(reason))"
                                                        + (v.parent.map { "; linked from entry \($0.index) of the table at \(hex($0.table))" } ?? "")))
            }
            // Live roots: each CPU's root repeats the kernel root's shared top-level entries.
            let live = LiveRootComparison(arch: arch, tables: tree.tables, rules: rules).compare(platform: platform, markers: platform.layout.markers)
            report.findings += live.findings
            report.skipped += live.skipped
            // Sharing: every table pointed at more than once, unless it only repeats a few entries
            // (KASAN's early shadow, ESPfix's cloned pages).
            let replicas = Replicated(tables: tree.tables, ignoring: rules.hardwareUpdated, validMask: rules.validMask)
            for (pa, count) in tree.references.sorted(by: { $0.key < $1.key }) where count > 1 {
                guard let v = visits[pa], !replicas.isReplicated(pa, level: v.level) else { continue }
                let (f, l) = inspector.span(v)
                report.findings.append(HygieneFinding(kind: .sharedTable, table: pa, level: inspector.levelName(v.level),
                                                      first: f, last: l, count: count,
                                                      detail: "linked from \(count) entries (VA range of the first); only tables that repeat a few entries, as KASAN's early shadow and ESPfix do, are shared"))
            }
            // The walker's invariant: every address of the walked ranges reported once, in order.
            var walkReport = WalkReport()
            let coverage = PageTableDump.run(arch: arch, memory: memory, root: platform.root.value, rootLevel: platform.rootLevel,
                                             base: platform.vaBase, ranges: layout.ranges, markers: [], advance: layout.advance,
                                             finalAddress: window.map { $0.last.rawValue &+ 1 } ?? 0,
                                             maxRanges: maxRanges, maxTableReferences: maxTableReferences,
                                             sink: CoverageChecker(start: layout.ranges.first?.first ?? 0), report: &walkReport)
            if walkReport.stoppedEarly {
                report.skipped.append("coverage: the walk stopped at the --max-ranges or --max-table-refs limit before its end")
            }
            for p in coverage.problems {
                report.findings.append(HygieneFinding(kind: .coverage, table: platform.root.value, level: inspector.levelName(platform.rootLevel),
                                                      first: p.first, last: p.last, detail: p.detail))
            }
            return report
        }
    }
}

/// Tables shared by design, recognised by their shape (not their address or a symbol): their
/// valid entries repeat at most `maxValues` values (bits the hardware updates ignored). KASAN's
/// early shadow repeats one entry at every level; ESPfix clones one page of stacks many times.
struct Replicated<A: Architecture> {
    let tables: PageTables<A>
    let ignoring: UInt64
    let validMask: UInt64
    var maxValues = 8

    func isReplicated(_ pa: PhysicalAddress, level: Int) -> Bool {
        guard let t = try? tables.table(at: pa, level: level) else { return false }
        var values: Set<UInt64> = []
        for i in 0..<t.entries {
            let e = t[i]
            guard e & validMask != 0 else { continue }
            values.insert(e & ~ignoring)
            if values.count > maxValues { return false }
        }
        return !values.isEmpty
    }
}
