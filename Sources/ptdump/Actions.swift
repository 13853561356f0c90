import ArgumentParser
import PTDumpCore

/// What the command does once the image and platform are known.
struct Actions {
    let file: String
    let image: Image
    let platform: Platform
    let options: Options

    func info() {
        let out = TextOutput(fd: 1)
        InfoReport.write(image: image, platform: platform, out: out)
        out.flush()
    }

    func walk(_ va: VirtualAddress) throws {
        let out = TextOutput(fd: 1)
        for line in try AddressWalk.explain(va, platform: platform, memory: image.memory) { out.write(line + "\n") }
        out.flush()
    }

    func save(to path: String) throws {
        try finish(try ImageSaver.save(to: path, image: image, platform: platform))
    }

    func print(_ dump: DumpOptions) throws {
        try finish(PageTableDump.print(platform: platform, memory: image.memory, options: dump, out: TextOutput(fd: 1)))
    }

    func checkWX(json: Bool, window: WalkRange?) throws {
        let (results, report) = PageTableDump.checkWX(platform: platform, memory: image.memory, window: window)
        let out = TextOutput(fd: 1)
        let symbols = Symbolizer(map: options.systemMap, kernelOffset: image.vmcoreinfo?.kernelOffset ?? 0)
        var failed = false
        for r in results {
            if json {
                for line in r.checker.jsonLines(symbolize: symbols.describe) { out.write(line + "\n") }
            } else {
                if let header = r.header { out.write(header + "\n") }
                for line in r.checker.findingLines(symbolize: symbols.describe) { out.write(line + "\n") }
                out.write(r.checker.verdict + "\n")
            }
            failed = failed || !r.checker.passed
        }
        out.flush()
        try finish(report)
        if failed { throw ExitCode(1) }
    }

    /// Names each unreadable table on stderr; exit 2 when there was any.
    func finish(_ report: WalkReport) throws {
        guard !report.problems.isEmpty else { return }
        for p in report.problems { printError("ptdump: \(file): \(p)") }
        throw ExitCode(2)
    }
}
