import Testing
@testable import PTDumpCore

/// kdump-compressed dumps through the whole tool: the same root, mode and text as the compact
/// image saved from the same real kernel, with only the table pages decompressed.
@Suite struct KdumpImageTests {
    static let pairs = [("x86_64-4level.c-d31.kdump", "x86_64-4level"), ("x86_64-4level.l-d31.kdump", "x86_64-4level"),
                        ("x86_64-4level.c-d31.flat", "x86_64-4level"), ("arm64-4k-48.z-d31.kdump", "arm64-4k-48")]

    @Test(arguments: pairs)
    func kdumpPrintsTheKernelsTextWithNoFlagsButTheLayout(_ kdump: String, _ sample: String) throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/kdump/\(kdump)")
        #expect(image.format.hasPrefix("kdump-compressed"))
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let saved = try ImageLoader.load(path: "\(repoRoot)/samples/\(sample)/image.ptd")
        var q = try PlatformResolver.resolve(image: saved, options: Options())
        #expect(p.root.value == q.root.value)
        #expect(p.levels.value == q.levels.value && p.pageSize.value == q.pageSize.value && p.vaBits.value == q.vaBits.value)
        #expect(p.arch.source.description.contains("kdump header"))
        // The saved image's layout facts (the build's configuration) over the kdump memory.
        q.root = p.root
        let (text, report) = renderText(q, image.memory)
        #expect(text == readRepoFile("samples/\(sample)/expected.txt"))
        #expect(report.problems.isEmpty)
        #expect(wxLines(q, image.memory).last == readRepoFile("samples/\(sample)/wx.txt").split(separator: "\n").last.map(String.init))
        // Only table pages (and the odd layout probe) were decompressed, not the dump.
        let k = try #require(image.memory as? KdumpMemory)
        let dumpedPages = k.file.dumpedRegions.reduce(UInt64(0)) { $0 + ($1.end - $1.start) } / UInt64(k.file.pageSize)
        #expect(k.file.pagesRead > 0 && UInt64(k.file.pagesRead) * 3 < dumpedPages)
    }

    @Test(arguments: pairs)
    func withNoFlagsAtAllTheKernelsOwnMarkerTableGivesItsExactText(_ kdump: String, _ sample: String) throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/kdump/\(kdump)")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(renderText(p, image.memory).0 == readRepoFile("samples/\(sample)/expected.txt"))
        let fixmap = try #require(p.layout.facts.first { $0.key == .fixmapPages })
        #expect(fixmap.fact.source.description.contains("address_markers[]"))
        #expect(p.layout.markerSource?.description.contains("address_markers[]") == true)
        // A compact image saved from it keeps the kernel's markers, names, order and all.
        let note = ImageSaver.note(platform: p)
        #expect(note.markers == p.layout.markers)
        #expect(note.text.contains("marker=\(hex(p.layout.markers[0].start)),\(p.layout.markers[0].maxLines),\(p.layout.markers[0].name)\n"))
    }

    @Test func savedMarkersAreUsedAndMalformedOnesRefused() throws {
        var image = try ImageLoader.load(path: "\(repoRoot)/samples/x86_64-4level/image.ptd")
        image.ptdumpNote += [("marker", "0x0,0,Everything"), ("marker", "0xffff800000000000,3,Second half")]
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.layout.markers.map(\.name) == ["Everything", "Second half"])
        #expect(p.layout.markers[1].maxLines == 3)
        let text = renderText(p, image.memory).0
        #expect(text.hasPrefix("---[ Everything ]---\n"))
        #expect(text.contains("---[ Second half ]---\n"))
        image.ptdumpNote.append(("marker", "0xzz,0,Bad"))
        #expect(throws: ImageError.self) { _ = try PlatformResolver.resolve(image: image, options: Options()) }
    }

    @Test func splitPartsInAnyOrderGiveOneImage() throws {
        let dir = "\(repoRoot)/samples/kdump/x86_64-4level.c-d31"
        let image = try ImageLoader.load(path: dir + ".split3", otherParts: [dir + ".split1", dir + ".split2"])
        let whole = try ImageLoader.load(path: dir + ".kdump")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(renderText(p, image.memory).0 == renderText(p, whole.memory).0)
        #expect(throws: ImageError.self) { _ = try ImageLoader.load(path: dir + ".split1", otherParts: [dir + ".split3"]) }
    }

    @Test func aTablePageTheDumpLeftOutIsAProblemForItsRangeNotTheRun() throws {
        let saved = try ImageLoader.load(path: "\(repoRoot)/samples/x86_64-4level/image.ptd")
        let p = try PlatformResolver.resolve(image: saved, options: Options())
        // A PTE table of the kernel text, as a filtered dump would leave it out.
        let steps = try PageTables(arch: X86_64(fiveLevel: false), memory: saved.memory)
            .translate(0xffff_ffff_8140_0000, root: p.root.value)
        let pte = try #require(steps.last?.tablePA)
        let memory = ExcludingMemory(base: saved.memory, excluded: pte)
        let (text, report) = renderText(p, memory)
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.tablePA == pte)
        #expect(report.problems.first?.description.contains("left out") == true)
        #expect(text.contains("---[ Modules ]---"))          // everything else is printed
    }
}

/// Memory that has lost one page, as a dump filtered by makedumpfile can.
struct ExcludingMemory: PhysicalMemory {
    let base: any PhysicalMemory
    let excluded: PhysicalAddress
    var regions: [PhysicalRange] { base.regions }
    var summary: String { base.summary }
    func read(_ pa: PhysicalAddress, length: Int) throws(ImageError) -> [UInt8] {
        if pa.rawValue / 4096 == excluded.rawValue / 4096 {
            throw .notInDump(pa.rawValue, "physical address \(hex(pa)) is in a page the dump left out (excluded by makedumpfile's dump level)")
        }
        return try base.read(pa, length: length)
    }
    func table(at pa: PhysicalAddress, entries: Int, byteOrder: ByteOrder) throws(ImageError) -> TablePage {
        try copiedTable(at: pa, entries: entries, byteOrder: byteOrder)
    }
}
