/// Linux 6.1 on riscv64, as data: `address_markers[]` of `arch/riscv/mm/ptdump.c` in their
/// table order with the configurations that add them, the walked range `{KERN_VIRT_START,
/// ULONG_MAX}`, and the layout formulas of `arch/riscv/include/asm/pgtable.h`.
extension RISCV64Port {
    static let linux6_1 = KernelProfile(
        release: KernelRelease(6, 1),
        markers: [
            MarkerSpec("Fixmap start") { RISCV64Formulas.fixmapStart(vmemmapStart: vmemmapStart($0)) },
            MarkerSpec("Fixmap end") { RISCV64Formulas.fixmapTop(vmemmapStart: vmemmapStart($0)) },
            MarkerSpec("PCI I/O start") { RISCV64Formulas.fixmapTop(vmemmapStart: vmemmapStart($0)) },
            MarkerSpec("PCI I/O end") { vmemmapStart($0) },
            MarkerSpec("vmemmap start", when: { $0.flag(.riscvSparsememVmemmap) }) { vmemmapStart($0) },
            MarkerSpec("vmemmap end", when: { $0.flag(.riscvSparsememVmemmap) }) { vmallocStart($0) },
            MarkerSpec("vmalloc() area") { vmallocStart($0) },
            MarkerSpec("vmalloc() end") { pageOffset($0) },
            MarkerSpec("Linear mapping") { pageOffset($0) },
            MarkerSpec("Kasan shadow start", when: { $0.facts.kasan != .off }) { RISCV64Formulas.kasanShadowStart(vaBits: $0.vaBits) },
            MarkerSpec("Kasan shadow end", when: { $0.facts.kasan != .off }) { _ in RISCV64Formulas.kasanShadowEnd },
            MarkerSpec("Modules/BPF mapping") {
                RISCV64Formulas.modulesStart(kernelEnd: $0[.riscvKernelEnd] ?? RISCV64Formulas.kernelLinkAddress)
            },
            MarkerSpec("Kernel mapping") { _ in RISCV64Formulas.kernelLinkAddress },
        ],
        walkRanges: { c in [WalkRange(first: VirtualAddress(RISCV64Formulas.kernelVirtStart(vaBits: c.vaBits)), last: .max)] },
        markerAdvance: .allPassedOnFlush, checkUsesMarkers: false, kasanEarlyShadowShortcut: true,
        configurations: [(4096, [39, 48, 57])],
        configFacts: configFacts, derivedFacts: derivedFacts)

    private static func pageOffset(_ c: LayoutContext) -> UInt64 {
        c[.riscvPageOffset] ?? RISCV64Formulas.pageOffset(vaBits: c.vaBits)
    }

    private static func vmallocStart(_ c: LayoutContext) -> UInt64 {
        RISCV64Formulas.vmallocStart(pageOffset: pageOffset(c), vaBits: c.vaBits)
    }

    private static func vmemmapStart(_ c: LayoutContext) -> UInt64 {
        RISCV64Formulas.vmemmapStart(pageOffset: pageOffset(c), vaBits: c.vaBits,
                                     structPageShift: Int(truncatingIfNeeded: c[.riscvStructPageShift] ?? 6))
    }

    /// What a `.config` decides: KASAN (6.1 riscv has only the generic kind), the vmemmap
    /// markers and the THP form of `pmd_present`.
    @Sendable static func configFacts(_ t: inout FactTable, config: KernelConfig?, context c: LayoutContext) {
        guard let cfg = config else { return }
        let src = cfg.source
        t.offer(.kasan, (cfg.isEnabled("KASAN") ? KasanMode.generic : .off).rawValue, src("CONFIG_KASAN"))
        t.offer(.riscvSparsememVmemmap, cfg.isEnabled("SPARSEMEM_VMEMMAP") ? 1 : 0, src("CONFIG_SPARSEMEM_VMEMMAP"))
        t.offer(.riscvTransparentHugepage, cfg.isEnabled("TRANSPARENT_HUGEPAGE") ? 1 : 0, src("CONFIG_TRANSPARENT_HUGEPAGE"))
    }

    /// Every fact still unknown: the mode's `PAGE_OFFSET`, a 64-byte `struct page`, a
    /// distribution kernel's SPARSEMEM_VMEMMAP, no KASAN, no THP, and `_end` at the link address.
    @Sendable static func derivedFacts(_ t: inout FactTable, context c: LayoutContext) {
        t.offer(.riscvPageOffset, RISCV64Formulas.pageOffset(vaBits: c.vaBits),
                .defaultValue("PAGE_OFFSET of Sv\(c.vaBits)"))
        t.offer(.riscvStructPageShift, 6, .defaultValue("64-byte struct page"))
        t.offer(.riscvSparsememVmemmap, 1, .defaultValue("riscv64 selects SPARSEMEM_VMEMMAP with SPARSEMEM; pass --kernel-config"))
        t.offer(.kasan, KasanMode.off.rawValue, .defaultValue("no KASAN shadow found; pass --kernel-config"))
        t.offer(.riscvTransparentHugepage, 0, .defaultValue("only pmd entries without V differ; pass --kernel-config"))
        t.offer(.riscvKernelEnd, RISCV64Formulas.kernelLinkAddress,
                .defaultValue("no kernel image found: Modules/BPF mapping may be early; pass --system-map"))
    }
}
