import ArgumentParser
import PTDumpCore

/// What the command does once the image and platform are known.
struct Actions {
    let file: String
    let image: Image
    let platform: Platform
    let options: Options

    func info() throws {
        let out = TextOutput(fd: 1)
        InfoReport.write(image: image, platform: platform, out: out)
        try done(out)
    }

    func walk(_ va: VirtualAddress) throws {
        let out = TextOutput(fd: 1)
        for line in try AddressWalk.explain(va, platform: platform, memory: image.memory) { out.write(line + "\n") }
        try done(out)
    }

    func save(to path: String) throws {
        try finish(try ImageSaver.save(to: path, image: image, platform: platform))
    }

    func print(_ dump: DumpOptions) throws {
        let out = TextOutput(fd: 1)
        let report = dump.generic ? GenericDump.print(platform: platform, memory: image.memory, options: dump, out: out)
                                  : PageTableDump.print(platform: platform, memory: image.memory, options: dump, out: out)
        try done(out)
        try finish(report)
    }

    func checkWX(json: Bool, window: WalkRange?, limits: DumpOptions, allowance: WXAllowance = WXAllowance()) throws {
        let (results, report) = PageTableDump.checkWX(platform: platform, memory: image.memory, window: window,
                                                      maxRanges: limits.maxRanges, maxTableReferences: limits.maxTableReferences)
        let out = TextOutput(fd: 1)
        let symbols = Symbolizer(map: options.systemMap, kernelOffset: image.vmcoreinfo?.kernelOffset ?? 0)
        var failed = false
        let allowing = !allowance.rules.isEmpty
        for r in results {
            if json {
                let lines = allowing ? r.checker.jsonLines(allowing: allowance, symbolize: symbols.describe)
                                     : r.checker.jsonLines(symbolize: symbols.describe)
                for line in lines { out.write(line + "\n") }
            } else {
                if let header = r.header { out.write(header + "\n") }
                let lines = allowing ? r.checker.findingLines(allowing: allowance, symbolize: symbols.describe)
                                     : r.checker.findingLines(symbolize: symbols.describe)
                for line in lines { out.write(line + "\n") }
                // A walk cut short has no verdict: finish says why and exits 2.
                if !report.stoppedEarly { out.write((allowing ? r.checker.verdict(allowing: allowance) : r.checker.verdict) + "\n") }
            }
            failed = failed || !(allowing ? r.checker.passed(allowing: allowance) : r.checker.passed)
        }
        try done(out)
        if !report.problems.isEmpty {
            printError("ptdump: \(file): the W^X verdict is incomplete: \(report.problems.count) page table\(report.problems.count == 1 ? "" : "s") could not be read")
        }
        try finish(report)
        if failed { throw ExitCode(1) }
    }

    /// Flushes `out`; a failed write (a full disk, a closed pipe) ends the run with exit 2.
    func done(_ out: TextOutput) throws {
        out.flush()
        if let why = out.writeErrorDescription {
            printError("ptdump: \(file): cannot write the output: \(why)")
            throw ExitCode(2)
        }
    }

    /// Names each unreadable table, or the range limit that stopped the walk, on stderr;
    /// exit 2 when there was any.
    func finish(_ report: WalkReport) throws {
        if let limit = report.rangeLimit {
            printError("ptdump: \(file): stopped after \(limit) ranges: the tables map more distinct ranges than a kernel's do (shared tables fanned out?); pass --max-ranges N to allow more")
        }
        if let o = report.overReferenced {
            printError("ptdump: \(file): stopped: \(o.references) entries point at the page table at \(hex(o.table)), more than the \(o.limit) --max-table-refs allows (tables shared in a pattern no kernel builds?); pass --max-table-refs N to allow more")
        }
        for p in report.problems { printError("ptdump: \(file): \(p)") }
        for p in report.rangeProblems { printError("ptdump: \(file): \(p)") }
        if report.stoppedEarly || !report.problems.isEmpty || !report.rangeProblems.isEmpty { throw ExitCode(2) }
    }
}
