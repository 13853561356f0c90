import Testing
@testable import PTDumpCore

/// The walk reads memory only through `PhysicalMemory`: another implementation (pages in a
/// dictionary) and another byte order give the same output, on real kernels' tables.
@Suite struct MemoryProtocolTests {
    static let samples = ["x86_64-4level", "x86_64-5level-kasan", "arm64-4k-48", "arm64-64k-48", "arm64-16k-36"]

    func text<A: Architecture>(_ arch: A, _ p: Platform, _ memory: any PhysicalMemory) -> (String, WalkReport) {
        var report = WalkReport()
        let out = TextOutput()
        let l = p.layout
        _ = PageTableDump.run(arch: arch, memory: memory, root: p.root.value, ranges: l.ranges, markers: l.markers,
                              advance: l.advance, kasanShortcut: l.kasanShortcut,
                              sink: KernelTextFormatter(out: out, style: arch.textStyle, levelNames: arch.levelNames),
                              report: &report)
        return (out.text, report)
    }

    private struct Both: ArchitectureVisitor {
        let test: MemoryProtocolTests, p: Platform, mapped: any PhysicalMemory, dict: any PhysicalMemory, big: any PhysicalMemory
        func visit<A: Architecture>(_ arch: A) -> [String] {
            [test.text(arch, p, mapped).0, test.text(arch, p, dict).0, test.text(BigEndian(base: arch), p, big).0]
        }
    }

    @Test(arguments: samples)
    func walkerRunsUnchangedOnADictionaryOfPagesAndOnBigEndianEntries(_ name: String) throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/\(name)/image.ptd")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let expected = readRepoFile("samples/\(name)/expected.txt")
        let ps = p.pageSize.value
        let dict = try PageDictionaryMemory(copying: image.memory, pageSize: ps)
        let big = try PageDictionaryMemory(copying: image.memory, pageSize: ps, bigEndian: true)
        let texts = p.paging.accept(Both(test: self, p: p, mapped: image.memory, dict: dict, big: big))
        #expect(texts[0] == expected)
        #expect(texts[1] == expected)
        #expect(texts[2] == expected)
        #expect(PageTableDump.printText(platform: p, memory: dict, out: TextOutput()).problems.isEmpty)
    }

    @Test func tablePageReadsEitherByteOrder() {
        let bytes: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        #expect(TablePage(copying: bytes, entries: 1, byteOrder: .little)[0] == 0x0807_0605_0403_0201)
        #expect(TablePage(copying: bytes, entries: 1, byteOrder: .big)[0] == 0x0102_0304_0506_0708)
    }

    @Test func readsOutsideEveryRegionThrowAndNeverTrap() throws {
        let m = try MappedMemory(file: MappedFile(bytes: [UInt8](repeating: 7, count: 8192)),
                                 segments: [MemorySegment(physicalStart: 0x1000, size: 8192, fileOffset: 0, fileSize: 4096)])
        #expect(m.contains(0x1000, length: 8192))
        #expect(!m.contains(0x1000, length: 8193))
        #expect(!m.contains(PhysicalAddress(.max - 3), length: 8))
        #expect(try m.read(0x1ff8, length: 16) == [7, 7, 7, 7, 7, 7, 7, 7, 0, 0, 0, 0, 0, 0, 0, 0])   // zero-filled tail
        #expect(throws: ImageError.outsideMemory(0x2ff8, 0x2000)) { _ = try m.read(0x2ff8, length: 0x2000) }
        #expect(throws: ImageError.self) { _ = try m.table(at: PhysicalAddress(.max - 7), entries: 512, byteOrder: .little) }
        #expect(throws: ImageError.self) { _ = try m.read(PhysicalAddress(.max - 3), length: 8) }
    }
}
