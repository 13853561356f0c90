/// Linux 6.1 x86_64 address markers and walk ranges (`arch/x86/mm/dump_pagetables.c`,
/// `Documentation/x86/x86_64/mm.rst`).
public enum X86Layout {
    /// `__START_KERNEL_map`.
    public static let startKernelMap: UInt64 = 0xffff_ffff_8000_0000

    /// Default bases without KASLR: (page_offset_base, vmalloc_base, vmemmap_base).
    public static func defaultBases(fiveLevel: Bool) -> (UInt64, UInt64, UInt64) {
        fiveLevel ? (0xff11_0000_0000_0000, 0xffa0_0000_0000_0000, 0xffd4_0000_0000_0000)
                  : (0xffff_8880_0000_0000, 0xffff_c900_0000_0000, 0xffff_ea00_0000_0000)
    }

    /// Fills in every configuration-dependent fact not known yet, from `config` or, without
    /// one, from a typical distribution kernel (Debian 6.1 amd64).
    public static func offerConfigFacts(_ t: inout FactTable, config: KernelConfig?) {
        if let c = config {
            let src = FactSource.config
            t.offer("ldt_remap", c.isEnabled("MODIFY_LDT_SYSCALL") ? 1 : 0, src("CONFIG_MODIFY_LDT_SYSCALL"))
            let kasan = c.isEnabled("KASAN")
            t.offer("kasan", kasan ? 1 : 0, src("CONFIG_KASAN"))
            if kasan { t.offer("kasan_shadow_offset", c.number("KASAN_SHADOW_OFFSET") ?? 0xdfff_fc00_0000_0000, src("CONFIG_KASAN_SHADOW_OFFSET")) }
            t.offer("espfix", c.isEnabled("X86_ESPFIX64") ? 1 : 0, src("CONFIG_X86_ESPFIX64"))
            t.offer("efi", c.isEnabled("EFI") ? 1 : 0, src("CONFIG_EFI"))
            t.offer("kernel_image_size", c.isEnabled("RANDOMIZE_BASE") ? 1 << 30 : 512 << 20, src("CONFIG_RANDOMIZE_BASE"))
            t.offer("fixmap_pages", X86Fixmap.permanentPages(config: c), src("fixmap entries"))
            t.offer("pti_configured", c.isEnabled("PAGE_TABLE_ISOLATION") ? 1 : 0, src("CONFIG_PAGE_TABLE_ISOLATION"))
            t.offer("randomize_memory", c.isEnabled("RANDOMIZE_MEMORY") ? 1 : 0, src("CONFIG_RANDOMIZE_MEMORY"))
        }
        let d = FactSource.defaultValue("typical distribution kernel")
        t.offer("ldt_remap", 1, d)
        t.offer("kasan", 0, d)
        t.offer("espfix", 1, d)
        t.offer("efi", 1, d)
        t.offer("kernel_image_size", 1 << 30, d)
        t.offer("fixmap_pages", X86Fixmap.distributionPermanentPages, d)
        t.offer("pti_configured", 1, d)
        t.offer("randomize_memory", 1, d)
    }

    /// The layout for `facts` (bases, sizes and switches already resolved).
    public static func layout(fiveLevel: Bool, facts t: FactTable) -> KernelLayout {
        let pgdirShift: UInt64 = fiveLevel ? 48 : 39
        let (dpo, dvm, dvmemmap) = defaultBases(fiveLevel: fiveLevel)
        let pageOffset = t["page_offset_base"]?.value ?? dpo
        let vmalloc = t["vmalloc_base"]?.value ?? dvm
        let vmemmap = t["vmemmap_base"]?.value ?? dvmemmap
        var m: [AddressMarker] = [AddressMarker(0, "User Space"), AddressMarker(1 << 63, "Kernel Space")]
        if t.flag("ldt_remap") { m.append(AddressMarker(UInt64(bitPattern: -240) << pgdirShift, "LDT remap")) }
        m.append(AddressMarker(pageOffset, "Low Kernel Mapping"))
        m.append(AddressMarker(vmalloc, "vmalloc() Area"))
        m.append(AddressMarker(vmemmap, "Vmemmap"))
        if t.flag("kasan") {
            let vshift: UInt64 = fiveLevel ? 56 : 47
            let offset = t["kasan_shadow_offset"]?.value ?? 0xdfff_fc00_0000_0000
            let start = offset &+ ((UInt64.max << vshift) >> 3)
            m.append(AddressMarker(start, "KASAN shadow"))
            m.append(AddressMarker(start &+ (UInt64(1) << (vshift - 3)), "KASAN shadow end"))
        }
        m.append(AddressMarker(0xffff_fe00_0000_0000, "CPU entry Area"))
        if t.flag("espfix") { m.append(AddressMarker(0xffff_ff00_0000_0000, "ESPfix Area", maxLines: 16)) }
        if t.flag("efi") { m.append(AddressMarker(0xffff_ffef_0000_0000, "EFI Runtime Services")) }
        m.append(AddressMarker(startKernelMap, "High Kernel Mapping"))
        let imageSize = t["kernel_image_size"]?.value ?? (1 << 30)
        m.append(AddressMarker(startKernelMap &+ imageSize, "Modules"))
        m.append(AddressMarker(0xffff_ffff_ff00_0000, "End Modules"))
        let fixmapPages = t["fixmap_pages"]?.value ?? X86Fixmap.distributionPermanentPages
        m.append(AddressMarker(X86Fixmap.top &- fixmapPages &* 4096, "Fixmap Area"))

        // {0, PTRS_PER_PGD * PGD_LEVEL_MULT / 2} and {GUARD_HOLE_END_ADDR, ~0}.
        let lowerEnd = UInt64(1) << (pgdirShift + 8)
        let guardHoleEnd = (UInt64(bitPattern: -256) << pgdirShift) &+ (16 << pgdirShift)
        let ranges = [WalkRange(first: 0, last: lowerEnd - 1), WalkRange(first: guardHoleEnd, last: UInt64.max)]
        return KernelLayout(ranges: ranges, markers: m, advance: .oneStepOnFlush,
                            checkMarkers: m, checkRanges: ranges, facts: t.entries)
    }
}

/// x86_64 fixmap size (`arch/x86/include/asm/fixmap.h`, `enum fixed_addresses`).
public enum X86Fixmap {
    /// `FIXADDR_TOP`: round_up(VSYSCALL_ADDR + PAGE_SIZE, PMD_SIZE) - PAGE_SIZE.
    public static let top: UInt64 = 0xffff_ffff_ff7f_f000

    /// `__end_of_permanent_fixed_addresses` for a configuration.
    public static func permanentPages(config c: KernelConfig) -> UInt64 {
        var n: UInt64 = c.isEnabled("X86_VSYSCALL_EMULATION") ? 512 : 0   // VSYSCALL_PAGE = 511
        n += 2                                                             // FIX_DBGP_BASE, FIX_EARLYCON_MEM_BASE
        if c.isEnabled("PROVIDE_OHCI1394_DMA_INIT") { n += 1 }
        if c.isEnabled("X86_LOCAL_APIC") { n += 1 }
        if c.isEnabled("X86_IO_APIC") { n += 128 }                         // MAX_IO_APICS
        if c.isEnabled("KMAP_LOCAL") {
            n += 16 * (c.number("NR_CPUS") ?? 1)                           // KM_MAX_IDX * NR_CPUS
            if c.isEnabled("PCI_MMCONFIG") { n += 1 }
        }
        if c.isEnabled("PARAVIRT_XXL") { n += 1 }
        if c.isEnabled("ACPI_APEI_GHES") { n += 2 }
        return n
    }

    /// The Debian 6.1 amd64 kernel's value (VSYSCALL emulation, local and IO APIC, PARAVIRT_XXL, GHES).
    public static let distributionPermanentPages: UInt64 = 512 + 2 + 1 + 128 + 1 + 2
}
