/// Linux 6.12 on arm64, as data (`arch/arm64/mm/ptdump.c`, `arch/arm64/include/asm/memory.h`,
/// `pgtable.h`, `fixmap.h`, `arch/arm64/Kconfig` of 6.12). What changed since 6.1:
/// - the modules region is 2 GiB and the kernel image follows it (`KIMAGE_VADDR = MODULES_END`);
/// - vmemmap sits right below `-1 GiB`, sized for the linear map of `VA_BITS_MIN` with the
///   real `sizeof(struct page)`, and its marker is where the linear map of `vabits_actual` starts;
/// - the marker order after the vmalloc end is vmemmap, PCI I/O (above vmemmap), fixmap;
/// - the fixmap marker covers every fixed address (`FIXADDR_TOT_START`), boot-time slots included;
/// - "Linear Mapping end" is `PAGE_END` with or without KASAN;
/// - 52-bit VA with 4K and 16K pages (FEAT_LPA2, 6.9+) besides 64K.
extension ARM64Port {
    static let linux6_12 = KernelProfile(
        release: KernelRelease(6, 12),
        markers: [
            MarkerSpec("Linear Mapping start") { $0[.arm64PageOffset] ?? ARM64Formulas.pageOffset(vaBits: $0.vaBits) },
            MarkerSpec("Linear Mapping end") { pageEnd($0) },
            MarkerSpec("Kasan shadow start", when: { $0.facts.kasan != .off }) { $0[.kasanShadowStart] },
            MarkerSpec("Kasan shadow end", when: { $0.facts.kasan != .off }) { $0[.kasanShadowEnd] },
            MarkerSpec("Modules start") { $0[.modulesVaddr] ?? ARM64Formulas.pageEnd(vaBits: vaBitsMin($0)) },
            MarkerSpec("Modules end") { $0[.modulesEnd] ?? 0 },
            MarkerSpec("vmalloc() area") { $0[.vmallocStart] ?? 0 },
            MarkerSpec("vmalloc() end") { $0[.vmallocEnd] ?? 0 },
            MarkerSpec("vmemmap start") { vmemmapMarker($0) },
            MarkerSpec("vmemmap end") { $0[.vmemmapEnd] ?? vmemmapEnd },
            MarkerSpec("PCI I/O start") { ($0[.vmemmapEnd] ?? vmemmapEnd) &+ (8 << 20) },
            MarkerSpec("PCI I/O end") { ($0[.vmemmapEnd] ?? vmemmapEnd) &+ (24 << 20) },
            MarkerSpec("Fixmap start") { fixmapTop &- ($0[.fixmapPages] ?? 0) &* UInt64($0.pageSize) },
            MarkerSpec("Fixmap end") { _ in fixmapTop },
        ],
        walkRanges: { c in
            [WalkRange(first: VirtualAddress(ARM64Formulas.pageOffset(vaBits: vaBitsActual(c))), last: VirtualAddress(.max))]
        },
        markerAdvance: .alsoAfterEveryNote, checkUsesMarkers: false, kasanEarlyShadowShortcut: true,
        configurations: [(4096, [39, 48, 52]), (16384, [36, 47, 48, 52]), (65536, [42, 48, 52])],
        configFacts: configFacts(fixmap: { fixmapPages6_12(pageSize: $0, ghes: $1, sdei: $2, unmapKernelAtEL0: $3, relocatable: $4) }),
        derivedFacts: derivedFacts6_12)
    .withLevelNames { levels in
        // 6.12 names its levels PGD, P4D, PUD, PMD, PTE whatever is folded; note_page
        // renames a folded p4d or pud to PGD, but not a folded pmd: with 2 levels a block
        // in the top table (seen by the pmd callback) prints as PMD, where 6.1 printed PGD.
        ["PGD", "P4D", levels > 3 ? "PUD" : "PGD", "PMD", "PTE"]
    }

    /// `VMEMMAP_END` = `-SZ_1G`.
    private static let vmemmapEnd: UInt64 = 0 &- (1 << 30)
    /// `FIXADDR_TOP` = `-SZ_8M`.
    private static let fixmapTop: UInt64 = 0 &- (8 << 20)

    /// `VA_BITS_MIN`: 48 (47 with 16K pages) for 52-bit kernels, else `VA_BITS`.
    static func vaBitsMin(_ c: LayoutContext) -> Int {
        c.vaBits > 48 ? (c.pageSize == 16384 ? 47 : 48) : c.vaBits
    }

    private static func vaBitsActual(_ c: LayoutContext) -> Int {
        c[.vaBitsActual].map { Int(truncatingIfNeeded: $0) } ?? c.vaBits
    }

    /// `PAGE_END`: `KASAN_SHADOW_START` with KASAN, else `_PAGE_END(VA_BITS_MIN)`.
    private static func pageEnd(_ c: LayoutContext) -> UInt64 {
        c.facts.kasan != .off ? (c[.kasanShadowStart] ?? 0) : ARM64Formulas.pageEnd(vaBits: vaBitsMin(c))
    }

    /// `sizeof(struct page)`: VMCOREINFO's `SIZE(page)`, else the usual 64 bytes.
    private static func structPageSize(_ c: LayoutContext) -> UInt64 {
        c[.structPageSize] ?? c[.structPageShift].map { 1 << $0 } ?? 64
    }

    /// `virt_to_page(_PAGE_OFFSET(vabits_actual))`: the part of vmemmap in use.
    private static func vmemmapMarker(_ c: LayoutContext) -> UInt64 {
        let start = c[.vmemmapStart] ?? 0
        let unused = ARM64Formulas.pageOffset(vaBits: vaBitsActual(c)) &- ARM64Formulas.pageOffset(vaBits: c.vaBits)
        return start &+ (unused >> UInt64(c.pageSize.trailingZeroBitCount)) &* structPageSize(c)
    }

    /// `__end_of_fixed_addresses`: the permanent slots (hole, FDT window of 2 MiB plus a page,
    /// earlycon, text poke, GHES/SDEI, entry trampoline), seven early-ioremap slots of
    /// 256 KiB plus a page, and the five page-table slots.
    static func fixmapPages6_12(pageSize: Int, ghes: Bool, sdei: Bool, unmapKernelAtEL0: Bool, relocatable: Bool) -> UInt64 {
        var permanent = UInt64(5 + (2 << 20) / pageSize)
        if ghes { permanent += sdei ? 4 : 2 }
        if unmapKernelAtEL0 { permanent += relocatable ? 4 : 3 }
        let bootSlots = UInt64((256 << 10) / pageSize + 1) * 7
        return permanent + bootSlots + 5
    }

    /// Every layout value not known yet, from 6.12's formulas.
    @Sendable static func derivedFacts6_12(_ t: inout FactTable, context c: LayoutContext) {
        let d = FactSource.defaultValue("Linux 6.12, \(c.pageSize / 1024)K pages, \(c.vaBits)-bit VA formula")
        let minBits = vaBitsMin(c)
        let pageShift = UInt64(c.pageSize.trailingZeroBitCount)
        if t.kasan != .off {
            let sw = t.kasan == .softwareTags
            // 52-bit VA takes the 48-bit offset with 4K/64K pages and the 47-bit one with 16K.
            t.offer(.kasanShadowOffset, ARM64Formulas.defaultShadowOffset(vaBits: c.vaBits > 48 ? minBits : c.vaBits, swTags: sw),
                    .defaultValue("CONFIG_KASAN_SHADOW_OFFSET default for \(c.vaBits)-bit VA"))
            let (s, e) = ARM64Formulas.kasanShadow(offset: t[.kasanShadowOffset]?.value ?? 0, scaleShift: sw ? 4 : 3,
                                                   vaBitsActual: Int(truncatingIfNeeded: t[.vaBitsActual]?.value ?? UInt64(c.vaBits)))
            t.offer(.kasanShadowStart, s, FactSource("derived: KASAN_SHADOW_END - (1 << (vabits_actual - scale))"))
            t.offer(.kasanShadowEnd, e, FactSource("derived: (1 << (64 - scale)) + KASAN_SHADOW_OFFSET"))
        }
        let modules = ARM64Formulas.pageEnd(vaBits: minBits)
        t.offer(.modulesVaddr, modules, d)
        t.offer(.modulesEnd, (t[.modulesVaddr]?.value ?? modules) &+ (2 << 30), d)
        t.offer(.vmallocStart, t[.modulesEnd]?.value ?? modules &+ (2 << 30), d)
        t.offer(.vmemmapEnd, vmemmapEnd, d)
        let pageSize = t[.structPageSize]?.value ?? t[.structPageShift].map { 1 << $0.value } ?? 64
        let range = ARM64Formulas.pageEnd(vaBits: minBits) &- ARM64Formulas.pageOffset(vaBits: c.vaBits)
        t.offer(.vmemmapStart, (t[.vmemmapEnd]?.value ?? vmemmapEnd) &- (range >> pageShift) &* pageSize, d)
        let start = t[.vmemmapStart]?.value ?? 0
        let actual = Int(truncatingIfNeeded: t[.vaBitsActual]?.value ?? UInt64(c.vaBits))
        let unusedPages = (ARM64Formulas.pageOffset(vaBits: actual) &- ARM64Formulas.pageOffset(vaBits: c.vaBits)) >> pageShift
        t.offer(.vmallocEnd, start &+ unusedPages &* pageSize &- (8 << 20), d)
    }
}

extension LayoutKey {
    /// `sizeof(struct page)` (VMCOREINFO `SIZE(page)`).
    public static let structPageSize = LayoutKey("struct_page_size")
}
