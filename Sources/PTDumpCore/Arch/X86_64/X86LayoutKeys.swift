/// The x86_64 layout facts.
extension LayoutKey {
    /// `page_offset_base`, `vmalloc_base`, `vmemmap_base` (moved by KASLR).
    public static let pageOffsetBase = LayoutKey("page_offset_base"), vmallocBase = LayoutKey("vmalloc_base"),
                      vmemmapBase = LayoutKey("vmemmap_base")
    /// `CONFIG_MODIFY_LDT_SYSCALL`: the LDT remap marker.
    public static let ldtRemap = LayoutKey("ldt_remap")
    /// `CONFIG_X86_ESPFIX64`.
    public static let espfix = LayoutKey("espfix")
    /// `CONFIG_EFI`.
    public static let efi = LayoutKey("efi")
    /// `KERNEL_IMAGE_SIZE`.
    public static let kernelImageSize = LayoutKey("kernel_image_size")
    /// `CONFIG_PAGE_TABLE_ISOLATION`.
    public static let ptiConfigured = LayoutKey("pti_configured")
    /// `CONFIG_RANDOMIZE_MEMORY`.
    public static let randomizeMemory = LayoutKey("randomize_memory")
}
