/// When VMCOREINFO started naming the kallsyms tables (`kernel/crash_core.c`: the
/// `SYMBOL(kallsyms_*)` lines came with Linux 6.0). A kernel from then on whose VMCOREINFO
/// lacks them has no `CONFIG_KALLSYMS`, so searching its image for the tables is pointless.
extension KernelRelease {
    public static let vmcoreinfoNamesKallsyms = KernelRelease(6, 0)
}
