import Testing
@testable import PTDumpCore

/// 32-bit PAE (`--levels 3`) and the PAT: geometry, inherited permissions, PAT indices under a
/// given `IA32_PAT`, the i386 fixture built by gcc -m32, round trips and errors.
@Suite struct X86PAETests {
    func generic(_ p: Platform, _ m: any PhysicalMemory) -> String {
        var o = DumpOptions()
        o.generic = true
        let out = TextOutput()
        _ = GenericDump.print(platform: p, memory: m, options: o, out: out)
        return out.text
    }

    @Test func geometryAndClassification() {
        let a = X86PAE(pat: .powerOn)
        #expect(a.levels.map(\.entries) == [4, 512, 512] && a.vaBits == 32)
        #expect(a.classify(0x5000 | 1, level: 0) == .table(0x5000))
        #expect(a.classify(0x5000 | 1 | 1 << 7, level: 0) == .table(0x5000))     // a PDPTE is never a leaf
        #expect(a.classify(0x20_0000 | 0x81, level: 1) == .leaf)
        #expect(a.classify(0x20_0000 | 0x80, level: 1) == .hole)
        #expect(a.prot(0x20_1000 | 0x81 | 1 << 12, kernelLevel: 3) & (1 << 12) != 0)   // PAT of a 2M page kept
        #expect(a.prot(0x20_1000 | 0x81, kernelLevel: 4) & (1 << 12) == 0)             // bit 12 of a 4K page is address
        #expect(a.outputAddress(0x1_2345_6000 | 0x81 | 1 << 63, level: 1) == 0x1_2340_0000)
    }

    @Test func permissionsAreInheritedDownTheLevels() {
        let a = X86PAE(pat: .powerOn)
        let pdpte = a.effective(0x1000 | 1, parent: nil)
        let pde = a.effective(0x2000 | 1 | 2, parent: pdpte)                   // RW, not US
        let leaf = a.effective(0x3000 | 1 | 2 | 4, parent: pde)
        let p = a.permissions(prot: 0x7, effective: leaf)
        #expect(p.write && !p.user && p.execute)
        let nx = a.effective(0x3000 | 7 | 1 << 63, parent: pde)
        #expect(!a.permissions(prot: 7, effective: nx).execute)
        #expect(a.wxRule.isWX(7, leaf) && !a.wxRule.isWX(7, nx) && !a.wxRule.isWX(0, leaf))
    }

    @Test func patIndicesAndNames() throws {
        #expect(X86PAT.index(1 << 3, large: false) == 1)
        #expect(X86PAT.index(1 << 4, large: false) == 2)
        #expect(X86PAT.index(1 << 7 | 1 << 4 | 1 << 3, large: false) == 7)
        #expect(X86PAT.index(1 << 12 | 1 << 3, large: true) == 5)
        #expect(X86PAT.index(1 << 7, large: true) == 0)                          // bit 7 is PS there
        #expect((0..<8).map(X86PAT.powerOn.name) == ["WB", "WT", "UC-", "UC", "WB", "WT", "UC-", "UC"])
        #expect((0..<8).map(X86PAT.linux.name) == ["WB", "WC", "UC-", "UC", "WB", "WP", "UC-", "WT"])
        #expect(throws: ImageError.contradiction("--pat 0x300: PA1 is 0x3, a reserved memory type (0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC-)")) {
            _ = try X86PAT(validating: 0x300)
        }
        #expect(throws: ImageError.self) { _ = try X86PAT(validating: 0x08) }
    }

    @Test func fixtureBuiltByGCCm32() throws {
        let image = try ImageLoader.load(path: repoRoot + "/samples/firmware/pae.elf")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.root.value == 0x10_4000 && p.translationName?.hasPrefix("x86 32-bit PAE") == true)
        #expect(generic(p, image.memory) == """
            0x0000000000000000-0x0000000000001000 0x0000000000000000         4K PT RW NX WB
            0x0000000000001000-0x0000000000003000 0x0000000000001000         8K PT RO X WB GLB A
            0x0000000000003000-0x0000000000004000 0x0000000000003000         4K PT RW X WB GLB A D
            0x0000000000004000-0x0000000000005000 0x0000000000004000         4K PT RW NX UC-
            0x00000000000b8000-0x00000000000b9000 0x00000000000b8000         4K PT RW NX UC
            0x0000000000200000-0x0000000000400000 0x0000000000200000         2M PD RW NX WB GLB A D
            0x0000000000400000-0x0000000000600000 0x0000000000400000         2M PD RO X WB GLB A
            0x0000000000600000-0x0000000000800000 0x0000000000600000         2M PD RW NX USER WT A D
            0x00000000fe800000-0x00000000fea00000 0x00000000fe800000         2M PD RW NX UC

            """)
        let (results, _) = PageTableDump.checkWX(platform: p, memory: image.memory)
        #expect(results.first?.checker.wxPages == 1)
        var o = Options()
        o.translation.pageAttributeTable = 0x0007_0106_0007_0106                 // PA1 = WC, PA5 = WC
        let p2 = try PlatformResolver.resolve(image: image, options: o)
        #expect(generic(p2, image.memory).contains("2M PD RW NX USER WC A D\n"))
        // --save keeps the PAT.
        let saved = scratchPath("pae.ptd")
        _ = try ImageSaver.save(to: saved, image: image, platform: p2)
        let image3 = try ImageLoader.load(path: saved)
        #expect(generic(try PlatformResolver.resolve(image: image3, options: Options()), image3.memory) == generic(p2, image.memory))
    }

    @Test func builderRoundTripThroughARawDump() throws {
        let a = X86PAE(pat: .powerOn)
        var b = PageTableBuilder(arch: a, physicalBase: 0x10_0000) { $0.rawValue | 1 }
        var rng = SplitMix64(state: 31)
        var want: [(UInt64, UInt64, Bool)] = []
        var wx: UInt64 = 0
        for i in UInt64(0)..<16 {
            let big = i % 4 == 0
            let size: UInt64 = big ? 0x20_0000 : 0x1000
            let va = (i * 0x1000_0000) & ~(size - 1)
            let write = rng.next() % 2 == 0, nx = rng.next() % 2 == 0
            let e = va | 1 | (write ? 2 : 0) | (nx ? 1 << 63 : 0) | (big ? 1 << 7 : 0)
            if !big {
                // The page directory entry above must allow writes for the leaf's RW to count.
                b.install(va: va, level: 1, entry: b.table(for: va, level: 2).rawValue | 3)
            }
            b.install(va: va, level: big ? 1 : 2, entry: e)
            want.append((va, va + size, write))
            if write && !nx { wx += size / 4096 }
        }
        let path = writeScratch("pae.bin", b.bytes)
        var o = Options(root: b.root, levels: 3, arch: .x86_64)
        o.rawBase = 0x10_0000
        let image = try ImageLoader.load(path: path, options: o)
        let p = try PlatformResolver.resolve(image: image, options: o)
        let ranges = p.paging.accept(ARM64RegimeRoundTripTests.Walk(platform: p, memory: image.memory)).filter { $0.prot != 0 }
        #expect(ranges.map { $0.start.rawValue } == want.map(\.0))
        #expect(ranges.map { $0.end.rawValue } == want.map(\.1))
        #expect(ranges.map { p.architecture.permissions(prot: $0.prot, effective: $0.effective).write } == want.map(\.2))
        #expect(PageTableDump.checkWX(platform: p, memory: image.memory).0.first?.checker.wxPages == wx)
    }

    @Test func badInputIsOneClearError() throws {
        let path = repoRoot + "/samples/firmware/pae.elf"
        func resolve(_ change: (inout Options) -> Void) throws {
            var o = Options()
            change(&o)
            _ = try PlatformResolver.resolve(image: try ImageLoader.load(path: path, options: o), options: o)
        }
        #expect(throws: ImageError.contradiction("PAE root 0x104010 (flag --root) is not 32-byte aligned (CR3 holds bits 31:5)")) {
            try resolve { $0.root = 0x10_4010; $0.levels = 3 }
        }
        #expect(throws: ImageError.contradiction("PAE root 0x900000 (flag --root) lies outside every loaded segment of the image")) {
            try resolve { $0.root = 0x90_0000; $0.levels = 3 }
        }
        let x86 = repoRoot + "/samples/x86_64-4level/image.ptd"
        #expect(throws: ImageError.contradiction("--pat applies to 32-bit tables (--levels 3 for PAE, --levels 2 for legacy paging); a Linux kernel's memory types are named by Linux's PAT")) {
            var o = Options()
            o.translation.pageAttributeTable = 0x0007_0406_0007_0406
            _ = try PlatformResolver.resolve(image: try ImageLoader.load(path: x86, options: o), options: o)
        }
    }
}

/// `--user`: a process's user half from a real capture (CR3 of the QEMU CPU note, PTI copy).
@Suite struct UserHalfTests {
    @Test func userHalfOfARealProcess() throws {
        let image = try ImageLoader.load(path: repoRoot + "/samples/x86_64-4level-user/image.ptd")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.layout.ranges == [WalkRange(first: 0, last: 0x7fff_ffff_ffff)])
        let (text, report) = renderText(p, image.memory)
        #expect(report.problems.isEmpty)
        let lines = text.split(separator: "\n")
        #expect(lines.first == "---[ User Space ]---")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("0x0000") && ($0.contains(" USR ") || !$0.contains(" x ") && !$0.contains(" NX ")) })
        #expect(lines.filter { $0.contains(" USR ") }.count >= 10)
        #expect(lines.last?.hasSuffix("-0x0000800000000000          10G                               pud") == true)
        let (results, _) = PageTableDump.checkWX(platform: p, memory: image.memory)
        #expect(results.count == 1 && results.first?.checker.wxPages == 0)
    }

    @Test func userNeedsAProcessRoot() throws {
        var o = Options()
        o.translation.user = true
        let image = try ImageLoader.load(path: repoRoot + "/samples/arm64-4k-48/image.ptd", options: o)
        #expect(throws: ImageError.missingFact("--user needs a process's page-table root: pass --root PA (its TTBR0_EL1 without the ASID)")) {
            _ = try PlatformResolver.resolve(image: image, options: o)
        }
    }
}
