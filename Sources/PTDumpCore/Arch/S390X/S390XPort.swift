/// How an s390x image says where its tables are: the root (`swapper_pg_dir`, which 6.1 runs
/// in the identity mapping, or the kernel ASCE of the CPU notes), the ASCE designation type
/// (which table the translation starts at) and the layout facts; first source wins (flag,
/// compact-image note, VMCOREINFO, CPU notes, kernel config, System.map, memory, the tables,
/// a default).
public enum S390XPort: ArchitecturePort {
    public static let kind = ArchKind.s390x
    public static let aliases = ["s390", "s390-64"]
    public static let vmcoreinfoKeys = ["SYMBOL(lowcore_ptr)", "SAMODE31"]
    public static var textFormatName: String { S390X.text.name }
    /// `EM_S390`.
    public static let elfMachine: UInt16 = 22
    public static let levelsHelp = "2, 3, 4 or 5 (an ASCE designating the segment, region-third, region-second or region-first table)"
    public static let profiles = [linux6_1]

    /// The designation type is read from the root table itself, as the kernel's
    /// `pgd_offset` does: a raw dump needs only `--root`.
    public static func missingRawFlags(_ o: Options) -> [String] { [] }

    /// The absolute lowcore's `vmcore_info` (0xe0c): the physical address of the note, or an
    /// odd KASLR offset before the kernel set it.
    public static func vmcoreinfoPointer(in memory: any PhysicalMemory) -> (PhysicalAddress, String)? {
        guard let v = try? memory.u64(PhysicalAddress(S390XDiscovery.vmcoreInfoPointer), byteOrder: .big),
              v != 0, v & 0xfff == 0 else { return nil }
        return (PhysicalAddress(v), "pointed to by the absolute lowcore's vmcore_info at \(hex(S390XDiscovery.vmcoreInfoPointer))")
    }

    public static func resolve(image: Image, options o: Options, profile: Fact<KernelProfile>) throws(ImageError) -> Platform {
        let vi = image.vmcoreinfo
        let memory = image.memory
        if let ps = o.pageSize, ps != 4096 { throw .contradiction("--page-size \(ps): s390x pages are 4K") }
        var dt = try requestedType(image: image, options: o)
        let asce = S390XDiscovery.kernelASCE(image)

        var root: Fact<PhysicalAddress>?
        if let r = try PlatformResolver.userRoot(image: image, options: o) {
            root = r
        } else if let v = try image.noteAddress("root") {
            root = Fact(v, .imageNote("root"))
        } else if let sym = vi?.symbol("swapper_pg_dir") {
            root = Fact(PhysicalAddress(sym), .vmcoreinfo("SYMBOL(swapper_pg_dir): the kernel runs in the identity mapping"))
        } else if let asce {
            root = Fact(PhysicalAddress(asce.value & ~0xfff), FactSource("\(asce.source): its table origin"))
        }
        guard let root else {
            throw .missingFact("no page-table root found: the dump has no VMCOREINFO (no note, no lowcore pointer) and no CPU control registers; pass --root 0x...")
        }
        guard root.value.rawValue & 0xfff == 0 else { throw .contradiction("root \(hex(root.value)) (\(root.source)) is not page-aligned") }
        guard memory.contains(root.value, length: 8) else { throw .outsideMemory(root.value.rawValue, 8) }
        if dt == nil, let asce, asce.value & ~0xfff == root.value.rawValue {
            dt = Fact(Int((asce.value & S390X.typeMask) >> 2), FactSource("\(asce.source): designation type"))
        }
        if dt == nil, let first = try? memory.u64(root.value, byteOrder: .big) {
            // `pgd_offset_raw`: the kernel picks the top table's type from its first entry.
            dt = Fact(Int((first & S390X.typeMask) >> 2), .inferred("the table type of the root table's first entry, as pgd_offset_raw reads it"))
        }
        guard let dt else { throw .outsideMemory(root.value.rawValue, 8) }
        guard let probe = S390X(designationType: dt.value) else { throw .contradiction("s390x designation type \(dt.value) is not 0…3") }
        try checkRoot(root, memory: memory, arch: probe)

        var t = try FactTable(savedIn: image)
        let levels = S390X.levelCount(designationType: dt.value)
        let va = S390X.vaBits(designationType: dt.value)
        let context = { (t: FactTable) in LayoutContext(facts: t, levels: levels, pageSize: 4096, vaBits: va) }
        offerVMCoreInfo(&t, vi: vi, memory: memory)
        profile.value.configFacts(&t, o.kernelConfig, context(t))
        if let map = o.systemMap?.symbols {
            let src = FactSource("System.map")
            t.offer(.s390Stext, map["_stext"], src)
            t.offer(.s390KernelEnd, map["_end"], src)
            t.offer(.s390Amode31Start, map["__samode31"], src)
            t.offer(.s390Amode31End, map["__eamode31"], src)
        }
        var kernelMarkers: KernelMarkerTable?
        if o.kernelConfig == nil, image.ptdumpNote.isEmpty {
            kernelMarkers = offerKernelMarkers(&t, image: image, tables: PageTables(arch: probe, memory: memory), root: root.value)
        }
        offerMemory(&t, memory: memory, compact: !image.ptdumpNote.isEmpty)
        inferFromTables(&t, tables: PageTables(arch: probe, memory: memory), root: root.value, designationType: dt.value)
        profile.value.derivedFacts(&t, context(t))

        guard let arch = S390X(designationType: dt.value, lowcoreExecutable: t.flag(.s390LowcoreExecutable)) else {
            throw .contradiction("s390x designation type \(dt.value) is not 0…3")
        }
        var layout = profile.value.layout(context(t))
        if let k = kernelMarkers { layout.adopt(markers: k.markers, source: k.source) }
        return Platform(arch: image.archFact(kind), paging: .s390x(arch), root: root, levels: Fact(levels, dt.source),
                        pageSize: Fact(4096, .defaultValue("s390x")),
                        vaBits: Fact(va, FactSource("derived: the reach of the designated table")), layout: layout, profile: profile)
    }

    /// `--levels` (2…5), `--va-bits` (31, 42, 53, 64) or the compact image's note, as a
    /// designation type; nil when none says it.
    static func requestedType(image: Image, options o: Options) throws(ImageError) -> Fact<Int>? {
        var fromVA: Int?
        if let bits = o.vaBits {
            guard [31, 42, 53, 64].contains(bits) else {
                throw .contradiction("--va-bits \(bits): s390x translates 31 (segment table), 42 (region-third), 53 (region-second) or 64 (region-first) bits")
            }
            fromVA = (bits - 31) / 11
        }
        if let l = o.levels {
            guard (2...5).contains(l) else { throw .contradiction("--levels \(l): s390x has 2 to 5 levels (segment table to region-first ASCE)") }
            if let v = fromVA, v != l - 2 { throw .contradiction("--levels \(l) contradicts --va-bits \(o.vaBits ?? 0)") }
            return Fact(l - 2, .flag("--levels"))
        }
        if let v = fromVA { return Fact(v, .flag("--va-bits")) }
        if let text = image.noteValue("levels") {
            guard let v = Int(text), (2...5).contains(v) else { throw .malformedImageNote("levels=\(text.prefix(20)): s390x has 2 to 5 levels") }
            return Fact(v - 2, .imageNote("levels"))
        }
        return nil
    }

    /// The root table must be readable and hold at least one entry of its own type that is
    /// not invalid.
    static func checkRoot(_ root: Fact<PhysicalAddress>, memory: any PhysicalMemory, arch: S390X) throws(ImageError) {
        let entries = arch.levels[0].entries
        guard let table = try? memory.table(at: root.value, entries: entries, byteOrder: .big) else {
            throw .outsideMemory(root.value.rawValue, entries * 8)
        }
        var zero = true
        for i in 0..<entries where table[i] != 0 { zero = false; break }
        if zero { throw .contradiction("the top-level table at \(hex(root.value)) (\(root.source)) is all zeros (s390 tables hold invalid entries, not zeros): wrong root?") }
        for i in 0..<entries {
            switch arch.classify(table[i], level: 0) {
            case .table, .leaf: return
            case .hole, .skip: continue
            }
        }
        throw .contradiction("the top-level table at \(hex(root.value)) (\(root.source)) has no valid entry of its type: wrong root or --levels?")
    }

    /// What VMCOREINFO says: `_stext`, the amode31 area, `struct page`, the section and
    /// physical-memory bits, `NR_CPUS`, and `ident_map_size` through `high_memory`.
    static func offerVMCoreInfo(_ t: inout FactTable, vi: VMCoreInfo?, memory: any PhysicalMemory) {
        guard let vi else { return }
        t.offer(.s390Stext, vi.symbol("_stext"), .vmcoreinfo("SYMBOL(_stext)"))
        t.offer(.s390Amode31Start, vi.value("SAMODE31").flatMap(VMCoreInfo.parseHex), .vmcoreinfo("SAMODE31"))
        t.offer(.s390Amode31End, vi.value("EAMODE31").flatMap(VMCoreInfo.parseHex), .vmcoreinfo("EAMODE31"))
        if let s = vi.value("SIZE(page)").flatMap({ UInt64($0) }), s > 0, s <= 4096 {
            t.offer(.s390StructPageSize, s, .vmcoreinfo("SIZE(page)"))
        }
        if let b = vi.number("SECTION_SIZE_BITS"), (12...63).contains(b) {
            t.offer(.s390SectionSizeBits, UInt64(b), .vmcoreinfo("NUMBER(SECTION_SIZE_BITS)"))
        }
        if let b = vi.number("MAX_PHYSMEM_BITS"), (12...64).contains(b) {
            t.offer(.s390MaxPhysmemBits, UInt64(b), .vmcoreinfo("NUMBER(MAX_PHYSMEM_BITS)"))
        }
        if let n = vi.value("LENGTH(lowcore_ptr)").flatMap({ UInt64($0) }), n > 0, n <= 1 << 16 {
            t.offer(.s390NrCpus, n, .vmcoreinfo("LENGTH(lowcore_ptr)"))
        }
        if let (v, pa) = S390XDiscovery.variable(memory, vi, "high_memory"), v > 0, v & 0xfff == 0 {
            t.offer(.s390IdentMapSize, v, .memory("\(hex(pa)): high_memory (SYMBOL(high_memory)) = ident_map_size"))
        }
    }

    /// The kernel's own `address_markers[]` (sorted at boot, every start filled in), when the
    /// dump holds it: its markers are printed as they are, and give `_end`, the end of the
    /// identity mapping and KASAN.
    static func offerKernelMarkers(_ t: inout FactTable, image: Image, tables: PageTables<S390X>,
                                   root: PhysicalAddress) -> KernelMarkerTable? {
        guard let stext = t[.s390Stext]?.value,
              let m = KernelMarkerTable.find(tables: tables, root: root, from: VirtualAddress(stext), span: 64 << 20,
                                             vmcoreinfo: image.vmcoreinfo,
                                             shape: .init(anchor: "Identity Mapping Start", entrySize: 16, anyStart: true))
        else { return nil }
        let src = m.source
        t.offer(.s390KernelEnd, m.start(of: "Kernel Image End"), src)
        t.offer(.s390IdentMapSize, m.entries.last { $0.name == "Identity Mapping End" }?.start, src)
        t.offer(.kasan, (m.has("Kasan Shadow Start") ? KasanMode.generic : .off).rawValue, src)
        t.offer(.s390KfencePool, m.start(of: "KFence Pool Start"), src)
        return m
    }

    /// From memory: `vmalloc=` on the boot command line, `_end` from `init_mm`, and the
    /// memory size when `high_memory` was not found.
    static func offerMemory(_ t: inout FactTable, memory: any PhysicalMemory, compact: Bool) {
        if t[.s390VmallocSize] == nil, let line = S390XDiscovery.commandLine(memory), let v = S390XDiscovery.vmallocParameter(line) {
            t.offer(.s390VmallocSize, v, .memory("\(hex(S390XDiscovery.commandLine)): vmalloc= on the boot command line"))
        }
        if t[.s390KernelEnd] == nil, let stext = t[.s390Stext]?.value, let (end, at) = S390XDiscovery.kernelEnd(memory, stext: stext) {
            t.offer(.s390KernelEnd, end, .memory("\(hex(at)): init_mm.brk = _end"))
        }
        // A compact image holds only tables: its memory says nothing about the machine's.
        if t[.s390IdentMapSize] == nil, !compact, let top = memory.regions.map(\.end.rawValue).max(), top > 0 {
            t.offer(.s390IdentMapSize, top & ~0xfffff, FactSource("derived: the end of the dump's memory (high_memory not found)"))
        }
    }

    /// From the tables: whether the first lowcore page is executable (the kernel makes it so
    /// without the BEAR facility, and then expects it W+X), and KASAN (its shadow of address
    /// 0 is mapped).
    static func inferFromTables(_ t: inout FactTable, tables: PageTables<S390X>, root: PhysicalAddress, designationType dt: Int) {
        if t[.s390LowcoreExecutable] == nil, let steps = try? tables.translate(0, root: root), let p = tables.leafPermissions(steps), p.present {
            t.offer(.s390LowcoreExecutable, p.execute ? 1 : 0,
                    .inferred(p.execute ? "the first lowcore page is executable: no BEAR facility" : "the first lowcore page is not executable"))
        }
        if t[.kasan] == nil {
            let shadow = S390XFormulas.kasanShadowStart
            if dt >= 2, tables.mapping(of: VirtualAddress(shadow), root: root) != nil {
                t.offer(.kasan, KasanMode.generic.rawValue, .inferred("the KASAN shadow of address 0 (\(hex(shadow))) is mapped"))
            } else {
                t.offer(.kasan, KasanMode.off.rawValue, .inferred("no KASAN shadow mapped at \(hex(shadow))"))
            }
        }
    }
}
