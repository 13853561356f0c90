import Testing
@testable import PTDumpCore

/// arm64 options inferred from the kernel's own symbols (`ARM64Port.configSymbols`) reproduce
/// its text byte for byte with no `.config`, no IKCONFIG and no marker table: the inferred
/// configuration is passed as `--kernel-config` would be (which skips the marker table), and
/// compact images lose their saved layout facts and markers first, so every fact comes from
/// VMCOREINFO, the symbols and the formulas.
@Suite struct ARM64ConfigInferenceTests {
    /// (dump, the kernel's debugfs text, the options the symbols must set).
    static let cases: [(String, String, [String])] = [
        ("samples/kdump/arm64-4k-48.z-d31.kdump", "samples/arm64-4k-48/expected.txt", []),
        ("samples/arm64-4k-48-6.12/vmcore.qemu-zlib.kdump", "samples/arm64-4k-48-6.12/expected.txt", []),
        ("samples/arm64-4k-48-6.12/image.ptd", "samples/arm64-4k-48-6.12/expected.txt", []),
        ("samples/arm64-4k-48-kasan-6.12/image.ptd", "samples/arm64-4k-48-kasan-6.12/expected.txt", ["KASAN_GENERIC"]),
        ("samples/arm64-16k-47-6.12/image.ptd", "samples/arm64-16k-47-6.12/expected.txt", []),
        ("samples/arm64-4k-52-lpa2-6.12/image.ptd", "samples/arm64-4k-52-lpa2-6.12/expected.txt", []),
        ("samples/arm64-64k-52-6.12/image.ptd", "samples/arm64-64k-52-6.12/expected.txt", []),
        // The 6.1 compact images (the KASAN ones included) were saved without their kallsyms
        // pages, and the shared 6.1 64K capture is a 6.1 vmcore outside the repository: the
        // kdump file above is the 6.1 case here.
    ]

    /// `path` loaded with any saved layout facts and markers dropped.
    static func loadWithoutSavedFacts(_ path: String) throws -> Image {
        var image = try ImageLoader.load(path: "\(repoRoot)/\(path)")
        image.ptdumpNote = image.ptdumpNote.filter { !$0.key.hasPrefix("layout.") && $0.key != "marker" }
        return image
    }

    @Test(arguments: cases)
    func inferredOptionsGiveTheKernelsText(_ dump: String, _ expected: String, _ set: [String]) throws {
        let image = try Self.loadWithoutSavedFacts(dump)
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let symbols = try #require(KernelSymbolSource.load(image: image, platform: p, options: Options()).symbols)
        let config = InferredKernelConfig.infer(symbols: symbols, rules: ARM64Port.configSymbols)
        guard case .inferred(let evidence) = config.origin else { Issue.record("not inferred"); return }
        for rule in ARM64Port.configSymbols {
            let on = set.contains(rule.option)
            #expect(config.isEnabled(rule.option) == on, "\(rule.option)")
            #expect(evidence[rule.option]?.hasPrefix(on ? "symbol " : "no symbol ") == true, "\(rule.option): \(evidence[rule.option] ?? "")")
        }
        var o = Options()
        o.kernelConfig = config
        let q = try PlatformResolver.resolve(image: image, options: o)
        #expect(q.layout.markerSource == nil)
        #expect(renderText(q, image.memory).0 == readRepoFile(expected))
        // --info names the symbols behind the fixmap size and the KASAN mode.
        let fixmap = try #require(q.layout.facts.first { $0.key == .fixmapPages })
        #expect(fixmap.fact.source.description.contains("ACPI_APEI_GHES: no symbol ghes_probe"))
        #expect(fixmap.fact.source.description.contains("RELOCATABLE: no symbol __relocate_kernel or __pi_relocate_kernel"))
        let kasan = try #require(q.layout.facts.first { $0.key == .kasan })
        #expect(kasan.fact.source.description.contains(set.contains("KASAN_GENERIC") ? "KASAN_GENERIC: symbol __asan_load8" : "KASAN_GENERIC: no symbol"))
    }

    /// Before: with no configuration and no marker table the fixmap size was a distribution
    /// kernel's guess (GHES, SDEI, trampoline, relocatable), which these small kernels do not
    /// match; the symbols decide it.
    @Test func withoutSymbolsTheFixmapWasAGuess() throws {
        let image = try Self.loadWithoutSavedFacts("samples/arm64-4k-48-6.12/image.ptd")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let symbols = try #require(KernelSymbolSource.load(image: image, platform: p, options: Options()).symbols)
        let context = LayoutContext(facts: FactTable(), levels: 4, pageSize: 4096, vaBits: 48)
        var guessed = FactTable(), decided = FactTable()
        ARM64Port.linux6_12.configFacts(&guessed, nil, context)
        ARM64Port.linux6_12.configFacts(&decided, InferredKernelConfig.infer(symbols: symbols, rules: ARM64Port.configSymbols), context)
        #expect(guessed[.fixmapPages]?.source.description.hasPrefix("default") == true)
        #expect(decided[.fixmapPages]?.source.description.hasPrefix("kernel config") == true)
        #expect(guessed[.fixmapPages]?.value != decided[.fixmapPages]?.value)
    }
}
