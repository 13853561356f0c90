/// Linux 6.1 on x86_64, as data: address markers with their conditions, walk ranges, and
/// the facts a configuration decides (`arch/x86/mm/dump_pagetables.c`,
/// `Documentation/x86/x86_64/mm.rst`, `arch/x86/include/asm/fixmap.h`).
extension X86_64Port {
    static let linux6_1 = KernelProfile(
        release: KernelRelease(6, 1),
        markers: [
            MarkerSpec("User Space") { _ in 0 },
            MarkerSpec("Kernel Space") { _ in 1 << 63 },
            MarkerSpec("LDT remap", when: { $0.flag(.ldtRemap) }) { UInt64(bitPattern: -240) << pgdirShift($0) },
            MarkerSpec("Low Kernel Mapping") { $0[.pageOffsetBase] ?? defaultBases(fiveLevel: $0.levels == 5).0 },
            MarkerSpec("vmalloc() Area") { $0[.vmallocBase] ?? defaultBases(fiveLevel: $0.levels == 5).1 },
            MarkerSpec("Vmemmap") { $0[.vmemmapBase] ?? defaultBases(fiveLevel: $0.levels == 5).2 },
            MarkerSpec("KASAN shadow", when: { $0.facts.kasan != .off }) { kasanShadowStart($0) },
            MarkerSpec("KASAN shadow end", when: { $0.facts.kasan != .off }) { kasanShadowStart($0) &+ (UInt64(1) << (vshift($0) - 3)) },
            MarkerSpec("CPU entry Area") { _ in 0xffff_fe00_0000_0000 },
            MarkerSpec("ESPfix Area", maxLines: 16, when: { $0.flag(.espfix) }) { _ in 0xffff_ff00_0000_0000 },
            MarkerSpec("EFI Runtime Services", when: { $0.flag(.efi) }) { _ in 0xffff_ffef_0000_0000 },
            MarkerSpec("High Kernel Mapping") { _ in startKernelMap },
            MarkerSpec("Modules") { startKernelMap &+ ($0[.kernelImageSize] ?? (1 << 30)) },
            MarkerSpec("End Modules") { _ in 0xffff_ffff_ff00_0000 },
            MarkerSpec("Fixmap Area") { fixmapTop &- ($0[.fixmapPages] ?? distributionFixmapPages) &* 4096 },
        ],
        walkRanges: { walkRanges(fiveLevel: $0.levels == 5) },
        markerAdvance: .oneStepOnFlush, checkUsesMarkers: true, kasanEarlyShadowShortcut: true,
        configurations: [(4096, [48, 57])],
        configFacts: configFacts, derivedFacts: { _, _ in },
        physicalAddressBits: physBits6_1)

    /// `boot_cpu_data.x86_phys_bits` in 6.1's `struct cpuinfo_x86`
    /// (`arch/x86/include/asm/processor.h`): four `__u8` (family, vendor, model, stepping), the
    /// `int x86_tlbsize`, then — with `CONFIG_X86_VMX_FEATURE_NAMES` — `__u32
    /// vmx_capability[NVMXINTS]` (NVMXINTS = 5), then `__u8 x86_virt_bits` and `__u8
    /// x86_phys_bits`. `x86_virt_bits` (48 or 57 from CPUID 0x80000008, 48 without it) is the
    /// witness that the layout is the right one.
    static let physBits6_1 = KernelVariableField(
        symbol: "boot_cpu_data", field: "x86_phys_bits",
        layouts: [.init(options: ["X86_VMX_FEATURE_NAMES": true], offset: 29, witnessOffset: 28, witnessValues: [48, 57]),
                  .init(options: ["X86_VMX_FEATURE_NAMES": false], offset: 9, witnessOffset: 8, witnessValues: [48, 57])],
        valid: 32...52, unknowableWith: ["RANDSTRUCT_FULL", "RANDSTRUCT_PERFORMANCE"])

    /// `PGDIR_SHIFT`.
    private static func pgdirShift(_ c: LayoutContext) -> UInt64 { c.levels == 5 ? 48 : 39 }
    /// `__VIRTUAL_MASK_SHIFT`.
    private static func vshift(_ c: LayoutContext) -> UInt64 { c.levels == 5 ? 56 : 47 }

    /// `KASAN_SHADOW_START`: the offset plus the shadow of the lowest kernel address.
    private static func kasanShadowStart(_ c: LayoutContext) -> UInt64 {
        (c[.kasanShadowOffset] ?? 0xdfff_fc00_0000_0000) &+ ((UInt64.max << vshift(c)) >> 3)
    }

    /// `{0, PTRS_PER_PGD * PGD_LEVEL_MULT / 2}` and `{GUARD_HOLE_END_ADDR, ~0}`.
    static func walkRanges(fiveLevel: Bool) -> [WalkRange] {
        let shift: UInt64 = fiveLevel ? 48 : 39
        let lowerEnd = UInt64(1) << (shift + 8)
        let guardHoleEnd = (UInt64(bitPattern: -256) << shift) &+ (16 << shift)
        return [WalkRange(first: 0, last: VirtualAddress(lowerEnd - 1)), WalkRange(first: VirtualAddress(guardHoleEnd), last: VirtualAddress(.max))]
    }

    /// `FIXADDR_TOP`: round_up(VSYSCALL_ADDR + PAGE_SIZE, PMD_SIZE) - PAGE_SIZE.
    static let fixmapTop: UInt64 = 0xffff_ffff_ff7f_f000

    /// `__end_of_permanent_fixed_addresses` for a configuration.
    static func fixmapPages(config c: KernelConfig) -> UInt64 {
        var n: UInt64 = c.isEnabled("X86_VSYSCALL_EMULATION") ? 512 : 0   // VSYSCALL_PAGE = 511
        n += 2                                                             // FIX_DBGP_BASE, FIX_EARLYCON_MEM_BASE
        if c.isEnabled("PROVIDE_OHCI1394_DMA_INIT") { n += 1 }
        if c.isEnabled("X86_LOCAL_APIC") { n += 1 }
        if c.isEnabled("X86_IO_APIC") { n += 128 }                         // MAX_IO_APICS
        if c.isEnabled("KMAP_LOCAL") {
            // KM_MAX_IDX * NR_CPUS; a count past the kernel's own limit (8192) is not a kernel's.
            n += 16 * min(c.number("NR_CPUS") ?? 1, 8192)
            if c.isEnabled("PCI_MMCONFIG") { n += 1 }
        }
        if c.isEnabled("PARAVIRT_XXL") { n += 1 }
        if c.isEnabled("ACPI_APEI_GHES") { n += 2 }
        return n
    }

    /// The Debian amd64 kernel's value (VSYSCALL emulation, local and IO APIC, PARAVIRT_XXL, GHES).
    static let distributionFixmapPages: UInt64 = 512 + 2 + 1 + 128 + 1 + 2

    /// Every configuration-dependent fact not known yet, from `config` or, without one, from a
    /// typical distribution kernel (Debian amd64).
    @Sendable static func configFacts(_ t: inout FactTable, config: KernelConfig?, context: LayoutContext) {
        if let c = config {
            let src = c.source
            t.offer(.ldtRemap, c.isEnabled("MODIFY_LDT_SYSCALL") ? 1 : 0, src("CONFIG_MODIFY_LDT_SYSCALL"))
            let kasan = c.isEnabled("KASAN")
            t.offer(.kasan, (kasan ? KasanMode.generic : .off).rawValue, src("CONFIG_KASAN"))
            if kasan { t.offer(.kasanShadowOffset, c.number("KASAN_SHADOW_OFFSET") ?? 0xdfff_fc00_0000_0000, src("CONFIG_KASAN_SHADOW_OFFSET")) }
            t.offer(.espfix, c.isEnabled("X86_ESPFIX64") ? 1 : 0, src("CONFIG_X86_ESPFIX64"))
            t.offer(.efi, c.isEnabled("EFI") ? 1 : 0, src("CONFIG_EFI"))
            t.offer(.kernelImageSize, c.isEnabled("RANDOMIZE_BASE") ? 1 << 30 : 512 << 20, src("CONFIG_RANDOMIZE_BASE"))
            t.offer(.fixmapPages, fixmapPages(config: c), src("fixmap entries"))
            t.offer(.ptiConfigured, c.isEnabled("PAGE_TABLE_ISOLATION") ? 1 : 0, src("CONFIG_PAGE_TABLE_ISOLATION"))
            t.offer(.randomizeMemory, c.isEnabled("RANDOMIZE_MEMORY") ? 1 : 0, src("CONFIG_RANDOMIZE_MEMORY"))
        }
        let d = FactSource.defaultValue("typical distribution kernel")
        t.offer(.ldtRemap, 1, d)
        t.offer(.kasan, KasanMode.off.rawValue, d)
        t.offer(.espfix, 1, d)
        t.offer(.efi, 1, d)
        t.offer(.kernelImageSize, 1 << 30, d)
        t.offer(.fixmapPages, distributionFixmapPages, d)
        t.offer(.ptiConfigured, 1, d)
        t.offer(.randomizeMemory, 1, d)
    }
}
