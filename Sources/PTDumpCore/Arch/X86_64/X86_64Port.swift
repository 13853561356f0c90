/// How an x86_64 image says where its tables are: root, paging mode and layout facts; first
/// source wins (flag, compact-image note, VMCOREINFO, QEMU CPU note, config, tables, default).
public enum X86_64Port: ArchitecturePort {
    public static let kind = ArchKind.x86_64
    public static let aliases = ["x86-64", "amd64", "x86"]
    public static let vmcoreinfoKeys = ["SYMBOL(init_top_pgt)", "NUMBER(pgtable_l5_enabled)"]
    public static var textFormatName: String { X86_64.text.name }
    public static let elfMachine: UInt16 = 62
    /// `EM_386`: 32-bit boot loaders and firmware whose tables are PAE (`--levels 3`) or legacy
    /// 32-bit paging (`--levels 2`).
    public static let otherELFMachines: [UInt16] = [3]
    public static let levelsHelp = "4 or 5; 3 for 32-bit PAE, 2 for 32-bit legacy paging"
    public static let profiles = [linux6_1, linux6_12]

    /// `__START_KERNEL_map`.
    public static let startKernelMap: UInt64 = 0xffff_ffff_8000_0000

    /// Default bases without KASLR: (page_offset_base, vmalloc_base, vmemmap_base).
    public static func defaultBases(fiveLevel: Bool) -> (UInt64, UInt64, UInt64) {
        fiveLevel ? (0xff11_0000_0000_0000, 0xffa0_0000_0000_0000, 0xffd4_0000_0000_0000)
                  : (0xffff_8880_0000_0000, 0xffff_c900_0000_0000, 0xffff_ea00_0000_0000)
    }

    public static func missingRawFlags(_ o: Options) -> [String] {
        o.levels == nil && o.rootLevel == nil ? ["--levels 4|5"] : []
    }

    public static var builderModes: [PagingMode] { [.x86_64(levels: 4), .x86_64(levels: 5)] }

    public static func encoder(for mode: PagingMode) throws(ImageError) -> any LeafEncoder {
        if mode == .x86Legacy { return X86LegacyEncoder(arch: X86Legacy(pat: .powerOn)) }
        guard mode.levels == 4 || mode.levels == 5, mode.pageSize == 4096 else {
            throw .contradiction("x86_64 has 4 or 5 levels, not \(mode.levels)")
        }
        return X86Encoder(arch: X86_64(fiveLevel: mode.levels == 5))
    }

    public static func resolve(image: Image, options o: Options, profile: Fact<KernelProfile>) throws(ImageError) -> Platform {
        if let ept = try resolveEPT(image: image, options: o, profile: profile) { return ept }
        if let legacy = try resolveLegacy(image: image, options: o, profile: profile) { return legacy }
        if let pae = try resolvePAE(image: image, options: o, profile: profile) { return pae }
        let vi = image.vmcoreinfo
        let sme = UInt64(bitPattern: vi?.number("sme_mask") ?? 0)
        guard sme & 0x000f_ffff_ffff_f000 == 0 || sme.nonzeroBitCount == 1 else {
            throw .malformedVMCoreInfo("NUMBER(sme_mask)=\(hex(sme)) is not one encryption bit")
        }
        var levels: Fact<Int>?
        if let l = o.levels {
            guard l == 4 || l == 5 else { throw .contradiction("--levels \(l): x86_64 has 4 or 5 levels") }
            levels = Fact(l, .flag("--levels"))
        } else if let text = image.noteValue("levels") {
            guard let v = Int(text), v == 4 || v == 5 else { throw .malformedImageNote("levels=\(text.prefix(20)): x86_64 has 4 or 5 levels") }
            levels = Fact(v, .imageNote("levels"))
        } else if let l5 = vi?.number("pgtable_l5_enabled") {
            levels = Fact(l5 != 0 ? 5 : 4, .vmcoreinfo("NUMBER(pgtable_l5_enabled)"))
        } else if let cpu = image.x86CPUStates.first {
            levels = Fact(cpu.la57 ? 5 : 4, .cpuNote("CR4.LA57"))
        }
        let lv = levels ?? Fact(4, .defaultValue("no VMCOREINFO or CPU note says otherwise"))
        if let ps = o.pageSize, ps != 4096 { throw .contradiction("--page-size \(ps): x86_64 pages are 4K") }

        var ptiConfigured: Bool? = nil
        if let c = o.kernelConfig { ptiConfigured = c.isEnabled("PAGE_TABLE_ISOLATION") }

        var root: Fact<PhysicalAddress>?
        if let r = try PlatformResolver.userRoot(image: image, options: o) {
            root = r
        } else if let v = try image.noteAddress("root") {
            root = Fact(v, .imageNote("root"))
        } else if o.translation.user, let cpu = image.x86CPUStates.first {
            // A process's tables: the CR3 the CPU ran with, not the kernel's init_top_pgt.
            root = Fact(PhysicalAddress(cpu.cr3 & 0x000f_ffff_ffff_e000 & ~sme), .cpuNote("CR3 (--user), without the PTI user bit"))
        } else if o.translation.user {
            throw .missingFact("--user needs a process's page-table root: the image has no QEMU CPU note with CR3; pass --root PA")
        } else if let vi, let sym = vi.symbol("init_top_pgt") ?? vi.symbol("swapper_pg_dir") {
            let physBase = UInt64(bitPattern: vi.number("phys_base") ?? 0)
            let key = vi.symbol("init_top_pgt") != nil ? "SYMBOL(init_top_pgt)" : "SYMBOL(swapper_pg_dir)"
            root = Fact(PhysicalAddress(sym &- startKernelMap &+ physBase), .vmcoreinfo("\(key) - __START_KERNEL_map + NUMBER(phys_base)"))
        } else if let cpu = image.x86CPUStates.first {
            var r = cpu.cr3 & 0x000f_ffff_ffff_f000 & ~sme
            var how = "CR3"
            if ptiConfigured == true && r & 0x1000 != 0 { r &= ~0x1000; how = "CR3 without the PTI user bit" }
            root = Fact(PhysicalAddress(r), .cpuNote(how))
        }
        guard let root else {
            throw .missingFact("no page-table root found: the image has no VMCOREINFO and no QEMU CPU note; pass --root 0x...")
        }
        guard root.value.rawValue & 0xfff == 0 else { throw .contradiction("root \(hex(root.value)) is not page-aligned") }
        guard image.memory.contains(root.value, length: 4096) else {
            throw .outsideMemory(root.value.rawValue, 4096)
        }
        let fiveLevel = lv.value == 5
        let arch = X86_64(fiveLevel: fiveLevel, smeMask: sme)
        let tables = PageTables(arch: arch, memory: image.memory)

        var t = try FactTable(savedIn: image)
        if let size = vi?.number("KERNEL_IMAGE_SIZE") {
            t.offer(.kernelImageSize, UInt64(bitPattern: size), .vmcoreinfo("NUMBER(KERNEL_IMAGE_SIZE)"))
        }
        var kernelMarkers: KernelMarkerTable?
        if o.kernelConfig == nil && t[.ldtRemap] == nil {
            kernelMarkers = offerKernelMarkers(&t, image: image, tables: tables, root: root.value, fiveLevel: fiveLevel)
        }
        resolveBases(&t, image: image, options: o, tables: tables, root: root.value)
        if o.kernelConfig == nil, detectKASAN(tables: tables, root: root.value) {
            t.offer(.kasan, KasanMode.generic.rawValue, .inferred("the default KASAN shadow maps one read-only page twice, 1 TiB apart"))
        }
        if o.kernelConfig == nil {
            // PTI as it runs: the user copy of the PGD exists (boot-time `pti=off` has none).
            let user = ptiUserRoot(tables: tables, root: root.value) != nil
            t.offer(.ptiConfigured, user ? 1 : 0, .inferred(user ? "a PTI user PGD copy at root + 4K" : "no PTI user PGD copy at root + 4K"))
            if let off = vi?.kernelOffset, off != 0 { t.offer(.randomizeMemory, 1, .vmcoreinfo("KERNELOFFSET=\(hex(off)): KASLR on")) }
        }
        let context = LayoutContext(facts: t, levels: lv.value, pageSize: 4096, vaBits: fiveLevel ? 57 : 48)
        profile.value.configFacts(&t, o.kernelConfig, context)
        profile.value.derivedFacts(&t, context)
        var layout = profile.value.layout(LayoutContext(facts: t, levels: lv.value, pageSize: 4096, vaBits: fiveLevel ? 57 : 48))
        if let k = kernelMarkers { layout.adopt(markers: k.markers, source: k.source) }

        var platform = Platform(arch: image.archFact(kind),
                                paging: .x86_64(arch), root: root, levels: lv,
                                pageSize: Fact(4096, .defaultValue("x86_64")),
                                vaBits: Fact(fiveLevel ? 57 : 48, .defaultValue("from the level count")),
                                layout: layout, profile: profile)
        if o.translation.user {
            // The kernel's current_user file: the process's user PGD (the PTI copy at +4K when
            // there is one), here over the user half only.
            if let copy = ptiUserRoot(tables: tables, root: root.value) {
                platform.root = Fact(copy, .inferred("PTI user PGD at \(hex(root.value)) + 4K (\(root.source))"))
            }
            let top: UInt64 = fiveLevel ? 0x00ff_ffff_ffff_ffff : 0x0000_7fff_ffff_ffff
            platform.layout = platform.layout.restricted(to: WalkRange(first: 0, last: VirtualAddress(top)))
            platform.layout.finalAddress = top + 1
            platform.half = WalkRange(first: 0, last: VirtualAddress(top))
            platform.translationNote = [("user", "1")]
            return platform
        }
        if t.flag(.ptiConfigured), let user = ptiUserRoot(tables: tables, root: root.value) {
            platform.extraCheckRoots.append(Fact(user, .inferred("PTI user PGD at root + 4K")))
        }
        // The PGD each CPU ran on (a process's: its kernel half is a copy of init_top_pgt's);
        // with PTI, CR3 may name the user copy at +4K, whose kernel copy is 4K below.
        for (i, cpu) in image.x86CPUStates.enumerated() {
            var r = cpu.cr3 & 0x000f_ffff_ffff_f000 & ~sme
            if t.flag(.ptiConfigured) && r & 0x1000 != 0 { r &= ~0x1000 }
            platform.cpuRoots.append(Fact(PhysicalAddress(r), .cpuNote("CR3 of CPU \(i)")))
        }
        return platform
    }

    /// The facts the kernel's own `address_markers[]` gives, when the dump holds it: which
    /// optional markers exist, the bases KASLR chose, the fixmap and module starts.
    static func offerKernelMarkers(_ t: inout FactTable, image: Image, tables: PageTables<X86_64>, root: PhysicalAddress,
                                   fiveLevel: Bool) -> KernelMarkerTable? {
        let stext = image.vmcoreinfo?.symbol("_stext") ?? (startKernelMap + (16 << 20))
        guard let m = KernelMarkerTable.find(tables: tables, root: root, from: VirtualAddress(stext), span: 64 << 20,
                                             vmcoreinfo: image.vmcoreinfo, shape: .init(anchor: "Low Kernel Mapping", entrySize: 24)) else { return nil }
        let src = m.source
        t.offer(.ldtRemap, m.has("LDT remap") ? 1 : 0, src)
        t.offer(.espfix, m.has("ESPfix Area") ? 1 : 0, src)
        t.offer(.efi, m.has("EFI Runtime Services") ? 1 : 0, src)
        t.offer(.pageOffsetBase, m.start(of: "Low Kernel Mapping"), src)
        t.offer(.vmallocBase, m.start(of: "vmalloc() Area"), src)
        t.offer(.vmemmapBase, m.start(of: "Vmemmap"), src)
        if let modules = m.start(of: "Modules"), modules > startKernelMap { t.offer(.kernelImageSize, modules - startKernelMap, src) }
        if let fixmap = m.start(of: "Fixmap Area"), fixmap < fixmapTop { t.offer(.fixmapPages, (fixmapTop - fixmap) / 4096, src) }
        if let shadow = m.start(of: "KASAN shadow") {
            t.offer(.kasan, KasanMode.generic.rawValue, src)
            let vshift: UInt64 = fiveLevel ? 56 : 47
            t.offer(.kasanShadowOffset, shadow &- ((UInt64.max << vshift) >> 3), src)
        } else {
            t.offer(.kasan, KasanMode.off.rawValue, src)
        }
        return m
    }

    /// page_offset_base, vmalloc_base, vmemmap_base: read through `--system-map`, else inferred
    /// from the tables when KASLR moved them, else the defaults.
    static func resolveBases(_ t: inout FactTable, image: Image, options o: Options, tables: PageTables<X86_64>, root: PhysicalAddress) {
        let keys: [LayoutKey] = [.pageOffsetBase, .vmallocBase, .vmemmapBase]
        let vi = image.vmcoreinfo
        if let map = o.systemMap {
            let offset = vi?.kernelOffset ?? 0
            let physBase = UInt64(bitPattern: vi?.number("phys_base") ?? 0)
            for k in keys {
                guard let sym = map.symbols[k.name] else { continue }
                let va = sym &+ offset
                let pa = PhysicalAddress(va &- startKernelMap &+ physBase)
                if let v = try? image.memory.u64(pa) { t.offer(k, v, .memory("\(k.name) \(hex(va)) (System.map)")) }
            }
        }
        let (dpo, dvm, dvmemmap) = defaultBases(fiveLevel: tables.arch.fiveLevel)
        let kaslrOff = vi?.kernelOffset == 0
            || o.kernelConfig.map { !$0.isEnabled("RANDOMIZE_MEMORY") || $0.isEnabled("KASAN") } == true
        if kaslrOff {
            let why = vi?.kernelOffset == 0 ? "KERNELOFFSET=0: no KASLR" : "no CONFIG_RANDOMIZE_MEMORY"
            t.offer(keys[0], dpo, .defaultValue(why))
            t.offer(keys[1], dvm, .defaultValue(why))
            t.offer(keys[2], dvmemmap, .defaultValue(why))
            return
        }
        // kdump cores give each RAM segment its direct-map address: p_vaddr - p_paddr.
        if let h = image.virtualHints.first(where: { $0.vaddr >= dpo && $0.vaddr < 0xffff_ffff_8000_0000 }) {
            t.offer(keys[0], h.vaddr &- h.paddr, .init("ELF PT_LOAD p_vaddr - p_paddr (kdump direct map)"))
        }
        if t[keys[0]] == nil || t[keys[1]] == nil || t[keys[2]] == nil {
            if let (po, vm, vmm) = inferBases(image: image, tables: tables, root: root) {
                t.offer(keys[0], po, .inferred("direct map: first leaf VA - PA"))
                t.offer(keys[1], vm, .inferred("first mapping after the direct map"))
                t.offer(keys[2], vmm, .inferred("first mapping after the vmalloc area"))
            }
        }
        let d = FactSource.defaultValue("not found in the image")
        t.offer(keys[0], dpo, d)
        t.offer(keys[1], dvm, d)
        t.offer(keys[2], dvmemmap, d)
    }

    /// KASLR places the direct map, vmalloc and vmemmap PUD-aligned and in that order between
    /// the default direct-map base and the CPU entry area (`arch/x86/mm/kaslr.c`).
    static func inferBases(image: Image, tables tr: PageTables<X86_64>, root: PhysicalAddress) -> (UInt64, UInt64, UInt64)? {
        let pud: UInt64 = 1 << 30
        let tb: UInt64 = 1 << 40
        let (dpo, _, _) = defaultBases(fiveLevel: tr.arch.fiveLevel)
        let windowEnd = VirtualAddress(0xffff_fdff_ffff_ffff)
        guard let first = tr.firstLeaf(root: root, from: VirtualAddress(dpo), last: windowEnd) else { return nil }
        let po = first.va.rawValue &- first.pa.rawValue
        guard po & (pud - 1) == 0, po >= dpo else { return nil }
        let maxPA = image.memory.regions.last?.end.rawValue ?? 0
        let directTB = (maxPA / tb) + (maxPA % tb == 0 ? 0 : 1) + 10
        guard let v = tr.firstLeaf(root: root, from: VirtualAddress(po &+ directTB &* tb), last: windowEnd) else { return nil }
        let vm = v.va.rawValue & ~(pud - 1)
        let vmallocTB: UInt64 = tr.arch.fiveLevel ? 12800 : 32
        guard let w = tr.firstLeaf(root: root, from: VirtualAddress(vm &+ vmallocTB * tb), last: windowEnd) else { return nil }
        return (po, vm, w.va.rawValue & ~(pud - 1))
    }

    /// KASAN's early shadow maps one read-only page all over the shadow region: two addresses
    /// 1 TiB apart at the default KASAN_SHADOW_START translate to the same read-only page.
    /// (Nothing else lives there: KASLR is off with KASAN, and randomized regions are writable.)
    static func detectKASAN(tables: PageTables<X86_64>, root: PhysicalAddress) -> Bool {
        let start: UInt64 = tables.arch.fiveLevel ? 0xffdf_fc00_0000_0000 : 0xffff_ec00_0000_0000
        guard let a = tables.readOnlyPage(VirtualAddress(start), root: root),
              let b = tables.readOnlyPage(VirtualAddress(start + (1 << 40)), root: root) else { return false }
        return a == b
    }

    /// With PTI the kernel PGD (8K-aligned) is followed by the user copy, which the W^X check
    /// walks too: taken when the copy maps the CPU entry area and no kernel PGD entry points at it.
    static func ptiUserRoot(tables: PageTables<X86_64>, root: PhysicalAddress) -> PhysicalAddress? {
        guard root.rawValue & 0x1fff == 0 else { return nil }
        let user = root + 0x1000
        guard let kernel = try? tables.table(at: root, level: 0), let copy = try? tables.table(at: user, level: 0) else { return nil }
        let cea = tables.index(of: VirtualAddress(0xffff_fe00_0000_0000), level: 0)
        let present = X86EntryBits.present.rawValue, pfn = tables.arch.pfnMask
        guard copy[cea] & present != 0 else { return nil }
        for i in 0..<kernel.entries where kernel[i] & present != 0 && kernel[i] & pfn == user.rawValue { return nil }
        return user
    }
}
