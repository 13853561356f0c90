import Testing
import CLibElf
@testable import PTDumpCore

// s390x: entry decoding as 6.1's p?d_none/p?d_bad/p?d_leaf and note_page see it, the text
// line, W^X with the lowcore exemption, synthetic dumps found with no flags (VMCOREINFO
// through the lowcore pointer, root from SYMBOL(swapper_pg_dir) or the CPU's CR13), the
// decompressor's layout, and bad input.

@Suite("s390x entries, text and W^X")
struct S390XEntryTests {
    let r3 = S390X(designationType: 1)!

    @Test func designationTypeDecidesTheRealLevels() {
        let names = (0...3).map { dt in S390X(designationType: dt)!.levels.map(\.kernelLevel) }
        #expect(names == [[3, 4], [2, 3, 4], [1, 2, 3, 4], [0, 1, 2, 3, 4]])
        #expect((0...3).map { S390X(designationType: $0)!.vaBits } == [31, 42, 53, 64])
        #expect(S390X(designationType: 0)!.levels.map(\.entries) == [2048, 256])
        #expect(S390X(designationType: 4) == nil)
        #expect(r3.byteOrder == .big)
        #expect(r3.isCanonical(VirtualAddress((1 << 42) - 1)) && !r3.isCanonical(VirtualAddress(1 << 42)))
    }

    @Test func regionThirdEntries() {
        // _REGION3_ENTRY_EMPTY is a hole; a large RTTE a 2 GiB leaf; a typed pointer a table.
        #expect(r3.classify(0x24, level: 0) == .hole)
        #expect(r3.classify(0x8000_0000 | 0x400 | 0x04 | 0x200, level: 0) == .leaf)
        #expect(r3.classify(0x12_3000 | 0x07, level: 0) == .table(0x12_3000))
        // No origin: !pud_present, skipped. A segment-typed entry would fold onto itself.
        #expect(r3.classify(0x04 | 0x03, level: 0) == .skip)
        #expect(r3.classify(0x12_3000, level: 0) == .hole)
        // Invalid but not exactly EMPTY: pud_none is false and the kernel descends.
        #expect(r3.classify(0x12_3000 | 0x24, level: 0) == .table(0x12_3000))
    }

    @Test func segmentAndPageEntries() {
        #expect(r3.classify(0x20, level: 1) == .hole)
        #expect(r3.classify(0x10_0000 | 0x400 | 0x100, level: 1) == .leaf)
        #expect(r3.classify(0x12_3800, level: 1) == .table(0x12_3800))          // 2 KiB page tables
        #expect(r3.kind(of: 0x400, level: 2) == .leaf)
        #expect(r3.outputAddress(0x8000_0000 | 0x7fff_f000 | 0x404, level: 0) == 0x8000_0000)
        #expect(r3.outputAddress(0x10_0000 | 0xf_f000 | 0x400, level: 1) == 0x10_0000)
        #expect(r3.outputAddress(0x1234_5000 | 0x301, level: 2) == 0x1234_5000)
    }

    @Test func upperRegionEntriesHoleWhenBadOrMistyped() {
        let r1 = S390X(designationType: 3)!
        #expect(r1.classify(0x2c, level: 0) == .hole)                            // invalid
        #expect(r1.classify(0x10_0000 | 0x0f, level: 0) == .table(0x10_0000))
        #expect(r1.classify(0x10_0000 | 0x0f | 0x10, level: 0) == .hole)         // pgd_bad
        #expect(r1.classify(0x10_0000 | 0x07, level: 0) == .hole)                // typed region-third
        #expect(r1.classify(0x28, level: 1) == .hole)                            // _REGION2_ENTRY_EMPTY
        #expect(r1.classify(0x10_0000 | 0x2b, level: 1) == .table(0x10_0000))    // not exactly EMPTY
    }

    @Test func protIsWhatNotePageCompares() {
        #expect(r3.prot(0, kernelLevel: 2) == 0x400)            // a hole, val 0
        #expect(r3.prot(0x10_0000 | 0x400 | 0x200, kernelLevel: 3) == 0x200)
        #expect(r3.prot(0x1000 | 0x400 | 0x300, kernelLevel: 4) == 0x400)
        #expect(r3.prot(0x1000 | 0x100, kernelLevel: 4) == 0x100)
        #expect(r3.prot(0, kernelLevel: 4) == 0)                // a zero pte maps page 0 RW X
        #expect(r3.permissions(prot: 0, effective: 0) == Permissions(present: true, user: false, write: true, execute: true, userExecute: false))
    }

    @Test func textLinesAreTheKernels() throws {
        let built = try ImageBuilder(mode: .s390x(designationType: 1)).build([
            Mapping(va: 0, size: 0x1000, pa: 0, attributes: MappingAttributes(write: true, execute: true)),
            Mapping(va: 0x1000, size: 0xff000, pa: 0x1000),
            Mapping(va: 0x10_0000, size: 0x10_0000, pa: 0x10_0000, attributes: MappingAttributes(write: false, execute: true)),
            Mapping(va: 0x8000_0000, size: 0x8000_0000, pa: 0x8000_0000, attributes: MappingAttributes(write: false)),
        ])
        let path = scratchPath("s390x-text.ptd")
        try built.writeCompactImage(path: path)
        let image = try ImageLoader.load(path: path)
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        let text = renderText(platform, image.memory).0.split(separator: "\n").map(String.init)
        #expect(text.first == "---[ Identity Mapping Start ]---")
        #expect(text.contains("0x0000000000000000-0x0000000000001000         4K PTE RW X"))
        #expect(text.contains("0x0000000000001000-0x0000000000100000      1020K PTE RW NX"))
        #expect(text.contains("0x0000000080000000-0x0000000100000000         2G PUD RO NX"))
        #expect(text.contains("0x0000000100000000-0x0000040000000000      4092G PUD I"))
        // The final flush ends at max_addr, the region-third reach.
        #expect(text.last?.hasPrefix("0x0000000100000000-0x0000040000000000") == true)
    }

    func wx(_ mappings: [Mapping], lowcoreExecutable: UInt64?) throws -> [String] {
        let built = try ImageBuilder(mode: .s390x(designationType: 1)).build(mappings)
        let path = scratchPath("s390x-wx.ptd")
        var note = CompactImageNote(arch: .s390x, levels: 3, pageSize: 4096, vaBits: 42, root: built.root,
                                    layout: lowcoreExecutable.map { [(.s390LowcoreExecutable, $0)] } ?? [])
        note.kernel = KernelRelease(6, 1)
        try CompactImageWriter.write(path: path, arch: .s390x, memory: built.physicalMemory(),
                                     pages: stride(from: 0, to: built.bytes.count, by: 4096).map { PhysicalAddress(built.physicalBase + UInt64($0)) },
                                     pageBytes: 4096, note: note.text, vmcoreinfo: nil)
        let image = try ImageLoader.load(path: path)
        return wxLines(try PlatformResolver.resolve(image: image, options: Options()), image.memory)
    }

    @Test func wxExemptsTheLowcorePageOnlyWhenItMustBeExecutable() throws {
        let lowcore = [Mapping(va: 0, size: 0x1000, pa: 0, attributes: MappingAttributes(write: true, execute: true)),
                       Mapping(va: 0x1000, size: 0x1000, pa: 0x1000)]
        #expect(try wx(lowcore, lowcoreExecutable: 1).last == "Checked W+X mappings: passed, no unexpected W+X pages found")
        let counted = try wx(lowcore, lowcoreExecutable: 0)
        #expect(counted.last == "Checked W+X mappings: FAILED, 1 W+X pages found")
        #expect(counted.first?.hasPrefix("s390/mm: Found insecure W+X mapping at address 0x0-0x1000") == true)
        // Two W+X pages run past PAGE_SIZE: not the exempt range.
        let two = [Mapping(va: 0, size: 0x2000, pa: 0, attributes: MappingAttributes(write: true, execute: true))]
        #expect(try wx(two, lowcoreExecutable: 1).last == "Checked W+X mappings: FAILED, 2 W+X pages found")
        let clean = [Mapping(va: 0, size: 0x2000, pa: 0)]
        #expect(try wx(clean, lowcoreExecutable: 0).last == "Checked W+X mappings: passed, no W+X pages found")
    }
}

/// A synthetic s390x kernel dump: an ELF core (as QEMU writes one, without a VMCOREINFO
/// note) whose memory holds region-third tables, the kernel's VMCOREINFO note and the
/// absolute lowcore pointing at it.
struct SyntheticS390XDump {
    static let root: UInt64 = 0x40_0000
    static let note: UInt64 = 0x30_0000
    static let highMemory: UInt64 = 0x30_1000

    /// Writes the dump; `pointer` puts the note's address at absolute 0xe0c, `cr13` adds an
    /// `NT_S390_CTRS` note whose CR13 is the kernel ASCE, `symbols` adds the VMCOREINFO symbols.
    static func write(path: String, pointer: Bool = true, cr13: Bool = false, symbols: Bool = true) throws {
        var memory = [UInt8](repeating: 0, count: 0x80_0000)
        func put(_ pa: UInt64, _ v: UInt64) { for i in 0..<8 { memory[Int(pa) + i] = UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64(i))) } }
        let built = try ImageBuilder(mode: .s390x(designationType: 1), physicalBase: root).build([
            Mapping(va: 0, size: 0x10_0000, pa: 0, maxBlock: 0x1000),
            Mapping(va: 0x10_0000, size: 0x10_0000, pa: 0x10_0000, attributes: MappingAttributes(write: false, execute: true)),
            Mapping(va: 0x20_0000, size: 0x60_0000, pa: 0x20_0000),
        ])
        memory.replaceSubrange(Int(root)..<Int(root) + built.bytes.count, with: built.bytes)
        var text = "OSRELEASE=6.1.0\nPAGESIZE=4096\nSIZE(page)=64\nNUMBER(SECTION_SIZE_BITS)=28\nNUMBER(MAX_PHYSMEM_BITS)=46\nLENGTH(lowcore_ptr)=64\n"
        if symbols { text += "SYMBOL(swapper_pg_dir)=\(String(root, radix: 16))\nSYMBOL(_stext)=100000\nSYMBOL(high_memory)=\(String(highMemory, radix: 16))\n" }
        text += "SAMODE31=180000\nEAMODE31=190000\n"
        let body = Array(text.utf8)
        let header: [UInt8] = [0, 0, 0, 11] + withUnsafeBytes(of: UInt32(body.count).bigEndian, Array.init) + [0, 0, 0, 0] + Array("VMCOREINFO\0\0".utf8)
        memory.replaceSubrange(Int(note)..<Int(note) + header.count + body.count, with: header + body)
        put(highMemory, 0x80_0000)
        if pointer { put(0xe0c, note) }
        var segments = [ElfSegment(type: UInt32(PT_LOAD), vaddr: 0, paddr: 0, data: memory, align: 4096)]
        if cr13 {
            var ctrs = [UInt8](repeating: 0, count: 128)
            let asce = root | 0x07
            for i in 0..<8 { ctrs[13 * 8 + i] = UInt8(truncatingIfNeeded: asce >> (56 - 8 * UInt64(i))) }
            segments.insert(ElfSegment(type: UInt32(PT_NOTE), data: CompactImage.noteBytes(name: "LINUX", type: 0x304, desc: ctrs)), at: 0)
        }
        try ElfWriter.write(path: path, machine: 22, type: 4, segments: segments)
    }
}

@Suite("s390x synthetic dumps found with no flags")
struct S390XDiscoveryTests {
    @Test func vmcoreinfoThroughTheLowcoreAndRootFromSwapperPgDir() throws {
        let path = scratchPath("s390x-synthetic.elf")
        try SyntheticS390XDump.write(path: path)
        let image = try ImageLoader.load(path: path)
        #expect(image.vmcoreinfo?.value("OSRELEASE") == "6.1.0")
        #expect(image.vmcoreinfoSource?.description.contains("vmcore_info") == true)
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.root.value == PhysicalAddress(SyntheticS390XDump.root))
        #expect(p.levels.value == 3)
        #expect(p.layout.fact(.s390IdentMapSize) == 0x80_0000)
        #expect(p.layout.fact(.s390Stext) == 0x10_0000)
        let names = p.layout.markers.map(\.name)
        #expect(Array(names.prefix(5)) == ["Identity Mapping Start", "Identity Mapping End", "Kernel Image Start", "Amode31 Area Start",
                                           "Amode31 Area End"])
        let text = renderText(p, image.memory).0
        // A marker inside a 1 MiB frame is passed at the next note: both amode31 headings follow it.
        #expect(text.contains("---[ Kernel Image Start ]---\n0x0000000000100000-0x0000000000200000         1M PMD RO X\n---[ Amode31 Area Start ]---\n---[ Amode31 Area End ]---\n"))
    }

    @Test func rootAndTypeFromControlRegister13WithoutVMCOREINFOSymbols() throws {
        let path = scratchPath("s390x-cr13.elf")
        try SyntheticS390XDump.write(path: path, pointer: false, cr13: true, symbols: false)
        let image = try ImageLoader.load(path: path)
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.root.value == PhysicalAddress(SyntheticS390XDump.root))
        #expect(p.root.source.description.contains("control register 13"))
        #expect(p.levels.value == 3 && p.levels.source.description.contains("designation type"))
    }

    @Test func withNeitherARootSaysWhatToPass() throws {
        let path = scratchPath("s390x-bare.elf")
        try SyntheticS390XDump.write(path: path, pointer: false, symbols: false)
        let image = try ImageLoader.load(path: path)
        #expect(throws: ImageError.self) { try PlatformResolver.resolve(image: image, options: Options()) }
        do { _ = try PlatformResolver.resolve(image: image, options: Options()) } catch {
            #expect(error.description.contains("pass --root"))
        }
        // --root alone suffices: the type comes from the root table's first entry.
        let p = try PlatformResolver.resolve(image: image, options: Options(root: PhysicalAddress(SyntheticS390XDump.root)))
        #expect(p.levels.value == 3)
        #expect(throws: ImageError.self) { try PlatformResolver.resolve(image: image, options: Options(root: 0x40_0000, levels: 6)) }
        #expect(throws: ImageError.self) { try PlatformResolver.resolve(image: image, options: Options(root: 0x40_0000, pageSize: 65536)) }
        #expect(throws: ImageError.self) { try PlatformResolver.resolve(image: image, options: Options(root: 0x7f_0000)) }
    }

    @Test func decompressorLayoutOf256MiB() {
        let l = S390XFormulas(identMapSize: 256 << 20, vmallocSize: S390XFormulas.defaultVmallocSize(identMapSize: 256 << 20),
                              structPageSize: 64, sectionSizeBits: 28, maxPhysmemBits: 46, nrCpus: 64, kasan: false)
        #expect(l.addressSpaceEnd == 1 << 42)
        #expect(l.memcpyRealArea == (1 << 42) - 4096)
        #expect(l.modulesEnd - l.modulesStart == 1 << 31)
        #expect(l.vmallocEnd == l.modulesStart)
        #expect(l.vmallocStart == l.vmallocEnd - S390XFormulas.vmallocDefaultSize)
        #expect(l.identMapSize == 256 << 20)
        #expect(l.vmemmapSize == (256 << 20) / 4096 * 64)
        #expect(S390XDiscovery.vmallocParameter("console=ttysclp0 vmalloc=16G nokaslr") == 16 << 30)
        #expect(S390XDiscovery.memparse("0x1000") == 4096 && S390XDiscovery.memparse("1k") == 1024)
    }
}

/// One real 6.1 capture under QEMU TCG, saved with `--save` and no other flag, and the shape
/// of its kernel ASCE (CR13's designation type decides the levels and the reach).
struct S390XCapture: Sendable, CustomStringConvertible {
    let sample: String
    let designationType: Int
    let levels: Int
    let vaBits: Int
    var description: String { sample }
}

/// The real 6.1 captures: region-third (the default layout) and region-second (`vmalloc=8T`
/// pushes the layout past 4 TiB, so the decompressor picks the bigger table). Linux 6.1 never
/// gives its kernel a region-first or segment-table ASCE (see samples/s390x-region2/SOURCE.md).
@Suite("s390x golden samples from real 6.1 kernels")
struct S390XGoldenTests {
    static let captures = [
        S390XCapture(sample: "samples/s390x-region3", designationType: 1, levels: 3, vaBits: 42),
        S390XCapture(sample: "samples/s390x-region2", designationType: 2, levels: 4, vaBits: 53),
    ]

    func load(_ c: S390XCapture) throws -> (Image, Platform) {
        let image = try ImageLoader.load(path: "\(repoRoot)/\(c.sample)/image.ptd")
        return (image, try PlatformResolver.resolve(image: image, options: Options()))
    }

    @Test(arguments: captures)
    func textIsTheKernels(_ c: S390XCapture) throws {
        let (image, platform) = try load(c)
        #expect(platform.architecture.textStyle.name == "s390x")
        #expect(platform.levels.value == c.levels && platform.vaBits.value == c.vaBits)
        let (text, report) = renderText(platform, image.memory)
        #expect(report.problems.isEmpty)
        #expect(text == readRepoFile("\(c.sample)/expected.txt"))
    }

    @Test(arguments: captures)
    func wxVerdictIsTheKernelsBootTimeLine(_ c: S390XCapture) throws {
        let (image, platform) = try load(c)
        #expect(wxLines(platform, image.memory) == [readRepoFile("\(c.sample)/wx.txt").trimmingSuffixNewline()])
    }

    @Test(arguments: captures)
    func savedAgainItPrintsTheSameText(_ c: S390XCapture) throws {
        let (image, platform) = try load(c)
        let path = scratchPath("s390x-again.ptd")
        _ = try ImageSaver.save(to: path, image: image, platform: platform)
        let again = try ImageLoader.load(path: path)
        let p2 = try PlatformResolver.resolve(image: again, options: Options())
        #expect(p2.levels.value == c.levels)
        #expect(p2.layout.markers == platform.layout.markers)
        #expect(again.vmcoreinfo == image.vmcoreinfo)
        #expect(renderText(p2, again.memory).0 == readRepoFile("\(c.sample)/expected.txt"))
    }

    /// Without the kernel's own marker table the decompressor's formulas give the same
    /// markers (the facts the dump gave are kept in the image, `vmalloc=` among them).
    @Test(arguments: captures)
    func formulasAgreeWithTheKernelsMarkerTable(_ c: S390XCapture) throws {
        let (_, platform) = try load(c)
        var facts = FactTable()
        for (k, f) in platform.layout.facts { facts.offer(k, f.value, f.source) }
        let computed = platform.profile.value.layout(LayoutContext(facts: facts, levels: c.levels, pageSize: 4096, vaBits: c.vaBits))
        #expect(computed.markers == platform.layout.markers)
    }

    @Test(arguments: captures)
    func walkAgreesWithTheText(_ c: S390XCapture) throws {
        let (image, platform) = try load(c)
        let tables = PageTables(arch: try #require(S390X(designationType: c.designationType)), memory: image.memory)
        // The kernel image is mapped read-only and executable at _stext.
        let stext = try #require(platform.layout.fact(.s390Stext))
        let steps = try tables.translate(VirtualAddress(stext), root: platform.root.value)
        #expect(steps.count == c.levels)
        let p = try #require(tables.leafPermissions(steps))
        #expect(p.present && p.execute && !p.write)
    }

    /// The region-second layout ends at 8 PiB (the reach of a region-second table) with the
    /// 8 TiB vmalloc area the command line asked for; the region-third one ends at 4 TiB.
    @Test(arguments: captures)
    func layoutReachesTheEndOfTheDesignatedTable(_ c: S390XCapture) throws {
        let (_, platform) = try load(c)
        let expected = readRepoFile("\(c.sample)/expected.txt")
        let digits = String(UInt64(1) << UInt64(c.vaBits), radix: 16)
        let end = "-0x" + String(repeating: "0", count: 16 - digits.count) + digits + " "
        #expect(expected.split(separator: "\n").last(where: { $0.hasPrefix("0x") })?.contains(end) == true)
        if c.levels == 4 {
            #expect(platform.layout.fact(.s390VmallocSize) == 8 << 40)
        }
    }
}
