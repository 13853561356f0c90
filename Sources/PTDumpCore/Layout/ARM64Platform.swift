/// Finds the root, granule, VA size and layout facts of an arm64 image; first source wins
/// (flag, compact-image note, VMCOREINFO, kernel config, the tables, a default).
public enum ARM64Platform {
    /// The arm64 platform of `image` under `options`.
    public static func resolve(image: Image, options o: Options) throws(ImageError) -> Platform {
        let vi = image.vmcoreinfo
        let pageSize = try resolvePageSize(image: image, options: o)
        let vaBits = try resolveVABits(image: image, options: o)
        if let why = ARM64.unsupportedReason(pageSize: pageSize.value, vaBits: vaBits.value) {
            throw .contradiction(why + " (page size: \(pageSize.source); VA bits: \(vaBits.source))")
        }

        var t = FactTable(savedIn: image)
        if let c = o.kernelConfig, pageSize.value == 65536 {
            t.offer("pa_bits_52", c.isEnabled("ARM64_PA_BITS_52") ? 1 : 0, .config("CONFIG_ARM64_PA_BITS_52"))
        }
        if let bits = vi?.number("MAX_PHYSMEM_BITS") {
            t.offer("pa_bits_52", bits == 52 && pageSize.value == 65536 ? 1 : 0, .vmcoreinfo("NUMBER(MAX_PHYSMEM_BITS)"))
        }
        guard let arch = ARM64(pageSize: pageSize.value, vaBits: vaBits.value, pa52: t.flag("pa_bits_52")) else {
            throw .contradiction("arm64 \(pageSize.value)-byte pages with \(vaBits.value)-bit VA is not a Linux 6.1 configuration")
        }
        if let l = o.levels, l != arch.levelCount {
            throw .contradiction("--levels \(l) contradicts \(pageSize.value / 1024)K pages with \(vaBits.value)-bit VA, which use \(arch.levelCount) levels")
        }

        var root: Fact<UInt64>?
        if let r = try PlatformResolver.userRoot(image: image, options: o) {
            root = r
        } else if let v = image.noteValue("root").flatMap(VMCoreInfo.parseHex) {
            root = Fact(v, .imageNote("root"))
        } else if let vi, let sym = vi.symbol("swapper_pg_dir"), let voff = vi.number("kimage_voffset") {
            root = Fact(sym &- UInt64(bitPattern: voff), .vmcoreinfo("SYMBOL(swapper_pg_dir) - NUMBER(kimage_voffset)"))
        }
        guard let root else {
            throw .missingFact("no page-table root found: the image has no VMCOREINFO with SYMBOL(swapper_pg_dir) and NUMBER(kimage_voffset); pass --root 0x...")
        }
        try checkRoot(root, arch: arch, memory: image.memory, pageSize: pageSize, vaBits: vaBits)

        // Layout: VMCOREINFO's own values, then the configuration, the tables, the formulas.
        let va = vaBits.value
        t.offer("page_offset", ARM64Layout.pageOffset(vaBits: va), FactSource("derived: PAGE_OFFSET = -(1 << VA_BITS)"))
        for (name, key) in [("modules_vaddr", "MODULES_VADDR"), ("modules_end", "MODULES_END"),
                            ("vmalloc_start", "VMALLOC_START"), ("vmalloc_end", "VMALLOC_END"),
                            ("vmemmap_start", "VMEMMAP_START"), ("vmemmap_end", "VMEMMAP_END")] {
            if let v = vi?.number(key) { t.offer(name, UInt64(bitPattern: v), .vmcoreinfo("NUMBER(\(key))")) }
        }
        var vaActual = va
        if va == 52, let t1sz = vi?.number("TCR_EL1_T1SZ"), let bits = Int(exactly: 64 - t1sz), bits == 48 || bits == 52 {
            vaActual = bits
        }
        t.offer("va_bits_actual", UInt64(vaActual), va == 52 && vaActual != va ? .vmcoreinfo("64 - NUMBER(TCR_EL1_T1SZ)") : FactSource("derived: vabits_actual = VA_BITS"))
        vaActual = Int(truncatingIfNeeded: t["va_bits_actual"]?.value ?? UInt64(va))
        if vaActual != 48 && vaActual != 52 && vaActual != va { vaActual = va }

        ARM64Layout.offerConfigFacts(&t, config: o.kernelConfig, pageSize: pageSize.value)
        if t["kasan"] == nil {
            detectKASAN(&t, arch: arch, memory: image.memory, root: root.value, vaBits: va, vaActual: vaActual)
        }
        if t.flag("kasan") {
            let sw = t["kasan"]?.value == 2
            t.offer("kasan_shadow_offset", ARM64Layout.defaultShadowOffset(vaBits: va, swTags: sw),
                    .defaultValue("CONFIG_KASAN_SHADOW_OFFSET default for \(va)-bit VA"))
            let off = t["kasan_shadow_offset"]?.value ?? 0
            let (s, e) = ARM64Layout.kasanShadow(offset: off, scaleShift: sw ? 4 : 3, vaBitsActual: vaActual)
            t.offer("kasan_shadow_start", s, FactSource("derived: KASAN_SHADOW_END - (1 << (vabits_actual - scale))"))
            t.offer("kasan_shadow_end", e, FactSource("derived: (1 << (64 - scale)) + KASAN_SHADOW_OFFSET"))
        }
        var structPageShift = 6
        if let size = vi?.value("SIZE(page)").flatMap({ Int($0) }), size > 1, size <= 1 << 12 {
            structPageShift = Int.bitWidth - (size - 1).leadingZeroBitCount    // order_base_2
        }
        ARM64Layout.offerDerivedFacts(&t, pageSize: pageSize.value, vaBits: va, structPageShift: structPageShift)
        let layout = ARM64Layout.layout(pageSize: pageSize.value, vaBits: va, facts: t)

        return Platform(arch: Fact(.arm64, image.arch != nil ? .elfHeader("e_machine") : image.noteValue("arch") != nil ? .imageNote("arch") : .flag("--arch")),
                        paging: .arm64(arch), root: root,
                        levels: Fact(arch.levelCount, FactSource("derived: CONFIG_PGTABLE_LEVELS = (VA_BITS - 4) / (PAGE_SHIFT - 3)")),
                        pageSize: pageSize, vaBits: vaBits, layout: layout, textStyle: .arm64,
                        wxRule: .arm64(pageSize: UInt64(pageSize.value)))
    }

    /// `--page-size`, the note, VMCOREINFO `PAGESIZE`; a flag that VMCOREINFO contradicts is an error.
    static func resolvePageSize(image: Image, options o: Options) throws(ImageError) -> Fact<Int> {
        try paging(flag: ("--page-size", o.pageSize), note: "page_size", info: ("PAGESIZE", image.vmcoreinfo?.pageSize),
                   image: image, missing: "arm64 page size unknown: the image has no VMCOREINFO; pass --page-size 4K|16K|64K")
    }

    /// `--va-bits`, the note, VMCOREINFO `NUMBER(VA_BITS)`; a flag that VMCOREINFO contradicts is an error.
    static func resolveVABits(image: Image, options o: Options) throws(ImageError) -> Fact<Int> {
        try paging(flag: ("--va-bits", o.vaBits), note: "va_bits",
                   info: ("NUMBER(VA_BITS)", image.vmcoreinfo?.number("VA_BITS").flatMap { Int(exactly: $0) }),
                   image: image, missing: "arm64 VA size unknown: the image has no VMCOREINFO; pass --va-bits N")
    }

    /// One paging number: the flag (checked against VMCOREINFO), else the note, else VMCOREINFO.
    private static func paging(flag: (name: String, value: Int?), note: String, info: (key: String, value: Int?),
                               image: Image, missing: String) throws(ImageError) -> Fact<Int> {
        if let v = flag.value {
            if let i = info.value, i != v {
                throw .contradiction("\(flag.name) \(v) contradicts the dump: VMCOREINFO \(info.key)=\(i)")
            }
            return Fact(v, .flag(flag.name))
        }
        if let v = image.noteValue(note).flatMap({ Int($0) }) { return Fact(v, .imageNote(note)) }
        if let v = info.value { return Fact(v, .vmcoreinfo(info.key)) }
        throw .missingFact(missing)
    }

    /// The root must be readable and its entries must decode under the granule: at least one
    /// used entry, and every table descriptor granule-aligned.
    static func checkRoot(_ root: Fact<UInt64>, arch: ARM64, memory: PhysicalMemory,
                          pageSize: Fact<Int>, vaBits: Fact<Int>) throws(ImageError) {
        let top = arch.levels[0]
        let bytes = top.entries * 8
        guard root.value % UInt64(min(bytes, pageSize.value)) == 0 else {
            throw .contradiction("root \(hex(root.value)) (\(root.source)) is not aligned to its \(bytes)-byte table")
        }
        guard let table = try? memory.table(at: root.value, entries: top.entries) else {
            throw .outsideMemory(root.value, bytes)
        }
        let mode = "\(pageSize.value / 1024)K pages with \(vaBits.value)-bit VA"
        // Bits [PAGE_SHIFT-1:12] of an address are RES0 (with 52-bit PA, bits 15:12 hold OA[51:48]).
        let misaligned: UInt64 = (UInt64(pageSize.value) - 1) & ~0xfff & (arch.pa52 ? ~0xf000 : ~0)
        var used = 0
        for i in 0..<top.entries {
            let e = table[i]
            guard e != 0 else { continue }
            if case .table = arch.classify(e, level: 0) {
                if e & misaligned != 0 {
                    throw .contradiction("the top-level table at \(hex(root.value)) does not decode as \(mode): entry \(i) (\(hex(e))) points at a table that is not \(pageSize.value / 1024)K-aligned (page size: \(pageSize.source))")
                }
                used += 1
            } else if case .leaf = arch.classify(e, level: 0) {
                used += 1
            }
        }
        if used == 0 {
            throw .contradiction("the top-level table at \(hex(root.value)) has no valid entry as \(mode): wrong root, page size or VA size?")
        }
    }

    /// Without a configuration: a KASAN kernel maps the last shadow page below KASAN_SHADOW_END
    /// and the shadow of PAGE_END read-only (the early shadow page); generic KASAN is tried first.
    static func detectKASAN(_ t: inout FactTable, arch: ARM64, memory: PhysicalMemory, root: UInt64, vaBits: Int, vaActual: Int) {
        let tr = Translator(arch: arch, memory: memory)
        func readOnly(_ va: UInt64) -> Bool { tr.readOnlyPage(va, root: root) != nil }
        for (code, scale, sw) in [(UInt64(1), 3, false), (2, 4, true)] {
            let off = ARM64Layout.defaultShadowOffset(vaBits: vaBits, swTags: sw)
            let (start, end) = ARM64Layout.kasanShadow(offset: off, scaleShift: scale, vaBitsActual: vaActual)
            let pageEndShadow = (start >> UInt64(scale)) &+ off
            if readOnly(end &- arch.pageSize) && readOnly(pageEndShadow) {
                t.offer("kasan", code, .inferred("\(sw ? "software-tag" : "generic") KASAN shadow mapped read-only at \(hex(pageEndShadow)) and \(hex(end &- arch.pageSize))"))
                return
            }
        }
        t.offer("kasan", 0, .inferred("no KASAN shadow mapped below \(hex(ARM64Layout.pageEnd(vaBits: min(vaBits, 48))))"))
    }
}
