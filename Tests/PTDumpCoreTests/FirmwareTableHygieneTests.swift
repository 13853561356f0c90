import Testing
@testable import PTDumpCore

/// `--check-tables` on the firmware and hypervisor paging modes (EPT, 32-bit PAE): the gcc-built
/// fixtures are clean, and each reserved-bit rule names exactly the entry it was injected into.
@Suite struct FirmwareTableHygieneTests {
    func check(_ p: Platform, _ m: any PhysicalMemory, width: Int? = nil) -> TableHygieneReport {
        TableHygiene.check(platform: p, memory: m, memoryMap: nil,
                           addressWidth: width.map { .known(Fact($0, .flag("--phys-bits"))) } ?? .notApplicable)
    }

    func load(_ bytes: [UInt8], root: PhysicalAddress, levels: Int, stage2: Bool) throws -> (Platform, any PhysicalMemory) {
        let path = writeScratch("hygiene-\(levels)-\(stage2).bin", bytes)
        var o = Options(root: root, levels: levels, arch: .x86_64)
        o.rawBase = 0x10_0000
        o.translation.stage2 = stage2
        let image = try ImageLoader.load(path: path, options: o)
        return (try PlatformResolver.resolve(image: image, options: o), image.memory)
    }

    @Test(arguments: ["ept", "pae"])
    func gccBuiltFixturesAreClean(name: String) throws {
        let image = try ImageLoader.load(path: repoRoot + "/samples/firmware/\(name).elf")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let r = check(p, image.memory, width: 40)
        #expect(r.findings.isEmpty, "\(r.findings.map(\.line))")
        #expect(r.tablesRead > 1 && r.skipped.contains { $0.hasPrefix("outside-memory:") })
        // Without a width the MAXPHYADDR rule is skipped and says how to supply it.
        let top = name == "ept" ? 51 : 62
        #expect(check(p, image.memory).skipped.contains("reserved bits \(top):MAXPHYADDR: MAXPHYADDR is unknown; pass --phys-bits N"))
    }

    /// One EPT table image with every rule's defect in its own entry, and the same image clean.
    func eptTables(defects: Bool, fiveLevel: Bool = false) -> PageTableBuilder<X86EPT> {
        let a = X86EPT(fiveLevel: fiveLevel)
        let n = a.levels.count
        var b = PageTableBuilder(arch: a, physicalBase: 0x10_0000) { $0.rawValue | 7 }
        let wb: UInt64 = 7 | 6 << 3
        b.install(va: 0x1000, level: n - 1, entry: 0x20_1000 | wb | (defects ? 1 << 45 : 0))      // above MAXPHYADDR 40
        b.install(va: 0x20_0000, level: n - 2, entry: 0x40_0000 | wb | 1 << 7 | (defects ? 1 << 13 : 0))
        b.install(va: 0x4000_0000, level: n - 3, entry: 0x8000_0000 | wb | 1 << 7 | (defects ? 1 << 22 : 0))
        b.install(va: 0x80_0000_0000, level: n - 1, entry: 0x30_0000 | wb)
        let pd = b.table(for: 0x80_0000_0000, level: n - 1)
        b.install(va: 0x80_0000_0000, level: n - 2, entry: pd.rawValue | 7 | (defects ? 1 << 4 : 0))  // bits 6:3 of a PDE
        return b
    }

    @Test(arguments: [false, true])
    func eptReservedBitsAreFindings(fiveLevel: Bool) throws {
        let clean = eptTables(defects: false, fiveLevel: fiveLevel)
        let (p0, m0) = try load(clean.bytes, root: clean.root, levels: fiveLevel ? 5 : 4, stage2: true)
        let r0 = check(p0, m0, width: 40)
        #expect(r0.findings.isEmpty, "\(r0.findings.map(\.line))")

        let bad = eptTables(defects: true, fiveLevel: fiveLevel)
        let (p, m) = try load(bad.bytes, root: bad.root, levels: fiveLevel ? 5 : 4, stage2: true)
        let r = check(p, m, width: 40)
        let reasons = r.findings.filter { $0.kind == .reservedBits }.map(\.line)
        #expect(reasons.count == 4, "\(r.findings.map(\.line))")
        #expect(reasons.contains { $0.contains("reserved bits 51:40 (above MAXPHYADDR 40)") && $0.contains("0x0000000000001000") })
        #expect(reasons.contains { $0.contains("reserved bits 20:12 of a 2M page") && $0.contains("0x0000000000200000") })
        #expect(reasons.contains { $0.contains("reserved bits 29:12 of a 1G page") && $0.contains("0x0000000040000000") })
        #expect(reasons.contains { $0.contains("reserved bits 6:3 of an entry that references a table") })
        // A wider machine holds the address: only the three layout defects remain.
        #expect(check(p, m, width: 52).findings.filter { $0.kind == .reservedBits }.count == 3)
    }

    @Test func eptPML4EntryWithPageSizeIsAFinding() throws {
        let a = X86EPT(fiveLevel: false)
        var b = PageTableBuilder(arch: a, physicalBase: 0x10_0000) { $0.rawValue | 7 }
        b.install(va: 0, level: 0, entry: 0x4000_0000 | 7 | 1 << 7)
        b.install(va: 0x80_0000_0000, level: 3, entry: 0x30_0000 | 7 | 6 << 3)
        b.install(va: 0x80_0000_0000, level: 0, entry: b.table(for: 0x80_0000_0000, level: 1).rawValue | 7 | 1 << 5)
        let (p, m) = try load(b.bytes, root: b.root, levels: 4, stage2: true)
        let lines = check(p, m).findings.filter { $0.kind == .reservedBits }.map(\.line)
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.contains { $0.contains("bit 7 (page size) of a PML4 or PML5 entry") })
        #expect(lines.contains { $0.contains("reserved bits 7:3 of a PML4 or PML5 entry") })
    }

    /// An entry with only EPT's user-execute bit is valid to the hardware: the rules look at it.
    @Test func eptUserExecuteOnlyEntriesAreChecked() throws {
        let a = X86EPT(fiveLevel: false)
        var b = PageTableBuilder(arch: a, physicalBase: 0x10_0000) { $0.rawValue | 7 }
        b.install(va: 0x20_0000, level: 2, entry: 0x40_0000 | 1 << 10 | 1 << 7 | 1 << 13)
        let (p, m) = try load(b.bytes, root: b.root, levels: 4, stage2: true)
        #expect(check(p, m).findings.map(\.line).contains { $0.contains("reserved bits 20:12 of a 2M page") })
    }

    func paeTables(defects: Bool) -> PageTableBuilder<X86PAE> {
        var b = PageTableBuilder(arch: X86PAE(pat: .powerOn), physicalBase: 0x10_0000) { $0.rawValue | 1 }
        b.install(va: 0x1000, level: 2, entry: 0x20_1000 | 3 | (defects ? 1 << 38 : 0))           // above MAXPHYADDR 36
        b.install(va: 0x1000, level: 1, entry: b.table(for: 0x1000, level: 2).rawValue | 3)
        b.install(va: 0x4000_0000, level: 1, entry: 0x4000_0000 | 0x83 | (defects ? 1 << 14 : 0))
        b.install(va: 0x4000_0000, level: 0, entry: b.table(for: 0x4000_0000, level: 1).rawValue | 1 | (defects ? 1 << 1 : 0))
        return b
    }

    @Test func paeReservedBitsAreFindings() throws {
        let clean = paeTables(defects: false)
        let (p0, m0) = try load(clean.bytes, root: clean.root, levels: 3, stage2: false)
        #expect(check(p0, m0, width: 36).findings.isEmpty)

        let bad = paeTables(defects: true)
        let (p, m) = try load(bad.bytes, root: bad.root, levels: 3, stage2: false)
        let lines = check(p, m, width: 36).findings.filter { $0.kind == .reservedBits }.map(\.line)
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.contains { $0.contains("reserved bits 62:36 (above MAXPHYADDR 36)") && $0.contains("0x0000000000001000") })
        #expect(lines.contains { $0.contains("reserved bits 20:13 of a 2M page") && $0.contains("0x0000000040000000") })
        #expect(lines.contains { $0.contains("reserved bits 2:1, 8:5 or 63 of a PDPTE") })
    }

    /// The diff's categories: EPT memory type and accessed/dirty are silenced by `--ignore`.
    @Test func eptDiffCategoriesAreTheEntryFields() {
        let a = X86EPT(fiveLevel: false)
        #expect(a.mask(of: .memoryType, kernelLevel: 4) == 0x78)
        #expect(a.mask(of: .accessedDirty, kernelLevel: 3) == 0x300)
        #expect(a.levelBits(kernelLevel: 3) == 0x80 && a.levelBits(kernelLevel: 4) == 0)
        let pae = X86PAE(pat: .powerOn)
        #expect(pae.levelBits(kernelLevel: 3) == 0x80 && pae.mask(of: .memoryType, kernelLevel: 3) == 0x1018)
    }
}
