import ArgumentParser
import PTDumpCore

/// What the command does once the image and platform are known.
struct Actions {
    let file: String
    let image: Image
    let platform: Platform
    let options: Options
    /// The symbols, when resolving already needed them.
    var cachedSymbols: KernelSymbolSource.Outcome? = nil
    /// The dump's configuration, when resolving already used it.
    var dumpConfig: KernelConfigSource.Outcome? = nil

    func info() throws {
        let out = TextOutput(fd: 1)
        let symbols = loadSymbols()
        let (p, config) = refinedPlatform(symbols: symbols)
        InfoReport.write(image: image, platform: p, out: out)
        InfoReport.writeMemoryMap(memoryMap, compact: !image.ptdumpNote.isEmpty, out: out)
        InfoReport.writeAddressWidth(try addressWidth(), out: out)
        InfoReport.writeSymbols(symbols, out: out)
        InfoReport.writeConfig(options.kernelConfig != nil ? nil : config, out: out)
        try done(out)
    }

    func walk(_ va: VirtualAddress) throws {
        let out = TextOutput(fd: 1)
        var lines = try AddressWalk.explain(va, platform: platform, memory: image.memory)
        // Under the heading line, so the translation's verdict stays the last line.
        lines.insert(contentsOf: AddressWalk.naming(va, platform: platform, symbols: loadSymbols().symbols), at: min(1, lines.count))
        for line in lines { out.write(line + "\n") }
        try done(out)
    }

    /// The kernel's symbols, from the first source that works (decoded only when asked).
    func loadSymbols() -> KernelSymbolSource.Outcome {
        cachedSymbols ?? KernelSymbolSource.load(image: image, platform: platform, options: options)
    }

    /// The symbols, or exit 2 saying which flag would help.
    func requireSymbols() throws -> KernelSymbols {
        let outcome = loadSymbols()
        guard let s = outcome.symbols else { fail(file, outcome.hint) }
        return s
    }

    func listSymbols() throws {
        let symbols = try requireSymbols()
        let out = TextOutput(fd: 1)
        for s in symbols.symbols { out.write("\(hex16(s.address).dropFirst(2)) \(s.type) \(s.name)\n") }
        try done(out)
    }

    func printWithSymbols(_ dump: DumpOptions) throws {
        let symbols = try requireSymbols()
        let buffer = TextOutput()
        let report = PageTableDump.print(platform: platform, memory: image.memory, options: dump, out: buffer)
        let memory = TranslatedKernelMemory(platform: platform, memory: image.memory)
        let annotator = SymbolAnnotator(symbols: symbols, isMapped: { memory.isMapped($0) })
        let out = TextOutput(fd: 1)
        out.write(annotator.annotate(buffer.text, json: dump.json))
        try done(out)
        try finish(report)
    }

    func save(to path: String) throws {
        let width = try addressWidth()
        try finish(try ImageSaver.save(to: path, image: image, platform: refinedPlatform().0,
                                       physicalAddressBits: width.width, memoryMap: memoryMap ?? []))
    }

    /// The platform with the facts that are still defaults decided by the dump's own
    /// configuration (embedded, or inferred from its symbols), and that configuration's outcome.
    func refinedPlatform(symbols: KernelSymbolSource.Outcome? = nil) -> (Platform, KernelConfigSource.Outcome?) {
        guard options.kernelConfig == nil, dumpConfig == nil, image.vmcoreinfo != nil, DumpConfiguration.hasDefaults(platform) else {
            return (platform, dumpConfig)
        }
        let found = KernelConfigSource.load(image: image, platform: platform, symbols: (symbols ?? loadSymbols()).symbols)
        guard let c = found.config else { return (platform, found) }
        return (DumpConfiguration.refineDefaults(platform, config: c), found)
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
        // Symbols are decoded only when there is a finding to name.
        let anyFinding = results.contains { !$0.checker.findings.isEmpty }
        let symbols = Symbolizer(symbols: anyFinding ? loadSymbols().symbols : nil)
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
