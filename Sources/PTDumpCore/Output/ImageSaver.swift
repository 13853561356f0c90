/// `--save`: walks as printing and checking would, then writes the pages read.
public enum ImageSaver {
    /// `physicalAddressBits` (the width `--check-tables` resolved) and `memoryMap` (the source's
    /// RAM regions) are recorded in the note when given, for `--check-tables` on the image.
    public static func save(to path: String, image: Image, platform p: Platform, physicalAddressBits: Int? = nil,
                            memoryMap: [PhysicalRange] = []) throws(ImageError) -> WalkReport {
        var options = DumpOptions()
        options.collectsTablePages = true
        var report = PageTableDump.print(platform: p, memory: image.memory, options: options, out: TextOutput())
        let (_, check) = PageTableDump.checkWX(platform: p, memory: image.memory, collectTablePages: true)
        report.tablePages.formUnion(check.tablePages)
        var pages = report.tablePages
        pages.insert(p.root.value)
        for r in p.extraCheckRoots { pages.insert(r.value) }
        // The kallsyms tables, so the saved image can still name symbols.
        pages.formUnion(KernelSymbolSource.kallsymsPages(image: image, platform: p))
        // Saved in pages of the base page size: a table smaller than a page (s390's 2 KiB page
        // tables) or larger (its 16 KiB region tables) is kept whole without two saved pages
        // overlapping.
        let pageBytes = Int(p.architecture.pageSize)
        let unit = UInt64(pageBytes)
        var units: Set<PhysicalAddress> = []
        for pa in pages {
            var at = pa.rawValue & ~(unit - 1)
            let (end, o) = pa.rawValue.addingReportingOverflow(UInt64(report.tableBytes))
            while at < (o ? UInt64.max : end) {
                units.insert(PhysicalAddress(at))
                let (next, o2) = at.addingReportingOverflow(unit)
                if o2 { break }
                at = next
            }
        }
        try CompactImageWriter.write(path: path, arch: p.arch.value, memory: image.memory,
                                     pages: units.filter { image.memory.contains($0, length: pageBytes) || image.memory.contains($0, length: 8) }.sorted(),
                                     pageBytes: pageBytes,
                                     note: note(platform: p, physicalAddressBits: physicalAddressBits, memoryMap: memoryMap).text,
                                     vmcoreinfo: image.vmcoreinfo)
        return report
    }

    /// The note that lets the saved image print as `p` does.
    public static func note(platform p: Platform, physicalAddressBits: Int? = nil, memoryMap: [PhysicalRange] = []) -> CompactImageNote {
        var note = CompactImageNote(arch: p.arch.value, levels: p.levels.value, pageSize: p.pageSize.value, vaBits: p.vaBits.value,
                         root: p.root.value,
                         rootLevel: p.rootLevel > 0 ? (PlatformResolver.levelName(p), p.vaBase) : nil,
                         kernel: p.profile.value.release,
                         layout: p.layout.facts.map { ($0.key, $0.fact.value) })
        if p.layout.markerSource != nil { note.markers = p.layout.markers }
        note.translation = p.translationNote
        note.physicalAddressBits = physicalAddressBits
        note.memoryMap = CompactImageMemoryMap.lines(memoryMap)
        return note
    }
}
