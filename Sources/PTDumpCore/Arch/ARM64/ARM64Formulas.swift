/// arm64 address-space formulas that every release shares (`arch/arm64/include/asm/memory.h`,
/// `kasan.h`, `arch/arm64/Kconfig`).
public enum ARM64Formulas {
    /// `_PAGE_OFFSET(va)` = -(1 << va).
    public static func pageOffset(vaBits: Int) -> UInt64 { UInt64.max << UInt64(vaBits) }

    /// `_PAGE_END(va)` = -(1 << (va - 1)).
    public static func pageEnd(vaBits: Int) -> UInt64 { UInt64.max << UInt64(vaBits - 1) }

    /// `CONFIG_KASAN_SHADOW_OFFSET` defaults for generic KASAN (`swTags` false) or software
    /// tag-based KASAN.
    public static func defaultShadowOffset(vaBits: Int, swTags: Bool) -> UInt64 {
        let generic: UInt64
        switch vaBits {
        case 36: generic = 0xdfff_fff8_0000_0000
        case 39: generic = 0xdfff_ffc0_0000_0000
        case 42: generic = 0xdfff_fe00_0000_0000
        case 47: generic = 0xdfff_c000_0000_0000
        default: generic = 0xdfff_8000_0000_0000
        }
        return swTags ? (generic & 0x0fff_ffff_ffff_ffff) | 0xe000_0000_0000_0000 : generic
    }

    /// (KASAN_SHADOW_START, KASAN_SHADOW_END) for a shadow offset and scale shift (3 generic,
    /// 4 software tags) and `vabits_actual`.
    public static func kasanShadow(offset: UInt64, scaleShift: Int, vaBitsActual: Int) -> (start: UInt64, end: UInt64) {
        let end = (UInt64(1) << UInt64(64 - scaleShift)) &+ offset
        return (end &- (UInt64(1) << UInt64(vaBitsActual - scaleShift)), end)
    }
}
