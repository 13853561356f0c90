import Testing
import CLibElf
@testable import PTDumpCore

// riscv64: the real Sv39 capture (samples/riscv64-sv39), entry decoding field by field, the
// text line, W^X, synthetic kernels in Sv39/Sv48/Sv57 found with no flags (VMCOREINFO in
// memory, root and mode by trial, kernel_map), and bad input.

/// The real 6.1 Sv39 capture, saved with `--save` and no other flag.
@Suite("riscv64 golden sample from a real 6.1 kernel")
struct RISCV64GoldenTests {
    static let sample = "samples/riscv64-sv39"

    func load() throws -> (Image, Platform) {
        let image = try ImageLoader.load(path: "\(repoRoot)/\(Self.sample)/image.ptd")
        return (image, try PlatformResolver.resolve(image: image, options: Options()))
    }

    @Test func textIsTheKernelsWithItsPAColumnAndOnlyMappedRanges() throws {
        let (image, platform) = try load()
        #expect(platform.architecture.textStyle.name == "riscv64")
        #expect(platform.levels.value == 3 && platform.vaBits.value == 39)
        let (text, report) = renderText(platform, image.memory)
        #expect(report.problems.isEmpty)
        #expect(text == readRepoFile("\(Self.sample)/expected.txt"))
    }

    @Test func wxVerdictIsTheKernelsBootTimeLine() throws {
        let (image, platform) = try load()
        #expect(wxLines(platform, image.memory) == [readRepoFile("\(Self.sample)/wx.txt").trimmingSuffixNewline()])
    }

    @Test func savedAgainItPrintsTheSameText() throws {
        let (image, platform) = try load()
        let path = scratchPath("riscv-again.ptd")
        _ = try ImageSaver.save(to: path, image: image, platform: platform)
        let again = try ImageLoader.load(path: path)
        let p2 = try PlatformResolver.resolve(image: again, options: Options())
        #expect(p2.layout.markers == platform.layout.markers)
        #expect(again.vmcoreinfo == image.vmcoreinfo)
        #expect(renderText(p2, again.memory).0 == readRepoFile("\(Self.sample)/expected.txt"))
    }

    @Test func factsFoundInTheDumpWereKept() throws {
        let (image, platform) = try load()
        let l = platform.layout
        #expect(platform.root.value == 0x80c9_9000)
        #expect(l.fact(.riscvKernelEnd) == 0xffff_ffff_80ac_9000)      // kernel_map: virt_addr + size
        #expect(l.fact(.riscvKernelPhys) == 0x8020_0000)
        #expect(l.fact(.riscvSparsememVmemmap) == 0)                    // FLATMEM
        #expect(l.markers.map(\.name) == ["Fixmap start", "Fixmap end", "PCI I/O start", "PCI I/O end", "vmalloc() area",
                                          "vmalloc() end", "Linear mapping", "Modules/BPF mapping", "Kernel mapping"])
        #expect(l.markers.first { $0.name == "Modules/BPF mapping" }?.start == 0xffff_ffff_00ac_9000)
        #expect(l.ranges == [WalkRange(first: 0xffff_ffc0_0000_0000, last: .max)])
        #expect(image.vmcoreinfo?.value("OSRELEASE") == "6.1.192")
    }

    @Test func physAndJSONKeepEveryRange() throws {
        let (image, platform) = try load()
        // --phys: the kernel's PA column already shows it; no physical break in this capture.
        let phys = TextOutput()
        _ = PageTableDump.print(platform: platform, memory: image.memory, options: DumpOptions(physical: true), out: phys)
        #expect(phys.text == readRepoFile("\(Self.sample)/expected.txt"))
        // JSON lists unmapped ranges too: every address once, from KERN_VIRT_START to the end.
        let json = TextOutput()
        _ = PageTableDump.print(platform: platform, memory: image.memory, options: DumpOptions(json: true), out: json)
        let lines = json.text.split(separator: "\n")
        #expect(lines.first?.hasPrefix("{\"start\":\"0xffffffc000000000\"") == true)
        #expect(lines.last?.contains("\"arch\":\"riscv64\",\"levels\":3") == true)
        #expect(lines.filter { $0.contains("\"present\":true") }.count == 15)
    }

    @Test func walkExplainsTheKernelMapping() throws {
        let (image, platform) = try load()
        let lines = try AddressWalk.explain(0xffff_ffff_8000_1234, platform: platform, memory: image.memory)
        #expect(lines.first == "0xffffffff80001234: riscv64 3-level, root 0x80c99000")
        #expect(lines[1].hasPrefix("  PGD table 0x80c99000  index 510 "))
        #expect(lines.last == "  => 0x0000000080201234  2M PMD mapping, read-only, exec, no-user-exec")
        #expect(throws: ImageError.self) { try AddressWalk.explain(0x0000_0040_0000_0000, platform: platform, memory: image.memory) }
    }
}

/// The real 6.1 Sv48 and Sv57 captures (the same kernel; Sv48 by answering its satp probe as a
/// hart without Sv57, tools/capture/satp-limit.py), saved with `--save` and no other flag: the
/// mode and root found by trial, the level names and the markers of each mode.
@Suite("riscv64 golden samples in Sv48 and Sv57")
struct RISCV64ModeGoldenTests {
    @Test(arguments: [("samples/riscv64-sv48", 4, 0xffff_af80_0000_0000 as UInt64, "PUD"),
                      ("samples/riscv64-sv57", 5, 0xff60_0000_0000_0000 as UInt64, "P4D")])
    func textLevelsAndLinearMapAreTheKernels(sample: String, levels: Int, pageOffset: UInt64, topName: String) throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/\(sample)/image.ptd")
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        #expect(platform.levels.value == levels && platform.vaBits.value == 9 * levels + 12)
        #expect(platform.root.value == 0x80c9_9000)
        #expect(platform.layout.fact(.riscvPageOffset) == pageOffset)
        #expect(platform.layout.markers.first { $0.name == "Linear mapping" }?.start == VirtualAddress(pageOffset))
        let (text, report) = renderText(platform, image.memory)
        #expect(report.problems.isEmpty)
        #expect(text == readRepoFile("\(sample)/expected.txt"))
        #expect(wxLines(platform, image.memory) == [readRepoFile("\(sample)/wx.txt").trimmingSuffixNewline()])
        let arch = try #require(RISCV64(levels: levels))
        #expect(arch.levelNames[levels == 5 ? 1 : 2] == topName)
    }
}

/// Entry decoding, level by level and field by field (`pgtable-64.h`, `pgtable.h`, `ptdump.c`).
@Suite struct RISCV64DecodingTests {
    let sv39 = RISCV64(levels: 3)!, sv48 = RISCV64(levels: 4)!, sv57 = RISCV64(levels: 5)!
    let v: UInt64 = 1, r: UInt64 = 2, w: UInt64 = 4, x: UInt64 = 8, u: UInt64 = 0x10, g: UInt64 = 0x20

    @Test func geometryAndLevelNamesFollowTheRunTimeFolding() {
        #expect(sv39.levels.map(\.shift) == [30, 21, 12] && sv39.levels.map(\.kernelLevel) == [2, 3, 4])
        #expect(sv48.levels.map(\.shift) == [39, 30, 21, 12] && sv48.levels.map(\.kernelLevel) == [1, 2, 3, 4])
        #expect(sv57.levels.map(\.shift) == [48, 39, 30, 21, 12] && sv57.levels.map(\.kernelLevel) == [0, 1, 2, 3, 4])
        for a in [sv39, sv48, sv57] {
            #expect(a.levels.allSatisfy { $0.entries == 512 && $0.holeLevel == $0.kernelLevel })
        }
        #expect([sv39.vaBits, sv48.vaBits, sv57.vaBits] == [39, 48, 57])
        #expect(sv39.levelNames == ["PGD", "PGD", "PGD", "PMD", "PTE"])
        #expect(sv48.levelNames == ["PGD", "PGD", "PUD", "PMD", "PTE"])
        #expect(sv57.levelNames == ["PGD", "P4D", "PUD", "PMD", "PTE"])
        #expect(RISCV64(levels: 2) == nil && RISCV64(levels: 6) == nil)
        #expect(sv39.isCanonical(0xffff_ffc0_0000_0000) && !sv39.isCanonical(0xffff_ff80_0000_0000))
        #expect(sv48.isCanonical(0xffff_8000_0000_0000) && !sv48.isCanonical(0xfff0_8000_0000_0000))
    }

    @Test func theAddressIsBits53To10AndNothingElse() {
        #expect(RISCV64.address(0x2008_00eb) == 0x8020_0000)
        // N (63), Svpbmt MT (62:61), reserved 60:54, RSW and the flags never reach the address.
        #expect(RISCV64.address(0xffc0_0000_0000_03ff) == 0)
        #expect(RISCV64.address(0x003f_ffff_ffff_fc00) == 0x00ff_ffff_ffff_f000)
        // A misaligned superpage is printed as it is, not rounded.
        #expect(sv39.outputAddress((0x8020_1000 >> 2) | v | r, level: 1) == 0x8020_1000)
    }

    @Test func topLevelsAboveThePudAreNeverLeavesAndInvalidIsAHole() {
        for (a, li) in [(sv57, 0), (sv57, 1), (sv48, 0)] {
            #expect(a.classify(0, level: li) == .hole)
            #expect(a.classify(0x1000 << 10 | r | w, level: li) == .hole)                 // !V: p?d_bad, cleared
            #expect(a.classify(0x1000 >> 2 | v, level: li) == .table(0x1000))
            #expect(a.classify(0x4000_0000 >> 2 | v | r | w | x, level: li) == .table(0x4000_0000))   // no p?d_leaf
        }
    }

    @Test func pudAndPmdLeavesAndSkippedEntries() {
        let pud = 0, pmd = 1                                     // Sv39 real levels
        for bits in [r, w, x, r | w, r | x, r | w | x] {
            #expect(sv39.classify(0x4000_0000 >> 2 | v | bits, level: pud) == .leaf)
            #expect(sv39.classify(0x20_0000 >> 2 | v | bits, level: pmd) == .leaf)
        }
        #expect(sv39.classify(0, level: pud) == .hole && sv39.classify(0, level: pmd) == .hole)
        #expect(sv39.classify(0x5000 >> 2 | v, level: pud) == .table(0x5000))
        #expect(sv39.classify(0x5000 >> 2 | r, level: pud) == .skip)               // !pud_present
        #expect(sv39.classify(0x5000 >> 2 | g, level: pud) == .skip)
        // pmd_present also counts PROT_NONE (G); with THP a leaf without V as well.
        #expect(sv39.classify(0x5000 >> 2 | g, level: pmd) == .table(0x5000))
        #expect(sv39.classify(0x20_0000 >> 2 | g | r, level: pmd) == .leaf)
        #expect(sv39.classify(0x20_0000 >> 2 | r, level: pmd) == .skip)
        #expect(RISCV64(levels: 3, transparentHugepage: true)!.classify(0x20_0000 >> 2 | r, level: pmd) == .leaf)
        // The last level notes every entry, zero included.
        #expect(sv39.kind(of: 0, level: 2) == .leaf)
    }

    @Test func protIsTheLowNineBitsAtEveryLevel() {
        let e: UInt64 = 0xe000_0000_2008_03ff                     // N, MT, RSW both bits, all flags
        for k in 0...4 { #expect(sv48.prot(e, kernelLevel: k) == 0x1ff) }
        #expect(sv48.effective(e, parent: 0x1ff) == 0)
    }

    @Test func permissionsComeFromTheLeaf() {
        let p = sv39.permissions(prot: v | r | w | x | u, effective: 0)
        #expect(p == Permissions(present: true, user: true, write: true, execute: true, userExecute: true))
        #expect(sv39.permissions(prot: v | r | x, effective: 0) == Permissions(present: true, user: false, write: false, execute: true, userExecute: false))
        #expect(sv39.permissions(prot: r | w | x, effective: 0).present == false)
    }

    @Test func everyColumnPrintsItsBit() {
        let f = KernelTextFormatter(out: TextOutput(), style: sv39.textStyle, levelNames: sv39.levelNames)
        #expect(f.attributes(0x1ff, level: 3) == " RSW D A G U X W R V")
        #expect(f.attributes(0x001, level: 3) == "     . . . . . . . V")
        let names = ["V", "R", "W", "X", "U", "G", "A", "D"]
        for (bit, name) in names.enumerated() {
            let text = f.attributes(UInt64(1) << UInt64(bit), level: 4)
            #expect(text.split(separator: " ").filter { $0 != "." } == [Substring(name)])
        }
        #expect(f.attributes(0x100, level: 4) == " RSW . . . . . . . .")
        #expect(sv39.attributes.map(\.name) == ["_PAGE_SOFT", "_PAGE_DIRTY", "_PAGE_ACCESSED", "_PAGE_GLOBAL", "_PAGE_USER",
                                                "_PAGE_EXEC", "_PAGE_WRITE", "_PAGE_READ", "_PAGE_PRESENT"])
    }

    @Test func aLineHasThePAColumnAndAZeroProtRangeIsNotPrinted() {
        let out = TextOutput()
        var f = KernelTextFormatter(out: out, style: sv39.textStyle, levelNames: sv39.levelNames)
        f.range(CoalescedRange(start: 0xffff_ffd8_0000_0000, end: 0xffff_ffd8_0020_0000, level: 3, prot: 0xe3, effective: 0,
                               physical: 0x8020_0000), printed: true)
        f.range(CoalescedRange(start: 0xffff_ffd8_0020_0000, end: 0xffff_ffd8_0040_0000, level: 3, prot: 0, effective: 0), printed: true)
        f.range(CoalescedRange(start: 0xffff_ffd8_0040_0000, end: 0, level: 2, prot: 0x10b, effective: 0, physical: nil), printed: true)
        #expect(out.text == """
            0xffffffd800000000-0xffffffd800200000    0x0000000080200000         2M PMD     D A G . . . R V
            0xffffffd800400000-0x0000000000000000    0x0000000000000000    163836M PGD RSW . . . . X . R V

            """)
    }

    @Test func wxCountsWriteAndExecuteWithoutLookingAtV() {
        let rule = sv39.wxRule
        #expect(rule.isWX(w | x, 0) && rule.isWX(v | r | w | x, 0))
        #expect(!rule.isWX(v | r | w, 0) && !rule.isWX(v | r | x, 0))
        #expect(rule.verdict(0, 0) == "Checked W+X mappings: passed, no W+X pages found")
        #expect(rule.verdict(1024, 0) == "Checked W+X mappings: failed, 1024 W+X pages found")
        #expect(rule.prefix == "riscv/mm: ")
    }

    @Test func layoutFormulasOfEachMode() {
        #expect(RISCV64Formulas.kernelVirtStart(vaBits: 39) == 0xffff_ffc0_0000_0000)
        #expect(RISCV64Formulas.kernelVirtStart(vaBits: 48) == 0xffff_8000_0000_0000)
        #expect(RISCV64Formulas.kernelVirtStart(vaBits: 57) == 0xff00_0000_0000_0000)
        let expected: [(Int, UInt64, UInt64, UInt64)] = [
            (39, 0xffff_ffc8_0000_0000, 0xffff_ffc7_0000_0000, 0xffff_fff7_0000_0000),
            (48, 0xffff_8f80_0000_0000, 0xffff_8d80_0000_0000, 0xffff_ef80_0000_0000),
            (57, 0xff20_0000_0000_0000, 0xff1c_0000_0000_0000, 0xffdf_0000_0000_0000),
        ]
        for (va, vmalloc, vmemmap, kasan) in expected {
            let po = RISCV64Formulas.pageOffset(vaBits: va)
            #expect(RISCV64Formulas.vmallocStart(pageOffset: po, vaBits: va) == vmalloc)
            #expect(RISCV64Formulas.vmemmapStart(pageOffset: po, vaBits: va, structPageShift: 6) == vmemmap)
            #expect(RISCV64Formulas.kasanShadowStart(vaBits: va) == kasan)
        }
        #expect(RISCV64Formulas.fixmapStart(vmemmapStart: 0xffff_ffc7_0000_0000) == 0xffff_ffc6_fea0_0000)
        #expect(RISCV64Formulas.modulesStart(kernelEnd: 0xffff_ffff_80ac_8001) == 0xffff_ffff_00ac_9000)
    }
}

/// A small riscv64 kernel laid out in memory the way 6.1 leaves it: the kernel image at
/// `KERNEL_LINK_ADDR` (one 2 MiB block at `phys`) and its alias in the linear map, holding its
/// own page tables, `init_uts_ns`, `kernel_map` and, optionally, the VMCOREINFO note.
struct SyntheticRISCVKernel {
    static let phys: UInt64 = 0x8020_0000
    static let size: UInt64 = 0x12_3000
    let levels: Int
    let bytes: [UInt8]
    let root: PhysicalAddress
    let notePA: PhysicalAddress?
    let vmcoreinfo: String

    init(levels: Int, noteInMemory: Bool = true) throws {
        self.levels = levels
        let e = try MappingEncoding(mode: .riscv64(levels: levels))
        let arch = RISCV64(levels: levels)!
        var b = PageTableBuilder(arch: arch, physicalBase: Self.phys) { e.table($0) }
        let pmd = levels - 2
        let link = RISCV64Formulas.kernelLinkAddress
        let pageOffset = RISCV64Formulas.pageOffset(vaBits: arch.vaBits)
        b.install(va: link, level: pmd, entry: e.leaf(PhysicalAddress(Self.phys), MappingAttributes(write: true, execute: true), level: pmd))
        b.install(va: pageOffset, level: pmd, entry: e.leaf(PhysicalAddress(Self.phys), MappingAttributes(), level: pmd))
        // init_uts_ns.name at 0 (release is the third 65-byte field), kernel_map at 0x800.
        var data = [UInt8](repeating: 0, count: 4096)
        for (i, c) in Array("6.1.192".utf8).enumerated() { data[130 + i] = c }
        let words = [pageOffset, link, Self.phys, Self.size, pageOffset &- Self.phys, link &- Self.phys, 0]
        for (i, wv) in words.enumerated() { for k in 0..<8 { data[0x800 + 8 * i + k] = UInt8(truncatingIfNeeded: wv >> (8 * UInt64(k))) } }
        let dataPA = b.newData(data)
        func va(_ pa: PhysicalAddress) -> String { String(link &+ (pa.rawValue - Self.phys), radix: 16) }
        vmcoreinfo = "OSRELEASE=6.1.192\nPAGESIZE=4096\nSYMBOL(init_uts_ns)=\(va(dataPA))\nOFFSET(uts_namespace.name)=0\n"
            + "SYMBOL(swapper_pg_dir)=\(va(b.root))\nSYMBOL(mem_map)=\(va(dataPA))\nSIZE(page)=64\n"
        notePA = noteInMemory ? b.newData(vmcoreinfoNote(vmcoreinfo)) : nil
        bytes = b.bytes
        root = b.root
    }

    /// An ELF core of the memory (`e_machine` 243), with the note in the file when asked.
    func writeCore(noteInFile: Bool = false) throws -> String {
        let path = scratchPath("riscv-sv\(12 + 9 * levels)-\(noteInFile).elf")
        try ElfWriter.write(path: path, machine: 243, type: 4, segments: [
            ElfSegment(type: UInt32(PT_NOTE), data: noteInFile ? vmcoreinfoNote(vmcoreinfo) : []),
            ElfSegment(type: UInt32(PT_LOAD), paddr: Self.phys, data: bytes, align: 4096),
        ])
        return path
    }

    /// What the kernel prints for it: every marker, then the linear map and the kernel (W+X).
    var expectedText: String {
        let po = RISCV64Formulas.pageOffset(vaBits: RISCV64.vaBits(levels: levels))
        return """
            ---[ Fixmap start ]---
            ---[ Fixmap end ]---
            ---[ PCI I/O start ]---
            ---[ PCI I/O end ]---
            ---[ vmalloc() area ]---
            ---[ vmalloc() end ]---
            ---[ Linear mapping ]---
            \(hex16(po))-\(hex16(po + (2 << 20)))    0x0000000080200000         2M PMD     D A G . . W R V
            ---[ Modules/BPF mapping ]---
            ---[ Kernel mapping ]---
            0xffffffff80000000-0xffffffff80200000    0x0000000080200000         2M PMD     D A G . X W R V

            """
    }
}

/// Dumps that say nothing but their memory: VMCOREINFO, the root, the mode and `_end` found
/// in it, in every mode (Sv48 and Sv57 have no real capture; these are their checks).
@Suite struct RISCV64DiscoveryTests {
    @Test(arguments: [3, 4, 5])
    func everythingIsFoundInMemoryWithNoFlags(levels: Int) throws {
        let k = try SyntheticRISCVKernel(levels: levels)
        let image = try ImageLoader.load(path: try k.writeCore())
        #expect(image.arch == .riscv64)
        #expect(image.vmcoreinfo?.value("OSRELEASE") == "6.1.192")
        let notePA = try #require(k.notePA)
        #expect(image.vmcoreinfoSource?.description.contains("read from memory at \(hex(notePA))") == true)
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.root.value == k.root)
        #expect(p.levels.value == levels)
        #expect(p.layout.fact(.riscvKernelEnd) == RISCV64Formulas.kernelLinkAddress + SyntheticRISCVKernel.size)
        #expect(p.root.source.description.contains("SYMBOL(swapper_pg_dir)"))
        #expect(renderText(p, image.memory).0 == k.expectedText)
        #expect(wxLines(p, image.memory) == [
            "riscv/mm: Found insecure W+X mapping at address 0xffffffff80000000-0xffffffff80200000 (512 pages)",
            "Checked W+X mappings: failed, 512 W+X pages found"])
        let info = TextOutput()
        InfoReport.write(image: image, platform: p, out: info)
        #expect(info.text.contains("vmcoreinfo          7 keys, OSRELEASE=6.1.192  [read from memory at \(hex(notePA))"))
    }

    @Test func theFilesNoteWinsOverMemory() throws {
        let k = try SyntheticRISCVKernel(levels: 4, noteInMemory: false)
        let image = try ImageLoader.load(path: try k.writeCore(noteInFile: true))
        #expect(image.vmcoreinfoSource?.description == "ELF note VMCOREINFO")
        #expect(try PlatformResolver.resolve(image: image, options: Options()).root.value == k.root)
    }

    @Test func withoutVMCOREINFOTheErrorNamesTheFlags() throws {
        let k = try SyntheticRISCVKernel(levels: 3, noteInMemory: false)
        let image = try ImageLoader.load(path: try k.writeCore())
        #expect(image.vmcoreinfo == nil)
        #expect(image.vmcoreinfoSource?.description.contains("none found in its memory") == true)
        do {
            _ = try PlatformResolver.resolve(image: image, options: Options())
            Issue.record("resolved without VMCOREINFO or --root")
        } catch {
            #expect(error.description == "no page-table root found: the dump has no VMCOREINFO (no ELF note, none found in its memory); pass --root 0x... and --levels 3|4|5")
        }
        // With the flags it walks; the mode is not guessed.
        let p = try PlatformResolver.resolve(image: image, options: Options(root: k.root, levels: 3))
        #expect(renderText(p, image.memory).0 == k.expectedText)
        #expect(throws: ImageError.missingFact("riscv64 paging mode unknown: the image does not say it; pass --levels 3|4|5 (Sv39, Sv48, Sv57)")) {
            try PlatformResolver.resolve(image: image, options: Options(root: k.root))
        }
    }

    @Test func aGivenRootTakesItsModeFromVMCOREINFO() throws {
        let k = try SyntheticRISCVKernel(levels: 5)
        let image = try ImageLoader.load(path: try k.writeCore())
        let p = try PlatformResolver.resolve(image: image, options: Options(root: k.root))
        #expect(p.levels.value == 5 && p.root.source == .flag("--root"))
    }

    @Test func aModeThatContradictsTheTablesFindsNoRoot() throws {
        let k = try SyntheticRISCVKernel(levels: 3)
        let image = try ImageLoader.load(path: try k.writeCore())
        #expect(throws: ImageError.self) { try PlatformResolver.resolve(image: image, options: Options(levels: 4)) }
        do { _ = try PlatformResolver.resolve(image: image, options: Options(levels: 4)) } catch {
            #expect(error.description.contains("in Sv48; pass --root"))
        }
    }
}

/// Bad riscv64 input is a typed error naming what to do, never a trap.
@Suite struct RISCV64InputErrorTests {
    func error(_ image: Image, _ o: Options) -> String? {
        do { _ = try PlatformResolver.resolve(image: image, options: o); return nil } catch { return error.description }
    }

    @Test func rootsAndFlagsThatCannotBe() throws {
        let k = try SyntheticRISCVKernel(levels: 3, noteInMemory: false)
        let image = try ImageLoader.load(path: try k.writeCore())
        #expect(error(image, Options(root: 0x4000_0000, levels: 3)) == "physical address 0x40000000 (+4096 bytes) is outside the image's memory")
        #expect(error(image, Options(root: k.root + 8, levels: 3))?.contains("is not page-aligned") == true)
        // The data page holds no valid entry where a table should.
        #expect(error(image, Options(root: k.root + 0x3000, levels: 3))?.contains("has no valid entry") == true)
        #expect(error(image, Options(root: k.root, levels: 6)) == "--levels 6: riscv64 has 3 (Sv39), 4 (Sv48) or 5 (Sv57) levels")
        #expect(error(image, Options(root: k.root, vaBits: 40))?.contains("--va-bits 40") == true)
        #expect(error(image, Options(root: k.root, levels: 3, vaBits: 48))?.contains("contradicts --va-bits 48") == true)
        #expect(error(image, Options(root: k.root, levels: 3, pageSize: 16384)) == "--page-size 16384: riscv64 pages are 4K")
        #expect(error(image, Options(root: k.root, levels: 3, arch: .x86_64)) == "--arch x86_64 contradicts the image, which is riscv64")
        #expect(error(image, Options(root: k.root, vaBits: 39)) == nil)
    }

    @Test func aRawDumpNamesTheFlagsItNeeds() throws {
        let k = try SyntheticRISCVKernel(levels: 3)
        let path = writeScratch("riscv-raw", k.bytes)
        var o = Options(arch: .riscv64)
        #expect(throws: ImageError.missingFact("not an ELF file; as a raw physical dump it needs --root PA, --levels 3|4|5")) {
            try ImageLoader.load(path: path, options: o)
        }
        o.root = k.root
        o.levels = 3
        o.rawBase = PhysicalAddress(SyntheticRISCVKernel.phys)
        let image = try ImageLoader.load(path: path, options: o)
        let p = try PlatformResolver.resolve(image: image, options: o)
        #expect(renderText(p, image.memory).0 == k.expectedText)
        // A raw dump is not searched for VMCOREINFO; kernel_map still gives _end.
        #expect(p.layout.fact(.riscvKernelEnd) == RISCV64Formulas.kernelLinkAddress + SyntheticRISCVKernel.size)
    }

    @Test func unreadableTablesAreReportedNotFatal() throws {
        let k = try SyntheticRISCVKernel(levels: 3)
        // Point the kernel's top-level entry (510) at a table outside memory.
        var bytes = k.bytes
        let slot = Int(k.root.rawValue - SyntheticRISCVKernel.phys) + 8 * 510
        let bad: UInt64 = (0x7000_0000 >> 2) | 1
        for i in 0..<8 { bytes[slot + i] = UInt8(truncatingIfNeeded: bad >> (8 * UInt64(i))) }
        var o = Options(root: k.root, levels: 3, arch: .riscv64)
        o.rawBase = PhysicalAddress(SyntheticRISCVKernel.phys)
        let image = try ImageLoader.load(path: writeScratch("riscv-broken", bytes), options: o)
        let p = try PlatformResolver.resolve(image: image, options: o)
        let (text, report) = renderText(p, image.memory)
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.description.contains("unreadable page table at 0x70000000") == true)
        #expect(text.contains("---[ Kernel mapping ]---") && !text.contains("0xffffffff80000000-"))
    }
}
