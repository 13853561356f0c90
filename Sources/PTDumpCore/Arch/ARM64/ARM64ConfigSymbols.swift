/// The arm64 options the kernel profiles read (`configFacts`: the KASAN mode and the fixmap
/// size), as the symbols each one builds (`mm/kasan/Makefile`, `drivers/acpi/apei/Makefile`,
/// `drivers/firmware/Makefile`, `arch/arm64/mm/mmu.c`, `arch/arm64/kernel/entry.S`, `head.S`
/// and `pi/Makefile`). Every symbol here is in kallsyms whenever its file is built (init
/// functions and local assembly symbols included).
///
/// What the arm64 text depends on besides these comes from elsewhere: the granule and VA size
/// from VMCOREINFO (`PAGESIZE`, `NUMBER(VA_BITS)`), LPA2 from those two, 52-bit PA from
/// `NUMBER(MAX_PHYSMEM_BITS)`, `vabits_actual` from `NUMBER(TCR_EL1_T1SZ)`, the module,
/// vmalloc and vmemmap bounds from VMCOREINFO where the kernel writes them (later releases) or
/// the release's formulas, and `CONFIG_KASAN_SHADOW_OFFSET` from its Kconfig default (no
/// symbol carries it; the tables confirm the early shadow is where that default puts it).
/// `KASAN_HW_TAGS` has no shadow and prints no KASAN markers: with neither rule below set, the
/// mode is off, as the kernel prints it. arm64 has no EFI or KFENCE marker.
extension ARM64Port {
    public static let configSymbols: [ConfigSymbolRule] = [
        // Kasan shadow markers and the shadow's scale (1/8 generic, 1/16 software tags).
        ConfigSymbolRule("KASAN_GENERIC", ["__asan_load8", "__asan_store8"]),                   // mm/kasan/generic.c
        ConfigSymbolRule("KASAN_SW_TAGS", ["__hwasan_load8_noabort", "__hwasan_store8_noabort"]),  // mm/kasan/sw_tags.c
        // The fixmap marker's size: the GHES slots (two more with SDEI), the entry trampoline's
        // (one more when relocatable).
        ConfigSymbolRule("ACPI_APEI_GHES", ["ghes_probe"]),                                     // drivers/acpi/apei/ghes.c
        ConfigSymbolRule("ARM_SDE_INTERFACE", ["sdei_init", "sdei_event_register"]),             // drivers/firmware/arm_sdei.c
        ConfigSymbolRule("UNMAP_KERNEL_AT_EL0", ["map_entry_trampoline", "tramp_vectors"]),      // mm/mmu.c, kernel/entry.S
        // head.S's `__relocate_kernel`, or (once moved to the position-independent early code)
        // pi/relocate.c's `relocate_kernel` with the `__pi_` prefix the pi objects get.
        ConfigSymbolRule("RELOCATABLE", ["__relocate_kernel", "__pi_relocate_kernel"]),
    ]
}
