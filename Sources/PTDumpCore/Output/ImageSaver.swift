/// `--save`: walks as printing and checking would, then writes the pages read.
public enum ImageSaver {
    public static func save(to path: String, image: Image, platform p: Platform) throws(ImageError) -> WalkReport {
        var report = PageTableDump.printText(platform: p, memory: image.memory, out: TextOutput())
        let (_, check) = PageTableDump.checkWX(platform: p, memory: image.memory)
        report.tablePages.formUnion(check.tablePages)
        var pages = report.tablePages
        pages.insert(p.root.value)
        for r in p.extraCheckRoots { pages.insert(r.value) }
        let pageBytes = report.tableBytes
        try CompactImage.write(path: path, arch: p.arch.value, memory: image.memory,
                               pages: pages.filter { image.memory.contains($0, length: pageBytes) }.sorted(),
                               pageBytes: pageBytes, note: CompactImage.noteText(platform: p), vmcoreinfo: image.vmcoreinfo)
        return report
    }
}
