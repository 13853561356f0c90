/// How an arm64 image says where its tables are: root, granule, VA size and layout facts;
/// first source wins (flag, compact-image note, VMCOREINFO, kernel config, the tables, a default).
public enum ARM64Port: ArchitecturePort {
    public static let kind = ArchKind.arm64
    public static let aliases = ["aarch64"]
    public static let vmcoreinfoKeys = ["NUMBER(kimage_voffset)", "NUMBER(TCR_EL1_T1SZ)"]
    public static var textFormatName: String { ARM64.text.name }
    public static let elfMachine: UInt16 = 183
    public static let levelsHelp = "must match the page and VA size"
    public static let profiles = [linux6_1, linux6_12]

    public static func missingRawFlags(_ o: Options) -> [String] {
        if o.translation.stage2 { return o.translation.inputAddressBits == nil ? ["--ipa-bits N"] : [] }
        var missing: [String] = []
        if o.pageSize == nil { missing.append("--page-size 4K|16K|64K") }
        if o.vaBits == nil && o.levels == nil { missing.append("--va-bits N (or --levels N)") }
        return missing
    }

    public static func resolve(image: Image, options o: Options, profile chosen: Fact<KernelProfile>) throws(ImageError) -> Platform {
        if let hardware = try resolveHardware(image: image, options: o, profile: chosen) { return hardware }
        let vi = image.vmcoreinfo
        let pageSize = try resolvePageSize(image: image, options: o)
        let vaBits = try resolveVABits(image: image, options: o)
        let profile: Fact<KernelProfile>
        switch KernelProfile.fitting(chosen, from: profiles, arch: kind, pageSize: pageSize.value, vaBits: vaBits.value) {
        case .success(let p): profile = p
        case .failure(let e): throw .contradiction("\(e) (page size: \(pageSize.source); VA bits: \(vaBits.source))")
        }

        var t = try FactTable(savedIn: image)
        if let c = o.kernelConfig, pageSize.value == 65536 {
            t.offer(.pa52, c.isEnabled("ARM64_PA_BITS_52") ? 1 : 0, .config("CONFIG_ARM64_PA_BITS_52"))
        }
        if let bits = vi?.number("MAX_PHYSMEM_BITS") {
            t.offer(.pa52, bits == 52 && pageSize.value == 65536 ? 1 : 0, .vmcoreinfo("NUMBER(MAX_PHYSMEM_BITS)"))
        }
        guard var arch = ARM64(pageSize: pageSize.value, vaBits: vaBits.value, pa52: t.flag(.pa52)) else {
            throw .contradiction("arm64 \(pageSize.value)-byte pages with \(vaBits.value)-bit VA is not a translation arm64 has")
        }
        if let names = profile.value.levelNames { arch.levelNames = names(arch.levelCount) }
        if arch.lpa2, let t1sz = vi?.number("TCR_EL1_T1SZ"), t1sz != 12 {
            throw .contradiction("this 52-bit-VA kernel runs with NUMBER(TCR_EL1_T1SZ)=\(t1sz), not 12: the CPU has no FEAT_LPA2 and the kernel folded its top level at boot, which ptdump does not decode yet")
        }
        if let l = o.levels, l != arch.levelCount {
            throw .contradiction("--levels \(l) contradicts \(pageSize.value / 1024)K pages with \(vaBits.value)-bit VA, which use \(arch.levelCount) levels")
        }

        var root: Fact<PhysicalAddress>?
        if let r = try PlatformResolver.userRoot(image: image, options: o) {
            root = r
        } else if let v = try image.noteAddress("root") {
            root = Fact(v, .imageNote("root"))
        } else if let vi, let sym = vi.symbol("swapper_pg_dir"), let voff = vi.number("kimage_voffset") {
            root = Fact(PhysicalAddress(sym &- UInt64(bitPattern: voff)), .vmcoreinfo("SYMBOL(swapper_pg_dir) - NUMBER(kimage_voffset)"))
        }
        guard let root else {
            throw .missingFact("no page-table root found: the image has no VMCOREINFO with SYMBOL(swapper_pg_dir) and NUMBER(kimage_voffset); pass --root 0x...")
        }
        let tables = PageTables(arch: arch, memory: image.memory)
        try checkRoot(root, tables: tables, pageSize: pageSize, vaBits: vaBits)

        // Layout: VMCOREINFO's own values, then the configuration, the tables, the formulas.
        let va = vaBits.value
        t.offer(.arm64PageOffset, ARM64Formulas.pageOffset(vaBits: va), FactSource("derived: PAGE_OFFSET = -(1 << VA_BITS)"))
        for (key, name) in [(LayoutKey.modulesVaddr, "MODULES_VADDR"), (.modulesEnd, "MODULES_END"),
                            (.vmallocStart, "VMALLOC_START"), (.vmallocEnd, "VMALLOC_END"),
                            (.vmemmapStart, "VMEMMAP_START"), (.vmemmapEnd, "VMEMMAP_END")] {
            if let v = vi?.number(name) { t.offer(key, UInt64(bitPattern: v), .vmcoreinfo("NUMBER(\(name))")) }
        }
        // 52-bit VA kernels run with 48 bits when the CPU lacks LVA: vabits_actual = 64 - T1SZ.
        if va == 52, let t1sz = vi?.number("TCR_EL1_T1SZ"), t1sz == 12 || t1sz == 16 {
            t.offer(.vaBitsActual, UInt64(64 - t1sz), .vmcoreinfo("64 - NUMBER(TCR_EL1_T1SZ)"))
        }
        t.offer(.vaBitsActual, UInt64(va), FactSource("derived: vabits_actual = VA_BITS"))
        if let size = vi?.value("SIZE(page)").flatMap({ Int($0) }), size > 1, size <= 1 << 12 {
            t.offer(.structPageSize, UInt64(size), .vmcoreinfo("SIZE(page)"))
            t.offer(.structPageShift, UInt64(Int.bitWidth - (size - 1).leadingZeroBitCount), .vmcoreinfo("SIZE(page), rounded up to a power of 2"))
        }
        var kernelMarkers: KernelMarkerTable?
        if o.kernelConfig == nil && t[.fixmapPages] == nil {
            kernelMarkers = offerKernelMarkers(&t, image: image, tables: tables, root: root.value, pageSize: UInt64(pageSize.value))
        }
        let context = { (t: FactTable) in LayoutContext(facts: t, levels: arch.levelCount, pageSize: pageSize.value, vaBits: va) }
        profile.value.configFacts(&t, o.kernelConfig, context(t))
        if t[.kasan] == nil {
            detectKASAN(&t, tables: tables, root: root.value, vaBits: va)
        }
        profile.value.derivedFacts(&t, context(t))
        var layout = profile.value.layout(context(t))
        if let k = kernelMarkers { layout.adopt(markers: k.markers, source: k.source) }

        return Platform(arch: image.archFact(kind), paging: .arm64(arch), root: root,
                        levels: Fact(arch.levelCount, FactSource("derived: CONFIG_PGTABLE_LEVELS = (VA_BITS - 4) / (PAGE_SHIFT - 3)")),
                        pageSize: pageSize, vaBits: vaBits, layout: layout, profile: profile)
    }

    /// The facts the kernel's own `address_markers[]` gives, when the dump holds it: KASAN and
    /// its shadow, the module, vmalloc and vmemmap bounds, the fixmap size.
    static func offerKernelMarkers(_ t: inout FactTable, image: Image, tables: PageTables<ARM64>, root: PhysicalAddress,
                                   pageSize: UInt64) -> KernelMarkerTable? {
        guard let stext = image.vmcoreinfo?.symbol("_stext"),
              let m = KernelMarkerTable.find(tables: tables, root: root, from: VirtualAddress(stext), span: 64 << 20,
                                             vmcoreinfo: image.vmcoreinfo, shape: .init(anchor: "Linear Mapping start", entrySize: 16)) else { return nil }
        let src = m.source
        if let s = m.start(of: "Kasan shadow start"), let e = m.start(of: "Kasan shadow end") {
            // The shadow's size tells generic (1/8 of the VA space) from software tags (1/16).
            let vaBits = UInt64(tables.arch.vaBitsConfigured)
            let mode: KasanMode = e &- s == UInt64(1) << (vaBits - 4) ? .softwareTags : .generic
            t.offer(.kasan, mode.rawValue, src)
            t.offer(.kasanShadowStart, s, src)
            t.offer(.kasanShadowEnd, e, src)
        } else {
            t.offer(.kasan, KasanMode.off.rawValue, src)
        }
        t.offer(.modulesVaddr, m.start(of: "Modules start"), src)
        t.offer(.modulesEnd, m.start(of: "Modules end"), src)
        t.offer(.vmallocStart, m.start(of: "vmalloc() area"), src)
        t.offer(.vmallocEnd, m.start(of: "vmalloc() end"), src)
        t.offer(.vmemmapStart, m.start(of: "vmemmap start"), src)
        t.offer(.vmemmapEnd, m.start(of: "vmemmap end"), src)
        if let fs = m.start(of: "Fixmap start"), let fe = m.start(of: "Fixmap end"), fe > fs {
            t.offer(.fixmapPages, (fe - fs) / pageSize, src)
        }
        return m
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
        if let text = image.noteValue(note) {
            guard let v = Int(text) else { throw .malformedImageNote("\(note)=\(text.prefix(40)) is not a number") }
            return Fact(v, .imageNote(note))
        }
        if let v = info.value { return Fact(v, .vmcoreinfo(info.key)) }
        throw .missingFact(missing)
    }

    /// The root must be readable and its entries must decode under the granule: at least one
    /// used entry, and every table descriptor granule-aligned.
    static func checkRoot(_ root: Fact<PhysicalAddress>, tables: PageTables<ARM64>,
                          pageSize: Fact<Int>, vaBits: Fact<Int>) throws(ImageError) {
        let arch = tables.arch
        let top = arch.levels[0]
        let bytes = top.tableBytes
        guard root.value.rawValue % UInt64(min(bytes, pageSize.value)) == 0 else {
            throw .contradiction("root \(hex(root.value)) (\(root.source)) is not aligned to its \(bytes)-byte table")
        }
        guard let table = try? tables.table(at: root.value, level: 0) else {
            throw .outsideMemory(root.value.rawValue, bytes)
        }
        let mode = "\(pageSize.value / 1024)K pages with \(vaBits.value)-bit VA"
        // Bits [PAGE_SHIFT-1:12] of an address are RES0 (with 52-bit PA, bits 15:12 hold OA[51:48]).
        let misaligned: UInt64 = (UInt64(pageSize.value) - 1) & ~0xfff & (arch.pa52 ? ~0xf000 : ~0)
        var used = 0
        for i in 0..<top.entries {
            let e = table[i]
            guard e != 0 else { continue }
            switch arch.kind(of: e, level: 0) {
            case .table:
                if e & misaligned != 0 {
                    throw .contradiction("the top-level table at \(hex(root.value)) does not decode as \(mode): entry \(i) (\(hex(e))) points at a table that is not \(pageSize.value / 1024)K-aligned (page size: \(pageSize.source))")
                }
                used += 1
            case .leaf:
                used += 1
            case .hole, .skip:
                break
            }
        }
        if used == 0 {
            throw .contradiction("the top-level table at \(hex(root.value)) has no valid entry as \(mode): wrong root, page size or VA size?")
        }
    }

    /// Without a configuration: a KASAN kernel maps the last shadow page below KASAN_SHADOW_END
    /// and the shadow of PAGE_END read-only (the early shadow page); generic KASAN is tried first.
    static func detectKASAN(_ t: inout FactTable, tables: PageTables<ARM64>, root: PhysicalAddress, vaBits: Int) {
        func readOnly(_ va: UInt64) -> Bool { tables.readOnlyPage(VirtualAddress(va), root: root) != nil }
        let vaActual = Int(truncatingIfNeeded: t[.vaBitsActual]?.value ?? UInt64(vaBits))
        for (mode, scale) in [(KasanMode.generic, 3), (.softwareTags, 4)] {
            let sw = mode == .softwareTags
            // 52-bit VA with 16K pages takes the 47-bit default offset.
            let offsetBits = vaBits == 52 && tables.arch.pageSize == 16384 ? 47 : vaBits
            let off = ARM64Formulas.defaultShadowOffset(vaBits: offsetBits, swTags: sw)
            let (start, end) = ARM64Formulas.kasanShadow(offset: off, scaleShift: scale, vaBitsActual: vaActual)
            let pageEndShadow = (start >> UInt64(scale)) &+ off
            if readOnly(end &- tables.arch.pageSize) && readOnly(pageEndShadow) {
                t.offer(.kasan, mode.rawValue, .inferred("\(sw ? "software-tag" : "generic") KASAN shadow mapped read-only at \(hex(pageEndShadow)) and \(hex(end &- tables.arch.pageSize))"))
                return
            }
        }
        t.offer(.kasan, 0, .inferred("no KASAN shadow mapped below \(hex(ARM64Formulas.pageEnd(vaBits: min(vaBits, 48))))"))
    }
}
