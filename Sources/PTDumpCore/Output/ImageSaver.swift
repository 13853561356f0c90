/// `--save`: walks as printing and checking would, then writes the pages read.
public enum ImageSaver {
    public static func save(to path: String, image: Image, platform p: Platform) throws(ImageError) -> WalkReport {
        var report = PageTableDump.printText(platform: p, memory: image.memory, out: TextOutput())
        let (_, check) = PageTableDump.checkWX(platform: p, memory: image.memory)
        report.tablePages.formUnion(check.tablePages)
        var pages = report.tablePages
        pages.insert(p.root.value)
        for r in p.extraCheckRoots { pages.insert(r.value) }
        // The kallsyms tables, so the saved image can still name symbols.
        pages.formUnion(KernelSymbolSource.kallsymsPages(image: image, platform: p))
        let pageBytes = report.tableBytes
        try CompactImageWriter.write(path: path, arch: p.arch.value, memory: image.memory,
                                     pages: pages.filter { image.memory.contains($0, length: pageBytes) }.sorted(),
                                     pageBytes: pageBytes, note: note(platform: p).text, vmcoreinfo: image.vmcoreinfo)
        return report
    }

    /// The note that lets the saved image print as `p` does.
    public static func note(platform p: Platform) -> CompactImageNote {
        var note = CompactImageNote(arch: p.arch.value, levels: p.levels.value, pageSize: p.pageSize.value, vaBits: p.vaBits.value,
                         root: p.root.value,
                         rootLevel: p.rootLevel > 0 ? (PlatformResolver.levelName(p), p.vaBase) : nil,
                         kernel: p.profile.value.release,
                         layout: p.layout.facts.map { ($0.key, $0.fact.value) })
        if p.layout.markerSource != nil { note.markers = p.layout.markers }
        return note
    }
}
