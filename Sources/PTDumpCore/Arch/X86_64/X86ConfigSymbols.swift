/// The x86_64 options the Linux 6.1 profile reads, as the symbols each one builds
/// (`arch/x86/kernel/Makefile`, `arch/x86/mm/Makefile` and the files they name). Every
/// symbol here is in kallsyms whenever its file is built (init functions included).
extension X86_64Port {
    public static let configSymbols: [ConfigSymbolRule] = [
        ConfigSymbolRule("PAGE_TABLE_ISOLATION", ["pti_init", "pti_check_boottime_disable"]),        // mm/pti.c
        ConfigSymbolRule("RANDOMIZE_MEMORY", ["kernel_randomize_memory"]),                         // mm/kaslr.c
        ConfigSymbolRule("MODIFY_LDT_SYSCALL", ["load_mm_ldt", "switch_ldt"]),                     // kernel/ldt.c
        ConfigSymbolRule("X86_ESPFIX64", ["init_espfix_bsp", "init_espfix_ap"]),                   // kernel/espfix_64.c
        ConfigSymbolRule("EFI", ["efi_mm", "efi_init"]),                                           // firmware/efi, platform/efi
        ConfigSymbolRule("KASAN", ["kasan_early_init", "kasan_init"]),                             // mm/kasan_init_64.c
        ConfigSymbolRule("X86_VSYSCALL_EMULATION", ["emulate_vsyscall"]),                          // entry/vsyscall/vsyscall_64.c
        ConfigSymbolRule("X86_LOCAL_APIC", ["setup_local_APIC"]),                                  // kernel/apic/apic.c
        ConfigSymbolRule("X86_IO_APIC", ["setup_IO_APIC"]),                                        // kernel/apic/io_apic.c
        ConfigSymbolRule("PROVIDE_OHCI1394_DMA_INIT", ["init_ohci1394_dma_on_all_controllers"]),   // drivers/firewire/init_ohci1394_dma.c
        ConfigSymbolRule("KMAP_LOCAL", ["__kmap_local_pfn_prot", "kunmap_local_indexed"]),         // mm/highmem.c
        ConfigSymbolRule("PCI_MMCONFIG", ["pci_mmcfg_early_init"]),                                // pci/mmconfig-shared.c
        ConfigSymbolRule("PARAVIRT_XXL", ["pv_native_write_cr2", "pv_native_get_debugreg"]),       // kernel/paravirt.c
        ConfigSymbolRule("ACPI_APEI_GHES", ["ghes_probe"]),                                        // drivers/acpi/apei/ghes.c
        ConfigSymbolRule("RANDOMIZE_BASE", ["kaslr_get_random_long"]),                             // lib/kaslr.c
    ]
}
