/// What a walk met besides its output.
public struct WalkReport: Sendable {
    /// Tables that could not be read.
    public var problems: [WalkProblem] = []
    /// Physical addresses of every table page read.
    public var tablePages: Set<UInt64> = []
    /// Distinct table pages read.
    public var tablesRead = 0
}

/// Wires walker → coalescer → sink for a platform.
public enum PageTableDump {
    /// Walks `root` over `ranges`, coalescing with `markers`, into `sink`; returns the sink.
    public static func run<A: Architecture, S: RangeSink>(
        arch: A, memory: PhysicalMemory, root: UInt64, rootLevel: Int = 0, base: UInt64 = 0,
        ranges: [WalkRange], markers: [AddressMarker], advance: MarkerAdvance, sink: S, report: inout WalkReport
    ) -> S {
        var walker = Walker(arch: arch, memory: memory)
        var c = RangeCoalescer(markers: markers, advance: advance, sink: sink)
        walker.walk(root: root, level: rootLevel, base: base, ranges: ranges) { c.feed($0) }
        c.finish()
        report.problems += walker.problems
        report.tablePages.formUnion(walker.tablePages)
        report.tablesRead += walker.tablesRead
        return c.sink
    }

    /// Prints the kernel's text for `platform` to `out`.
    public static func printText(platform: Platform, memory: PhysicalMemory, out: TextOutput) -> WalkReport {
        var report = WalkReport()
        let l = platform.layout
        switch platform.paging {
        case .x86(let a):
            _ = run(arch: a, memory: memory, root: platform.root.value, ranges: l.ranges, markers: l.markers,
                    advance: l.advance, sink: X86TextFormatter(out: out), report: &report)
        }
        out.flush()
        return report
    }

    /// Runs the W^X check over the main root and any extra check roots.
    public static func checkWX(platform: Platform, memory: PhysicalMemory) -> ([(header: String?, checker: WXChecker)], WalkReport) {
        var report = WalkReport()
        let l = platform.layout
        var results: [(String?, WXChecker)] = []
        switch platform.paging {
        case .x86(let a):
            let roots: [(String?, UInt64)] = [(nil, platform.root.value)]
                + platform.extraCheckRoots.map { ("x86/mm: Checking user space page tables", $0.value) }
            for (header, root) in roots {
                let c = run(arch: a, memory: memory, root: root, ranges: l.checkRanges, markers: l.checkMarkers,
                            advance: l.advance, sink: WXChecker(rule: .x86), report: &report)
                results.append((header, c))
            }
        }
        return (results, report)
    }
}
