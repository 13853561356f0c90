/// Linux 6.1 on s390x, as data: `address_markers[]` of `arch/s390/mm/dump_pagetables.c` in
/// table order (the kernel sorts them by address, stably, before printing), the walked range
/// `{0, max_addr}` (the reach of the kernel ASCE), and the decompressor's layout formulas.
extension S390XPort {
    static let linux6_1: KernelProfile = {
        var p = KernelProfile(
            release: KernelRelease(6, 1),
            markers: [
                MarkerSpec("Identity Mapping Start") { _ in 0 },
                MarkerSpec("Identity Mapping End") { $0[.s390Stext] },
                MarkerSpec("Amode31 Area Start") { $0[.s390Amode31Start] },
                MarkerSpec("Amode31 Area End") { $0[.s390Amode31End] },
                MarkerSpec("Kernel Image Start") { $0[.s390Stext] },
                MarkerSpec("Kernel Image End") { $0[.s390KernelEnd] },
                MarkerSpec("KFence Pool Start", when: { $0[.s390KfencePool] != nil }) { $0[.s390KfencePool] },
                MarkerSpec("KFence Pool End", when: { $0[.s390KfencePool] != nil }) {
                    $0[.s390KfencePool].map { $0 &+ kfencePoolSize }
                },
                MarkerSpec("Identity Mapping Start") { $0[.s390KernelEnd] },
                MarkerSpec("Identity Mapping End") { layout($0)?.identMapSize },
                MarkerSpec("vmemmap Area Start") { layout($0)?.vmemmap },
                MarkerSpec("vmemmap Area End") { layout($0).map { $0.vmemmap &+ $0.vmemmapSize } },
                MarkerSpec("vmalloc Area Start") { layout($0)?.vmallocStart },
                MarkerSpec("vmalloc Area End") { layout($0)?.vmallocEnd },
                MarkerSpec("Modules Area Start") { layout($0)?.modulesStart },
                MarkerSpec("Modules Area End") { layout($0)?.modulesEnd },
                MarkerSpec("Lowcore Area Start") { layout($0)?.absLowcore },
                MarkerSpec("Lowcore Area End") { layout($0).map { $0.absLowcore &+ $0.absLowcoreSize } },
                MarkerSpec("Real Memory Copy Area Start") { layout($0)?.memcpyRealArea },
                MarkerSpec("Real Memory Copy Area End") { layout($0).map { $0.memcpyRealArea &+ 4096 } },
                MarkerSpec("Kasan Shadow Start", when: { $0.facts.kasan != .off }) { _ in S390XFormulas.kasanShadowStart },
                MarkerSpec("Kasan Shadow End", when: { $0.facts.kasan != .off }) { _ in S390XFormulas.kasanShadowEnd },
            ],
            walkRanges: { c in [WalkRange(first: 0, last: VirtualAddress(maxAddress(c) &- 1))] },
            markerAdvance: .allPassedOnFlush, checkUsesMarkers: false, kasanEarlyShadowShortcut: true,
            configurations: [(4096, [31, 42, 53, 64])],
            configFacts: configFacts, derivedFacts: derivedFacts)
        p.sortsMarkers = true
        // `if (level == -1) addr = max_addr;`: the last range ends at the ASCE's reach.
        p.finalAddress = { maxAddress($0) }
        return p
    }()

    /// `KFENCE_POOL_SIZE` with the default 255 objects: (255 + 1) * 2 pages.
    static let kfencePoolSize: UInt64 = 512 * 4096

    /// `max_addr` = `1UL << (dt * 11 + 31)`; 0 (all of 2^64) for region-first.
    static func maxAddress(_ c: LayoutContext) -> UInt64 {
        c.vaBits >= 64 ? 0 : UInt64(1) << UInt64(c.vaBits)
    }

    /// The decompressor's layout from the facts, when the memory size is known.
    static func layout(_ c: LayoutContext) -> S390XFormulas? {
        guard let ident = c[.s390IdentMapSize] else { return nil }
        return S390XFormulas(identMapSize: ident,
                             vmallocSize: c[.s390VmallocSize] ?? S390XFormulas.defaultVmallocSize(identMapSize: ident),
                             structPageSize: c[.s390StructPageSize] ?? 64,
                             sectionSizeBits: Int(truncatingIfNeeded: c[.s390SectionSizeBits] ?? 28),
                             maxPhysmemBits: Int(truncatingIfNeeded: c[.s390MaxPhysmemBits] ?? 46),
                             nrCpus: c[.s390NrCpus] ?? 64, kasan: c.facts.kasan != .off)
    }

    /// What a `.config` decides: KASAN, KFENCE, NR_CPUS and spectre trampolines (`EXPOLINE`,
    /// which make the first lowcore page an expected W+X page).
    @Sendable static func configFacts(_ t: inout FactTable, config: KernelConfig?, context c: LayoutContext) {
        guard let cfg = config else { return }
        let src = FactSource.config
        t.offer(.kasan, (cfg.isEnabled("KASAN") ? KasanMode.generic : .off).rawValue, src("CONFIG_KASAN"))
        if let n = cfg.number("NR_CPUS") { t.offer(.s390NrCpus, n, src("CONFIG_NR_CPUS")) }
        if cfg.isEnabled("EXPOLINE") { t.offer(.s390LowcoreExecutable, 1, src("CONFIG_EXPOLINE: spectre trampolines")) }
    }

    /// Every fact still unknown: the generic defaults of a 6.1 s390x kernel.
    @Sendable static func derivedFacts(_ t: inout FactTable, context c: LayoutContext) {
        t.offer(.kasan, KasanMode.off.rawValue, .defaultValue("no KASAN; pass --kernel-config"))
        t.offer(.s390StructPageSize, 64, .defaultValue("64-byte struct page"))
        t.offer(.s390SectionSizeBits, 28, .defaultValue("SECTION_SIZE_BITS of s390"))
        t.offer(.s390MaxPhysmemBits, 46, .defaultValue("MAX_PHYSMEM_BITS of s390"))
        t.offer(.s390NrCpus, 64, .defaultValue("NR_CPUS default"))
        t.offer(.s390LowcoreExecutable, 0, .defaultValue("the BEAR facility is installed and no spectre trampolines"))
        t.offer(.s390Stext, 0x10_0000, .defaultValue("_stext at 1 MiB (no KASLR); pass --system-map"))
        if let ident = t[.s390IdentMapSize]?.value {
            t.offer(.s390VmallocSize, S390XFormulas.defaultVmallocSize(identMapSize: ident),
                    .defaultValue("VMALLOC_DEFAULT_SIZE or an eighth of memory (no vmalloc= found)"))
        }
    }
}
