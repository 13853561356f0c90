/// How a riscv64 image says where its tables are: root, paging mode (Sv39/48/57) and layout
/// facts; first source wins (flag, compact-image note, VMCOREINFO, kernel config, System.map,
/// memory, the tables, a default). The root is `swapper_pg_dir` (`init_mm.pgd`), never `satp`:
/// a QEMU riscv dump has no CSRs, and at dump time `satp` holds whatever mm the hart ran.
public enum RISCV64Port: ArchitecturePort {
    public static let kind = ArchKind.riscv64
    public static let aliases = ["riscv", "rv64"]
    /// (Linux 6.1 writes none; later releases add these.)
    public static let vmcoreinfoKeys = ["NUMBER(va_kernel_pa_offset)", "NUMBER(phys_ram_base)"]
    public static var textFormatName: String { RISCV64.text.name }
    /// `EM_RISCV`.
    public static let elfMachine: UInt16 = 243
    public static let levelsHelp = "3, 4 or 5 (Sv39, Sv48, Sv57)"
    public static let profiles = [linux6_1]

    public static func missingRawFlags(_ o: Options) -> [String] {
        o.levels == nil && o.vaBits == nil ? ["--levels 3|4|5"] : []
    }

    public static func resolve(image: Image, options o: Options, profile: Fact<KernelProfile>) throws(ImageError) -> Platform {
        let vi = image.vmcoreinfo
        let memory = image.memory
        if let ps = o.pageSize, ps != 4096 { throw .contradiction("--page-size \(ps): riscv64 pages are 4K") }
        var levels = try requestedLevels(image: image, options: o)

        var root: Fact<PhysicalAddress>?
        if let r = try PlatformResolver.userRoot(image: image, options: o) {
            root = r
        } else if let v = try image.noteAddress("root") {
            root = Fact(v, .imageNote("root"))
        } else if let vi, let sym = vi.symbol("swapper_pg_dir") {
            let modes = levels.map { [$0.value] } ?? [5, 4, 3]
            let found = RISCV64Discovery.locateSwapper(memory, vmcoreinfo: vi, modes: modes)
            guard found.count == 1, let f = found.first else {
                let tried = modes.map { "Sv\(RISCV64.vaBits(levels: $0))" }.joined(separator: ", ")
                if found.isEmpty {
                    throw .missingFact("no page-table root found: no 2 MiB-congruent page of RAM translates SYMBOL(swapper_pg_dir) (\(hex(sym))) to itself in \(tried); pass --root 0x... and --levels 3|4|5")
                }
                let list = found.prefix(4).map { "\(hex($0.root)) (Sv\(RISCV64.vaBits(levels: $0.levels)))" }.joined(separator: ", ")
                throw .missingFact("\(found.count) candidate roots translate SYMBOL(swapper_pg_dir) to themselves: \(list); pass --root 0x... and --levels 3|4|5")
            }
            root = Fact(PhysicalAddress(f.root), .vmcoreinfo("SYMBOL(swapper_pg_dir) - va_kernel_pa_offset: the one 2 MiB-congruent page whose tables translate swapper_pg_dir to itself and init_uts_ns to OSRELEASE"))
            if levels == nil {
                levels = Fact(f.levels, .inferred("Sv\(RISCV64.vaBits(levels: f.levels)) is the mode in which swapper_pg_dir translates to itself"))
            }
        }
        guard let root else {
            if vi == nil {
                throw .missingFact("no page-table root found: the dump has no VMCOREINFO (no ELF note, none found in its memory); pass --root 0x... and --levels 3|4|5")
            }
            throw .missingFact("no page-table root found: VMCOREINFO has no SYMBOL(swapper_pg_dir); pass --root 0x... and --levels 3|4|5")
        }
        guard root.value.rawValue & 0xfff == 0 else { throw .contradiction("root \(hex(root.value)) (\(root.source)) is not page-aligned") }
        guard memory.contains(root.value, length: 4096) else { throw .outsideMemory(root.value.rawValue, 4096) }
        if levels == nil, let sym = vi?.symbol("swapper_pg_dir") {
            levels = modeOfRoot(memory, root: root.value.rawValue, swapper: sym)
        }
        guard let levels else {
            throw .missingFact("riscv64 paging mode unknown: the image does not say it; pass --levels 3|4|5 (Sv39, Sv48, Sv57)")
        }
        let n = levels.value
        let va = RISCV64.vaBits(levels: n)
        try checkRoot(root, memory: memory, levels: levels)

        var t = try FactTable(savedIn: image)
        let context = { (t: FactTable) in LayoutContext(facts: t, levels: n, pageSize: 4096, vaBits: va) }
        if let size = vi?.value("SIZE(page)").flatMap({ Int($0) }), size > 1, size <= 1 << 12 {
            t.offer(.riscvStructPageShift, UInt64(Int.bitWidth - (size - 1).leadingZeroBitCount), .vmcoreinfo("SIZE(page), rounded up to a power of 2"))
        }
        if vi?.symbol("mem_map") != nil && vi?.symbol("mem_section") == nil {
            t.offer(.riscvSparsememVmemmap, 0, .vmcoreinfo("SYMBOL(mem_map): FLATMEM, no vmemmap"))
        }
        profile.value.configFacts(&t, o.kernelConfig, context(t))
        if let end = o.systemMap?.symbols["_end"] { t.offer(.riscvKernelEnd, end, FactSource("System.map _end")) }
        findKernelImage(&t, memory: memory, root: root.value.rawValue, levels: n)

        guard let arch = RISCV64(levels: n, transparentHugepage: t.flag(.riscvTransparentHugepage)) else {
            throw .contradiction("riscv64 has 3, 4 or 5 levels, not \(n)")
        }
        inferFromTables(&t, tables: PageTables(arch: arch, memory: memory), root: root.value)
        profile.value.derivedFacts(&t, context(t))
        let layout = profile.value.layout(context(t))

        return Platform(arch: image.archFact(kind), paging: .riscv64(arch), root: root, levels: levels,
                        pageSize: Fact(4096, .defaultValue("riscv64")),
                        vaBits: Fact(va, FactSource("derived: Sv\(va) from the level count")), layout: layout, profile: profile)
    }

    /// `--levels`, `--va-bits` (39, 48, 57) or the compact image's note; nil when none says it.
    static func requestedLevels(image: Image, options o: Options) throws(ImageError) -> Fact<Int>? {
        var fromVA: Int?
        if let bits = o.vaBits {
            guard [39, 48, 57].contains(bits) else { throw .contradiction("--va-bits \(bits): riscv64 has 39 (Sv39), 48 (Sv48) or 57 (Sv57)") }
            fromVA = (bits - 12) / 9
        }
        if let l = o.levels {
            guard (3...5).contains(l) else { throw .contradiction("--levels \(l): riscv64 has 3 (Sv39), 4 (Sv48) or 5 (Sv57) levels") }
            if let v = fromVA, v != l { throw .contradiction("--levels \(l) contradicts --va-bits \(o.vaBits ?? 0)") }
            return Fact(l, .flag("--levels"))
        }
        if let v = fromVA { return Fact(v, .flag("--va-bits")) }
        if let text = image.noteValue("levels") {
            guard let v = Int(text), (3...5).contains(v) else { throw .malformedImageNote("levels=\(text.prefix(20)): riscv64 has 3, 4 or 5 levels") }
            return Fact(v, .imageNote("levels"))
        }
        return nil
    }

    /// The mode of a given root: the one in which `swapper_pg_dir` translates to the root, else
    /// the one in which it translates at all (another mm's root shares the kernel half).
    static func modeOfRoot(_ memory: any PhysicalMemory, root: UInt64, swapper sym: UInt64) -> Fact<Int>? {
        let own = [5, 4, 3].filter { RISCV64Discovery.translate(memory, root: root, levels: $0, va: sym) == root }
        if own.count == 1 { return Fact(own[0], .inferred("swapper_pg_dir translates to the root only in Sv\(RISCV64.vaBits(levels: own[0]))")) }
        let any = [5, 4, 3].filter { RISCV64Discovery.translate(memory, root: root, levels: $0, va: sym) != nil }
        if any.count == 1 { return Fact(any[0], .inferred("swapper_pg_dir translates only in Sv\(RISCV64.vaBits(levels: any[0]))")) }
        return nil
    }

    /// The root must hold at least one valid entry.
    static func checkRoot(_ root: Fact<PhysicalAddress>, memory: any PhysicalMemory, levels: Fact<Int>) throws(ImageError) {
        guard let table = try? memory.table(at: root.value, entries: 512, byteOrder: .little) else {
            throw .outsideMemory(root.value.rawValue, 4096)
        }
        for i in 0..<512 where table[i] & RISCV64EntryBits.present.rawValue != 0 { return }
        throw .contradiction("the top-level table at \(hex(root.value)) (\(root.source)) has no valid entry: wrong root?")
    }

    /// `kernel_map.phys_addr` (what `KERNEL_LINK_ADDR` translates to), and `_end` and
    /// `PAGE_OFFSET` from `kernel_map` itself, searched in the kernel image; without it, `_end`
    /// is bounded by the end of the image's mapping.
    static func findKernelImage(_ t: inout FactTable, memory: any PhysicalMemory, root: UInt64, levels: Int) {
        guard t[.riscvKernelEnd] == nil || t[.riscvKernelPhys] == nil else { return }
        let link = RISCV64Formulas.kernelLinkAddress
        guard let phys = RISCV64Discovery.translate(memory, root: root, levels: levels, va: link) else { return }
        t.offer(.riscvKernelPhys, phys, .inferred("KERNEL_LINK_ADDR \(hex(link)) maps it"))
        guard t[.riscvKernelEnd] == nil else { return }
        let extent = RISCV64Discovery.kernelMappingExtent(memory, root: root, levels: levels)
        let pageOffset = t[.riscvPageOffset]?.value ?? RISCV64Formulas.pageOffset(vaBits: RISCV64.vaBits(levels: levels))
        if let km = RISCV64Discovery.kernelMap(memory, pageOffset: pageOffset, phys: phys, extent: extent) {
            t.offer(.riscvPageOffset, pageOffset, .memory("\(hex(km.pa)): kernel_map.page_offset"))
            t.offer(.riscvKernelEnd, link &+ km.size, .memory("\(hex(km.pa)): kernel_map.virt_addr + kernel_map.size"))
        } else {
            t.offer(.riscvKernelEnd, link &+ extent, .inferred("end of the kernel image mapping, kernel_map not found: Modules/BPF mapping may be late; pass --system-map"))
        }
    }

    /// KASAN and SPARSEMEM_VMEMMAP, when nothing said them, from what the tables map.
    static func inferFromTables(_ t: inout FactTable, tables: PageTables<RISCV64>, root: PhysicalAddress) {
        let va = tables.arch.vaBits
        let pageOffset = t[.riscvPageOffset]?.value ?? RISCV64Formulas.pageOffset(vaBits: va)
        if t[.kasan] == nil {
            // kasan_init() maps the shadow of the kernel image and of the linear map; nothing
            // else lives at either address without KASAN.
            let probes = [RISCV64Formulas.kernelLinkAddress, pageOffset].map(RISCV64Formulas.kasanShadow(of:))
            if probes.allSatisfy({ tables.mapping(of: VirtualAddress($0), root: root) != nil }) {
                t.offer(.kasan, KasanMode.generic.rawValue, .inferred("the KASAN shadows of KERNEL_LINK_ADDR and PAGE_OFFSET (\(probes.map { hex($0) }.joined(separator: ", "))) are mapped"))
            } else {
                t.offer(.kasan, KasanMode.off.rawValue, .inferred("no KASAN shadow mapped at \(hex(probes[0]))"))
            }
        }
        if t[.riscvSparsememVmemmap] == nil {
            let shift = Int(truncatingIfNeeded: t[.riscvStructPageShift]?.value ?? 6)
            let start = RISCV64Formulas.vmemmapStart(pageOffset: pageOffset, vaBits: va, structPageShift: shift)
            let end = RISCV64Formulas.vmallocStart(pageOffset: pageOffset, vaBits: va)
            if tables.firstLeaf(root: root, from: VirtualAddress(start), last: VirtualAddress(end &- 1)) != nil {
                t.offer(.riscvSparsememVmemmap, 1, .inferred("the vmemmap area \(hex(start))-\(hex(end)) is mapped"))
            } else {
                t.offer(.riscvSparsememVmemmap, 0, .inferred("nothing mapped in the vmemmap area \(hex(start))-\(hex(end))"))
            }
        }
    }
}
