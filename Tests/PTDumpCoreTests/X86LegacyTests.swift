import Testing
@testable import PTDumpCore

/// x86 legacy 32-bit paging (`--levels 2`): 4-byte entries read through the tables' entry
/// width, 4M PSE pages with PSE-36 address bits, PAT indices, inherited RW/US and no NX (every
/// writable page is W+X); the i386 fixture built by gcc -m32, builder round trips, errors.
@Suite struct X86LegacyTests {
    let fixture = repoRoot + "/samples/firmware/legacy.elf"

    func generic(_ p: Platform, _ m: any PhysicalMemory, json: Bool = false) -> String {
        var o = DumpOptions()
        o.generic = true
        o.json = json
        let out = TextOutput()
        _ = GenericDump.print(platform: p, memory: m, options: o, out: out)
        return out.text
    }

    @Test func geometryAndClassification() {
        let a = X86Legacy(pat: .powerOn)
        #expect(a.levels.map(\.entries) == [1024, 1024] && a.levels.map(\.entryBytes) == [4, 4] && a.vaBits == 32)
        #expect(a.tableBytes == 4096)
        #expect(a.classify(0x5000 | 1, level: 0) == .table(0x5000))
        #expect(a.classify(0x40_0000 | 0x81, level: 0) == .leaf)
        #expect(a.classify(0x40_0000 | 0x80, level: 0) == .hole)
        // PSE-36/PSE-40: bits 20:13 of a 4M entry are physical-address bits 39:32.
        #expect(a.outputAddress(0xfe00_0000 | 1 << 13 | 0x81, level: 0) == 0x1_fe00_0000)
        #expect(a.outputAddress(0xfe00_0000 | 0xff << 13 | 0x81, level: 0) == 0xff_fe00_0000)
        #expect(a.outputAddress(0xfe00_0000 | 1 << 13 | 0x81 | 1 << 12, level: 0) == 0x1_fe00_0000)   // PAT is no address bit
        #expect(a.outputAddress(0x1234_5000 | 0x81, level: 1) == 0x1234_5000)
        #expect(a.prot(0x40_0000 | 0x81 | 1 << 12 | 1 << 13, kernelLevel: 3) == 0x81 | 1 << 12)       // PAT of a 4M page kept
        #expect(a.prot(0x1000 | 0x81, kernelLevel: 4) == 0x81)                                       // bit 7 of a PTE is PAT
        #expect(a.prot(0x1000 | 0x80, kernelLevel: 4) == 0)
        #expect(a.isCanonical(0xffff_ffff) && !a.isCanonical(0x1_0000_0000))
        #expect(a.entryProblem(prot: a.prot(0x40_0000 | 0x81 | 1 << 21, kernelLevel: 3), effective: 0, level: 3)
                == "reserved bit 21 of a 4M page set")
        #expect(a.entryProblem(prot: a.prot(0x40_0000 | 0x81, kernelLevel: 3), effective: 0, level: 3) == nil)
    }

    @Test func permissionsAreInheritedAndNothingIsNX() {
        let a = X86Legacy(pat: .powerOn)
        let pde = a.effective(0x2000 | 1 | 2, parent: nil)                      // RW, not US
        let leaf = a.effective(0x3000 | 1 | 2 | 4, parent: pde)
        let p = a.permissions(prot: 7, effective: leaf)
        #expect(p.write && !p.user && p.execute)
        let ro = a.effective(0x3000 | 1 | 4, parent: a.effective(0x2000 | 7, parent: nil))
        let q = a.permissions(prot: 5, effective: ro)
        #expect(!q.write && q.user && q.execute && q.userExecute)
        // Every present writable page is W+X: there is no bit that could forbid execution.
        #expect(a.wxRule.isWX(3, 2) && !a.wxRule.isWX(1, 0) && !a.wxRule.isWX(0, 2))
        #expect(a.wxRule.verdict(3, 0)
                == "x86 32-bit: Checked W+X mappings: FAILED, 3 W+X page(s) found (32-bit paging has no NX bit: every writable page is executable)")
        #expect(a.wxRule.verdict(0, 0) == "x86 32-bit: Checked W+X mappings: passed, no W+X pages found")
    }

    /// Narrow entries are widened once per table, in the architecture's byte order.
    @Test func widenedTablesKeepEveryEntry() throws {
        var bytes = [UInt8](repeating: 0, count: 16)
        for (i, v) in [UInt32(0x1122_3344), 0x8000_0001, 0, 0xffff_ffff].enumerated() {
            for b in 0..<4 { bytes[i * 4 + b] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(b))) }
        }
        let m = try MappedMemory(file: MappedFile(bytes: bytes),
                                 segments: [MemorySegment(physicalStart: 0x1000, size: 16, fileOffset: 0, fileSize: 16)])
        let t = try m.widenedTable(at: 0x1000, entries: 4, entryBytes: 4, byteOrder: .little)
        #expect((0..<4).map { t[$0] } == [0x1122_3344, 0x8000_0001, 0, 0xffff_ffff])
        let big = try m.widenedTable(at: 0x1000, entries: 4, entryBytes: 4, byteOrder: .big)
        #expect(big[0] == 0x4433_2211)
        #expect(t.endOfRun(of: 0x1122_3344, from: 1, through: 3, compared: ~0) == 1)
        #expect(throws: ImageError.self) { _ = try m.widenedTable(at: 0x1004, entries: 4, entryBytes: 4, byteOrder: .little) }
    }

    @Test func fixtureBuiltByGCCm32() throws {
        let image = try ImageLoader.load(path: fixture)
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.root.value == 0x10_2000 && p.levels.value == 2)
        #expect(p.translationName?.hasPrefix("x86 32-bit legacy paging, no NX") == true)
        #expect(generic(p, image.memory) == readRepoFile("samples/firmware/legacy.txt"))
        let (results, _) = PageTableDump.checkWX(platform: p, memory: image.memory)
        #expect(results.first?.checker.wxPages == 1)
        #expect(wxLines(p, image.memory).last
                == "x86 32-bit: Checked W+X mappings: FAILED, 1 W+X page(s) found (32-bit paging has no NX bit: every writable page is executable)")
        // JSON: the same ranges, the permissions named.
        let json = generic(p, image.memory, json: true).split(separator: "\n")
        #expect(json.count == 9)
        #expect(json.contains { $0.hasPrefix("{\"start\":\"0x00000000fe000000\",\"end\":\"0x00000000fe400000\",\"phys\":\"0x00000001fe000000\"") })
        #expect(json.contains { $0.contains("\"start\":\"0x0000000000003000\"") && $0.contains("\"write\":true,\"execute\":true") })
        // --pat renames the indices; --save keeps the PAT and the entry width.
        var o = Options()
        o.translation.pageAttributeTable = 0x0007_0106_0007_0106                 // PA1 = WC, PA5 = WC
        let p2 = try PlatformResolver.resolve(image: image, options: o)
        #expect(generic(p2, image.memory).contains("4M PD RO X USER WC A\n"))
        let saved = scratchPath("legacy.ptd")
        _ = try ImageSaver.save(to: saved, image: image, platform: p2)
        let image3 = try ImageLoader.load(path: saved)
        let p3 = try PlatformResolver.resolve(image: image3, options: Options())
        #expect(p3.levels.value == 2 && generic(p3, image3.memory) == generic(p2, image.memory))
    }

    @Test func walkAndTableChecks() throws {
        let image = try ImageLoader.load(path: fixture)
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let big = try AddressWalk.explain(0xfe12_3456, platform: p, memory: image.memory)
        #expect(big.count == 3)
        #expect(big[1].hasPrefix("  PD  table 0x102000  index 1016") && big[1].hasSuffix("-> block 0x1fe000000"))
        #expect(big[2] == "  => 0x00000001fe123456  4M PD mapping, read-only, exec, no-user-exec")
        let small = try AddressWalk.explain(0x3010, platform: p, memory: image.memory)
        #expect(small[1].contains("-> table 0x101000") && small[2].hasSuffix("-> page 0x3000"))
        #expect(small[3] == "  => 0x0000000000003010  4K PT mapping, write, exec, no-user-exec")
        let none = try AddressWalk.explain(0x5000, platform: p, memory: image.memory)
        #expect(none.last == "  => not mapped: the PT entry is not present")
        #expect(throws: ImageError.self) { _ = try AddressWalk.explain(0x1_0000_0000, platform: p, memory: image.memory) }
        let r = TableHygiene.check(platform: p, memory: image.memory, memoryMap: nil)
        #expect(r.findings.isEmpty, "\(r.findings.map(\.line))")
    }

    /// `--check-tables` names a 4M page with reserved bit 21; the walk reports it as a problem.
    @Test func reservedBitOfA4MPageIsAProblem() throws {
        let a = X86Legacy(pat: .powerOn)
        var b = PageTableBuilder(arch: a, physicalBase: 0x10_0000) { $0.rawValue | 7 }
        b.install(va: 0x40_0000, level: 0, entry: 0x40_0000 | 0x83 | 1 << 21)
        let path = writeScratch("legacy-bit21.bin", b.bytes)
        var o = Options(root: b.root, levels: 2, arch: .x86_64)
        o.rawBase = 0x10_0000
        let image = try ImageLoader.load(path: path, options: o)
        let p = try PlatformResolver.resolve(image: image, options: o)
        var d = DumpOptions()
        d.generic = true
        let report = GenericDump.print(platform: p, memory: image.memory, options: d, out: TextOutput())
        #expect(report.rangeProblems == ["0x0000000000400000-0x0000000000800000: reserved bit 21 of a 4M page set"])
        let r = TableHygiene.check(platform: p, memory: image.memory, memoryMap: nil)
        #expect(r.findings.contains { $0.line.contains("reserved bit 21 of a 4M page") })
    }

    enum Format: CaseIterable { case compact, raw, elf }

    /// `ImageBuilder` lays out 4K and 4M pages with 4-byte entries; each written format walks
    /// back to exactly the mappings, and every writable page is W+X.
    @Test(arguments: Format.allCases)
    func builderRoundTrips(format: Format) throws {
        let ms = [Mapping(va: 0, size: 0x3000, pa: 0x8000, attributes: MappingAttributes(write: false, execute: true)),
                  Mapping(va: 0x40_0000, size: 0x80_0000, pa: 0x80_0000, attributes: MappingAttributes(write: false, execute: true, user: true)),
                  Mapping(va: 0xc000_0000, size: 0x40_2000, pa: 0x1000_0000, attributes: MappingAttributes(write: true, execute: true)),
                  Mapping(va: 0xfec0_0000, size: 0x1000, pa: 0xfec0_0000,
                          attributes: MappingAttributes(write: true, execute: true, global: false, memoryType: .deviceNGnRnE))]
        let built = try ImageBuilder(mode: .x86Legacy).build(ms)
        let path = scratchPath("legacy-built")
        let o: Options
        switch format {
        case .compact: try built.writeCompactImage(path: path); o = Options()
        case .raw: try built.writeRaw(path: path); o = built.rawOptions
        case .elf: try built.writeELF(path: path, rootSymbol: "boot_pd"); o = built.elfOptions(rootSymbol: "boot_pd")
        }
        let image = try ImageLoader.load(path: path, options: o)
        let p = try PlatformResolver.resolve(image: image, options: o)
        #expect(p.root.value == built.root && p.levels.value == 2)
        let text = generic(p, image.memory)
        #expect(text == """
            0x0000000000000000-0x0000000000003000 0x0000000000008000        12K PT RO X WB GLB A D
            0x0000000000400000-0x0000000000c00000 0x0000000000800000         8M PD RO X USER WB GLB A D
            0x00000000c0000000-0x00000000c0400000 0x0000000010000000         4M PD RW X WB GLB A D
            0x00000000c0400000-0x00000000c0402000 0x0000000010400000         8K PT RW X WB GLB A D
            0x00000000fec00000-0x00000000fec01000 0x00000000fec00000         4K PT RW X UC A D

            """)
        #expect(PageTableDump.checkWX(platform: p, memory: image.memory).0.first?.checker.wxPages == 0x402 + 1)
    }

    @Test func builderRefusesWhatTheModeCannotHold() throws {
        let b = ImageBuilder(mode: .x86Legacy)
        #expect(throws: ImageError.invalidMapping(index: 0, reason: "0x1000+0x1000 → 0x1000: 32-bit legacy paging has no NX bit: every mapping is executable")) {
            _ = try b.build([Mapping(va: 0x1000, size: 0x1000, pa: 0x1000)])
        }
        #expect(throws: ImageError.self) {
            _ = try b.build([Mapping(va: 0x1_0000_0000, size: 0x1000, pa: 0x1000, attributes: MappingAttributes(execute: true))])
        }
    }

    @Test func badInputIsOneClearError() throws {
        func resolve(_ change: (inout Options) -> Void) throws {
            var o = Options()
            change(&o)
            _ = try PlatformResolver.resolve(image: try ImageLoader.load(path: fixture, options: o), options: o)
        }
        #expect(throws: ImageError.contradiction("32-bit page directory 0x102010 (flag --root) is not page-aligned (CR3 holds bits 31:12)")) {
            try resolve { $0.root = 0x10_2010; $0.levels = 2 }
        }
        #expect(throws: ImageError.contradiction("32-bit page directory 0x900000 (flag --root) lies outside every loaded segment of the image")) {
            try resolve { $0.root = 0x90_0000; $0.levels = 2 }
        }
        #expect(throws: ImageError.contradiction("32-bit page directory 0x100000000 (flag --root) lies above 4 GiB, where a 32-bit CR3 cannot point")) {
            try resolve { $0.root = 0x1_0000_0000; $0.levels = 2 }
        }
        #expect(throws: ImageError.contradiction("--page-size 16384: 32-bit paging has 4K pages (and 4M pages in the directory)")) {
            try resolve { $0.pageSize = 16384 }
        }
    }
}
