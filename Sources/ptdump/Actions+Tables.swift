import ArgumentParser
import PTDumpCore

extension Actions {
    /// The machine's memory map as the image knows it: its memory regions, or for a compact
    /// image (which holds only table pages) the memory-map record `--save` wrote, if any.
    var memoryMap: [PhysicalRange]? {
        image.ptdumpNote.isEmpty ? image.memory.regions : ((try? CompactImageMemoryMap.read(image)) ?? nil)
    }

    /// The physical-address width for the reserved-bits check (flag, image, kernel variable).
    func addressWidth() throws(ImageError) -> PhysicalAddressWidth.Outcome {
        try PhysicalAddressWidth.resolve(image: image, platform: platform, options: options, symbols: { loadSymbols().symbols })
    }

    /// `--check-tables`: one line per finding, the verdict; exit 1 when any finding.
    func checkTables(json: Bool, window: WalkRange?, limits: DumpOptions) throws {
        let report = TableHygiene.check(platform: platform, memory: image.memory, memoryMap: memoryMap, window: window,
                                        maxRanges: limits.maxRanges, maxTableReferences: limits.maxTableReferences,
                                        addressWidth: try addressWidth(),
                                        memoryMapMissing: "the compact image holds only page tables and no memory-map record (saved by an older ptdump, or from a source without one)")
        let out = TextOutput(fd: 1)
        if json {
            for f in report.findings { out.write(f.json + "\n") }
            out.write("{\"summary\":{\"tables\":\(report.tablesRead),\"entries\":\(report.entriesChecked),\"findings\":\(report.findings.count)"
                      + ",\"skipped\":[\(report.skipped.map(jsonString).joined(separator: ","))]}}\n")
        } else {
            for f in report.findings { out.write(f.line + "\n") }
            for s in report.skipped { out.write("not checked: \(s)\n") }
            out.write(report.verdict + "\n")
        }
        try done(out)
        if !report.findings.isEmpty { throw ExitCode(1) }
    }
}


extension Actions {
    /// `--stats`: tables per level, memory held, sharing, what each region maps.
    func stats(json: Bool, window: WalkRange?) throws {
        let stats = TableStats.collect(platform: platform, memory: image.memory, window: window)
        let out = TextOutput(fd: 1)
        if json { out.write(stats.json + "\n") } else { for l in stats.lines { out.write(l + "\n") } }
        try done(out)
    }
}
