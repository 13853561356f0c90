import Testing
@testable import PTDumpCore

/// x86_64 entry rules (`p?d_none`, `p?d_bad`, `p?d_leaf`, `p?d_present`), effective permissions,
/// attribute columns and the layout's configuration rules.
@Suite struct X86Tests {
    let a4 = X86_64(fiveLevel: false)
    let a5 = X86_64(fiveLevel: true)

    @Test func classifyFollowsTheKernelPredicates() {
        // Accessed/dirty alone is none at every level.
        for li in 0..<3 { #expect(a4.classify(0x60, level: li) == .hole) }
        // Top level: table unless bad (extra flags such as GLOBAL) or empty.
        #expect(a4.classify(0x1000 | 0x63, level: 0) == .table(0x1000))
        #expect(a4.classify(0x1000 | 0x67 | (1 << 63), level: 0) == .table(0x1000))
        #expect(a4.classify(0x1000 | 0x163, level: 0) == .hole)
        #expect(a5.classify(0x1000 | 0x62, level: 0) == .hole)           // 5-level pgd_bad: not exactly _KERNPG_TABLE
        // pud: leaf needs PSE and PRESENT; not present is skipped.
        #expect(a4.classify(0x4000_0000 | 0xe3, level: 1) == .leaf)
        #expect(a4.classify(0x4000_0000 | 0xe2, level: 1) == .skip)
        #expect(a4.classify(0x2000 | 0x63, level: 1) == .table(0x2000))
        // pmd: PSE alone is a leaf; PROTNONE (bit 8) counts as present; neither is skipped.
        #expect(a4.classify(0x20_0000 | 0x80, level: 2) == .leaf)
        #expect(a4.classify(0x3000 | 0x100, level: 2) == .table(0x3000))
        #expect(a4.classify(0x3000 | 0x2, level: 2) == .skip)
    }

    @Test func smeMaskIsClearedFromAddressesButKeptInProt() {
        let sme: UInt64 = 1 << 47
        let a = X86_64(fiveLevel: false, smeMask: sme)
        #expect(a.classify(0x5000 | sme | 0x63, level: 1) == .table(0x5000))
        #expect(a.prot(0x5000 | sme | 0x63, kernelLevel: 4) == sme | 0x63)
    }

    @Test func effectivePermissionsAndUserRWDownOrNXUp() {
        let parent: UInt64 = 0x67                                      // USR RW
        #expect(a4.effective(0x1000 | 0x63, parent: parent) == 0x63 & 0x6)
        #expect(a4.effective(0x1000 | 0x61, parent: parent) == 0)       // read-only child wins
        #expect(a4.effective(0x1000 | 0x67, parent: 0x63 | (1 << 63)) == (0x2 as UInt64) | (1 << 63))
        #expect(a4.effective(0, parent: parent) == 0)                   // zero entry: none
    }

    @Test func attributeColumns() {
        #expect(x86TextFormatter(out: TextOutput()).attributes(0, level: 4) == String(repeating: " ", count: 30))
        #expect(x86TextFormatter(out: TextOutput()).attributes(0x1e7 | (1 << 63), level: 3) == "USR RW         PSE     GLB NX ")
        #expect(x86TextFormatter(out: TextOutput()).attributes(0x99, level: 4) == "    ro PWT PCD     PAT     x  ")
        #expect(x86TextFormatter(out: TextOutput()).attributes(0x1081, level: 3) == "    ro         PSE PAT     x  ")
    }

    @Test func fixmapFollowsTheConfiguration() {
        let tiny = KernelConfig(text: "CONFIG_X86_LOCAL_APIC=y\nCONFIG_X86_IO_APIC=y\n# CONFIG_X86_VSYSCALL_EMULATION is not set\n")
        #expect(X86_64Port.fixmapPages(config: tiny) == 131)
        let debian = KernelConfig(text: "CONFIG_X86_VSYSCALL_EMULATION=y\nCONFIG_X86_LOCAL_APIC=y\nCONFIG_X86_IO_APIC=y\nCONFIG_PARAVIRT_XXL=y\nCONFIG_ACPI_APEI_GHES=y\n")
        #expect(X86_64Port.fixmapPages(config: debian) == X86_64Port.distributionFixmapPages)
        #expect(X86_64Port.fixmapTop - 646 * 4096 == 0xffff_ffff_ff57_9000)
    }

    func markers(_ cfg: String?, fiveLevel: Bool = false) -> [String: UInt64] {
        var t = FactTable()
        let profile = X86_64Port.linux6_1
        let context = { (t: FactTable) in LayoutContext(facts: t, levels: fiveLevel ? 5 : 4, pageSize: 4096, vaBits: fiveLevel ? 57 : 48) }
        profile.configFacts(&t, cfg.map { KernelConfig(text: $0) }, context(t))
        return Dictionary(profile.layout(context(t)).markers.map { ($0.name, $0.start.rawValue) }) { a, _ in a }
    }

    @Test func configDecidesOptionalMarkers() {
        let none = markers("CONFIG_X86_LOCAL_APIC=y\n")
        #expect(none["LDT remap"] == nil && none["ESPfix Area"] == nil && none["EFI Runtime Services"] == nil)
        #expect(none["Modules"] == 0xffff_ffff_a000_0000)
        let all = markers("CONFIG_MODIFY_LDT_SYSCALL=y\nCONFIG_X86_ESPFIX64=y\nCONFIG_EFI=y\nCONFIG_RANDOMIZE_BASE=y\nCONFIG_KASAN=y\n")
        #expect(all["LDT remap"] == 0xffff_8800_0000_0000)
        #expect(all["KASAN shadow"] == 0xffff_ec00_0000_0000 && all["KASAN shadow end"] == 0xffff_fc00_0000_0000)
        #expect(all["ESPfix Area"] == 0xffff_ff00_0000_0000 && all["EFI Runtime Services"] == 0xffff_ffef_0000_0000)
        #expect(all["Modules"] == 0xffff_ffff_c000_0000)
        let l5 = markers("CONFIG_MODIFY_LDT_SYSCALL=y\nCONFIG_KASAN=y\n", fiveLevel: true)
        #expect(l5["LDT remap"] == 0xff10_0000_0000_0000 && l5["KASAN shadow"] == 0xffdf_fc00_0000_0000)
        #expect(l5["Low Kernel Mapping"] == 0xff11_0000_0000_0000)
        // Without a config: a distribution kernel.
        let distro = markers(nil)
        #expect(distro["LDT remap"] != nil && distro["ESPfix Area"] != nil && distro["Fixmap Area"] == 0xffff_ffff_ff57_9000)
    }

    @Test func kaslrBasesAreInferredFromTheTables() throws {
        // Direct map at a randomized base maps PA 0; vmalloc and vmemmap further up.
        let po: UInt64 = 0xffff_9a40_0000_0000, vm: UInt64 = 0xffff_b8c0_0000_0000, vmm: UInt64 = 0xffff_dc80_0000_0000
        let b = try ImageBuilder(mode: .x86_64(levels: 4)).build([
            Mapping(va: po, size: 0x20_0000, pa: 0),
            Mapping(va: vm + 0x2000, size: 0x1000, pa: 0x9000),
            Mapping(va: vmm, size: 0x20_0000, pa: 0x20_0000),
        ])
        let path = scratchPath("kaslr.elf")
        try ElfWriter.write(path: path, machine: 62, type: 4, segments: [
            ElfSegment(type: 4, data: vmcoreinfoNote("SYMBOL(init_top_pgt)=ffffffff81100000\nNUMBER(phys_base)=\(Int64(b.root.rawValue) - 0x110_0000)\nKERNELOFFSET=1e000000\nNUMBER(pgtable_l5_enabled)=0\n")),
            ElfSegment(type: 1, vaddr: b.physicalBase, paddr: b.physicalBase, data: b.bytes, align: 4096)])
        let image = try ImageLoader.load(path: path)
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.layout.fact("page_offset_base") == po)
        #expect(p.layout.fact("vmalloc_base") == vm)
        #expect(p.layout.fact("vmemmap_base") == vmm)
        let (text, _) = renderText(p, image.memory)
        #expect(text.contains("---[ Low Kernel Mapping ]---\n0xffff9a4000000000-0xffff9a4000200000"))
    }

    @Test func kdumpSegmentsGiveTheDirectMapBase() throws {
        // A kdump core names each RAM segment's direct-map address in p_vaddr.
        let po: UInt64 = 0xffff_a000_0000_0000
        let b = try ImageBuilder(mode: .x86_64(levels: 4)).build([Mapping(va: po + 0x1000, size: 0x1000, pa: 0x1000)])
        let path = scratchPath("kdump.elf")
        try ElfWriter.write(path: path, machine: 62, type: 4, segments: [
            ElfSegment(type: 4, data: vmcoreinfoNote("SYMBOL(init_top_pgt)=ffffffff81100000\nNUMBER(phys_base)=\(Int64(b.root.rawValue) - 0x110_0000)\nKERNELOFFSET=1e000000\n")),
            ElfSegment(type: 1, vaddr: po + b.physicalBase, paddr: b.physicalBase, data: b.bytes, align: 4096)])
        let p = try PlatformResolver.resolve(image: try ImageLoader.load(path: path), options: Options())
        #expect(p.layout.fact("page_offset_base") == po)
        #expect(p.layout.facts.first { $0.key.name == "page_offset_base" }?.fact.source.description.contains("kdump") == true)
    }
}
