import Testing
@testable import PTDumpCore

@Suite("arm64 address markers (6.1 formulas)")
struct ARM64LayoutTests {
    /// Markers from the formulas alone (no VMCOREINFO), with a tinyconfig-like configuration.
    static func markers(_ ps: Int, _ va: Int, kasan: String? = nil) -> [String: UInt64] {
        var t = FactTable()
        var cfg = ""
        if let kasan { cfg += "CONFIG_\(kasan)=y\n" }
        let profile = ARM64Port.linux6_1
        let context = { (t: FactTable) in
            LayoutContext(facts: t, levels: ARM64.levelCount(pageShift: ps.trailingZeroBitCount, vaBits: va), pageSize: ps, vaBits: va)
        }
        profile.configFacts(&t, KernelConfig(text: cfg), context(t))
        profile.derivedFacts(&t, context(t))
        let l = profile.layout(context(t))
        #expect(l.ranges == [WalkRange(first: VirtualAddress(ARM64Formulas.pageOffset(vaBits: va)), last: .max)])
        #expect(l.checkMarkers == [AddressMarker(0, "")])
        #expect(l.advance == .alsoAfterEveryNote)
        var d: [String: UInt64] = [:]
        for m in l.markers { d[m.name] = m.start.rawValue }
        #expect(l.markers.count == (t.flag("kasan") ? 14 : 12))
        return d
    }

    /// markers.md B1 table: gran/VA, PAGE_OFFSET, PAGE_END, VMALLOC_END, FIXADDR_START, PCI_IO start, VMEMMAP start, end.
    static let rows: [(Int, Int, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)] = [
        (4096, 39, 0xffffff8000000000, 0xffffffc000000000, 0xfffffffdf0000000, 0xfffffffdfdbfd000, 0xfffffffdfe800000, 0xfffffffe00000000, 0xffffffff00000000),
        (4096, 48, 0xffff000000000000, 0xffff800000000000, 0xfffffbfff0000000, 0xfffffbfffdbfd000, 0xfffffbfffe800000, 0xfffffc0000000000, 0xfffffe0000000000),
        (16384, 36, 0xfffffff000000000, 0xfffffff800000000, 0xffffffffe0000000, 0xffffffffedbf4000, 0xffffffffee800000, 0xfffffffff0000000, 0xfffffffff8000000),
        (16384, 47, 0xffff800000000000, 0xffffc00000000000, 0xffffff7ff0000000, 0xffffff7ffdbf4000, 0xffffff7ffe800000, 0xffffff8000000000, 0xffffffc000000000),
        (16384, 48, 0xffff000000000000, 0xffff800000000000, 0xfffffefff0000000, 0xfffffefffdbf4000, 0xfffffefffe800000, 0xffffff0000000000, 0xffffff8000000000),
        (65536, 42, 0xfffffc0000000000, 0xfffffe0000000000, 0xfffffffef0000000, 0xfffffffefdbd0000, 0xfffffffefe800000, 0xffffffff00000000, 0xffffffff80000000),
        (65536, 48, 0xffff000000000000, 0xffff800000000000, 0xffffffbff0000000, 0xffffffbffdbd0000, 0xffffffbffe800000, 0xffffffc000000000, 0xffffffe000000000),
        (65536, 52, 0xfff0000000000000, 0xffff800000000000, 0xfffffbfff0000000, 0xfffffbfffdbd0000, 0xfffffbfffe800000, 0xfffffc0000000000, 0xffffffe000000000),
    ]

    @Test("no-KASAN markers for every granule and VA size", arguments: 0..<8)
    func noKASAN(_ i: Int) {
        let (ps, va, po, pe, vme, fix, pci, vms, vmend) = Self.rows[i]
        let m = Self.markers(ps, va)
        #expect(m["Linear Mapping start"] == po)
        #expect(m["Linear Mapping end"] == pe)
        #expect(m["Modules start"] == pe)
        #expect(m["Modules end"] == pe + 0x8000000)
        #expect(m["vmalloc() area"] == pe + 0x8000000)
        #expect(m["vmalloc() end"] == vme)
        #expect(m["Fixmap start"] == fix)
        #expect(m["Fixmap end"] == vms - (32 << 20))
        #expect(m["PCI I/O start"] == pci)
        #expect(m["PCI I/O end"] == vms - (8 << 20))
        #expect(m["vmemmap start"] == vms)
        #expect(m["vmemmap end"] == vmend)
        #expect(m["Kasan shadow start"] == nil)
    }

    /// markers.md B1 KASAN table: VA, generic start, SW_TAGS start, end.
    static let kasanRows: [(Int, Int, UInt64, UInt64, UInt64)] = [
        (16384, 36, 0xfffffff600000000, 0xfffffff700000000, 0xfffffff800000000),
        (4096, 39, 0xffffffb000000000, 0xffffffb800000000, 0xffffffc000000000),
        (65536, 42, 0xfffffd8000000000, 0xfffffdc000000000, 0xfffffe0000000000),
        (16384, 47, 0xffffb00000000000, 0xffffb80000000000, 0xffffc00000000000),
        (4096, 48, 0xffff600000000000, 0xffff700000000000, 0xffff800000000000),
        (65536, 52, 0xfffd800000000000, 0xfffe800000000000, 0xffff800000000000),
    ]

    @Test("KASAN shadow markers; the linear map ends where the shadow starts", arguments: 0..<6)
    func kasan(_ i: Int) {
        let (ps, va, g, s, end) = Self.kasanRows[i]
        let mg = Self.markers(ps, va, kasan: "KASAN_GENERIC")
        #expect(mg["Kasan shadow start"] == g)
        #expect(mg["Linear Mapping end"] == g)
        #expect(mg["Kasan shadow end"] == end)
        #expect(mg["Modules start"] == end)
        let ms = Self.markers(ps, va, kasan: "KASAN_SW_TAGS")
        #expect(ms["Kasan shadow start"] == s)
        #expect(ms["Kasan shadow end"] == end)
    }

    @Test("fixmap size follows the configuration")
    func fixmap() {
        #expect(ARM64Port.fixmapPages(pageSize: 4096, ghes: false, sdei: false, unmapKernelAtEL0: false, relocatable: false) == 1027)
        #expect(ARM64Port.fixmapPages(pageSize: 65536, ghes: false, sdei: false, unmapKernelAtEL0: false, relocatable: false) == 67)
        #expect(ARM64Port.fixmapPages(pageSize: 4096, ghes: true, sdei: true, unmapKernelAtEL0: true, relocatable: true) == 1035)
    }
}
