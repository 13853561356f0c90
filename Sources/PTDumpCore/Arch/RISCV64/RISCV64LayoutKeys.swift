/// The riscv64 layout facts (`arch/riscv/include/asm/pgtable.h`, `page.h` names in the comments).
extension LayoutKey {
    /// `PAGE_OFFSET` (`kernel_map.page_offset`): start of the linear map, set by the mode.
    public static let riscvPageOffset = LayoutKey("page_offset")
    /// `kernel_map.phys_addr`: where the kernel image is loaded (what `KERNEL_LINK_ADDR` maps).
    public static let riscvKernelPhys = LayoutKey("kernel_phys")
    /// `_end` = `kernel_map.virt_addr + kernel_map.size`: `MODULES_VADDR` is `PFN_ALIGN(_end) - 2G`.
    public static let riscvKernelEnd = LayoutKey("kernel_end")
    /// `CONFIG_SPARSEMEM_VMEMMAP`: the vmemmap markers.
    public static let riscvSparsememVmemmap = LayoutKey("sparsemem_vmemmap")
    /// `STRUCT_PAGE_MAX_SHIFT`: log2 of `sizeof(struct page)` rounded up (the vmemmap size).
    public static let riscvStructPageShift = LayoutKey("struct_page_shift")
    /// `CONFIG_TRANSPARENT_HUGEPAGE`: changes `pmd_present`.
    public static let riscvTransparentHugepage = LayoutKey("transparent_hugepage")
}
