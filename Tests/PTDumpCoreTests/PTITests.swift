import Testing
import PTDumpCore

/// x86 page-table isolation: the W^X check walks the user copy of the PGD too, as
/// `ptdump_walk_user_pgd_level_checkwx` does, and says so first.
@Suite struct PTITests {
    /// A kernel PGD at an 8K-aligned address followed by its user copy.
    func ptiImage(userWX: Bool) throws -> (MappedMemory, PhysicalAddress) {
        var b = PageTableBuilder(arch: X86_64(fiveLevel: false), physicalBase: 0x20_0000) { X86Entry.table($0) }
        let user = b.newTable()                                  // root + 4K
        #expect(user == b.root + 0x1000)
        b.install(va: 0xffff_ffff_8100_0000, level: 2, entry: X86Entry.large(0x100_0000, rw: false, nx: false))
        // The user copy maps the CPU entry area (as PTI does) and, for the test, a W+X page.
        let cea = b.newTable()
        b.set(table: user, index: 508, X86Entry.table(cea))
        let pmd = b.newTable(), pte = b.newTable()
        b.set(table: cea, index: 0, X86Entry.table(pmd))
        b.set(table: pmd, index: 0, X86Entry.table(pte))
        b.set(table: pte, index: 0, X86Entry.page(0x7000, rw: userWX ? true : false, nx: false))
        return (try b.physicalMemory(), b.root)
    }

    @Test func userTablesAreCheckedWhenPTIIsOn() throws {
        let (mem, root) = try ptiImage(userWX: true)
        let path = scratchPath("pti.elf")
        try ElfWriter.write(path: path, machine: 62, type: 4, segments: [
            ElfSegment(type: 4, data: vmcoreinfoNote("NUMBER(pgtable_l5_enabled)=0\nKERNELOFFSET=0\n")),
            ElfSegment(type: 1, vaddr: 0x20_0000, paddr: 0x20_0000, data: try mem.read(0x20_0000, length: Int(mem.totalSize)), align: 4096)])
        let image = try ImageLoader.load(path: path)
        let pti = KernelConfig(text: "CONFIG_PAGE_TABLE_ISOLATION=y\n")
        let p = try PlatformResolver.resolve(image: image, options: Options(root: root, kernelConfig: pti))
        #expect(p.extraCheckRoots.map { $0.value } == [root + 0x1000])
        let lines = wxLines(p, image.memory)
        #expect(lines == ["x86/mm: Checked W+X mappings: passed, no W+X pages found.",
                          "x86/mm: Checking user space page tables",
                          "x86/mm: Found insecure W+X mapping at address 0xfffffe0000000000-0xfffffe0000001000 (1 pages)",
                          "x86/mm: Checked W+X mappings: FAILED, 1 W+X pages found."])
        // Without PTI in the configuration there is no second pass.
        let off = try PlatformResolver.resolve(image: image, options: Options(root: root, kernelConfig: KernelConfig(text: "")))
        #expect(off.extraCheckRoots.isEmpty)
    }
}
