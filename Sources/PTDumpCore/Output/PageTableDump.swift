/// Wires walker → coalescer → sink for a platform.
public enum PageTableDump {
    /// Walks `root` over `ranges`, coalescing with `markers`, into `sink`; returns the sink.
    /// `physical` (`--phys`): ranges carry their physical start and break where physical
    /// contiguity breaks. `physicalColumn`: ranges carry the physical address of their first
    /// entry without breaking on it (a kernel text with a PA column).
    public static func run<A: Architecture, S: RangeSink>(
        arch: A, memory: any PhysicalMemory, root: PhysicalAddress, rootLevel: Int = 0, base: VirtualAddress = 0,
        ranges: [WalkRange], markers: [AddressMarker], advance: MarkerAdvance, physical: Bool = false,
        physicalColumn: Bool = false, kasanShortcut: Bool = false, finalAddress: UInt64 = 0,
        maxRanges: Int = defaultMaxRanges, maxTableReferences: Int = defaultMaxTableReferences,
        sink: S, report: inout WalkReport
    ) -> S {
        var walker = Walker(arch: arch, memory: memory, tracksPhysical: physical || physicalColumn, kasanShortcut: kasanShortcut,
                            shortcutPhysical: physicalColumn)
        walker.maxTableReferences = maxTableReferences
        var c = RangeCoalescer(markers: markers, advance: advance, breaksOnPhysical: physical, sink: sink)
        walker.walk(root: root, level: rootLevel, base: base, ranges: ranges) { (r: Run) -> Bool in
            c.feed(r)
            return c.rangeCount < maxRanges
        }
        if let (table, count) = walker.overReferenced {
            report.overReferenced = (table, count, maxTableReferences)
        } else if walker.stoppedEarly {
            report.rangeLimit = maxRanges
        } else {
            c.finish(at: finalAddress)
        }
        report.problems += walker.problems
        report.tablePages.formUnion(walker.tablePages)
        report.tablesRead += walker.tablesRead
        report.tableBytes = arch.tableBytes
        return c.sink
    }

    /// Ranges a walk may produce before it stops (`--max-ranges`): far more than any kernel's
    /// tables give, far fewer than a hostile fan-out of shared tables would.
    public static let defaultMaxRanges = 2_000_000

    /// Entries that may point at one table before the walk stops (`--max-table-refs`).
    public static let defaultMaxTableReferences = 1_000_000

    /// Prints `platform`'s tables to `out` as text (or JSON lines).
    public static func printText(platform: Platform, memory: any PhysicalMemory, out: TextOutput) -> WalkReport {
        print(platform: platform, memory: memory, options: DumpOptions(), out: out)
    }

    /// Prints `platform`'s tables to `out` as `options` say.
    public static func print(platform: Platform, memory: any PhysicalMemory, options: DumpOptions, out: TextOutput) -> WalkReport {
        let report = platform.paging.accept(TextWalk(platform: platform, memory: memory, options: options, out: out))
        out.flush()
        return report
    }

    /// Runs the W^X check over the main root and any extra check roots.
    public static func checkWX(platform: Platform, memory: any PhysicalMemory, window: WalkRange? = nil,
                               maxRanges: Int = defaultMaxRanges,
                               maxTableReferences: Int = defaultMaxTableReferences) -> ([WXCheckResult], WalkReport) {
        platform.paging.accept(CheckWalk(platform: platform, memory: memory, window: window, maxRanges: maxRanges,
                                         maxTableReferences: maxTableReferences))
    }
}

private struct TextWalk: ArchitectureVisitor {
    let platform: Platform, memory: any PhysicalMemory, options: DumpOptions, out: TextOutput

    func visit<A: Architecture>(_ arch: A) -> WalkReport {
        var report = WalkReport()
        let l = options.window.map { platform.layout.restricted(to: $0) } ?? platform.layout
        let final = options.window.map { $0.last.rawValue &+ 1 } ?? l.finalAddress
        let root = platform.root.value
        func go<S: RangeSink>(_ sink: S) -> S {
            PageTableDump.run(arch: arch, memory: memory, root: root, rootLevel: platform.rootLevel, base: platform.vaBase,
                              ranges: l.ranges, markers: l.markers, advance: l.advance,
                              physical: options.physical, physicalColumn: !options.json && arch.textStyle.physicalColumn,
                              kasanShortcut: l.kasanShortcut,
                              finalAddress: final, maxRanges: options.maxRanges,
                              maxTableReferences: options.maxTableReferences, sink: sink, report: &report)
        }
        if options.json {
            var s = go(JSONFormatter(out: out, arch: arch))
            s.summary(platform: platform, report: report)
            return report
        }
        _ = go(KernelTextFormatter(out: out, style: arch.textStyle, levelNames: arch.levelNames, physical: options.physical))
        return report
    }
}

private struct CheckWalk: ArchitectureVisitor {
    let platform: Platform, memory: any PhysicalMemory, window: WalkRange?, maxRanges: Int, maxTableReferences: Int

    func visit<A: Architecture>(_ arch: A) -> ([WXCheckResult], WalkReport) {
        var report = WalkReport()
        let l = window.map { platform.layout.restricted(to: $0) } ?? platform.layout
        var results: [WXCheckResult] = []
        let rule = arch.wxRule
        let roots: [(String?, PhysicalAddress)] = [(nil, platform.root.value)]
            + platform.extraCheckRoots.map { ("\(rule.prefix)Checking user space page tables", $0.value) }
        for (header, root) in roots {
            let c = PageTableDump.run(arch: arch, memory: memory, root: root, rootLevel: platform.rootLevel, base: platform.vaBase,
                                      ranges: l.checkRanges, markers: l.checkMarkers, advance: l.advance,
                                      kasanShortcut: l.kasanShortcut, finalAddress: window.map { $0.last.rawValue &+ 1 } ?? l.finalAddress,
                                      maxRanges: maxRanges, maxTableReferences: maxTableReferences,
                                      sink: WXChecker(rule: rule), report: &report)
            results.append(WXCheckResult(header: header, checker: c))
        }
        return (results, report)
    }
}
