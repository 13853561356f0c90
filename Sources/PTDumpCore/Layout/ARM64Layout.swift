/// Linux 6.1 arm64 address markers and walk range (`arch/arm64/mm/ptdump.c`,
/// `arch/arm64/include/asm/memory.h`, `fixmap.h`, `kasan.h`).
public enum ARM64Layout {
    /// `_PAGE_OFFSET(va)` = -(1 << va).
    public static func pageOffset(vaBits: Int) -> UInt64 { UInt64.max << UInt64(vaBits) }

    /// `_PAGE_END(va)` = -(1 << (va - 1)).
    public static func pageEnd(vaBits: Int) -> UInt64 { UInt64.max << UInt64(vaBits - 1) }

    /// `CONFIG_KASAN_SHADOW_OFFSET` defaults (`arch/arm64/Kconfig`) for generic KASAN
    /// (`swTags` false) or software tag-based KASAN.
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

    /// `__end_of_permanent_fixed_addresses`: fixmap pages below `FIXADDR_TOP`.
    public static func fixmapPages(pageSize: Int, ghes: Bool, sdei: Bool, unmapKernelAtEL0: Bool, relocatable: Bool) -> UInt64 {
        var n = UInt64(3 + (4 << 20) / pageSize)    // FIX_HOLE, FIX_FDT (4 MiB), EARLYCON, TEXT_POKE0
        if ghes { n += sdei ? 4 : 2 }
        if unmapKernelAtEL0 { n += relocatable ? 4 : 3 }
        return n
    }

    /// Offers the configuration-dependent facts from `config`, or, without one, from a typical
    /// distribution kernel (Debian 6.1 arm64: GHES, SDEI, UNMAP_KERNEL_AT_EL0, RELOCATABLE).
    public static func offerConfigFacts(_ t: inout FactTable, config: KernelConfig?, pageSize: Int) {
        if let c = config {
            let src = FactSource.config
            let generic = c.isEnabled("KASAN_GENERIC"), sw = c.isEnabled("KASAN_SW_TAGS")
            t.offer("kasan", generic || sw ? (sw ? 2 : 1) : 0, src("CONFIG_KASAN_GENERIC / CONFIG_KASAN_SW_TAGS"))
            if let off = c.number("KASAN_SHADOW_OFFSET"), generic || sw {
                t.offer("kasan_shadow_offset", off, src("CONFIG_KASAN_SHADOW_OFFSET"))
            }
            t.offer("fixmap_pages",
                    fixmapPages(pageSize: pageSize, ghes: c.isEnabled("ACPI_APEI_GHES"), sdei: c.isEnabled("ARM_SDE_INTERFACE"),
                                unmapKernelAtEL0: c.isEnabled("UNMAP_KERNEL_AT_EL0"), relocatable: c.isEnabled("RELOCATABLE")),
                    src("fixmap entries (ACPI_APEI_GHES, ARM_SDE_INTERFACE, UNMAP_KERNEL_AT_EL0, RELOCATABLE)"))
        }
        t.offer("fixmap_pages", fixmapPages(pageSize: pageSize, ghes: true, sdei: true, unmapKernelAtEL0: true, relocatable: true),
                .defaultValue("typical distribution kernel: GHES, SDEI, UNMAP_KERNEL_AT_EL0, RELOCATABLE; pass --kernel-config"))
    }

    /// Offers every layout value not known yet, derived from the granule and VA size with 6.1's
    /// formulas (`structPageShift` is `STRUCT_PAGE_MAX_SHIFT`).
    public static func offerDerivedFacts(_ t: inout FactTable, pageSize: Int, vaBits: Int, structPageShift: Int) {
        let d = FactSource.defaultValue("6.1 formula for \(pageSize / 1024)K pages, \(vaBits)-bit VA")
        let vaMin = min(vaBits, 48)
        let modules = pageEnd(vaBits: vaMin)
        t.offer("modules_vaddr", modules, d)
        t.offer("modules_end", (t["modules_vaddr"]?.value ?? modules) &+ (128 << 20), d)
        t.offer("vmalloc_start", t["modules_end"]?.value ?? modules &+ (128 << 20), d)
        let vmemmapShift = pageSize.trailingZeroBitCount - structPageShift
        let vmemmapStart = UInt64.max << UInt64(vaBits - vmemmapShift)
        t.offer("vmemmap_start", vmemmapStart, d)
        let start = t["vmemmap_start"]?.value ?? vmemmapStart
        t.offer("vmemmap_end", start &+ ((modules &- pageOffset(vaBits: vaBits)) >> UInt64(vmemmapShift)), d)
        t.offer("vmalloc_end", start &- (256 << 20), d)
    }

    /// The layout for resolved `facts` (see `ARM64Platform`).
    public static func layout(pageSize: Int, vaBits: Int, facts t: FactTable) -> KernelLayout {
        let pageOffset = t["page_offset"]?.value ?? pageOffset(vaBits: vaBits)
        let modules = t["modules_vaddr"]?.value ?? pageEnd(vaBits: min(vaBits, 48))
        let vmemmap = t["vmemmap_start"]?.value ?? 0
        var m = [AddressMarker(pageOffset, "Linear Mapping start")]
        if t.flag("kasan"), let ks = t["kasan_shadow_start"]?.value, let ke = t["kasan_shadow_end"]?.value {
            m.append(AddressMarker(ks, "Linear Mapping end"))
            m.append(AddressMarker(ks, "Kasan shadow start"))
            m.append(AddressMarker(ke, "Kasan shadow end"))
        } else {
            m.append(AddressMarker(modules, "Linear Mapping end"))
        }
        let fixTop = vmemmap &- (32 << 20)
        let fixPages = t["fixmap_pages"]?.value ?? 0
        m += [AddressMarker(modules, "Modules start"),
              AddressMarker(t["modules_end"]?.value ?? 0, "Modules end"),
              AddressMarker(t["vmalloc_start"]?.value ?? 0, "vmalloc() area"),
              AddressMarker(t["vmalloc_end"]?.value ?? 0, "vmalloc() end"),
              AddressMarker(fixTop &- fixPages &* UInt64(pageSize), "Fixmap start"),
              AddressMarker(fixTop, "Fixmap end"),
              AddressMarker(vmemmap &- (24 << 20), "PCI I/O start"),
              AddressMarker(vmemmap &- (8 << 20), "PCI I/O end"),
              AddressMarker(vmemmap, "vmemmap start"),
              AddressMarker(t["vmemmap_end"]?.value ?? 0, "vmemmap end")]
        let ranges = [WalkRange(first: pageOffset, last: UInt64.max)]
        return KernelLayout(ranges: ranges, markers: m, advance: .alsoAfterEveryNote,
                            checkMarkers: [AddressMarker(0, "")], checkRanges: ranges, facts: t.entries)
    }
}
