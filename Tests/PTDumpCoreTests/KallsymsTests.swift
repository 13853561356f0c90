import Testing
@testable import PTDumpCore

/// kallsyms decoded from real dumps, checked against the same kernels' System.map.
@Suite struct KallsymsRealKernelTests {
    /// (dump, System.map, symbols kallsyms has): Linux 6.1 kdump-compressed dumps and Linux
    /// 6.12 compact images (saved with their kallsyms pages).
    static let cases = [
        ("samples/kdump/x86_64-4level.c-d31.kdump", "samples/x86_64-4level/System.map", 12272),
        ("samples/kdump/arm64-4k-48.z-d31.kdump", "samples/arm64-4k-48/System.map", 14053),
        ("samples/x86_64-4level-6.12/image.ptd", "samples/x86_64-4level-6.12/System.map", 13103),
        ("samples/arm64-4k-48-6.12/image.ptd", "samples/arm64-4k-48-6.12/System.map", 14808),
    ]

    @Test("every decoded symbol is in System.map with the same address and type", arguments: cases)
    func decodesLikeSystemMap(_ dump: String, _ map: String, _ count: Int) throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/\(dump)")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let outcome = KernelSymbolSource.load(image: image, platform: p, options: Options())
        let symbols = try #require(outcome.symbols)
        #expect(outcome.notes.isEmpty)
        #expect(symbols.source.description.contains("VMCOREINFO"))
        #expect(symbols.count == count)
        let expected = systemMapEntries(map)
        let missing = symbols.symbols.map(mapLine).filter { !expected.contains($0) }
        #expect(missing.isEmpty, "\(missing.prefix(3))")
        // Every System.map symbol kallsyms has decodes to System.map's address.
        let full = try SystemMap(text: readRepoFile(map))
        let decodedPairs = Set(symbols.symbols.map { "\($0.name)@\($0.address)" })
        let decodedNames = Set(symbols.symbols.map(\.name))
        var mapCount: [String: Int] = [:]
        for e in full.ordered { mapCount[e.name, default: 0] += 1 }
        let wrong = full.ordered.filter { decodedNames.contains($0.name) && mapCount[$0.name] == 1 && !decodedPairs.contains("\($0.name)@\($0.address)") }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
        #expect(symbols.describe(VirtualAddress(try #require(full.symbols["_stext"])) + 0x10) != nil)
    }

    @Test("without VMCOREINFO's kallsyms keys the tables are found by searching the kernel image", arguments: cases)
    func searchFindsTheSameTable(_ dump: String, _ map: String, _ count: Int) throws {
        var image = try ImageLoader.load(path: "\(repoRoot)/\(dump)")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let vi = try #require(image.vmcoreinfo)
        // As an older kernel's: no kallsyms keys, and no release that would have them.
        image.vmcoreinfo = try VMCoreInfo(text: vi.entries.filter { !$0.key.contains("kallsyms") && $0.key != "OSRELEASE" }
            .map { "\($0.key)=\($0.value)" }.joined(separator: "\n"))
        let outcome = KernelSymbolSource.load(image: image, platform: p, options: Options())
        let symbols = try #require(outcome.symbols)
        #expect(symbols.count == count)
        #expect(symbols.source.description.contains("search"))
        #expect(outcome.notes == ["VMCOREINFO has no SYMBOL(kallsyms_num_syms) and 5 more kallsyms keys (a kernel older than 6.0, or without CONFIG_KALLSYMS)"])
        let expected = systemMapEntries(map)
        #expect(symbols.symbols.allSatisfy { expected.contains(mapLine($0)) })
    }

    @Test func aRecentKernelWithoutKallsymsKeysIsNotSearched() throws {
        var image = try ImageLoader.load(path: "\(repoRoot)/samples/kdump/x86_64-4level.c-d31.kdump")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let vi = try #require(image.vmcoreinfo)
        image.vmcoreinfo = try VMCoreInfo(text: vi.entries.filter { !$0.key.contains("kallsyms") }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n"))
        let outcome = KernelSymbolSource.load(image: image, platform: p, options: Options())
        #expect(outcome.symbols == nil)
        #expect(outcome.notes == ["VMCOREINFO has no SYMBOL(kallsyms_num_syms) and 5 more kallsyms keys (Linux 6.1 writes them whenever it has CONFIG_KALLSYMS: this kernel has none)"])
    }

    @Test func savedImageKeepsTheKallsymsPages() throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/kdump/x86_64-4level.c-d31.kdump")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let out = scratchPath("kallsyms.ptd")
        _ = try ImageSaver.save(to: out, image: image, platform: p)
        let saved = try ImageLoader.load(path: out)
        let q = try PlatformResolver.resolve(image: saved, options: Options())
        let a = try #require(KernelSymbolSource.load(image: image, platform: p, options: Options()).symbols)
        let b = try #require(KernelSymbolSource.load(image: saved, platform: q, options: Options()).symbols)
        #expect(a.symbols == b.symbols)
    }

    @Test func aDumpWithoutKallsymsSaysWhichFlagHelps() throws {
        // The compact image of the 6.1 capture holds only page tables: no kallsyms bytes.
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/x86_64-4level/image.ptd")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let outcome = KernelSymbolSource.load(image: image, platform: p, options: Options())
        #expect(outcome.symbols == nil)
        #expect(outcome.notes == ["kallsyms from VMCOREINFO: kallsyms_num_syms at 0xffffffff816402e8 cannot be read (unmapped, or a page the dump left out)"])
        #expect(outcome.hint.hasSuffix("pass --system-map FILE or --vmlinux FILE"))
        // --system-map is then the source, shifted by KERNELOFFSET (0 here).
        var o = Options()
        o.systemMap = try SystemMap(text: readRepoFile("samples/x86_64-4level/System.map"))
        let withMap = KernelSymbolSource.load(image: image, platform: p, options: o)
        #expect(withMap.symbols?.source == .flag("--system-map"))
        #expect(withMap.symbols?.describe(0xffff_ffff_8100_0010) == "_stext+0x10")
        // --vmlinux: an ELF symbol table; absolute symbols keep their value.
        var v = Options()
        v.vmlinuxSymbols = [ElfSymbol(name: "_stext", value: 0xffff_ffff_8100_0000, size: 0, section: 1),
                            ElfSymbol(name: "undefined", value: 0, size: 0, section: 0),
                            ElfSymbol(name: "abs", value: 0x10, size: 0, section: 0xfff1)]
        let withELF = try #require(KernelSymbolSource.load(image: image, platform: p, options: v).symbols)
        #expect(withELF.symbols.map(\.name) == ["abs", "_stext"])
        #expect(withELF.source == .flag("--vmlinux"))
    }
}

/// The decoder on tables written here: every mode, byte order and each kind of damage.
@Suite struct KallsymsDecoderTests {
    static let symbols: [(address: UInt64, type: Character, name: String)] = [
        (0xffff_ffff_8100_0000, "T", "_stext"), (0xffff_ffff_8100_0000, "T", "startup_64"),
        (0xffff_ffff_8100_1230, "t", "__do_something"), (0xffff_ffff_8120_0000, "D", "some_data"),
    ] + (0..<600).map { (0xffff_ffff_8130_0000 + UInt64($0) * 16, "t", "f\($0)") }

    func decode(_ w: KallsymsWriter, _ syms: [(address: UInt64, type: Character, name: String)] = symbols) throws -> KernelSymbols {
        let out = w.write(syms)
        return try KallsymsDecoder.decode(out.memory, at: out.location, source: .init("test"))
    }

    func expectSame(_ k: KernelSymbols, _ syms: [(address: UInt64, type: Character, name: String)]) {
        #expect(k.symbols.map(\.address) == syms.map(\.address))
        #expect(k.symbols.map(\.name) == syms.map(\.name))
        #expect(k.symbols.map(\.type) == syms.map(\.type))
    }

    @Test(arguments: [KallsymsWriter.Mode.relative, .absolute], [ByteOrder.little, .big])
    func roundTrips(_ mode: KallsymsWriter.Mode, _ order: ByteOrder) throws {
        expectSame(try decode(KallsymsWriter(mode: mode, byteOrder: order)), Self.symbols)
    }

    @Test func absolutePerCPUSymbolsKeepTheirSmallAddresses() throws {
        let syms: [(address: UInt64, type: Character, name: String)] = [(0, "A", "fixed_percpu_data"), (0x1000, "A", "cpu_number")] + Self.symbols
        expectSame(try decode(KallsymsWriter(mode: .absolutePerCPU), syms), syms)
        // Named outright by a kernel configuration, the same.
        let out = KallsymsWriter(mode: .absolutePerCPU).write(syms)
        expectSame(try KallsymsDecoder.decode(out.memory, at: out.location, offsetMode: .absolutePerCPU, source: .init("t")), syms)
    }

    @Test func bigSymbolsHaveATwoByteLength() throws {
        let long = String(repeating: "x", count: 300)
        let syms: [(address: UInt64, type: Character, name: String)] = [(0xffff_ffff_8100_0000, "T", long), (0xffff_ffff_8100_0010, "T", "after")]
        expectSame(try decode(KallsymsWriter(), syms), syms)
    }

    @Test func describeNamesTheSymbolAtOrBelow() throws {
        let k = try decode(KallsymsWriter())
        #expect(k.describe(0xffff_ffff_8100_0000) == "_stext+0x0")
        #expect(k.describe(0xffff_ffff_8100_1234) == "__do_something+0x4")
        #expect(k.describe(0xffff_ffff_8000_0000) == nil)
        #expect(k.describe(0xffff_ffff_8130_0000 + 600 * 16 + (1 << 24)) == nil)
        #expect(k.covering(start: 0xffff_ffff_8100_0000, end: 0xffff_ffff_8120_0000) == ["_stext+0x0", "__do_something"])
        #expect(k.address(of: "some_data") == 0xffff_ffff_8120_0000)
    }

    @Test func lookupsByNameCompareBytesAndKeepTheFirst() throws {
        let syms: [(address: UInt64, type: Character, name: String)] = Self.symbols + [(0xffff_ffff_8200_0000, "t", "__do_something")]
        let k = try decode(KallsymsWriter(), syms)
        #expect(k.firstIndex(of: "__do_something") == 2)
        #expect(k.address(of: "__do_something") == 0xffff_ffff_8100_1230)
        #expect(k.address(of: "__do_somethin") == nil && k.address(of: "__do_somethingg") == nil && k.address(of: "") == nil)
        #expect(k.contains("f599") && !k.contains("f600"))
        #expect(k.addresses(of: ["some_data", "f1", "startup_64", "missing", "__do_something"])
                == ["some_data": 0xffff_ffff_8120_0000, "f1": 0xffff_ffff_8130_0010, "startup_64": 0xffff_ffff_8100_0000,
                    "__do_something": 0xffff_ffff_8100_1230])
        #expect(k.name(at: 3) == "some_data" && k.type(at: 3) == "D" && k.address(at: 3) == 0xffff_ffff_8120_0000)
    }

    @Test func symbolsGivenOutOfOrderAreSortedStably() {
        let k = KernelSymbols(symbols: [.init(address: 0x20, type: "T", name: "b"), .init(address: 0x10, type: "t", name: "a"),
                                        .init(address: 0x20, type: "D", name: "c"), .init(address: 0x10, type: "?", name: "ä")], source: .init("t"))
        #expect(k.symbols.map(\.name) == ["a", "ä", "b", "c"])
        #expect(k.symbols.map(\.type) == ["t", "?", "T", "D"])
        #expect(k.describe(0x25) == "b+0x5")
        #expect(k.symbols == KernelSymbols(symbols: Array(k.symbols), source: .init("u")).symbols)
        #expect(k.symbols != KernelSymbols(symbols: Array(k.symbols.dropLast()), source: .init("u")).symbols)
    }

    @Test func theSearchFindsWrittenTablesInEveryLayout() throws {
        for (mode, seqs) in [(KallsymsWriter.Mode.relative, true), (.relative, false), (.absolute, true)] {
            var w = KallsymsWriter(mode: mode, seqsOfNames: seqs)
            w.base = 0xffff_ffff_8160_0000
            var out = w.write(Self.symbols)
            // Some unrelated bytes before the tables.
            out.memory.bytes = [UInt8](repeating: 0x90, count: 8192) + out.memory.bytes
            out.memory.base -= 8192
            let window = WalkRange(first: VirtualAddress(out.memory.base), last: VirtualAddress(out.memory.base + UInt64(out.memory.bytes.count) - 1))
            let found = try KallsymsSearch.find(out.memory, in: window).get()
            #expect(found == out.location, "\(mode) seqs \(seqs)")
        }
        let nothing = FlatKernelMemory(base: 0xffff_ffff_8100_0000, bytes: [UInt8](repeating: 0, count: 1 << 16))
        let window = WalkRange(first: 0xffff_ffff_8100_0000, last: 0xffff_ffff_8100_ffff)
        #expect(throws: KallsymsSearch.SearchFailure.self) { try KallsymsSearch.find(nothing, in: window).get() }
    }

    // MARK: bad tables

    func damaged(_ change: (inout KallsymsWriter.Output) -> Void) -> KallsymsError? {
        var out = KallsymsWriter().write(Self.symbols)
        change(&out)
        do { _ = try KallsymsDecoder.decode(out.memory, at: out.location, source: .init("t")); return nil } catch { return error }
    }

    func offset(_ out: KallsymsWriter.Output, _ va: VirtualAddress) -> Int { Int(va.rawValue - out.memory.base) }

    @Test func aCountNoKernelHasIsRefused() {
        #expect(damaged { o in let i = offset(o, o.location.numSyms); o.memory.bytes[i..<i + 4] = [0, 0, 0, 0] } == .badCount(0))
        #expect(damaged { o in let i = offset(o, o.location.numSyms); o.memory.bytes[i..<i + 4] = [0xff, 0xff, 0xff, 0x7f] } == .badCount(0x7fff_ffff))
    }

    @Test func tokenIndexesPastTheTableAreRefused() {
        let e = damaged { o in let i = offset(o, o.location.tokenIndex) + 2 * 200; o.memory.bytes[i..<i + 2] = [0xff, 0xff] }
        guard case .badTokens(let why)? = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(why.contains("token 200"))
    }

    @Test func aTokenWithoutItsNULIsRefused() {
        let e = damaged { o in
            // Token 255 starts 50 bytes before the end of memory, with no NUL after it.
            let end = o.memory.bytes.count
            for k in end - 100..<end { o.memory.bytes[k] = 0x41 }
            let start = end - 50 - offset(o, o.location.tokenTable)
            let i = offset(o, o.location.tokenIndex) + 2 * 255
            o.memory.bytes[i..<i + 2] = [UInt8(start & 0xff), UInt8(start >> 8)]
        }
        guard case .badTokens(let why)? = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(why.contains("token 255"))
    }

    @Test func namesRunningPastTheDumpAreRefused() {
        let e = damaged { o in
            // A name of 32 tokens whose bytes stop 5 bytes in, at the end of memory.
            let end = o.memory.bytes.count
            o.location.names = VirtualAddress(o.memory.base + UInt64(end - 6))
            o.memory.bytes[end - 6] = 32
        }
        #expect(e == .namesPastEnd(symbol: 0, offset: 33))
    }

    @Test func aZeroLengthNameIsRefused() {
        #expect(damaged { o in o.memory.bytes[offset(o, o.location.names)] = 0 } == .badName(symbol: 0, why: "its length is 0"))
    }

    @Test func unsortedAddressesAreRefused() {
        let e = damaged { o in
            guard case .relative(let offsets, _) = o.location.addresses else { return }
            let i = offset(o, offsets) + 4 * 3
            o.memory.bytes[i..<i + 4] = [0, 0, 0, 0]
        }
        guard case .unsorted(symbol: 3, _, _)? = e else { Issue.record("got \(String(describing: e))"); return }
    }

    @Test func unmappedArraysAreNamed() {
        #expect(damaged { o in o.location.numSyms = 0x1000 } == .unreadable("kallsyms_num_syms", 0x1000))
        #expect(damaged { o in o.location.tokenIndex = 0x1000 } == .unreadable("kallsyms_token_index", 0x1000))
        #expect(damaged { o in o.location.addresses = .relative(offsets: 0x1000, base: 0x2000) } == .unreadable("kallsyms_offsets", 0x1000))
        #expect(damaged { o in o.location.addresses = .absolute(addresses: 0x1000) } == .unreadable("kallsyms_addresses", 0x1000))
    }

    @Test func vmcoreinfoKeysGiveTheLocation() throws {
        let vi = try VMCoreInfo(text: "SYMBOL(kallsyms_names)=ffffffff816402f0\nSYMBOL(kallsyms_num_syms)=ffffffff816402e8\nSYMBOL(kallsyms_token_table)=ffffffff8166aac0\nSYMBOL(kallsyms_token_index)=ffffffff8166ae38\nSYMBOL(kallsyms_addresses)=ffffffff81600000\n")
        #expect(KallsymsLocation(vmcoreinfo: vi)?.addresses == .absolute(addresses: 0xffff_ffff_8160_0000))
        let partial = try VMCoreInfo(text: "SYMBOL(kallsyms_names)=ffffffff816402f0\n")
        #expect(KallsymsLocation(vmcoreinfo: partial) == nil)
        #expect(KallsymsLocation.missingKeys(partial).first == "SYMBOL(kallsyms_num_syms)")
    }
}

/// The kernel's configuration from the dump: embedded (IKCONFIG) or inferred from symbols.
@Suite struct DumpConfigurationTests {
    static let gz: [UInt8] = {
        guard let f = try? MappedFile(path: "\(repoRoot)/samples/ikconfig/config.gz") else { return [] }
        return Array(UnsafeRawBufferPointer(start: f.base, count: f.count))
    }()
    static let base: UInt64 = 0xffff_ffff_8180_0000

    /// Kernel memory holding `IKCFG_ST` + `data` + `IKCFG_ED` after some other bytes.
    func memory(_ data: [UInt8], end: Bool = true) -> FlatKernelMemory {
        var b = [UInt8](repeating: 0x90, count: 5000) + Array("IKCFG_ST".utf8) + data + (end ? Array("IKCFG_ED".utf8) : [])
        while b.count % 4096 != 0 { b.append(0) }
        return FlatKernelMemory(base: Self.base, bytes: b)
    }
    var window: WalkRange { WalkRange(first: VirtualAddress(Self.base), last: VirtualAddress(Self.base + (1 << 20))) }

    @Test func theEmbeddedConfigIsFoundByItsMarkersAndInflated() throws {
        let c = try EmbeddedKernelConfig.find(memory(Self.gz), symbols: nil, window: window).get()
        let real = KernelConfig(text: readRepoFile("samples/x86_64-4level-6.12/config.txt"))
        #expect(!Self.gz.isEmpty && c.values == real.values)
        #expect(c.origin == .embedded("IKCONFIG at \(hex(Self.base + 5008)), IKCFG_ST search"))
        #expect(c.source("CONFIG_EFI").description.contains("IKCONFIG"))
    }

    @Test func theSymbolNamesItExactly() throws {
        let start = Self.base + 5008
        let symbols = KernelSymbols(symbols: [.init(address: start, type: "D", name: "kernel_config_data"),
                                              .init(address: start + UInt64(Self.gz.count), type: "D", name: "kernel_config_data_end")], source: .init("t"))
        let c = try EmbeddedKernelConfig.find(memory(Self.gz), symbols: symbols, window: nil).get()
        #expect(c.isEnabled("PTDUMP_DEBUGFS"))
        #expect(c.origin == .embedded("IKCONFIG at \(hex(start)), symbol kernel_config_data"))
    }

    @Test func damagedOrMissingConfigsAreRefused() {
        var bad = Self.gz
        bad[40] ^= 0xff
        guard case .failure(.malformed(let why)) = EmbeddedKernelConfig.find(memory(bad), symbols: nil, window: window) else {
            Issue.record("a damaged gzip stream was accepted"); return
        }
        #expect(why.contains("does not inflate"))
        guard case .failure(.malformed(let noEnd)) = EmbeddedKernelConfig.find(memory(Self.gz, end: false), symbols: nil, window: window) else {
            Issue.record("no IKCFG_ED was accepted"); return
        }
        #expect(noEnd.contains("no IKCFG_ED"))
        let nothing = FlatKernelMemory(base: Self.base, bytes: [UInt8](repeating: 0, count: 8192))
        #expect(EmbeddedKernelConfig.find(nothing, symbols: nil, window: window) == .failure(.notFound(window)))
        #expect(EmbeddedKernelConfig.inflate([1, 2, 3]) == nil)
        #expect(EmbeddedKernelConfig.inflate([]) == nil)
    }

    /// The options inferred from the kernel's own symbols reproduce its text byte for byte as
    /// if its `.config` had been given (no marker table used).
    @Test(arguments: [("samples/kdump/x86_64-4level.c-d31.kdump", "samples/x86_64-4level/expected.txt", "-"),
                      ("samples/x86_64-4level-6.12/image.ptd", "samples/x86_64-4level-6.12/expected.txt", "-")])
    func inferredOptionsGiveTheKernelsText(_ dump: String, _ expected: String, _ unused: String) throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/\(dump)")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let symbols = try #require(KernelSymbolSource.load(image: image, platform: p, options: Options()).symbols)
        let config = InferredKernelConfig.infer(symbols: symbols, rules: X86_64Port.configSymbols)
        #expect(config.values["PAGE_TABLE_ISOLATION"] == "n" && config.values["X86_IO_APIC"] == "y")
        guard case .inferred(let evidence) = config.origin else { Issue.record("not inferred"); return }
        #expect(evidence["X86_IO_APIC"] == "symbol setup_IO_APIC")
        var o = Options()
        o.kernelConfig = config
        let q = try PlatformResolver.resolve(image: image, options: o)
        #expect(q.layout.markerSource == nil)
        #expect(renderText(q, image.memory).0 == readRepoFile(expected))
        if dump.hasSuffix(".kdump") {   // (a compact image's saved facts come first)
            #expect(q.layout.facts.first { $0.key == .ldtRemap }?.fact.source.description == "kernel config CONFIG_MODIFY_LDT_SYSCALL inferred from no symbol load_mm_ldt or switch_ldt")
        }
    }

    @Test func infoFactsThatWereDefaultsAreDecidedByTheDumpsConfig() throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/kdump/x86_64-4level.c-d31.kdump")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        // PTI comes from the tables; RANDOMIZE_MEMORY was a default until the symbols decide it.
        #expect(p.layout.facts.first { $0.key == .ptiConfigured }?.fact.value == 0)
        #expect(p.layout.facts.first { $0.key == .randomizeMemory }?.fact.source.description.hasPrefix("default") == true)
        let symbols = KernelSymbolSource.load(image: image, platform: p, options: Options()).symbols
        let outcome = KernelConfigSource.load(image: image, platform: p, symbols: symbols)
        #expect(outcome.notes == ["IKCONFIG: no symbol kernel_config_data (no CONFIG_IKCONFIG, or =m)"])
        let q = DumpConfiguration.refineDefaults(p, config: try #require(outcome.config))
        let r = try #require(q.layout.facts.first { $0.key == .randomizeMemory })
        #expect(r.fact.value == 0 && r.fact.source.description.contains("kernel_randomize_memory"))
        #expect(!DumpConfiguration.hasDefaults(q))
        #expect(q.layout.markers == p.layout.markers)
    }
}
