/// Wires walker → coalescer → the generic text or JSON: ranges break where the physical
/// addresses stop being contiguous, and no kernel markers are printed.
public enum GenericDump {
    /// Prints `platform`'s tables to `out` in the generic text (or its JSON lines when
    /// `options.json`).
    public static func print(platform: Platform, memory: any PhysicalMemory, options: DumpOptions, out: TextOutput) -> WalkReport {
        let report = platform.paging.accept(GenericWalk(platform: platform, memory: memory, options: options, out: out))
        out.flush()
        return report
    }
}

private struct GenericWalk: ArchitectureVisitor {
    let platform: Platform, memory: any PhysicalMemory, options: DumpOptions, out: TextOutput

    func visit<A: Architecture>(_ arch: A) -> WalkReport {
        var report = WalkReport()
        let l = options.window.map { platform.layout.restricted(to: $0) } ?? platform.layout
        let final = options.window.map { $0.last.rawValue &+ 1 } ?? l.finalAddress
        func go<S: RangeSink>(_ sink: S) -> S {
            PageTableDump.run(arch: arch, memory: memory, root: platform.root.value, rootLevel: platform.rootLevel,
                              base: platform.vaBase, ranges: l.ranges, markers: [], advance: l.advance, physical: true,
                              kasanShortcut: l.kasanShortcut, finalAddress: final, maxRanges: options.maxRanges,
                              maxTableReferences: options.maxTableReferences, sink: sink, report: &report)
        }
        if options.json {
            var s = go(GenericJSONFormatter(out: out, arch: arch))
            s.summary(platform: platform, report: report)
            report.rangeProblems = s.problems
        } else {
            report.rangeProblems = go(GenericTextFormatter(out: out, arch: arch)).problems
        }
        return report
    }
}
