/// What a walk met besides its output.
public struct WalkReport: Sendable {
    /// Tables that could not be read.
    public var problems: [WalkProblem] = []
    /// Physical addresses of every table page read.
    public var tablePages: Set<UInt64> = []
    /// Distinct table pages read.
    public var tablesRead = 0
    /// Bytes in the largest table of the architecture.
    public var tableBytes = 4096

    public init() {}
}

/// A W^X check of one root.
public struct WXCheckResult: Sendable {
    /// A line printed before the findings (x86's PTI user-table pass).
    public var header: String?
    public var checker: WXChecker
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
        report.tableBytes = arch.levels.map { $0.entries * 8 }.max() ?? 4096
        return c.sink
    }

    /// Prints the kernel's text for `platform` to `out` in `style` (default: the architecture's).
    public static func printText(platform: Platform, memory: PhysicalMemory, style: TextStyle? = nil,
                                 out: TextOutput) -> WalkReport {
        let report = platform.paging.accept(TextWalk(platform: platform, memory: memory,
                                                     style: style ?? platform.textStyle, out: out))
        out.flush()
        return report
    }

    /// Runs the W^X check over the main root and any extra check roots.
    public static func checkWX(platform: Platform, memory: PhysicalMemory) -> ([WXCheckResult], WalkReport) {
        platform.paging.accept(CheckWalk(platform: platform, memory: memory))
    }
}

private struct TextWalk: ArchitectureVisitor {
    let platform: Platform, memory: PhysicalMemory, style: TextStyle, out: TextOutput

    func visit<A: Architecture>(_ arch: A) -> WalkReport {
        var report = WalkReport()
        let l = platform.layout
        switch style {
        case .x86:
            _ = PageTableDump.run(arch: arch, memory: memory, root: platform.root.value, ranges: l.ranges,
                                  markers: l.markers, advance: l.advance, sink: X86TextFormatter(out: out), report: &report)
        case .arm64:
            _ = PageTableDump.run(arch: arch, memory: memory, root: platform.root.value, ranges: l.ranges,
                                  markers: l.markers, advance: l.advance,
                                  sink: ARM64TextFormatter(out: out, levelNames: arch.levelNames), report: &report)
        }
        return report
    }
}

private struct CheckWalk: ArchitectureVisitor {
    let platform: Platform, memory: PhysicalMemory

    func visit<A: Architecture>(_ arch: A) -> ([WXCheckResult], WalkReport) {
        var report = WalkReport()
        let l = platform.layout
        var results: [WXCheckResult] = []
        let roots: [(String?, UInt64)] = [(nil, platform.root.value)]
            + platform.extraCheckRoots.map { ("\(platform.wxRule.prefix)Checking user space page tables", $0.value) }
        for (header, root) in roots {
            let c = PageTableDump.run(arch: arch, memory: memory, root: root, ranges: l.checkRanges,
                                      markers: l.checkMarkers, advance: l.advance,
                                      sink: WXChecker(rule: platform.wxRule), report: &report)
            results.append(WXCheckResult(header: header, checker: c))
        }
        return (results, report)
    }
}
