/// The arm64 layout facts (`arch/arm64/include/asm/memory.h` names in the comments).
extension LayoutKey {
    /// `PAGE_OFFSET`.
    public static let arm64PageOffset = LayoutKey("page_offset")
    /// `MODULES_VADDR`, `MODULES_END`.
    public static let modulesVaddr = LayoutKey("modules_vaddr"), modulesEnd = LayoutKey("modules_end")
    /// `VMALLOC_START`, `VMALLOC_END`.
    public static let vmallocStart = LayoutKey("vmalloc_start"), vmallocEnd = LayoutKey("vmalloc_end")
    /// `VMEMMAP_START`, `VMEMMAP_END`.
    public static let vmemmapStart = LayoutKey("vmemmap_start"), vmemmapEnd = LayoutKey("vmemmap_end")
    /// `vabits_actual`.
    public static let vaBitsActual = LayoutKey("va_bits_actual")
    /// `KASAN_SHADOW_START`, `KASAN_SHADOW_END`.
    public static let kasanShadowStart = LayoutKey("kasan_shadow_start"), kasanShadowEnd = LayoutKey("kasan_shadow_end")
    /// `CONFIG_ARM64_PA_BITS_52`.
    public static let pa52 = LayoutKey("pa_bits_52")
}
