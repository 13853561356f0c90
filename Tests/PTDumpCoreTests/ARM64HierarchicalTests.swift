import Testing
@testable import PTDumpCore

/// arm64 hierarchical permissions of non-Linux stage-1 tables: APTable, PXNTable and
/// UXNTable/XNTable of table descriptors restrict everything below them (Arm ARM D8.4.2), in
/// the generic text, JSON, `--walk` and `--check-wx`; one-range regimes have only APTable[1]
/// and XNTable; TCR_ELx.HPD turns them off. Linux's own text stays leaf-only (golden tests).
@Suite struct ARM64HierarchicalTests {
    let fixture = repoRoot + "/samples/firmware/hierarchical.elf"

    func load(_ path: String, _ o: Options = Options()) throws -> (Image, Platform) {
        let image = try ImageLoader.load(path: path, options: o)
        return (image, try PlatformResolver.resolve(image: image, options: o))
    }

    func generic(_ p: Platform, _ m: any PhysicalMemory, json: Bool = false) -> String {
        var o = DumpOptions(json: json)
        o.generic = true
        let out = TextOutput()
        _ = GenericDump.print(platform: p, memory: m, options: o, out: out)
        return out.text
    }

    func wxPages(_ p: Platform, _ m: any PhysicalMemory) -> UInt64? {
        PageTableDump.checkWX(platform: p, memory: m).0.first?.checker.wxPages
    }

    /// The same platform with the table bits ignored (as with TCR_EL1.HPD0 set).
    func leafOnly(_ p: Platform) throws -> Platform {
        guard case .arm64Stage1(let a) = p.paging else { throw ImageError.other("not stage 1") }
        var q = p
        q.paging = .arm64Stage1(try #require(ARM64Stage1(pageSize: Int(a.pageSize), vaBits: a.inputBits, regime: a.regime,
                                                         mair: a.mair, hierarchical: false)))
        return q
    }

    @Test func tableDescriptorsRestrictTheirLeavesInTheFixture() throws {
        let (image, p) = try load(fixture)
        #expect(generic(p, image.memory) == readRepoFile("samples/firmware/hierarchical.txt"))
        let text = generic(p, image.memory)
        // One L2 table of RW+X blocks, reached through two L1 entries.
        #expect(text.contains("0x0000000080000000-0x0000000080800000 0x0000000048000000         8M L2 RW PXN UXN Normal-WB ISH AF PXNTable UXNTable\n"))
        #expect(text.contains("0x00000000c0000000-0x00000000c0800000 0x0000000048000000         8M L2 RO X UX Normal-WB ISH AF APTable:RO\n"))
        // The verdict: only the trampoline; leaf bits alone would add both aliases (2 × 8 MiB).
        #expect(wxPages(p, image.memory) == 1)
        #expect(wxPages(try leafOnly(p), image.memory) == 1 + 2 * 2048)
        #expect(generic(try leafOnly(p), image.memory).contains("8M L2 RW X UX Normal-WB ISH AF\n"))
        // JSON: the effective permissions.
        let json = generic(p, image.memory, json: true).split(separator: "\n")
        let alias = try #require(json.first { $0.hasPrefix("{\"start\":\"0x0000000080000000\"") })
        #expect(alias.contains("\"attributes\":[\"RW\",\"PXN\",\"UXN\",\"Normal-WB\",\"ISH\",\"AF\",\"PXNTable\",\"UXNTable\"]"))
        #expect(alias.contains("\"permissions\":{\"user\":false,\"write\":true,\"execute\":false,\"user_execute\":false}"))
        let ro = try #require(json.first { $0.hasPrefix("{\"start\":\"0x00000000c0000000\"") })
        #expect(ro.contains("\"permissions\":{\"user\":false,\"write\":false,\"execute\":true,\"user_execute\":true}"))
        // --save keeps it all.
        let saved = scratchPath("hierarchical.ptd")
        _ = try ImageSaver.save(to: saved, image: image, platform: p)
        let (image2, p2) = try load(saved)
        #expect(generic(p2, image2.memory) == text)
    }

    @Test func walkNamesTheRestrictionAndWhereItCameFrom() throws {
        let (image, p) = try load(fixture)
        let lines = try AddressWalk.explain(0x8000_1234, platform: p, memory: image.memory)
        #expect(lines == [
            "0x0000000080001234: arm64 3-level, root 0x40005000",
            "  L1  table 0x40005000  index 2   entry 0x1800000040002003  VALID  -> table 0x40002000  restricts: PXNTable UXNTable",
            "  L2  table 0x40002000  index 0   entry 0x0000000048000709  VALID AF SH_INNER  -> block 0x48000000",
            "  => 0x0000000048001234  2M L2 mapping, write, no-exec",
            "  restricted by: PXNTable UXNTable (L1 table 0x40005000 index 2)",
        ])
        let ro = try AddressWalk.explain(0xc020_0000, platform: p, memory: image.memory)
        #expect(ro.suffix(2) == ["  => 0x0000000048200000  2M L2 mapping, read-only, exec",
                                 "  restricted by: APTable:RO (L1 table 0x40005000 index 3)"])
        let plain = try AddressWalk.explain(0x4000_6000, platform: p, memory: image.memory)
        #expect(!plain.contains { $0.contains("restrict") })
    }

    /// `TCR_EL1.HPD0` (bit 41) set in the image: the table bits are ignored and said to be.
    @Test func hpdInTheImagesTCRTurnsThemOff() throws {
        let f = try MappedFile(path: fixture)
        var bytes = Array(UnsafeRawBufferPointer(start: f.base, count: f.count))
        let tcr: [UInt8] = [0x19, 0x00, 0x80, 0, 0, 0, 0, 0]                // 25 | 1 << 23
        let hits = (0...(bytes.count - 8)).filter { Array(bytes[$0..<$0 + 8]) == tcr }
        try #require(hits.count == 1)
        bytes[hits[0] + 5] |= 0x02                                            // bit 41
        let (image, p) = try load(writeScratch("hierarchical-hpd.elf", bytes))
        #expect(p.translationName?.hasSuffix("; hierarchical permissions off: TCR HPD)") == true)
        #expect(wxPages(p, image.memory) == 1 + 2 * 2048)
        let saved = scratchPath("hierarchical-hpd.ptd")
        _ = try ImageSaver.save(to: saved, image: image, platform: p)
        let (image2, p2) = try load(saved)
        #expect(wxPages(p2, image2.memory) == 1 + 2 * 2048)
    }

    /// Builds L1 (its entry with `tableBits`) → L2 → one L3 page of RW+X (and EL0) at 0x4000_0000
    /// in `regime`, walks it from a raw dump and returns what the page allows and its W^X count.
    func oneTable(_ regime: ARM64Regime, tableBits: UInt64, user: Bool = false) throws -> (Permissions, UInt64, [String]) {
        let arch = try #require(ARM64Stage1(pageSize: 4096, vaBits: 39, regime: regime, mair: nil))
        let enc = ARM64Stage1Encoder(arch: arch)
        var b = PageTableBuilder(arch: arch, physicalBase: 0x8000_0000) { enc.table($0) }
        let l3 = b.table(for: 0x4000_0000, level: 2)
        b.install(va: 0x4000_0000, level: 0, entry: enc.table(b.table(for: 0x4000_0000, level: 1)) | tableBits)
        b.set(table: l3, index: 0, enc.leaf(0x9000_0000, write: true, execute: true, userExecute: true, user: user, last: true))
        var o = Options(root: b.root, pageSize: 4096, vaBits: 39, arch: .arm64)
        o.rawBase = 0x8000_0000
        o.translation.regime = regime.rawValue
        let (image, p) = try load(writeScratch("hier-\(regime.rawValue).bin", b.bytes), o)
        let r = p.paging.accept(ARM64RegimeRoundTripTests.Walk(platform: p, memory: image.memory)).filter { $0.prot != 0 }
        try #require(r.count == 1)
        let words = p.architecture.rangeAttributes(prot: r[0].prot, effective: r[0].effective, level: r[0].level)
        return (p.architecture.permissions(prot: r[0].prot, effective: r[0].effective), wxPages(p, image.memory) ?? 99, words)
    }

    @Test func twoRangeRegimesHaveAllFourBits() throws {
        let (free, wx, _) = try oneTable(.el1, tableBits: 0, user: true)
        #expect(free.write && free.execute && free.userExecute && free.user && wx == 1, "\(free)")
        let (ro, wxRO, w1) = try oneTable(.el1, tableBits: 1 << 62, user: true)
        #expect(!ro.write && ro.execute && wxRO == 0 && w1.last == "APTable:RO")
        let (noEL0, wxNoEL0, _) = try oneTable(.el1, tableBits: 1 << 61, user: true)
        #expect(!noEL0.user && noEL0.write && wxNoEL0 == 1)
        let (pxn, wxPXN, _) = try oneTable(.el1, tableBits: 1 << 59)
        #expect(!pxn.execute && pxn.userExecute && wxPXN == 1)                  // still W+X at EL0
        let (both, wxBoth, w2) = try oneTable(.el2VHE, tableBits: 1 << 59 | 1 << 60)
        #expect(!both.execute && !both.userExecute && wxBoth == 0 && w2.suffix(2) == ["PXNTable", "UXNTable"])
    }

    /// EL2 without VHE and EL3: APTable[0] and PXNTable are RES0 (ignored); XNTable is bit 60.
    @Test(arguments: [ARM64Regime.el2, .el3])
    func oneRangeRegimesHaveAPTableROAndXNTableOnly(regime: ARM64Regime) throws {
        let (ignored, wx, words) = try oneTable(regime, tableBits: 1 << 61 | 1 << 59)
        #expect(ignored.write && ignored.execute && wx == 1 && !words.contains { $0.hasSuffix("Table") })
        let (xn, wxXN, w) = try oneTable(regime, tableBits: 1 << 60)
        #expect(!xn.execute && wxXN == 0 && w.contains("XNTable") && w.contains("XN"))
        let (ro, wxRO, _) = try oneTable(regime, tableBits: 1 << 62)
        #expect(!ro.write && ro.execute && wxRO == 0)
    }

    /// The restrictions accumulate down the levels and a shared table is walked once per
    /// distinct inheritance (the walker's memo key): `inheritance` is an OR.
    @Test func restrictionsAccumulate() throws {
        let a = try #require(ARM64Stage1(pageSize: 4096, vaBits: 48, regime: .el1, mair: nil))
        let l0 = a.inheritance(0x1000 | 3 | 1 << 62, parent: nil, level: 0)
        let l1 = a.inheritance(0x2000 | 3 | 1 << 59, parent: l0, level: 1)
        #expect(l1 == 1 << 62 | 1 << 59)
        #expect(a.effective(0x3000 | 3 | 1 << 61, parent: l1) == l1)           // a leaf's bits 62:59 are not table bits
        #expect(a.tableRestrictions(0x1000 | 3 | 0xf << 59, level: 0) == ["APTable:RO", "APTable:noEL0", "PXNTable", "UXNTable"])
        let off = try #require(ARM64Stage1(pageSize: 4096, vaBits: 48, regime: .el1, mair: nil, hierarchical: false))
        #expect(off.inheritance(0x1000 | 3 | 0xf << 59, parent: nil, level: 0) == 0 && off.tableRestrictions(0xf << 59, level: 0).isEmpty)
    }
}
