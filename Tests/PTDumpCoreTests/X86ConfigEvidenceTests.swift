import Testing
@testable import PTDumpCore

/// Every x86 inference rule (`X86_64Port.configSymbols`) checked against the real kernels whose
/// dumps hold their kallsyms: the inferred value is the one the kernel's own `.config` has, and
/// its evidence names the symbol that decided it. Where a rule is set on some sample, that is
/// positive evidence the rule's symbols are the ones the option builds.
@Suite struct X86ConfigEvidenceTests {
    /// (dump, its `.config`): every x86 sample whose dump holds the kallsyms pages.
    static let cases: [(String, String)] = [
        ("samples/kdump/x86_64-4level.c-d31.kdump", "../shared/oracle/x86_64-4level/config.txt"),
        ("samples/x86_64-4level-6.12/image.ptd", "samples/x86_64-4level-6.12/config.txt"),
        ("samples/x86_64-5level-6.12/image.ptd", "samples/x86_64-5level-6.12/config.txt"),
        ("samples/x86_64-kaslr-pti-6.12/image.ptd", "samples/x86_64-kaslr-pti-6.12/config.txt"),
    ]

    /// Rules no sample sets, and why (checked: each is unset on every case above).
    ///  - EFI, PCI_MMCONFIG, PARAVIRT_XXL, ACPI_APEI_GHES: set only in `x86_64-distro-like` and
    ///    Debian's kernel (`x86_64-debian-kaslr-pti`), whose compact images were saved before
    ///    `--save` kept the kallsyms pages;
    ///  - KASAN: the KASAN samples are 6.1 compact images without kallsyms pages too;
    ///  - PROVIDE_OHCI1394_DMA_INIT: a debugging option no captured kernel sets;
    ///  - KMAP_LOCAL: selected only by HIGHMEM, which x86_64 never has (the rule can only be unset).
    static let neverSet: Set<String> = ["EFI", "PCI_MMCONFIG", "PARAVIRT_XXL", "ACPI_APEI_GHES", "KASAN",
                                        "PROVIDE_OHCI1394_DMA_INIT", "KMAP_LOCAL"]

    static func truth(_ config: KernelConfig, _ option: String) -> Bool {
        // Linux 6.12 renamed PAGE_TABLE_ISOLATION (the profile's configAliases).
        config.isEnabled(option) || config.isEnabled("MITIGATION_" + option)
    }

    static func inferred(_ dump: String) throws -> KernelConfig {
        let image = try ImageLoader.load(path: dump.hasPrefix("/") ? dump : "\(repoRoot)/\(dump)")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let symbols = try #require(KernelSymbolSource.load(image: image, platform: p, options: Options()).symbols)
        return InferredKernelConfig.infer(symbols: symbols, rules: X86_64Port.configSymbols)
    }

    @Test(arguments: cases)
    func everyRuleAgreesWithTheKernelsConfig(_ dump: String, _ configPath: String) throws {
        // The 6.1 capture's .config is the shared oracle's (beside the checkout, as CI has it).
        let text = readRepoFile(configPath)
        guard !text.isEmpty else { return }
        let truth = KernelConfig(text: text)
        let c = try Self.inferred(dump)
        guard case .inferred(let evidence) = c.origin else { Issue.record("not inferred"); return }
        for rule in X86_64Port.configSymbols {
            let on = Self.truth(truth, rule.option)
            #expect(c.isEnabled(rule.option) == on, "\(dump): \(rule.option) inferred \(c.values[rule.option] ?? "-"), .config says \(on)")
            let e = evidence[rule.option] ?? ""
            #expect(on ? rule.symbols.contains { e == "symbol \($0)" } : e == "no symbol \(rule.symbols.joined(separator: " or "))", "\(rule.option): \(e)")
        }
    }

    @Test func theDistributionStyleCaptureSetsTheRulesItCan() throws {
        let c = try Self.inferred("samples/x86_64-kaslr-pti-6.12/image.ptd")
        guard case .inferred(let evidence) = c.origin else { Issue.record("not inferred"); return }
        let expected = ["PAGE_TABLE_ISOLATION": "pti_init", "RANDOMIZE_MEMORY": "kernel_randomize_memory",
                        "MODIFY_LDT_SYSCALL": "load_mm_ldt", "X86_ESPFIX64": "init_espfix_bsp",
                        "X86_VSYSCALL_EMULATION": "emulate_vsyscall", "X86_LOCAL_APIC": "setup_local_APIC",
                        "X86_IO_APIC": "setup_IO_APIC", "RANDOMIZE_BASE": "kaslr_get_random_long"]
        for (option, symbol) in expected {
            #expect(c.values[option] == "y" && evidence[option] == "symbol \(symbol)", "\(option): \(evidence[option] ?? "")")
        }
        // Every rule is set on some sample, except those `neverSet` explains.
        let positive = Set(expected.keys)
        #expect(Set(X86_64Port.configSymbols.map(\.option)) == positive.union(Self.neverSet))
    }
}
