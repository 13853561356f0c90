import Testing
@testable import PTDumpCore

/// Loads `relative` (a repository file) as the CLI would, with `options`.
private func loadRepo(_ relative: String, _ options: Options = Options()) throws -> (Image, Platform) {
    let image = try ImageLoader.load(path: repoRoot + "/" + relative, options: options)
    return (image, try PlatformResolver.resolve(image: image, options: options))
}

/// The generic text (or its JSON) of `platform`.
private func generic(_ platform: Platform, _ memory: any PhysicalMemory, json: Bool = false) -> String {
    var o = DumpOptions(json: json)
    o.generic = true
    let out = TextOutput()
    _ = GenericDump.print(platform: platform, memory: memory, options: o, out: out)
    return out.text
}

/// The firmware fixtures of samples/firmware, built by aarch64-linux-gnu-gcc from static C
/// tables: every line follows from the descriptors written in the C sources.
@Suite struct FirmwareFixtureTests {
    @Test func ttbr0IdentityMapPrintsLowHalfAddressesWithDeviceAndNormalNamed() throws {
        let (image, p) = try loadRepo("samples/firmware/ttbr0-el1.elf")
        #expect(!p.linuxKernel)
        #expect(p.root.value == 0x4000_4000)
        #expect(p.root.source.description == "symbol ttbr0_el1 (a conventional root name)")
        #expect(p.vaBits.value == 39 && p.pageSize.value == 4096 && p.levels.value == 3)
        #expect(generic(p, image.memory) == """
            0x0000000000000000-0x0000000040000000 0x0000000000000000         1G L1 RW PXN UXN Device-nGnRnE AF
            0x0000000040000000-0x0000000040001000 0x0000000040000000         4K L3 RO X UXN Normal-WB ISH AF
            0x0000000040001000-0x0000000040002000 0x0000000040001000         4K L3 RO PXN UXN Normal-WB ISH AF
            0x0000000040002000-0x0000000040006000 0x0000000040002000        16K L3 RW PXN UXN Normal-WB ISH AF
            0x0000000040006000-0x0000000040007000 0x0000000040006000         4K L3 RW X UXN Normal-WB ISH AF
            0x0000000040200000-0x0000000040400000 0x0000000040200000         2M L2 RW PXN UXN Normal-WB ISH AF
            0x0000000040400000-0x0000000040800000 0x0000000040400000         4M L2 RW PXN UXN Normal-NC ISH AF

            """)
        let (results, _) = PageTableDump.checkWX(platform: p, memory: image.memory)
        #expect(results.first?.checker.wxPages == 1)
        #expect(results.first?.checker.findings.map(\.range.start) == [0x4000_6000])
        #expect(results.first?.checker.verdict == "arm64 EL1&0: Checked W+X mappings: FAILED, 1 W+X page(s) found")
    }

    @Test func el2ImageTreatsBit54AsTheOnlyExecuteNeverBit() throws {
        let (image, p) = try loadRepo("samples/firmware/el2.elf")
        #expect(p.translationName?.hasPrefix("arm64 EL2 stage 1") == true)
        #expect(p.vaBits.value == 32 && p.architecture.levels[0].entries == 4)
        #expect(generic(p, image.memory) == """
            0x0000000000000000-0x0000000040000000 0x0000000000000000         1G L1 RW XN Device-nGnRnE AF
            0x0000000040000000-0x0000000040001000 0x0000000040000000         4K L3 RO X Normal-WB ISH AF
            0x0000000040001000-0x0000000040002000 0x0000000040001000         4K L3 RO XN Normal-WB ISH AF
            0x0000000040002000-0x0000000040005000 0x0000000040002000        12K L3 RW XN Normal-WB ISH AF
            0x0000000040006000-0x0000000040007000 0x0000000040006000         4K L3 RW X Normal-WB ISH AF
            0x0000000040200000-0x0000000040400000 0x0000000040200000         2M L2 RW XN Normal-WB ISH AF

            """)
        let (results, _) = PageTableDump.checkWX(platform: p, memory: image.memory)
        #expect(results.first?.checker.wxPages == 1)
        #expect(results.first?.checker.verdict == "arm64 EL2: Checked W+X mappings: FAILED, 1 W+X page(s) found")
    }

    @Test func jsonCarriesTheGenericFields() throws {
        let (image, p) = try loadRepo("samples/firmware/ttbr0-el1.elf")
        let lines = generic(p, image.memory, json: true).split(separator: "\n")
        #expect(lines.count == 8)
        #expect(lines[4] == #"{"start":"0x0000000040006000","end":"0x0000000040007000","phys":"0x0000000040006000","size":4096,"level":"L3","attributes":["RW","X","UXN","Normal-WB","ISH","AF"],"prot":"0x40000000000709","permissions":{"user":false,"write":true,"execute":true,"user_execute":false}}"#)
        #expect(lines[7].hasPrefix(#"{"summary":{"arch":"arm64","translation":"arm64 EL1&0 stage 1 (TTBR0"#))
        #expect(lines[7].hasSuffix(#""levels":3,"page_size":4096,"root":"0x40004000","ranges":7,"mapped_bytes":1080061952,"tables_read":3,"unreadable_tables":0}}"#))
    }

    @Test func flagsOverrideWhatTheSymbolsSay() throws {
        var o = Options()
        o.translation.memoryAttributes = 0x0000_0000_44ff_0408      // Attr0 Device-nGRE
        let (image, p) = try loadRepo("samples/firmware/ttbr0-el1.elf", o)
        #expect(generic(p, image.memory).hasPrefix("0x0000000000000000-0x0000000040000000 0x0000000000000000         1G L1 RW PXN UXN Device-nGRE AF\n"))
        o.translation.regime = "el3"
        o.vaBits = 39
        let (image3, p3) = try loadRepo("samples/firmware/ttbr0-el1.elf", o)
        // At EL3 bit 53 means nothing: the .rodata page (PXN and UXN set) is XN by bit 54 alone.
        #expect(generic(p3, image3.memory).contains("0x0000000040001000-0x0000000040002000 0x0000000040001000         4K L3 RO XN Normal-WB ISH AF\n"))
    }

    @Test func vaBaseIsHonouredOrRefused() throws {
        var o = Options()
        o.vaBase = 0
        #expect(try loadRepo("samples/firmware/ttbr0-el1.elf", o).1.vaBase == 0)
        o.vaBase = 0x1000
        #expect(throws: ImageError.contradiction("--va-base 0x1000 does not fit the chosen half: its top-level table maps 0x0000000000000000-0x0000007fffffffff, from 0x0 (pass --root-level for a lower table)")) {
            _ = try loadRepo("samples/firmware/ttbr0-el1.elf", o)
        }
        // A lower table: the L3 table of the image, inside the half; and one outside it.
        o.rootSymbol = "ttbr0_el1_l3"
        o.rootLevel = "L3"
        o.vaBase = 0x4000_0000
        let (image, p) = try loadRepo("samples/firmware/ttbr0-el1.elf", o)
        #expect(generic(p, image.memory).split(separator: "\n").count == 4)
        o.vaBase = 0x80_0000_0000
        #expect(throws: ImageError.contradiction("--va-base 0x8000000000 does not fit the chosen half 0x0000000000000000-0x0000007fffffffff")) {
            _ = try loadRepo("samples/firmware/ttbr0-el1.elf", o)
        }
    }

    @Test func vaBaseOfALinuxTopTableIsRefusedNotIgnored() throws {
        var o = Options()
        o.rootLevel = "pgd"
        o.vaBase = 0xffff_0000_0000_0000                      // aligned to the pgd's span: once ignored
        #expect(throws: ImageError.contradiction("--va-base 0xffff000000000000 does not fit the top-level table, which maps the whole address space from 0; --va-base applies to a lower --root-level")) {
            _ = try loadRepo("samples/x86_64-4level/image.ptd", o)
        }
        o.vaBase = 0
        #expect(try loadRepo("samples/x86_64-4level/image.ptd", o).1.rootLevel == 0)
    }

    @Test func badInputIsOneClearError() throws {
        var o = Options()
        o.translation.half = .high
        #expect(throws: ImageError.contradiction("--ttbr1: EL2 has one VA range, translated by TTBR0_EL2 from 0 (use --regime el2-vhe for EL2 with VHE)")) {
            _ = try loadRepo("samples/firmware/el2.elf", o)
        }
        o = Options()
        o.translation.regime = "el4"
        #expect(throws: ImageError.contradiction("--regime el4: expected el1, el2, el2-vhe or el3")) {
            _ = try loadRepo("samples/firmware/el2.elf", o)
        }
        o = Options()
        o.translation.memoryAttributes = 0x0200
        #expect(throws: ImageError.contradiction("--mair 0x200: Attr1 is 0x02, a reserved Device encoding (0b0000dd1x)")) {
            _ = try loadRepo("samples/firmware/el2.elf", o)
        }
        o = Options()
        o.root = 0x9000_0000
        #expect(throws: ImageError.contradiction("root 0x90000000 (flag --root) lies outside every loaded segment of the image")) {
            _ = try loadRepo("samples/firmware/el2.elf", o)
        }
        o = Options()
        o.translation.regime = "el3"                         // no tcr_el3 symbol
        #expect(throws: ImageError.missingFact("arm64 EL3 VA size unknown: pass --va-bits N (64 - T0SZ) or --levels N")) {
            _ = try loadRepo("samples/firmware/el2.elf", o)
        }
    }
}

/// `MAIR_ELx` attribute bytes by name, and the reserved ones refused.
@Suite struct ARM64MAIRTests {
    @Test(arguments: [
        (UInt8(0x00), "Device-nGnRnE"), (0x04, "Device-nGnRE"), (0x08, "Device-nGRE"), (0x0c, "Device-GRE"),
        (0x01, "Device-nGnRnE-XS0"), (0xff, "Normal-WB"), (0xee, "Normal-WB"), (0xbb, "Normal-WT"), (0x44, "Normal-NC"),
        (0x4f, "Normal-iWB-oNC"), (0xf4, "Normal-iNC-oWB"), (0x77, "Normal-WB-T"), (0x33, "Normal-WT-T"),
        (0xf0, "Normal-Tagged"), (0x40, "Normal-NC-XS0"), (0xa0, "Normal-WT-XS0"),
    ])
    func namesEachEncoding(byte: UInt8, name: String) throws {
        let m = try ARM64MAIR(validating: UInt64(byte) << 40)
        #expect(m.name(index: 5) == name)
        #expect(m.name(index: 0) == "Device-nGnRnE")
    }

    @Test(arguments: [UInt8(0x02), 0x03, 0x0e, 0x10, 0x30, 0x50, 0xe0])
    func refusesReservedEncodings(byte: UInt8) {
        #expect(throws: ImageError.self) { _ = try ARM64MAIR(validating: UInt64(byte) << 56) }
    }

    @Test func linuxDefaultIsMAIREL1Set() {
        let m = ARM64MAIR.linuxDefault
        #expect((0..<5).map { m.name(index: $0) } == ["Normal-WB", "Normal-WB", "Normal-NC", "Device-nGnRnE", "Device-nGnRE"])
    }
}

/// Geometry, descriptor decoding and permissions of each regime.
@Suite struct ARM64Stage1Tests {
    @Test(arguments: [
        (4096, 48, [0, 1, 2, 3], 512), (4096, 39, [1, 2, 3], 512), (4096, 32, [1, 2, 3], 4), (4096, 30, [2, 3], 512),
        (16384, 48, [0, 1, 2, 3], 2), (16384, 36, [2, 3], 2048), (65536, 48, [1, 2, 3], 64), (65536, 42, [2, 3], 8192),
        (65536, 25, [3], 512),
    ])
    func startingLevelFollowsTheVASize(pageSize: Int, vaBits: Int, hw: [Int], topEntries: Int) throws {
        let a = try #require(ARM64Stage1(pageSize: pageSize, vaBits: vaBits, regime: .el1, mair: nil))
        #expect(a.levels.indices.map(a.hardwareLevel) == hw)
        #expect(a.levels[0].entries == topEntries)
        #expect(a.vaBits == vaBits)
    }

    @Test func refusesWhatStage1CannotTranslate() {
        #expect(ARM64Stage1(pageSize: 8192, vaBits: 39, regime: .el1, mair: nil) == nil)
        #expect(ARM64Stage1(pageSize: 4096, vaBits: 52, regime: .el1, mair: nil) == nil)
        #expect(ARM64Stage1(pageSize: 4096, vaBits: 24, regime: .el1, mair: nil) == nil)
    }

    @Test func blocksOnlyWhereTheGranuleAllowsThem() throws {
        let k4 = try #require(ARM64Stage1(pageSize: 4096, vaBits: 48, regime: .el1, mair: nil))
        let block: UInt64 = 0x4000_0000 | 1
        #expect(k4.classify(block, level: 0) == .hole)           // L0: no blocks
        #expect(k4.classify(block, level: 1) == .leaf)           // L1: 1G blocks
        #expect(k4.classify(block, level: 2) == .leaf)           // L2: 2M blocks
        #expect(k4.classify(0x4000_0003, level: 1) == .table(0x4000_0000))
        #expect(k4.classify(0x4000_0002, level: 1) == .hole)     // invalid
        #expect(k4.prot(0x4000_0001, kernelLevel: 4) == 0)        // 0b01 at L3 is reserved: invalid
        #expect(k4.prot(0x4000_0003, kernelLevel: 4) == 1 | 2 & ARM64Stage1.protMask)
        let k16 = try #require(ARM64Stage1(pageSize: 16384, vaBits: 47, regime: .el1, mair: nil))
        #expect(k16.classify(block, level: 0) == .hole)          // 16K L1: no blocks
        #expect(k16.classify(block, level: 1) == .leaf)          // 16K L2: 32M blocks
        #expect(k16.outputAddress(0x0000_ffff_f3ff_c003 | 1 << 54, level: 2) == 0xffff_f3ff_c000)
    }

    @Test(arguments: ARM64Regime.allCases)
    func permissionsFollowTheRegime(regime: ARM64Regime) throws {
        let a = try #require(ARM64Stage1(pageSize: 4096, vaBits: 39, regime: regime, mair: nil))
        let enc = ARM64Stage1Encoder(arch: a)
        for write in [false, true] {
            for execute in [false, true] {
                for userExecute in [false, true] {
                    for user in [false, true] {
                        let e = enc.leaf(0x4000_0000, write: write, execute: execute, userExecute: userExecute, user: user,
                                         last: true, pxnBit: true)
                        let p = a.permissions(prot: a.prot(e, kernelLevel: 4), effective: 0)
                        #expect(p.present && p.write == write && p.execute == execute)
                        let wx = a.wxRule.isWX(a.prot(e, kernelLevel: 4), 0)
                        if regime.hasTwoRanges {
                            #expect(p.user == user && p.userExecute == userExecute)
                            #expect(wx == (write && (execute || userExecute)))
                        } else {
                            #expect(!p.user && !p.userExecute)          // AP[1] and bit 53 mean nothing
                            #expect(wx == (write && execute))
                        }
                    }
                }
            }
        }
    }

    @Test func genericWordsNameEachField() throws {
        let mair = try ARM64MAIR(validating: 0x44ff_0400)
        func words(_ e: UInt64, _ regime: ARM64Regime, _ m: ARM64MAIR? = mair) -> [String] {
            ARM64Stage1.words(prot: e & ARM64Stage1.protMask, regime: regime, mair: m)
        }
        #expect(words(0x703 | 2 << 2 | 1 << 53 | 1 << 54, .el1) == ["RW", "PXN", "UXN", "Normal-WB", "ISH", "AF"])
        #expect(words(0x3 | 1 << 6 | 1 << 7 | 3 << 2 | 2 << 8 | 1 << 11, .el1) == ["RO", "X", "UX", "USER", "Normal-NC", "OSH", "nG"])
        #expect(words(0x3 | 1 << 2 | 1 << 11 | 1 << 52 | 1 << 51 | 1 << 50, .el2) == ["RW", "X", "Device-nGnRE", "CONT", "DBM", "GP"])
        #expect(words(0x3 | 1 << 5 | 1 << 54, .el3, nil) == ["RW", "XN", "AttrIndx=0", "NSH", "NS"])
        #expect(words(0x3 | 1 << 8 | 2 << 2, .el2VHE) == ["RW", "X", "UX", "Normal-WB", "SH=reserved"])
        #expect(words(0x2, .el1).isEmpty)
    }
}
