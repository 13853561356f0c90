import Testing
@testable import PTDumpCore

/// x86 bits 51:MAXPHYADDR: the width read from the kernel's `boot_cpu_data` (6.1 and 6.12
/// layouts) through a real dump, from `--phys-bits` or a compact image; every level's entries,
/// leaf and table, checked with it; skipped with a reason when it is unknown.
@Suite struct AddressWidthTests {
    func load(_ path: String, _ o: Options = Options()) throws -> (Image, Platform) {
        let image = try ImageLoader.load(path: path, options: o)
        return (image, try PlatformResolver.resolve(image: image, options: o))
    }

    func width(_ image: Image, _ p: Platform, _ o: Options) throws -> PhysicalAddressWidth.Outcome {
        try PhysicalAddressWidth.resolve(image: image, platform: p, options: o) {
            KernelSymbolSource.load(image: image, platform: p, options: o).symbols
        }
    }

    /// QEMU's qemu64 CPU has 40 physical-address bits; each release's offset finds them.
    @Test(arguments: [("kdump/x86_64-4level.c-d31.kdump", "x86_64-4level/System.map", 29),
                      ("x86_64-4level-6.12/vmcore.qemu-zlib.kdump", "x86_64-4level-6.12/System.map", 33)])
    func readFromTheKernelOfARealDump(dump: String, map: String, offset: Int) throws {
        var o = Options()
        o.systemMap = try SystemMap(text: readRepoFile("samples/\(map)"))
        let (image, p) = try load("\(repoRoot)/samples/\(dump)", o)
        let w = try width(image, p, o)
        guard case .known(let f) = w else { Issue.record("\(w)"); return }
        #expect(f.value == 40)
        #expect(f.source.description.contains("boot_cpu_data.x86_phys_bits") && f.source.description.contains("+ \(offset)"))
        // Clean with the width known, and the rule ran (nothing skipped).
        let r = TableHygiene.check(platform: p, memory: image.memory, memoryMap: image.memory.regions, addressWidth: w)
        #expect(r.findings.isEmpty, "\(r.findings.map(\.line))")
        #expect(r.skipped.isEmpty, "\(r.skipped)")
    }

    /// kallsyms without CONFIG_KALLSYMS_ALL has no data symbols: unknown, with the reason.
    @Test func unknownWithoutDataSymbolsAndTheCheckSaysSo() throws {
        let (image, p) = try load("\(repoRoot)/samples/x86_64-4level-6.12/vmcore.qemu-zlib.kdump")
        let w = try width(image, p, Options())
        guard case .unknown(let why) = w else { Issue.record("\(w)"); return }
        #expect(why.contains("boot_cpu_data") && why.contains("--phys-bits"))
        let r = TableHygiene.check(platform: p, memory: image.memory, memoryMap: image.memory.regions, addressWidth: w)
        #expect(r.findings.isEmpty)
        #expect(r.skipped.count == 1 && r.skipped[0].hasPrefix("reserved bits 51:MAXPHYADDR"))
    }

    /// One bit above the width set in a 4K leaf, a 2M leaf and (apart) a table pointer of a
    /// real capture: each found in its table; with a wider machine, nothing.
    @Test func injectedBitsAboveTheWidthInLeavesAndTables() throws {
        let (image, p) = try load("\(repoRoot)/samples/x86_64-4level/image.ptd")
        let tables = PageTables(arch: X86_64(fiveLevel: false), memory: image.memory)
        let steps = try tables.translate(VirtualAddress(0xffff_8880_0140_0000), root: p.root.value)
        let pmdLeaf = try #require(try tables.translate(VirtualAddress(0xffff_8880_0020_0000), root: p.root.value).last)
        #expect(steps.count == 4 && pmdLeaf.level == 2)
        let bit: UInt64 = 1 << 44
        func check(_ memory: PatchedMemory, _ width: Int) -> [HygieneFinding] {
            TableHygiene.check(platform: p, memory: memory, memoryMap: nil, addressWidth: .known(Fact(width, .flag("test")))).findings
        }
        var leaves = PatchedMemory(image.memory)
        leaves.set(table: steps[3].tablePA, index: steps[3].index, steps[3].entry | bit)      // a 4K leaf
        leaves.set(table: pmdLeaf.tablePA, index: pmdLeaf.index, pmdLeaf.entry | bit)         // a 2M leaf
        let found = check(leaves, 40)
        #expect(found.count == 2 && found.allSatisfy { $0.kind == .reservedBits }, "\(found.map(\.line))")
        #expect(found.allSatisfy { $0.detail.contains("reserved bits 51:40 (above MAXPHYADDR 40)") })
        #expect(Set(found.map(\.table)) == Set([steps[3].tablePA, pmdLeaf.tablePA]))
        #expect(check(leaves, 45).isEmpty)

        var pointer = PatchedMemory(image.memory)
        pointer.set(table: steps[1].tablePA, index: steps[1].index, steps[1].entry | bit)    // a pud -> pmd pointer
        let t = check(pointer, 40)
        // The pointer itself, and the table it now names, which the dump does not hold.
        #expect(t.map(\.kind) == [.reservedBits, .unreadableTable], "\(t.map(\.line))")
        #expect(t.first?.table == steps[1].tablePA)
        #expect(check(pointer, 45).map(\.kind) == [.unreadableTable])
    }

    /// SME's encryption bit (VMCOREINFO `NUMBER(sme_mask)`) sits above the width the kernel
    /// records and is not reserved; bit 52 is not part of the field.
    @Test func theSMEBitIsNotReserved() throws {
        let plain = try #require(X86_64(fiveLevel: false).hygiene.addressWidth)
        #expect(plain.mask(width: 40) == 0x000f_ff00_0000_0000)
        #expect(plain.mask(width: 52) == 0)
        let sme = try #require(X86_64(fiveLevel: false, smeMask: 1 << 47).hygiene.addressWidth)
        #expect(sme.mask(width: 43) == 0x000f_f800_0000_0000 & ~(1 << 47))
    }

    @Test func flagAndImageValuesAreChecked() throws {
        let (image, p) = try load("\(repoRoot)/samples/x86_64-4level/image.ptd")
        func flag(_ n: Int) throws -> PhysicalAddressWidth.Outcome {
            var o = Options()
            o.physicalAddressBits = n
            return try width(image, p, o)
        }
        #expect(try flag(40).width == 40)
        #expect(throws: ImageError.self) { try flag(31) }
        #expect(throws: ImageError.self) { try flag(53) }
        // The compact image holds table pages up to 0x7fff000: 26 bits cannot address them.
        var o = Options()
        o.physicalAddressBits = 32
        #expect(try width(image, p, o).width == 32)
        #expect(PhysicalAddressWidth.problem(26, rule: try #require(PhysicalAddressWidth.rule(p)), highest: 0x800_0000) != nil)
        // An arm64 image has no such bits: the flag is refused.
        let (armImage, armP) = try load("\(repoRoot)/samples/arm64-4k-48/image.ptd")
        var ao = Options()
        ao.physicalAddressBits = 40
        #expect(throws: ImageError.self) { try PhysicalAddressWidth.resolve(image: armImage, platform: armP, options: ao) { nil } }
        #expect(try PhysicalAddressWidth.resolve(image: armImage, platform: armP, options: Options()) { nil }.width == nil)
    }

    /// The layouts as data: the witness picks the one that fits, the configuration can decide
    /// it, and layout randomisation refuses.
    @Test func layoutsAreChosenByWitnessOrConfiguration() throws {
        struct Bytes: KernelVirtualMemory {
            var bytes: [UInt64: UInt8]
            var byteOrder: ByteOrder { .little }
            func read(_ va: VirtualAddress, length: Int) -> [UInt8]? {
                var out: [UInt8] = []
                for i in 0..<UInt64(length) { guard let b = bytes[va.rawValue + i] else { return nil }; out.append(b) }
                return out
            }
        }
        let base: UInt64 = 0xffff_ffff_8100_0000
        var cpu: [UInt64: UInt8] = [:]
        for i in 0..<UInt64(64) { cpu[base + i] = 0 }
        cpu[base + 28] = 48; cpu[base + 29] = 39           // 6.1 with VMX feature names
        let field = X86_64Port.physBits6_1
        #expect(try field.read(Bytes(bytes: cpu), at: base, config: nil).get().value == 39)
        #expect(try field.read(Bytes(bytes: cpu), at: base, config: KernelConfig(values: ["X86_VMX_FEATURE_NAMES": "y"])).get().offset == 29)
        // The configuration says the other layout, whose witness (byte 8) is 0: refused.
        #expect(throws: KernelVariableError.self) { try field.read(Bytes(bytes: cpu), at: base, config: KernelConfig(values: [:])).get() }
        #expect(throws: KernelVariableError.self) {
            try field.read(Bytes(bytes: cpu), at: base, config: KernelConfig(values: ["X86_VMX_FEATURE_NAMES": "y", "RANDSTRUCT_FULL": "y"])).get()
        }
        var outOfRange = cpu
        outOfRange[base + 29] = 60
        #expect(throws: KernelVariableError.self) { try field.read(Bytes(bytes: outOfRange), at: base, config: nil).get() }
        #expect(throws: KernelVariableError.self) { try field.read(Bytes(bytes: [:]), at: base, config: nil).get() }
    }
}
