/// Linux 6.1 on arm64, as data: address markers, walk range, the configurations it builds,
/// and its layout formulas (`arch/arm64/mm/ptdump.c`, `arch/arm64/include/asm/memory.h`,
/// `fixmap.h`, `kasan.h`, `arch/arm64/Kconfig`).
extension ARM64Port {
    static let linux6_1 = KernelProfile(
        release: KernelRelease(6, 1),
        markers: [
            MarkerSpec("Linear Mapping start") { $0[.arm64PageOffset] ?? ARM64Formulas.pageOffset(vaBits: $0.vaBits) },
            MarkerSpec("Linear Mapping end", when: { $0.facts.kasan != .off }) { $0[.kasanShadowStart] },
            MarkerSpec("Kasan shadow start", when: { $0.facts.kasan != .off }) { $0[.kasanShadowStart] },
            MarkerSpec("Kasan shadow end", when: { $0.facts.kasan != .off }) { $0[.kasanShadowEnd] },
            MarkerSpec("Linear Mapping end", when: { $0.facts.kasan == .off }) { modules($0) },
            MarkerSpec("Modules start") { modules($0) },
            MarkerSpec("Modules end") { $0[.modulesEnd] ?? 0 },
            MarkerSpec("vmalloc() area") { $0[.vmallocStart] ?? 0 },
            MarkerSpec("vmalloc() end") { $0[.vmallocEnd] ?? 0 },
            MarkerSpec("Fixmap start") { fixmapTop($0) &- ($0[.fixmapPages] ?? 0) &* UInt64($0.pageSize) },
            MarkerSpec("Fixmap end") { fixmapTop($0) },
            MarkerSpec("PCI I/O start") { ($0[.vmemmapStart] ?? 0) &- (24 << 20) },
            MarkerSpec("PCI I/O end") { ($0[.vmemmapStart] ?? 0) &- (8 << 20) },
            MarkerSpec("vmemmap start") { $0[.vmemmapStart] ?? 0 },
            MarkerSpec("vmemmap end") { $0[.vmemmapEnd] ?? 0 },
        ],
        walkRanges: { c in
            [WalkRange(first: VirtualAddress(c[.arm64PageOffset] ?? ARM64Formulas.pageOffset(vaBits: c.vaBits)), last: VirtualAddress(.max))]
        },
        markerAdvance: .alsoAfterEveryNote, checkUsesMarkers: false, kasanEarlyShadowShortcut: true,
        configurations: [(4096, [39, 48]), (16384, [36, 47, 48]), (65536, [42, 48, 52])],
        configFacts: configFacts(fixmap: { fixmapPages(pageSize: $0, ghes: $1, sdei: $2, unmapKernelAtEL0: $3, relocatable: $4) }),
        derivedFacts: derivedFacts)

    private static func modules(_ c: LayoutContext) -> UInt64 {
        c[.modulesVaddr] ?? ARM64Formulas.pageEnd(vaBits: min(c.vaBits, 48))
    }

    /// `FIXADDR_TOP` = `VMEMMAP_START - SZ_32M`.
    private static func fixmapTop(_ c: LayoutContext) -> UInt64 { (c[.vmemmapStart] ?? 0) &- (32 << 20) }

    /// `__end_of_permanent_fixed_addresses`: FIX_HOLE, FIX_FDT (4 MiB), EARLYCON, TEXT_POKE0,
    /// then the GHES/SDEI and entry-trampoline slots.
    static func fixmapPages(pageSize: Int, ghes: Bool, sdei: Bool, unmapKernelAtEL0: Bool, relocatable: Bool) -> UInt64 {
        var n = UInt64(3 + (4 << 20) / pageSize)
        if ghes { n += sdei ? 4 : 2 }
        if unmapKernelAtEL0 { n += relocatable ? 4 : 3 }
        return n
    }

    /// How many pages a release's fixmap marker spans for a configuration's options.
    typealias FixmapPages = @Sendable (_ pageSize: Int, _ ghes: Bool, _ sdei: Bool, _ unmapKernelAtEL0: Bool,
                                       _ relocatable: Bool) -> UInt64

    /// A release's config facts: KASAN and the fixmap size (by `fixmap`) from `config`, or,
    /// without one, a typical distribution kernel's fixmap (Debian arm64: GHES, SDEI,
    /// UNMAP_KERNEL_AT_EL0, RELOCATABLE).
    static func configFacts(fixmap: @escaping FixmapPages) -> @Sendable (inout FactTable, KernelConfig?, LayoutContext) -> Void {
        { t, config, c in
            if let cfg = config {
                let src = cfg.source
                let generic = cfg.isEnabled("KASAN_GENERIC"), sw = cfg.isEnabled("KASAN_SW_TAGS")
                let mode: KasanMode = sw ? .softwareTags : generic ? .generic : .off
                t.offer(.kasan, mode.rawValue, src("CONFIG_KASAN_GENERIC / CONFIG_KASAN_SW_TAGS"))
                if let off = cfg.number("KASAN_SHADOW_OFFSET"), mode != .off {
                    t.offer(.kasanShadowOffset, off, src("CONFIG_KASAN_SHADOW_OFFSET"))
                }
                t.offer(.fixmapPages,
                        fixmap(c.pageSize, cfg.isEnabled("ACPI_APEI_GHES"), cfg.isEnabled("ARM_SDE_INTERFACE"),
                               cfg.isEnabled("UNMAP_KERNEL_AT_EL0"), cfg.isEnabled("RELOCATABLE")),
                        src("fixmap entries (ACPI_APEI_GHES, ARM_SDE_INTERFACE, UNMAP_KERNEL_AT_EL0, RELOCATABLE)"))
            }
            t.offer(.fixmapPages, fixmap(c.pageSize, true, true, true, true),
                    .defaultValue("typical distribution kernel: GHES, SDEI, UNMAP_KERNEL_AT_EL0, RELOCATABLE; pass --kernel-config"))
        }
    }

    /// Every layout value not known yet, from the granule and VA size (`structPageShift` is
    /// `STRUCT_PAGE_MAX_SHIFT`, carried in the `struct_page_shift` fact).
    @Sendable static func derivedFacts(_ t: inout FactTable, context c: LayoutContext) {
        let d = FactSource.defaultValue("\(c.pageSize / 1024)K pages, \(c.vaBits)-bit VA formula")
        let vaBits = c.vaBits
        if t.kasan != .off {
            let sw = t.kasan == .softwareTags
            t.offer(.kasanShadowOffset, ARM64Formulas.defaultShadowOffset(vaBits: vaBits, swTags: sw),
                    .defaultValue("CONFIG_KASAN_SHADOW_OFFSET default for \(vaBits)-bit VA"))
            let vaActual = Int(truncatingIfNeeded: t[.vaBitsActual]?.value ?? UInt64(vaBits))
            let (s, e) = ARM64Formulas.kasanShadow(offset: t[.kasanShadowOffset]?.value ?? 0, scaleShift: sw ? 4 : 3,
                                                   vaBitsActual: vaActual)
            t.offer(.kasanShadowStart, s, FactSource("derived: KASAN_SHADOW_END - (1 << (vabits_actual - scale))"))
            t.offer(.kasanShadowEnd, e, FactSource("derived: (1 << (64 - scale)) + KASAN_SHADOW_OFFSET"))
        }
        let modules = ARM64Formulas.pageEnd(vaBits: min(vaBits, 48))
        t.offer(.modulesVaddr, modules, d)
        t.offer(.modulesEnd, (t[.modulesVaddr]?.value ?? modules) &+ (128 << 20), d)
        t.offer(.vmallocStart, t[.modulesEnd]?.value ?? modules &+ (128 << 20), d)
        let structPageShift = Int(truncatingIfNeeded: t[.structPageShift]?.value ?? 6)
        let vmemmapShift = c.pageSize.trailingZeroBitCount - structPageShift
        let vmemmapStart = UInt64.max << UInt64(vaBits - vmemmapShift)
        t.offer(.vmemmapStart, vmemmapStart, d)
        let start = t[.vmemmapStart]?.value ?? vmemmapStart
        t.offer(.vmemmapEnd, start &+ ((modules &- ARM64Formulas.pageOffset(vaBits: vaBits)) >> UInt64(vmemmapShift)), d)
        t.offer(.vmallocEnd, start &- (256 << 20), d)
    }
}

extension LayoutKey {
    /// `STRUCT_PAGE_MAX_SHIFT`: log2 of `sizeof(struct page)` rounded up.
    public static let structPageShift = LayoutKey("struct_page_shift")
}
