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
        p.physicalAddressBits = physBits6_12
        return p
    }()

    /// `boot_cpu_data.x86_phys_bits` in 6.12's `struct cpuinfo_x86`: a 4-byte union (model,
    /// family, vendor, reserved), `__u8 x86_stepping`, the `int x86_tlbsize` (aligned to 8),
    /// then — with `CONFIG_X86_VMX_FEATURE_NAMES` — `__u32 vmx_capability[5]`, then
    /// `x86_virt_bits` (the witness) and `x86_phys_bits`.
    static let physBits6_12 = KernelVariableField(
        symbol: "boot_cpu_data", field: "x86_phys_bits",
        layouts: [.init(options: ["X86_VMX_FEATURE_NAMES": true], offset: 33, witnessOffset: 32, witnessValues: [48, 57]),
                  .init(options: ["X86_VMX_FEATURE_NAMES": false], offset: 13, witnessOffset: 12, witnessValues: [48, 57])],
        valid: 32...52, unknowableWith: ["RANDSTRUCT_FULL", "RANDSTRUCT_PERFORMANCE"])
}
