/// Linux 6.12 on x86_64, as data. `arch/x86/mm/dump_pagetables.c` prints the same markers
/// in the same order as 6.1 and the address-space layout (`Documentation/arch/x86/x86_64/mm.rst`,
/// `pgtable_64_types.h`, `fixmap.h`) is unchanged; what changed is the name of an option the
/// layout depends on: `CONFIG_PAGE_TABLE_ISOLATION` became `CONFIG_MITIGATION_PAGE_TABLE_ISOLATION`.
/// (6.12 also randomises each CPU's slot inside the CPU entry area under KASLR; the marker,
/// `CPU_ENTRY_AREA_BASE`, stays where it was, and the slots are read from the tables.)
extension X86_64Port {
    static let linux6_12: KernelProfile = {
        var p = linux6_1
        p.release = KernelRelease(6, 12)
        p.configAliases = ["MITIGATION_PAGE_TABLE_ISOLATION": "PAGE_TABLE_ISOLATION"]
        return p
    }()
}
