import Testing
@testable import PTDumpCore

/// x86 EPT: geometry, every decoded field, misconfigured entries reported as problems, W^X,
/// the fixture built by the host gcc and builder round trips through a raw dump and `--save`.
@Suite struct X86EPTTests {
    func genericText(_ p: Platform, _ memory: any PhysicalMemory) -> (String, WalkReport) {
        var o = DumpOptions()
        o.generic = true
        let out = TextOutput()
        let r = GenericDump.print(platform: p, memory: memory, options: o, out: out)
        return (out.text, r)
    }

    @Test func levelsAndClassification() {
        let four = X86EPT(fiveLevel: false), five = X86EPT(fiveLevel: true)
        #expect(four.levels.map(\.shift) == [39, 30, 21, 12] && four.vaBits == 48)
        #expect(five.levels.map(\.shift) == [48, 39, 30, 21, 12] && five.vaBits == 57)
        #expect(four.levels.map { four.levelNames[$0.kernelLevel] } == ["PML4", "PDPT", "PD", "PT"])
        #expect(four.classify(0, level: 0) == .hole)
        #expect(four.classify(0x1000 | 0x100, level: 1) == .hole)            // A alone: not present
        #expect(four.classify(0x5000 | 4, level: 0) == .table(0x5000))        // execute-only still present
        #expect(four.classify(0x5000 | 0x400, level: 1) == .table(0x5000))    // user execute (MBEC) only
        #expect(four.classify(0x4000_0000 | 0x83, level: 1) == .leaf)         // 1G
        #expect(four.classify(0x20_0000 | 0x83, level: 2) == .leaf)           // 2M
        #expect(four.outputAddress(0x8_4020_0000 | 0x83, level: 1) == 0x8_4000_0000)
        #expect(four.outputAddress(0x8_4020_0000 | 0x83 | 1 << 63, level: 2) == 0x8_4020_0000)
        #expect(four.prot(0x1000 | 0x30, kernelLevel: 4) == 0)
        #expect(four.prot(0xabc_d000 | 0x7ff | 1 << 63, kernelLevel: 4) == UInt64(0x7ff) | 1 << 63)
    }

    @Test func wordsNameEachField() {
        let a = X86EPT(fiveLevel: false)
        func w(_ e: UInt64, _ level: Int = 4) -> [String] { a.rangeAttributes(prot: a.prot(e, kernelLevel: level), effective: 0, level: level) }
        #expect(w(1 | 6 << 3) == ["R--", "WB"])
        #expect(w(3 | 0 << 3 | 1 << 6) == ["RW-", "UC", "IPAT"])
        #expect(w(5 | 1 << 3 | 1 << 8 | 1 << 9) == ["R-X", "WC", "A", "D"])
        #expect(w(1 | 4 << 3 | 1 << 10 | 1 << 63) == ["R--", "UX", "WT", "SVE"])
        #expect(w(4 | 5 << 3) == ["--X", "WP"])
        #expect(w(3 | 2 << 3) == ["RW-", "type2", "MISCONFIGURED"])
        #expect(w(2 | 6 << 3) == ["-W-", "WB", "MISCONFIGURED"])
        #expect(w(3 | 1 << 7, 1) == ["RW-", "MISCONFIGURED"])                  // PML4E with bit 7
    }

    @Test func misconfigurationsAreProblems() {
        let a = X86EPT(fiveLevel: true)
        #expect(a.entryProblem(prot: 3 | 6 << 3, effective: 0, level: 4) == nil)
        #expect(a.entryProblem(prot: 3 | 7 << 3, effective: 0, level: 4) == "EPT PT entry has the reserved memory type 7 in bits 5:3")
        #expect(a.entryProblem(prot: 3 | 3 << 3 | 1 << 7, effective: 0, level: 3) == "EPT PD entry has the reserved memory type 3 in bits 5:3")
        #expect(a.entryProblem(prot: 2 | 6 << 3, effective: 0, level: 2) == "EPT PDPT entry is writable but not readable (a misconfiguration)")
        #expect(a.entryProblem(prot: 3 | 1 << 7, effective: 0, level: 0) == "EPT PML5 entry has bit 7 (page size) set, which is reserved there")
        #expect(a.entryProblem(prot: 4 | 6 << 3, effective: 0, level: 4) == nil)             // execute-only is allowed
    }

    @Test func wxCountsSupervisorAndUserExecute() {
        let r = X86EPT(fiveLevel: false).wxRule
        #expect(r.isWX(3 | 4, 0) && r.isWX(3 | 1 << 10, 0))
        #expect(!r.isWX(3, 0) && !r.isWX(1 | 4 | 1 << 10, 0))
    }

    @Test func fixtureBuiltByGCCPrintsTypesPermissionsAndOutputAddresses() throws {
        let image = try ImageLoader.load(path: repoRoot + "/samples/firmware/ept.elf")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(!p.linuxKernel && p.levels.value == 4 && p.root.source.description == "symbol ept_pml4 (a conventional root name)")
        let (text, report) = genericText(p, image.memory)
        #expect(report.rangeProblems.isEmpty)
        #expect(text == """
            0x0000000000000000-0x0000000000002000 0x0000000100000000         8K PT RW- WB A D
            0x0000000000002000-0x0000000000003000 0x0000000100002000         4K PT RW- WB A
            0x0000000000003000-0x0000000000004000 0x0000000100003000         4K PT RW- WB
            0x0000000000010000-0x0000000000012000 0x0000000100010000         8K PT R-X WB A
            0x0000000000012000-0x0000000000013000 0x0000000100012000         4K PT RWX WB A D
            0x0000000000013000-0x0000000000014000 0x0000000100013000         4K PT RW- UX WB
            0x0000000000020000-0x0000000000021000 0x0000000100020000         4K PT R-- WT
            0x0000000000021000-0x0000000000022000 0x0000000100021000         4K PT R-- WP
            0x0000000000200000-0x0000000000400000 0x0000000100200000         2M PD RW- WB A D
            0x0000000000400000-0x0000000000600000 0x0000000100400000         2M PD RW- WB A
            0x0000000080000000-0x0000000080200000 0x00000000e0000000         2M PD RW- WC IPAT
            0x00000000c0000000-0x0000000100000000 0x0000000fc0000000         1G PDPT RW- UC IPAT

            """)
        let (results, _) = PageTableDump.checkWX(platform: p, memory: image.memory)
        #expect(results.first?.checker.wxPages == 2)
        #expect(results.first?.checker.verdict == "x86 EPT: Checked W+X mappings: FAILED, 2 W+X page(s) found")
    }

    @Test func reservedBitsAreReportedOnTheirRangeNotACrash() throws {
        let a = X86EPT(fiveLevel: false)
        var b = PageTableBuilder(arch: a, physicalBase: 0x10_0000) { $0.rawValue | 7 }
        b.install(va: 0x1000, level: 3, entry: 0x20_1000 | 3 | 6 << 3)
        b.install(va: 0x2000, level: 3, entry: 0x20_2000 | 3 | 7 << 3)           // memory type 7
        b.install(va: 0x4000_0000, level: 1, entry: 0x8000_0000 | 2 | 6 << 3 | 1 << 7)   // W without R
        let path = writeScratch("ept-bad.bin", b.bytes)
        var o = Options(root: b.root, levels: 4, arch: .x86_64)
        o.rawBase = 0x10_0000
        o.translation.stage2 = true
        let image = try ImageLoader.load(path: path, options: o)
        let p = try PlatformResolver.resolve(image: image, options: o)
        let (text, report) = genericText(p, image.memory)
        #expect(report.rangeProblems == [
            "0x0000000000002000-0x0000000000003000: EPT PT entry has the reserved memory type 7 in bits 5:3",
            "0x0000000040000000-0x0000000080000000: EPT PDPT entry is writable but not readable (a misconfiguration)",
        ])
        #expect(text.contains("0x0000000000002000-0x0000000000003000 0x0000000000202000         4K PT RW- type7 MISCONFIGURED\n"))
        #expect(text.split(separator: "\n").count == 3)
    }

    /// A non-leaf entry with reserved bits (a memory type in a PML4E, bits 6:3 of a PDE that
    /// references a table) misconfigures every leaf below it: each such range is a problem
    /// naming the level, and the ranges beside it are not.
    @Test func reservedBitsOfTableEntriesAreProblemsOnTheRangesBelow() throws {
        let a = X86EPT(fiveLevel: false)
        var b = PageTableBuilder(arch: a, physicalBase: 0x10_0000) { $0.rawValue | 7 }
        b.install(va: 0x1000, level: 3, entry: 0x20_1000 | 7 | 6 << 3)                     // fine
        b.install(va: 0x40_0000, level: 3, entry: 0x30_0000 | 7 | 6 << 3)                  // under a bad PDE
        let pd = b.table(for: 0x40_0000, level: 2)
        b.install(va: 0x40_0000, level: 2, entry: b.table(for: 0x40_0000, level: 3).rawValue | 7 | 6 << 3)
        b.install(va: 0x80_0000_0000, level: 3, entry: 0x40_0000 | 7 | 6 << 3)             // under a bad PML4E
        b.install(va: 0x80_0000_0000, level: 0, entry: b.table(for: 0x80_0000_0000, level: 1).rawValue | 7 | 1 << 3)
        #expect(a.inheritance(pd.rawValue | 7 | 1 << 5, parent: nil, level: 0) == 1 << 1)   // PML4 is kernel level 1
        #expect(a.inheritance(pd.rawValue | 7, parent: 1 << 1, level: 2) == 1 << 1)
        let path = writeScratch("ept-bad-tables.bin", b.bytes)
        var o = Options(root: b.root, levels: 4, arch: .x86_64)
        o.rawBase = 0x10_0000
        o.translation.stage2 = true
        let image = try ImageLoader.load(path: path, options: o)
        let p = try PlatformResolver.resolve(image: image, options: o)
        let (text, report) = genericText(p, image.memory)
        #expect(report.rangeProblems == [
            "0x0000000000400000-0x0000000000401000: EPT PD entry above it has reserved bits 6:3 set (a non-leaf entry has no memory type)",
            "0x0000008000000000-0x0000008000001000: EPT PML4 entry above it has reserved bits 6:3 set (a non-leaf entry has no memory type)",
        ])
        #expect(text.contains("0x0000000000001000-0x0000000000002000 0x0000000000201000         4K PT RWX WB\n"))
        #expect(text.contains("0x0000000000400000-0x0000000000401000 0x0000000000300000         4K PT RWX WB MISCONFIGURED\n"))
    }

    @Test(arguments: [(4, UInt64(21)), (5, 22)])
    func builderRoundTripThroughARawDumpAndSave(levels: Int, seed: UInt64) throws {
        let a = X86EPT(fiveLevel: levels == 5)
        var b = PageTableBuilder(arch: a, physicalBase: 0x10_0000) { $0.rawValue | 7 }
        var rng = SplitMix64(state: seed)
        var want: [(UInt64, UInt64, UInt64)] = []
        var wx: UInt64 = 0
        let top = UInt64(1) << UInt64(a.vaBits)
        for i in UInt64(0)..<20 {
            let big = rng.next() % 3 == 0
            let li = a.levels.count - (big ? 2 : 1)
            let size = UInt64(1) << UInt64(a.levels[li].shift)
            let gpa = ((top / 20) * i) & ~(size - 1)
            let hpa = (rng.next() % 1024) * size
            let rwx = [1, 3, 4, 5, 7][Int(rng.next() % 5)] as UInt64
            let e = hpa | rwx | [0, 1, 4, 5, 6][Int(rng.next() % 5)] << 3 | (rng.next() % 2) << 6 | (rng.next() % 4) << 8
                | (rng.next() % 2) << 10 | (big ? 1 << 7 : 0)
            b.install(va: gpa, level: li, entry: e)
            want.append((gpa, hpa, e & X86EPT.protMask))
            if a.wxRule.isWX(e & X86EPT.protMask, 0) { wx += size / 4096 }
        }
        let path = writeScratch("ept-\(seed).bin", b.bytes)
        var o = Options(root: b.root, levels: levels, arch: .x86_64)
        o.rawBase = 0x10_0000
        o.translation.stage2 = true
        let image = try ImageLoader.load(path: path, options: o)
        let p = try PlatformResolver.resolve(image: image, options: o)
        func mapped(_ p: Platform, _ m: any PhysicalMemory) -> [(UInt64, UInt64, UInt64)] {
            p.paging.accept(ARM64RegimeRoundTripTests.Walk(platform: p, memory: m)).filter { $0.prot != 0 }
                .map { ($0.start.rawValue, $0.physical?.rawValue ?? 0, $0.prot) }
        }
        let got = mapped(p, image.memory)
        #expect(got.count == want.count && zip(got, want).allSatisfy { $0 == $1 })
        #expect(PageTableDump.checkWX(platform: p, memory: image.memory).0.first?.checker.wxPages == wx)
        let saved = scratchPath("ept-\(seed).ptd")
        _ = try ImageSaver.save(to: saved, image: image, platform: p)
        let image2 = try ImageLoader.load(path: saved)
        let p2 = try PlatformResolver.resolve(image: image2, options: Options())
        #expect(p2.translationName == p.translationName)
        #expect(genericText(p2, image2.memory).0 == genericText(p, image.memory).0)
    }

    @Test func badInputIsOneClearError() throws {
        let path = repoRoot + "/samples/firmware/ept.elf"
        func resolve(_ change: (inout Options) -> Void) throws {
            var o = Options()
            change(&o)
            _ = try PlatformResolver.resolve(image: try ImageLoader.load(path: path, options: o), options: o)
        }
        #expect(throws: ImageError.contradiction("--levels 3: EPT has 4 or 5 levels")) { try resolve { $0.levels = 3 } }
        #expect(throws: ImageError.contradiction("EPT root 0x105800 (flag --root) is not 4K-aligned")) {
            try resolve { $0.root = 0x10_5800; $0.translation.stage2 = true; $0.levels = 4 }
        }
        #expect(throws: ImageError.contradiction("EPT root 0x900000 (flag --root) lies outside every loaded segment of the image")) {
            try resolve { $0.root = 0x90_0000; $0.translation.stage2 = true; $0.levels = 4 }
        }
        #expect(throws: ImageError.contradiction("--ttbr0, --ttbr1, --regime, --mair and --ipa-bits are arm64's; an EPT table takes --levels 4|5")) {
            try resolve { $0.translation.regime = "el2" }
        }
    }
}
