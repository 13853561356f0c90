import Testing
import PTDumpCore

/// Raw dumps, ELF executables with static tables, walks from a lower table, --walk, JSON,
/// --phys and --range.
@Suite struct InputsAndModesTests {
    /// A small x86 image: a 2M kernel-text block, 4K pages in the direct map.
    func fixture() -> PageTableBuilder<X86_64> {
        var b = x86Builder()
        b.install(va: 0xffff_ffff_8100_0000, level: 2, entry: X86Entry.large(0x100_0000, rw: false, nx: false))
        b.install(va: 0xffff_8880_0000_0000, level: 3, entry: X86Entry.page(0x5000))
        b.install(va: 0xffff_8880_0000_1000, level: 3, entry: X86Entry.page(0x6000))
        b.install(va: 0xffff_8880_0000_2000, level: 3, entry: X86Entry.page(0x9000))
        return b
    }

    @Test func rawDumpNeedsFlagsAndThenPrintsLikeTheBuilderImage() throws {
        let b = fixture()
        let raw = writeScratch("raw.bin", b.bytes)
        #expect(throws: ImageError.self) { try ImageLoader.load(path: raw) }
        do {
            _ = try ImageLoader.load(path: raw, options: Options(arch: .x86_64))
            Issue.record("expected missing flags")
        } catch {
            #expect(error.description.contains("--root PA") && error.description.contains("--levels 4|5"))
        }
        var o = Options(root: b.root, levels: 4, arch: .x86_64)
        o.rawBase = PhysicalAddress(b.physicalBase)
        let image = try ImageLoader.load(path: raw, options: o)
        let p = try PlatformResolver.resolve(image: image, options: o)
        let (text, report) = renderText(p, image.memory)
        #expect(report.problems.isEmpty)
        #expect(text == renderText(try x86Platform(root: b.root), try b.physicalMemory()).0)
    }

    @Test func rawDumpSmallerThanTheRootTable() throws {
        let raw = writeScratch("tiny.bin", [UInt8](repeating: 0, count: 100))
        let o = Options(root: 0, levels: 4, arch: .x86_64)
        let image = try ImageLoader.load(path: raw, options: o)
        #expect(throws: ImageError.outsideMemory(0, 4096)) { try PlatformResolver.resolve(image: image, options: o) }
    }

    /// An ELF executable whose .data holds the tables, linked at a VA, loaded at a PA.
    func executable(symbols: [(name: String, value: UInt64)], machine: UInt16 = 62) throws -> (String, PageTableBuilder<X86_64>) {
        let b = fixture()
        let path = scratchPath("fw-\(machine)-\(symbols.count).elf")
        let linkVA: UInt64 = 0xffff_ffff_8000_0000 + b.physicalBase
        try ElfWriter.write(path: path, machine: machine, type: 2,
                            segments: [ElfSegment(type: 1, vaddr: linkVA, paddr: b.physicalBase, data: b.bytes, align: 4096)],
                            symbols: symbols.map { ($0.name, linkVA &+ $0.value) })
        return (path, b)
    }

    @Test func rootSymbolOfAnExecutable() throws {
        let (path, b) = try executable(symbols: [("init_top_pgt", b0(b: nil)), ("other", 0x1000)])
        var o = Options()
        o.rootSymbol = "init_top_pgt"
        let image = try ImageLoader.load(path: path, options: o)
        #expect(image.format == "ELF executable")
        let p = try PlatformResolver.resolve(image: image, options: o)
        #expect(p.root.value == b.root)
        #expect(p.root.source.description.contains("init_top_pgt"))
        #expect(renderText(p, image.memory).0.contains("0xffffffff81000000-0xffffffff81200000           2M     ro         PSE     GLB x  pmd"))
        #expect(wxLines(p, image.memory).last == "x86/mm: Checked W+X mappings: passed, no W+X pages found.")
    }

    func b0(b: Int?) -> UInt64 { 0 }

    /// The message resolving `--root-symbol name` fails with on an executable holding `symbols`.
    func rootSymbolError(_ name: String, symbols: [(name: String, value: UInt64)]) throws -> String {
        let (path, _) = try executable(symbols: symbols)
        var o = Options()
        o.rootSymbol = name
        let image = try ImageLoader.load(path: path, options: o)
        do {
            _ = try PlatformResolver.resolve(image: image, options: o)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func rootSymbolNotFoundListsCloseNames() throws {
        let why = try rootSymbolError("level3_kernel_pg", symbols: [("level3_kernel_pgt", 0), ("level2_kernel_pgt", 0x1000)])
        #expect(why.contains("close names: level3_kernel_pgt"))
    }

    @Test func symbolOutsideLoadedSegments() throws {
        #expect(try rootSymbolError("stray", symbols: [("stray", 0x100_0000_0000)]).contains("not loaded"))
    }

    @Test func executableOfAnotherArchitecture() throws {
        let (path, _) = try executable(symbols: [("root", 0)], machine: 183)
        var o = Options(arch: .x86_64)
        o.rootSymbol = "root"
        let image = try ImageLoader.load(path: path, options: o)
        #expect(throws: ImageError.contradiction("--arch x86_64 contradicts the image, which is arm64")) {
            try PlatformResolver.resolve(image: image, options: o)
        }
    }

    @Test func walkFromALowerTable() throws {
        let b = fixture()
        let top = b.entry(table: b.root, index: 511)
        guard case .table(let pud) = b.arch.classify(top, level: 0) else { Issue.record("no pud"); return }
        var o = Options(root: pud, levels: 4, arch: .x86_64)
        o.rootLevel = "pud"
        o.vaBase = 0xffff_ff80_0000_0000
        let raw = writeScratch("lower.bin", b.bytes)
        o.rawBase = PhysicalAddress(b.physicalBase)
        let image = try ImageLoader.load(path: raw, options: o)
        let p = try PlatformResolver.resolve(image: image, options: o)
        let text = renderText(p, image.memory).0
        #expect(text.contains("0xffffffff81000000-0xffffffff81200000           2M     ro         PSE     GLB x  pmd"))
        #expect(!text.contains("0xffff888000000000"))                  // outside the table's span
        // A compact image saved from it remembers the level and base.
        let saved = scratchPath("lower.ptd")
        _ = try ImageSaver.save(to: saved, image: image, platform: p)
        let again = try ImageLoader.load(path: saved)
        let p2 = try PlatformResolver.resolve(image: again, options: Options())
        #expect(p2.rootLevel == 1 && p2.vaBase == 0xffff_ff80_0000_0000)
        #expect(renderText(p2, again.memory).0 == text)
        o.vaBase = 0xffff_ff80_0000_1000
        #expect(throws: ImageError.self) { try PlatformResolver.resolve(image: image, options: o) }
        o.vaBase = nil
        #expect(throws: ImageError.self) { try PlatformResolver.resolve(image: image, options: o) }
    }

    @Test func walkOneAddress() throws {
        let b = fixture()
        let p = try x86Platform(root: b.root)
        let mem = try b.physicalMemory()
        let lines = try AddressWalk.explain(0xffff_8880_0000_1234, platform: p, memory: mem)
        #expect(lines.count == 6)
        #expect(lines.last == "  => 0x0000000000006234  4K pte mapping, write, no-exec")
        let hole = try AddressWalk.explain(0xffff_8880_4000_0000, platform: p, memory: mem)
        #expect(hole.last == "  => not mapped: the pud entry is empty")
        #expect(throws: ImageError.self) { try AddressWalk.explain(0x0000_9000_0000_0000, platform: p, memory: mem) }
        #expect(b.arch.isCanonical(0xffff_8000_0000_0000) && !b.arch.isCanonical(0xffff_7000_0000_0000))
        let arm = try #require(ARM64(pageSize: 4096, vaBits: 48))
        #expect(arm.isCanonical(0xffff_0000_0010_8000) && arm.isCanonical(0x0000_7000_0000_0000) && !arm.isCanonical(0xfff0_0000_0000_0000))
    }

    @Test func jsonLinesMatchTheTextRanges() throws {
        let b = fixture()
        let p = try x86Platform(root: b.root)
        let mem = try b.physicalMemory()
        let out = TextOutput()
        _ = PageTableDump.print(platform: p, memory: mem, options: DumpOptions(json: true), out: out)
        let lines = out.text.split(separator: "\n")
        let textRanges = renderText(p, mem).0.split(separator: "\n").filter { $0.hasPrefix("0x") }
        #expect(lines.count == textRanges.count + 1)
        #expect(lines.last?.hasPrefix("{\"summary\":{\"arch\":\"x86_64\",\"levels\":4") == true)
        let first = lines.first { $0.contains("\"start\":\"0xffffffff81000000\"") }
        #expect(first == "{\"start\":\"0xffffffff81000000\",\"end\":\"0xffffffff81200000\",\"size\":2097152,\"level\":\"pmd\",\"marker\":\"High Kernel Mapping\",\"present\":true,\"attributes\":[\"_PAGE_PRESENT\",\"_PAGE_ACCESSED\",\"_PAGE_DIRTY\",\"_PAGE_PSE\",\"_PAGE_GLOBAL\"],\"prot\":\"0x1e1\",\"effective\":{\"user\":false,\"write\":false,\"execute\":true,\"user_execute\":false}}")
    }

    @Test func physBreaksRangesWherePhysicalContiguityBreaks() throws {
        var b = fixture()
        b.install(va: 0xffff_8880_0001_0000, level: 3, entry: X86Entry.page(0x5000))
        b.install(va: 0xffff_8880_0001_1000, level: 3, entry: X86Entry.page(0x6000))
        b.install(va: 0xffff_8880_0001_2000, level: 3, entry: X86Entry.page(0x9000))
        let p = try x86Platform(root: b.root)
        let mem = try b.physicalMemory()
        let out = TextOutput()
        _ = PageTableDump.print(platform: p, memory: mem, options: DumpOptions(physical: true), out: out)
        // 0x5000, 0x6000 are contiguous; 0x9000 is not.
        #expect(out.text.contains("0xffff888000010000-0xffff888000012000           8K     RW                 GLB NX pte 0x0000000000005000"))
        #expect(out.text.contains("0xffff888000012000-0xffff888000013000           4K     RW                 GLB NX pte 0x0000000000009000"))
        #expect(!renderText(p, mem).0.contains("0x0000000000005000"))
    }

    @Test func rangeWalksOnlyTheWindow() throws {
        let b = fixture()
        let p = try x86Platform(root: b.root)
        let mem = try b.physicalMemory()
        let out = TextOutput()
        let w = WalkRange(first: 0xffff_ffff_8000_0000, last: 0xffff_ffff_bfff_ffff)
        _ = PageTableDump.print(platform: p, memory: mem, options: DumpOptions(window: w), out: out)
        #expect(out.text.hasPrefix("---[ High Kernel Mapping ]---\n0xffffffff80000000-0xffffffff81000000"))
        #expect(out.text.hasSuffix("0xffffffff81200000-0xffffffffc0000000        1006M                               pmd\n"))
    }
}
