import Testing
@testable import PTDumpCore
#if canImport(Glibc)
import Glibc
#endif

/// `--check-tables`: nothing on any clean real capture; each check finds its defect injected
/// into builder-made tables (and nothing in the clean version) and into a real capture with one
/// table page corrupted.
@Suite struct TableHygieneTests {
    /// A loaded image and its platform.
    struct Loaded {
        var image: Image
        var platform: Platform
        var memory: PatchedMemory
        var tables: PageTables<X86_64>? = nil

        func check(_ map: [PhysicalRange]? = nil) -> TableHygieneReport {
            TableHygiene.check(platform: platform, memory: memory, memoryMap: map)
        }

        /// The entries translating `va`.
        func steps(_ va: UInt64) throws -> [TranslationStep] {
            try platform.paging.accept(Translate(memory: memory, root: platform.root.value, va: VirtualAddress(va))).get()
        }
    }

    struct Translate: ArchitectureVisitor {
        let memory: any PhysicalMemory, root: PhysicalAddress, va: VirtualAddress
        func visit<A: Architecture>(_ arch: A) -> Result<[TranslationStep], ImageError> {
            do { return .success(try PageTables(arch: arch, memory: memory).translate(va, root: root)) } catch { return .failure(error) }
        }
    }

    func load(_ path: String) throws -> Loaded {
        let image = try ImageLoader.load(path: path)
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        return Loaded(image: image, platform: platform, memory: PatchedMemory(image.memory))
    }

    func build(_ mode: PagingMode, _ mappings: [Mapping]) throws -> Loaded {
        let built = try ImageBuilder(mode: mode).build(mappings)
        let path = scratchPath("hygiene.ptd")
        try built.writeCompactImage(path: path)
        return try load(path)
    }

    func kinds(_ r: TableHygieneReport) -> [HygieneFinding.Kind] { r.findings.map(\.kind) }

    static let x86 = PagingMode.x86_64(levels: 4)
    static let arm = PagingMode.arm64(pageSize: 4096, vaBits: 48)
    static let rv = PagingMode.riscv64(levels: 3)
    /// The start of the linear map in the builder's default layout.
    static let x86Linear: UInt64 = 0xffff_8880_4000_0000
    static let armLinear: UInt64 = 0xffff_0000_4000_0000
    /// RAM for built images: where their leaves point.
    static let ram = [PhysicalRange(start: PhysicalAddress(1 << 32), end: PhysicalAddress((1 << 32) + (1 << 30)))]

    // MARK: clean captures

    static let samples = ["arm64-16k-36", "arm64-16k-47", "arm64-16k-48", "arm64-4k-39", "arm64-4k-48", "arm64-4k-48-4g",
                          "arm64-4k-48-6.12", "arm64-4k-48-kasan", "arm64-64k-42", "arm64-64k-48", "arm64-64k-48-kasan",
                          "riscv64-sv39", "x86_64-4level", "x86_64-4level-6.12", "x86_64-4level-kasan", "x86_64-5level",
                          "x86_64-5level-kasan", "x86_64-debian-kaslr-pti", "x86_64-distro-like", "x86_64-rodata-off",
                          "arm64-4k-52-lpa2-6.12", "arm64-16k-47-6.12", "x86_64-5level-6.12", "s390x-region3", "s390x-region2", "riscv64-sv48", "riscv64-sv57", "x86_64-4level-user", "arm64-64k-52-6.12", "x86_64-kaslr-pti-6.12", "arm64-4k-48-kasan-6.12",
                          "x86_64-4level-qemu-kdump", "arm64-4k-48-qemu-kdump"]

    @Test(arguments: samples)
    func everyRealCaptureIsClean(name: String) throws {
        let l = try load("\(repoRoot)/samples/\(name)/image.ptd")
        let r = l.check()
        #expect(r.findings.isEmpty, "\(r.findings.map { $0.line })")
        #expect(r.tablesRead > 1 && r.entriesChecked >= r.tablesRead * 8)
    }

    /// kdump files know the machine's RAM: the outside-memory check runs, and finds nothing.
    @Test(arguments: ["kdump/x86_64-4level.c-d31.kdump", "kdump/arm64-4k-48.z-d31.kdump",
                      "arm64-4k-48-6.12/vmcore.qemu-zlib.kdump", "x86_64-4level-6.12/vmcore.qemu-zlib.kdump",
                      "x86_64-4level-qemu-kdump/vmcore.qemu-lzo.kdump", "x86_64-4level-qemu-kdump/vmcore.qemu-snappy.kdump",
                      "arm64-4k-48-qemu-kdump/vmcore.qemu-lzo.kdump", "arm64-4k-48-qemu-kdump/vmcore.qemu-snappy.kdump"])
    func kdumpCapturesAreCleanWithTheirMemoryMap(name: String) throws {
        let l = try load("\(repoRoot)/samples/\(name)")
        let r = l.check(l.image.memory.regions)
        #expect(r.findings.isEmpty, "\(r.findings.map { $0.line })")
        // Only the width-dependent reserved bits wait for MAXPHYADDR (AddressWidthTests).
        #expect(r.skipped.allSatisfy { $0.hasPrefix("reserved bits 51:MAXPHYADDR") }, "\(r.skipped)")
    }

    @Test func eachSampleIsInTheList() {
        // A new sample must be added to `samples` so that it is checked too.
        let listed = Set(Self.samples)
        #expect(listSamples().count >= Self.samples.count)
        for entry in listSamples() { #expect(listed.contains(entry), "\(entry)") }
    }

    /// Every sample folder that holds a compact image.
    func listSamples() -> [String] {
        guard let d = opendir("\(repoRoot)/samples") else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix("."), access("\(repoRoot)/samples/\(name)/image.ptd", F_OK) == 0 { names.append(name) }
        }
        return names
    }

    // MARK: builder-made tables, one defect each

    @Test(arguments: [x86, arm, rv])
    func builtTablesAreClean(mode: PagingMode) throws {
        let va = mode.arch == .x86_64 ? Self.x86Linear : mode.arch == .arm64 ? Self.armLinear : 0xffff_ffd8_4000_0000
        let l = try build(mode, [Mapping(va: va, size: 4 << 20, pa: 1 << 32), Mapping(va: va + (8 << 20), size: 16 * 4096, pa: (1 << 32) + (8 << 20))])
        let r = l.check(Self.ram)
        #expect(r.findings.isEmpty, "\(r.findings.map { $0.line })")
    }

    @Test(arguments: [x86, arm])
    func emptyTableStillLinkedInTheLinearMap(mode: PagingMode) throws {
        let va = mode.arch == .x86_64 ? Self.x86Linear : Self.armLinear
        var l = try build(mode, [Mapping(va: va, size: 4 * 4096, pa: 1 << 32, maxBlock: 4096)])
        let pte = try #require(l.steps(va).last)
        for i in 0..<4 { l.memory.set(table: pte.tablePA, index: pte.index + i, 0) }
        let r = l.check()
        #expect(kinds(r) == [.emptyTable])
        #expect(r.findings.first?.table == pte.tablePA)
        #expect(r.findings.first?.first == VirtualAddress(va & ~((1 << 21) - 1)))
        #expect(r.findings.first?.level.lowercased() == "pte")
    }

    @Test func aTableLinkedTwiceIsShared() throws {
        let va = Self.x86Linear
        var l = try build(Self.x86, [Mapping(va: va, size: 16 * 4096, pa: 1 << 32, maxBlock: 4096),
                                     Mapping(va: va + (2 << 20), size: 4096, pa: 1 << 33, maxBlock: 4096)])
        #expect(l.check().findings.isEmpty)
        let a = try l.steps(va), b = try l.steps(va + (2 << 20))
        let pmdA = a[a.count - 2], pmdB = b[b.count - 2]
        l.memory.set(table: pmdB.tablePA, index: pmdB.index, pmdA.entry)
        let r = l.check()
        #expect(kinds(r) == [.sharedTable])
        #expect(r.findings.first?.table == a.last?.tablePA && r.findings.first?.count == 2)
    }

    /// KASAN's early shadow is shared by design: one table per level repeating one entry.
    @Test func aTableRepeatingOneEntryMayBeShared() throws {
        var b = x86Builder()
        let page = b.newData([UInt8](repeating: 0, count: 4096))
        let pte = b.newTable(), pmd = b.newTable()
        for i in 0..<512 {
            b.set(table: pte, index: i, X86Entry.page(page.rawValue, rw: false) | (i % 3 == 0 ? 0x20 : 0))
            b.set(table: pmd, index: i, X86Entry.table(pte))
        }
        for k in 0..<4 { b.install(va: 0xffff_ec00_0000_0000 + UInt64(k) << 30, level: 2, entry: X86Entry.table(pmd)) }
        let platform = try x86Platform(root: b.root)
        let r = TableHygiene.check(platform: platform, memory: try b.physicalMemory(), memoryMap: nil)
        #expect(r.findings.isEmpty, "\(r.findings.map { $0.line })")
    }

    @Test(arguments: [x86, arm])
    func leavesOutsideMemoryButNotDeviceMappings(mode: PagingMode) throws {
        let va = mode.arch == .x86_64 ? Self.x86Linear : Self.armLinear
        let device = MappingAttributes(memoryType: .deviceNGnRE)
        let l = try build(mode, [Mapping(va: va, size: 4096, pa: 1 << 32),
                                 Mapping(va: va + (4 << 20), size: 2 * 4096, pa: 1 << 36),
                                 Mapping(va: va + (8 << 20), size: 4096, pa: 1 << 37, attributes: device)])
        let r = l.check(Self.ram)
        #expect(kinds(r) == [.outsideMemory])
        #expect(r.findings.first?.first == VirtualAddress(va + (4 << 20)) && r.findings.first?.count == 2)
        #expect(l.check(nil).findings.isEmpty)
    }

    @Test func tablePointerOutsideTheImage() throws {
        var l = try build(Self.x86, [Mapping(va: Self.x86Linear, size: 4096, pa: 1 << 32, maxBlock: 4096)])
        let s = try l.steps(Self.x86Linear)
        let pmd = s[s.count - 2]
        l.memory.set(table: pmd.tablePA, index: pmd.index, X86Entry.table(PhysicalAddress(0x7fff_0000_0000)))
        let r = l.check()
        #expect(kinds(r) == [.unreadableTable])
        #expect(r.findings.first?.table == PhysicalAddress(0x7fff_0000_0000))
    }

    @Test func x86ReservedBitsAndPSEInAPte() throws {
        var l = try build(Self.x86, [Mapping(va: Self.x86Linear, size: 2 << 20, pa: 1 << 32),
                                     Mapping(va: Self.x86Linear + (4 << 20), size: 4096, pa: 1 << 33, maxBlock: 4096)])
        let big = try #require(l.steps(Self.x86Linear).last), small = try #require(l.steps(Self.x86Linear + (4 << 20)).last)
        l.memory.set(table: big.tablePA, index: big.index, big.entry | (1 << 13))
        l.memory.set(table: small.tablePA, index: small.index, small.entry | 0x80)
        let r = l.check()
        #expect(kinds(r) == [.reservedBits, .reservedBits])
        #expect(r.findings.contains { $0.table == big.tablePA && $0.detail.contains("20:13") })
        #expect(r.findings.contains { $0.table == small.tablePA && $0.detail.contains("bit 7") })
    }

    @Test func badTopLevelEntries() throws {
        for mode in [Self.x86, Self.arm] {
            let va = mode.arch == .x86_64 ? Self.x86Linear : Self.armLinear
            var l = try build(mode, [Mapping(va: va, size: 4096, pa: 1 << 32)])
            let top = try #require(l.steps(va).first)
            // A large page where the top level allows none (x86 PS, arm64 a block descriptor).
            let bad: UInt64 = mode.arch == .x86_64 ? top.entry | 0x80 : (top.entry & ~3) | 1
            l.memory.set(table: top.tablePA, index: top.index, bad)
            let r = l.check()
            #expect(kinds(r).contains(.badEntry), "\(mode)")
            #expect(r.findings.first { $0.kind == .badEntry }?.table == top.tablePA)
        }
    }

    @Test func arm64AndRiscvReservedBits() throws {
        var a = try build(Self.arm, [Mapping(va: Self.armLinear, size: 4096, pa: 1 << 32)])
        let t = try a.steps(Self.armLinear)
        a.memory.set(table: t[1].tablePA, index: t[1].index, t[1].entry | (1 << 48))
        #expect(kinds(a.check()) == [.reservedBits])
        let rva: UInt64 = 0xffff_ffd8_4000_0000
        var r = try build(Self.rv, [Mapping(va: rva, size: 4096, pa: 1 << 32)])
        let leaf = try #require(r.steps(rva).last)
        r.memory.set(table: leaf.tablePA, index: leaf.index, leaf.entry | (1 << 54))
        #expect(kinds(r.check()) == [.reservedBits])
    }

    /// arm64 contiguous hints: a proper group is clean; incomplete, inconsistent, scattered and
    /// misaligned groups are findings.
    @Test func arm64ContiguousGroups() throws {
        let va = Self.armLinear
        func group(pa: UInt64, _ edit: (inout [UInt64]) -> Void) throws -> TableHygieneReport {
            var l = try build(Self.arm, [Mapping(va: va, size: 16 * 4096, pa: pa, maxBlock: 4096)])
            let first = try #require(l.steps(va).last)
            var entries = (0..<16).map { _ in UInt64(0) }
            for i in 0..<16 { entries[i] = try l.memory.entry(first.tablePA + UInt64((first.index + i) * 8)) | ARM64EntryBits.cont.rawValue }
            edit(&entries)
            for i in 0..<16 { l.memory.set(table: first.tablePA, index: first.index + i, entries[i]) }
            return l.check()
        }
        #expect(try group(pa: 1 << 32) { _ in }.findings.isEmpty)
        let incomplete = try group(pa: 1 << 32) { $0[5] &= ~ARM64EntryBits.cont.rawValue }
        #expect(kinds(incomplete) == [.contiguous] && incomplete.findings[0].detail.contains("incomplete"))
        let attrs = try group(pa: 1 << 32) { $0[3] |= ARM64EntryBits.rdonly.rawValue }
        #expect(kinds(attrs) == [.contiguous] && attrs.findings[0].detail.contains("attributes"))
        let scattered = try group(pa: 1 << 32) { $0[9] = ($0[9] & ~0xffff_ffff_f000) | (1 << 34) }
        #expect(kinds(scattered) == [.contiguous] && scattered.findings[0].detail.contains("next"))
        let misaligned = try group(pa: (1 << 32) + 4096) { _ in }
        #expect(kinds(misaligned) == [.contiguous] && misaligned.findings[0].detail.contains("misaligned"))
    }

    @Test func coverageCheckerFindsGapsAndOverlaps() {
        func r(_ s: UInt64, _ e: UInt64) -> CoalescedRange { CoalescedRange(start: VirtualAddress(s), end: VirtualAddress(e), level: 4, prot: 0, effective: 0) }
        var c = CoverageChecker(start: 0x1000)
        for x in [r(0x1000, 0x2000), r(0x2000, 0x5000), r(0x6000, 0x7000), r(0x6800, 0)] { c.range(x, printed: true) }
        #expect(c.problems.map(\.detail) == ["addresses not reported by the walk", "addresses reported twice by the walk"])
        var clean = CoverageChecker(start: 0x1000)
        for x in [r(0x1000, 0x2000), r(0x2000, 0)] { clean.range(x, printed: true) }
        #expect(clean.problems.isEmpty)
    }

    // MARK: a real capture with one table page corrupted, per check

    static let x86RAM = [PhysicalRange(start: 0, end: 0xa_0000), PhysicalRange(start: 0xc_0000, end: 0x800_0000),
                         PhysicalRange(start: 0xfd00_0000, end: 0xfe00_0000), PhysicalRange(start: 0xfffc_0000, end: 0x1_0000_0000)]

    @Test func realCaptureWithOneTableCorruptedPerCheck() throws {
        let path = "\(repoRoot)/samples/x86_64-4level/image.ptd"
        let clean = try load(path)
        // The shared capture's PT_LOAD ranges (its meta.txt): the clean tables lie inside them.
        #expect(clean.check(Self.x86RAM).findings.isEmpty)
        let text: UInt64 = 0xffff_8880_0140_0000            // a 4K page of the linear map
        let s = try clean.steps(text)
        let pte = try #require(s.last), pmd = s[s.count - 2]

        var empty = clean
        for i in 0..<512 { empty.memory.set(table: pte.tablePA, index: i, 0) }
        #expect(kinds(empty.check()) == [.emptyTable])

        var shared = clean
        shared.memory.set(table: pmd.tablePA, index: pmd.index + 1, pmd.entry)
        #expect(kinds(shared.check()) == [.sharedTable])

        var reserved = clean
        let block = try #require(clean.steps(0xffff_8880_0020_0000).last)
        reserved.memory.set(table: block.tablePA, index: block.index, block.entry | (1 << 14))
        #expect(kinds(reserved.check()) == [.reservedBits])

        var outside = clean
        outside.memory.set(table: pte.tablePA, index: pte.index, (pte.entry & ~0x000f_ffff_ffff_f000) | 0x4000_0000)
        #expect(kinds(outside.check(Self.x86RAM)) == [.outsideMemory])

        var unreadable = clean
        unreadable.memory.set(table: pmd.tablePA, index: pmd.index, (pmd.entry & ~0x000f_ffff_ffff_f000) | 0x7fff_0000_0000)
        #expect(kinds(unreadable.check()) == [.unreadableTable])

        var bad = clean
        let top = try #require(s.first)
        bad.memory.set(table: top.tablePA, index: top.index, top.entry | 0x80)
        #expect(kinds(bad.check()).contains(.badEntry))
    }

    @Test func realArm64CaptureWithABrokenContiguousGroup() throws {
        let clean = try load("\(repoRoot)/samples/arm64-4k-48/image.ptd")
        let leaf = try #require(clean.steps(0xffff_8000_0801_0000).last)
        #expect(leaf.entry & ARM64EntryBits.cont.rawValue != 0)
        var broken = clean
        broken.memory.set(table: leaf.tablePA, index: leaf.index, leaf.entry & ~ARM64EntryBits.cont.rawValue)
        let r = broken.check()
        #expect(kinds(r) == [.contiguous])
        #expect(r.findings.first?.table == leaf.tablePA)
    }
}

