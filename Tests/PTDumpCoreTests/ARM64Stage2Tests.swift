import Testing
@testable import PTDumpCore

/// arm64 stage 2: KVM's geometry (concatenated first-level tables), every descriptor field,
/// KVM's ptdump layout, the W^X rule, the fixture built by aarch64-linux-gnu-gcc and builder
/// round trips through a raw dump and `--save`.
@Suite struct ARM64Stage2Tests {
    @Test(arguments: [
        (4096, 40, 1, 1024, 2), (4096, 48, 0, 512, 1), (4096, 44, 0, 32, 1), (4096, 32, 2, 2048, 4),
        (4096, 25, 3, 8192, 16), (16384, 40, 2, 32768, 16), (16384, 48, 1, 4096, 2), (65536, 40, 2, 2048, 1),
        (65536, 48, 1, 64, 1),
    ])
    func startingLevelAndConcatenationFollowKVM(pageSize: Int, ipaBits: Int, start: Int, entries: Int, tables: Int) throws {
        let a = try #require(ARM64Stage2(pageSize: pageSize, ipaBits: ipaBits))
        #expect(a.hardwareLevel(0) == start)
        #expect(a.levels[0].entries == entries)
        #expect(a.concatenatedTables == tables)
        #expect(a.levels.last.map { $0.shift } == pageSize.trailingZeroBitCount)
    }

    @Test func refusesMoreThanSixteenConcatenatedTables() {
        #expect(ARM64Stage2(pageSize: 4096, ipaBits: 44, startLevel: 1) == nil)      // 32 L1 tables
        #expect(ARM64Stage2(pageSize: 4096, ipaBits: 40, startLevel: 1) != nil)      // 2
        #expect(ARM64Stage2(pageSize: 4096, ipaBits: 30, startLevel: 1) == nil)      // less than one entry's worth
        #expect(ARM64Stage2(pageSize: 4096, ipaBits: 49) == nil)
    }

    @Test func permissionsOfS2APAndXN() throws {
        let a = try #require(ARM64Stage2(pageSize: 4096, ipaBits: 40))
        func p(_ bits: UInt64) -> Permissions { a.permissions(prot: a.prot(bits | 3, kernelLevel: 4), effective: 0) }
        #expect(p(1 << 6).write == false && p(1 << 7).write == true)
        #expect(p(0).execute && p(0).userExecute)                              // XN 00
        #expect(!p(1 << 53).execute && p(1 << 53).userExecute)                 // XN 01: EL0 only
        #expect(!p(2 << 53).execute && !p(2 << 53).userExecute)                // XN 10
        #expect(p(3 << 53).execute && !p(3 << 53).userExecute)                 // XN 11: EL1 only
        let rule = a.wxRule
        for xn in UInt64(0)...3 {
            #expect(rule.isWX(a.prot(3 | 1 << 6 | 1 << 7 | xn << 53, kernelLevel: 4), 0) == (xn != 2))
            #expect(!rule.isWX(a.prot(3 | 1 << 6 | xn << 53, kernelLevel: 4), 0))
        }
        #expect(a.prot(1 | 1 << 7, kernelLevel: 4) == 0)                        // 0b01 at L3: invalid
    }

    @Test(arguments: [
        (0x0, false, "Device-nGnRnE"), (0x1, false, "Device-nGnRE"), (0x2, false, "Device-nGRE"), (0x3, false, "Device-GRE"),
        (0xf, false, "Normal-WB"), (0xa, false, "Normal-WT"), (0x5, false, "Normal-NC"), (0x7, false, "Normal-iWB-oNC"),
        (0xd, false, "Normal-iNC-oWB"), (0x4, false, "reserved(MemAttr=0b100)"),
        (0x1, true, "Device-nGnRE"), (0x5, true, "Normal-NC"), (0x6, true, "Normal-WB"), (0x7, true, "Normal-S1"),
        (0x4, true, "reserved(MemAttr=0b100)"),
    ])
    func memAttrNames(memAttr: UInt64, fwb: Bool, name: String) {
        #expect(ARM64Stage2.memoryType(memAttr << 2 | 1, fwb: fwb) == name)
    }

    @Test func genericWordsNameEachField() throws {
        let a = try #require(ARM64Stage2(pageSize: 4096, ipaBits: 40))
        func w(_ e: UInt64) -> [String] { a.rangeAttributes(prot: a.prot(e, kernelLevel: 3), effective: 0, level: 3) }
        #expect(w(1 | 0xf << 2 | 3 << 6 | 3 << 8 | 1 << 10) == ["RW", "X", "Normal-WB", "ISH", "AF"])
        #expect(w(1 | 0x1 << 2 | 1 << 6 | 2 << 53 | 1 << 52) == ["RO", "XN", "Device-nGnRE", "CONT"])
        #expect(w(1 | 0x5 << 2 | 2 << 6 | 1 << 53 | 2 << 8) == ["WO", "PXN", "Normal-NC", "OSH"])
        #expect(w(1 | 0xf << 2 | 3 << 53) == ["NONE", "UXN", "Normal-WB", "NSH"])
    }

    @Test func fixtureWithConcatenatedL1TablesPrintsInKVMsLayout() throws {
        let image = try ImageLoader.load(path: repoRoot + "/samples/firmware/stage2.elf")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.translationName == "arm64 stage 2 (VTTBR_EL2, 40-bit IPA, first level 1 with 2 concatenated tables)")
        #expect(p.vaBits.source.description == "read from memory at symbol vtcr_el2: VTCR_EL2")
        let (text, _) = renderText(p, image.memory)
        #expect(text == """
            ---[ Guest IPA ]---
            0x0000000000000000-0x0000000008000000         128M 2
            0x0000000008000000-0x0000000008200000           2M 2   R W PXNUXN AF BLK
            0x0000000008200000-0x0000000040000000         894M 2
            0x0000000040000000-0x0000000040002000           8K 3   R   px ux  AF    
            0x0000000040002000-0x0000000040004000           8K 3   R W PXNUXN AF    
            0x0000000040004000-0x0000000040005000           4K 3   R W px ux  AF    
            0x0000000040005000-0x0000000040200000        2028K 3
            0x0000000040200000-0x0000000040600000           4M 2   R W PXNUXN AF BLK
            0x0000000040600000-0x0000000040800000           2M 2   R   PXNux  AF BLK
            0x0000000040800000-0x0000000080000000        1016M 2
            0x0000000080000000-0x0000008000000000         510G 1
            0x0000008000000000-0x0000008040000000           1G 1   R W PXNUXN AF BLK
            0x0000008040000000-0x0000008080000000           1G 1   R   px UXN AF BLK
            0x0000008080000000-0x0000010000000000         510G 1

            """)
        var o = DumpOptions()
        o.generic = true
        let out = TextOutput()
        _ = GenericDump.print(platform: p, memory: image.memory, options: o, out: out)
        #expect(out.text.split(separator: "\n").last == "0x0000008040000000-0x0000008080000000 0x0000020040000000         1G 1 RO UXN Normal-iWB-oNC ISH AF")
        #expect(out.text.contains("0x0000000040000000-0x0000000040002000 0x0000000880000000         8K 3 RO X Normal-WB ISH AF\n"))
        let (results, _) = PageTableDump.checkWX(platform: p, memory: image.memory)
        #expect(results.first?.checker.wxPages == 1)
        #expect(results.first?.checker.verdict == "arm64 stage 2: Checked W+X mappings: FAILED, 1 W+X page(s) found")
    }

    @Test func badInputIsOneClearError() throws {
        let path = repoRoot + "/samples/firmware/stage2.elf"
        func resolve(_ change: (inout Options) -> Void) throws {
            var o = Options()
            change(&o)
            _ = try PlatformResolver.resolve(image: try ImageLoader.load(path: path, options: o), options: o)
        }
        #expect(throws: ImageError.contradiction("--regime el2 is a stage-1 regime; --stage2 tables are translated by VTTBR_EL2")) {
            try resolve { $0.translation.stage2 = true; $0.translation.regime = "el2" }
        }
        #expect(throws: ImageError.contradiction("stage-2 root 0x40007000 (flag --root) is not aligned to its 8192-byte (2 concatenated) first-level table")) {
            try resolve { $0.root = 0x4000_7000 }
        }
        #expect(throws: ImageError.contradiction("arm64 stage 2 with a 4K granule and 50-bit IPA is not a translation stage 2 has (IPA 25 to 48 bits, at most 16 concatenated tables)")) {
            try resolve { $0.translation.inputAddressBits = 50 }
        }
        let raw = writeScratch("s2.bin", [UInt8](repeating: 0, count: 8192))
        #expect(throws: ImageError.missingFact("not an ELF file; as a raw physical dump it needs --ipa-bits N")) {
            var o = Options(root: 0, arch: .arm64)
            o.translation.stage2 = true
            _ = try ImageLoader.load(path: raw, options: o)
        }
    }

    @Test(arguments: [(4096, 40, UInt64(11)), (4096, 36, 12), (16384, 40, 13), (65536, 42, 14), (4096, 25, 15)])
    func builderRoundTripThroughARawDumpAndSave(pageSize: Int, ipaBits: Int, seed: UInt64) throws {
        let arch = try #require(ARM64Stage2(pageSize: pageSize, ipaBits: ipaBits))
        let base: UInt64 = 0x4000_0000
        var b = PageTableBuilder(arch: arch, physicalBase: base) { $0.rawValue | 3 }
        var rng = SplitMix64(state: seed)
        let last = arch.levels.count - 1
        let ps = UInt64(pageSize)
        var want: [(UInt64, UInt64, UInt64, UInt64)] = []       // start, end, pa, prot
        var wx: UInt64 = 0
        // Pages spread over the whole IPA space, so every concatenated table is used.
        let slots = UInt64(24)
        let step = ((UInt64(1) << UInt64(ipaBits)) / slots) & ~(ps - 1)
        for i in 0..<slots {
            let ipa = i * step + (rng.next() % 4) * ps
            let pa = (rng.next() % 65536) * ps
            let xn = rng.next() % 4, ap = rng.next() % 4, attr = [0x1, 0xf, 0x5, 0x7][Int(rng.next() % 4)]
            let e = pa | 3 | UInt64(attr) << 2 | ap << 6 | 3 << 8 | 1 << 10 | xn << 53
            b.install(va: ipa, level: last, entry: e)
            want.append((ipa, ipa + ps, pa, e & ARM64Stage2.protMask))
            if ap & 2 != 0 && xn != 2 { wx += 1 }
        }
        let path = writeScratch("s2-\(seed).bin", b.bytes)
        var o = Options(root: b.root, pageSize: pageSize, arch: .arm64)
        o.rawBase = PhysicalAddress(base)
        o.translation.stage2 = true
        o.translation.inputAddressBits = ipaBits
        let image = try ImageLoader.load(path: path, options: o)
        let p = try PlatformResolver.resolve(image: image, options: o)
        // Entries past the first of the concatenated tables are used.
        let perTable = UInt64(1) << UInt64(pageSize.trailingZeroBitCount - 3)
        #expect(arch.concatenatedTables == 1 || want.contains { $0.0 >> UInt64(arch.levels[0].shift) >= perTable })

        func mapped(_ p: Platform, _ memory: any PhysicalMemory) -> [(UInt64, UInt64, UInt64, UInt64)] {
            p.paging.accept(ARM64RegimeRoundTripTests.Walk(platform: p, memory: memory))
                .filter { $0.prot != 0 }.map { ($0.start.rawValue, $0.end.rawValue, $0.physical?.rawValue ?? 0, $0.prot) }
        }
        let got = mapped(p, image.memory)
        #expect(got.count == want.count)
        #expect(zip(got, want).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 && $0.2 == $1.2 && $0.3 == $1.3 })
        #expect(PageTableDump.checkWX(platform: p, memory: image.memory).0.first?.checker.wxPages == wx)

        let saved = scratchPath("s2-\(seed).ptd")
        _ = try ImageSaver.save(to: saved, image: image, platform: p)
        let image2 = try ImageLoader.load(path: saved)
        let p2 = try PlatformResolver.resolve(image: image2, options: Options())
        let again = mapped(p2, image2.memory)
        #expect(again.count == want.count && zip(again, got).allSatisfy { $0.0 == $1.0 && $0.2 == $1.2 && $0.3 == $1.3 })
        #expect(renderText(p2, image2.memory).0 == renderText(p, image.memory).0)
    }
}
