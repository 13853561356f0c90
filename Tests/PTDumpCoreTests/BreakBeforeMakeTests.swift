import Testing
@testable import PTDumpCore

/// Break-before-make evidence one snapshot can show: an arm64 contiguous group caught between
/// its steps (valid entries with the hint, others invalid), and a CPU's live root whose shared
/// kernel half differs from the kernel's root. Nothing on clean built tables or real captures
/// (`TableHygieneTests` runs every sample and kdump; these add the injected defects).
@Suite struct BreakBeforeMakeTests {
    static let armLinear: UInt64 = 0xffff_0000_4000_0000

    func steps(_ p: Platform, _ memory: any PhysicalMemory, _ va: UInt64) throws -> [TranslationStep] {
        try p.paging.accept(TableHygieneTests.Translate(memory: memory, root: p.root.value, va: VirtualAddress(va))).get()
    }

    func armGroup(_ edit: (inout [UInt64]) -> Void) throws -> TableHygieneReport {
        let built = try ImageBuilder(mode: .arm64(pageSize: 4096, vaBits: 48))
            .build([Mapping(va: Self.armLinear, size: 16 * 4096, pa: 1 << 32, maxBlock: 4096)])
        let path = scratchPath("bbm.ptd")
        try built.writeCompactImage(path: path)
        let image = try ImageLoader.load(path: path)
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        var memory = PatchedMemory(image.memory)
        let leaf = try #require(try steps(platform, image.memory, Self.armLinear).last)
        var entries = try (0..<16).map { try memory.entry(leaf.tablePA + UInt64((leaf.index + $0) * 8)) | ARM64EntryBits.cont.rawValue }
        edit(&entries)
        for i in 0..<16 { memory.set(table: leaf.tablePA, index: leaf.index + i, entries[i]) }
        return TableHygiene.check(platform: platform, memory: memory, memoryMap: nil)
    }

    @Test func aContiguousGroupWithInvalidEntriesIsBreakBeforeMake() throws {
        #expect(try armGroup { _ in }.findings.isEmpty)
        let torn = try armGroup { $0[3] = 0; $0[4] &= ~ARM64EntryBits.valid.rawValue }
        #expect(torn.findings.map(\.kind) == [.breakBeforeMake], "\(torn.findings.map(\.line))")
        #expect(torn.findings[0].detail.contains("2 invalid (first: entry 3)"))
        // A valid entry without the hint is misprogramming, not a group being rewritten.
        let mixed = try armGroup { $0[3] = 0; $0[5] &= ~ARM64EntryBits.cont.rawValue }
        #expect(mixed.findings.map(\.kind) == [.contiguous])
    }

    /// A real arm64 capture with one entry of a contiguous group invalidated.
    @Test func aRealCaptureWithAGroupHalfInvalidated() throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/arm64-4k-48/image.ptd")
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        let leaf = try #require(try steps(platform, image.memory, 0xffff_8000_0801_0000).last)
        #expect(leaf.entry & ARM64EntryBits.cont.rawValue != 0)
        var memory = PatchedMemory(image.memory)
        memory.set(table: leaf.tablePA, index: leaf.index, 0)
        let r = TableHygiene.check(platform: platform, memory: memory, memoryMap: nil)
        #expect(r.findings.map(\.kind) == [.breakBeforeMake], "\(r.findings.map(\.line))")
        #expect(r.findings.first?.table == leaf.tablePA)
    }

    /// A process PGD (a CPU's CR3) must repeat init_top_pgt's kernel half: a differing entry is
    /// found; the accessed bit, the user half and the per-process LDT slot are not.
    @Test func aLiveRootOutOfStepWithTheKernelRoot() throws {
        var b = x86Builder()
        let pud = b.newTable(), other = b.newTable(), user = b.newTable()
        b.install(va: 0xffff_8880_0000_0000, level: 0, entry: X86Entry.table(pud))       // Low Kernel Mapping
        b.install(va: 0xffff_c900_0000_0000, level: 0, entry: X86Entry.table(other))     // vmalloc
        b.set(table: pud, index: 0, X86Entry.large(1 << 32))                              // a 1G page
        let memory0 = try b.physicalMemory()
        let kernelTop = try memory0.read(b.root, length: 4096)
        // The process's PGD: a copy of the kernel half, its own user half.
        let copy = b.newTable()
        for i in 256..<512 {
            let e = kernelTop[(i * 8)..<(i * 8 + 8)].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            b.set(table: copy, index: i, e)
        }
        b.set(table: copy, index: 0, X86Entry.table(user))
        var platform = try x86Platform(root: b.root)
        platform.cpuRoots = [Fact(copy, .flag("test CR3"))]
        let clean = try b.physicalMemory()
        #expect(TableHygiene.check(platform: platform, memory: clean, memoryMap: nil).findings.isEmpty)

        var m = PatchedMemory(clean)
        let low = 273, vmalloc = 402, ldt = 272
        m.set(table: copy, index: vmalloc, try clean.u64(b.root + UInt64(vmalloc * 8)) | 0x20)   // accessed bit only
        m.set(table: copy, index: ldt, X86Entry.table(user))                                       // its LDT slot
        m.set(table: copy, index: 511, X86Entry.table(user))                                       // EFI's own PGD shares slot 511
        #expect(TableHygiene.check(platform: platform, memory: m, memoryMap: nil).findings.isEmpty)
        m.set(table: copy, index: low, 0)                                                          // out of step
        let r = TableHygiene.check(platform: platform, memory: m, memoryMap: nil)
        #expect(r.findings.map(\.kind) == [.liveRoot], "\(r.findings.map(\.line))")
        #expect(r.findings.first?.table == copy && r.findings.first?.first == VirtualAddress(0xffff_8880_0000_0000))
        #expect(r.findings.first?.detail.contains("test CR3") == true)
    }
}
