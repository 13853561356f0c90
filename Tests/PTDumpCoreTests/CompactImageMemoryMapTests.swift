import Testing
@testable import PTDumpCore

/// The compact image's optional memory-map record (`ram=`) and width (`phys_bits=`): written
/// by `--save`, read back, used by `--check-tables`; old images without them still load and
/// skip the check; every ill-formed record is refused.
@Suite struct CompactImageMemoryMapTests {
    /// A real QEMU kdump saved with its RAM and MAXPHYADDR: the record reads back as the
    /// source's memory map, the image prints the kernel's text, and the checks run.
    @Test func saveRecordsTheMemoryMapAndWidth() throws {
        let source = try ImageLoader.load(path: "\(repoRoot)/samples/x86_64-4level-6.12/vmcore.qemu-zlib.kdump")
        let platform = try PlatformResolver.resolve(image: source, options: Options())
        let path = scratchPath("with-map.ptd")
        _ = try ImageSaver.save(to: path, image: source, platform: platform, physicalAddressBits: 40, memoryMap: source.memory.regions)
        let saved = try ImageLoader.load(path: path)
        let map = try #require(try CompactImageMemoryMap.read(saved))
        #expect(map == source.memory.regions)
        let p = try PlatformResolver.resolve(image: saved, options: Options())
        let width = try PhysicalAddressWidth.resolve(image: saved, platform: p, options: Options()) { nil }
        guard case .known(let f) = width else { Issue.record("\(width)"); return }
        #expect(f.value == 40 && f.source == .imageNote("phys_bits"))
        let r = TableHygiene.check(platform: p, memory: saved.memory, memoryMap: map, addressWidth: width)
        #expect(r.findings.isEmpty && r.skipped.isEmpty, "\(r.findings.map(\.line)) \(r.skipped)")
        #expect(renderText(p, saved.memory).0 == readRepoFile("samples/x86_64-4level-6.12/expected.txt"))

        // A leaf moved outside every recorded region is found in the compact image too.
        var memory = PatchedMemory(saved.memory)
        let leaf = try #require(try p.paging.accept(TableHygieneTests.Translate(memory: saved.memory, root: p.root.value,
                                                                                va: VirtualAddress(0xffff_8880_0140_0000))).get().last)
        memory.set(table: leaf.tablePA, index: leaf.index, (leaf.entry & ~0x000f_ffff_ffff_f000) | 0x4000_0000)
        #expect(TableHygiene.check(platform: p, memory: memory, memoryMap: map).findings.map(\.kind) == [.outsideMemory])
    }

    /// Images saved before the record existed: no record, and the outside-memory check says
    /// it was skipped.
    @Test func oldImagesHaveNoRecord() throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/x86_64-4level/image.ptd")
        #expect(try CompactImageMemoryMap.read(image) == nil)
        #expect(image.noteValue("phys_bits") == nil)
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let r = TableHygiene.check(platform: p, memory: image.memory, memoryMap: nil, memoryMapMissing: "no record")
        #expect(r.skipped.contains("outside-memory: no record"))
    }

    @Test func linesAreSortedMergedAndBounded() throws {
        func r(_ s: UInt64, _ e: UInt64) -> PhysicalRange { PhysicalRange(start: PhysicalAddress(s), end: PhysicalAddress(e)) }
        let lines = CompactImageMemoryMap.lines([r(0x10_0000, 0x20_0000), r(0, 0xa_0000), r(0x18_0000, 0x30_0000), r(0x30_0000, 0x40_0000)])
        #expect(lines.map(\.value) == ["0x0,0xa0000", "0x100000,0x400000"])
        #expect(CompactImageMemoryMap.lines([r(0, 1 << 53)]).isEmpty)
        #expect((try? CompactImageMemoryMap.parse(lines.map(\.value))) == [r(0, 0xa_0000), r(0x10_0000, 0x40_0000)])
    }

    @Test(arguments: [["0x0,0x2000", "0x1000,0x3000"],           // overlapping
                      ["0x4000,0x5000", "0x0,0x1000"],           // out of order
                      ["0x2000,0x1000"],                         // reversed
                      ["0x1000,0x1000"],                         // empty
                      ["0x0,0x20000000000000"],                  // beyond 2^52
                      ["0x0,0xffffffffffffffff"],                // huge
                      ["0x0-0x1000"], ["0x0,"], ["zz,0x1000"], ["0x0,0x1000,0x2000"]])
    func illFormedRecordsAreRefused(values: [String]) {
        #expect(throws: ImageError.self) { try CompactImageMemoryMap.parse(values) }
    }

    @Test func tooManyRegionsAreRefused() {
        let many = (0..<(CompactImageMemoryMap.maxRegions + 1)).map { "\(hex(UInt64($0) * 0x2000)),\(hex(UInt64($0) * 0x2000 + 0x1000))" }
        #expect(throws: ImageError.self) { try CompactImageMemoryMap.parse(many) }
    }
}
