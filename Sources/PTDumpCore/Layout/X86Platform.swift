/// Finds the root, paging mode and layout facts of an x86_64 image; first source wins.
public enum X86Platform {
    /// `--root`, the compact image's note, VMCOREINFO, then the first CPU's QEMU note.
    public static func resolve(image: Image, options o: Options) throws(ImageError) -> Platform {
        let vi = image.vmcoreinfo
        let sme = UInt64(bitPattern: vi?.number("sme_mask") ?? 0)
        var levels: Fact<Int>?
        if let l = o.levels {
            guard l == 4 || l == 5 else { throw .contradiction("--levels \(l): x86_64 has 4 or 5 levels") }
            levels = Fact(l, .flag("--levels"))
        } else if let v = image.noteValue("levels").flatMap({ Int($0) }) {
            levels = Fact(v, .imageNote("levels"))
        } else if let l5 = vi?.number("pgtable_l5_enabled") {
            levels = Fact(l5 != 0 ? 5 : 4, .vmcoreinfo("NUMBER(pgtable_l5_enabled)"))
        } else if let cpu = image.cpuStates.first {
            levels = Fact(cpu.la57 ? 5 : 4, .cpuNote("CR4.LA57"))
        }
        let lv = levels ?? Fact(4, .defaultValue("no VMCOREINFO or CPU note says otherwise"))
        if let ps = o.pageSize, ps != 4096 { throw .contradiction("--page-size \(ps): x86_64 pages are 4K") }

        var ptiConfigured: Bool? = nil
        if let c = o.kernelConfig { ptiConfigured = c.isEnabled("PAGE_TABLE_ISOLATION") }

        var root: Fact<UInt64>?
        if let r = try PlatformResolver.userRoot(image: image, options: o) {
            root = r
        } else if let v = image.noteValue("root").flatMap(VMCoreInfo.parseHex) {
            root = Fact(v, .imageNote("root"))
        } else if let vi, let sym = vi.symbol("init_top_pgt") ?? vi.symbol("swapper_pg_dir") {
            let physBase = UInt64(bitPattern: vi.number("phys_base") ?? 0)
            let key = vi.symbol("init_top_pgt") != nil ? "SYMBOL(init_top_pgt)" : "SYMBOL(swapper_pg_dir)"
            root = Fact(sym &- X86Layout.startKernelMap &+ physBase, .vmcoreinfo("\(key) - __START_KERNEL_map + NUMBER(phys_base)"))
        } else if let cpu = image.cpuStates.first {
            var r = cpu.cr3 & 0x000f_ffff_ffff_f000 & ~sme
            var how = "CR3"
            if ptiConfigured == true && r & 0x1000 != 0 { r &= ~0x1000; how = "CR3 without the PTI user bit" }
            root = Fact(r, .cpuNote(how))
        }
        guard let root else {
            throw .missingFact("no page-table root found: the image has no VMCOREINFO and no QEMU CPU note; pass --root 0x...")
        }
        guard root.value & 0xfff == 0 else { throw .contradiction("root \(hex(root.value)) is not page-aligned") }
        guard image.memory.contains(root.value, length: 4096) else {
            throw .outsideMemory(root.value, 4096)
        }
        let fiveLevel = lv.value == 5
        let arch = X86_64(fiveLevel: fiveLevel, smeMask: sme)

        var t = FactTable(savedIn: image)
        if let size = vi?.number("KERNEL_IMAGE_SIZE") {
            t.offer("kernel_image_size", UInt64(bitPattern: size), .vmcoreinfo("NUMBER(KERNEL_IMAGE_SIZE)"))
        }
        resolveBases(&t, image: image, options: o, arch: arch, root: root.value)
        if o.kernelConfig == nil, detectKASAN(memory: image.memory, arch: arch, root: root.value) {
            t.offer("kasan", 1, .inferred("the default KASAN shadow maps one read-only page twice, 1 TiB apart"))
        }
        X86Layout.offerConfigFacts(&t, config: o.kernelConfig)
        let layout = X86Layout.layout(fiveLevel: fiveLevel, facts: t)

        var platform = Platform(arch: Fact(.x86_64, image.arch != nil ? .elfHeader("e_machine") : .flag("--arch")),
                                paging: .x86(arch), root: root, levels: lv,
                                pageSize: Fact(4096, .defaultValue("x86_64")),
                                vaBits: Fact(fiveLevel ? 57 : 48, .defaultValue("from the level count")),
                                layout: layout, textStyle: .x86, wxRule: .x86)
        if let user = ptiUserRoot(memory: image.memory, root: root.value, fiveLevel: fiveLevel, facts: t) {
            platform.extraCheckRoots.append(Fact(user, .inferred("PTI user PGD at root + 4K")))
        }
        return platform
    }

    /// page_offset_base, vmalloc_base, vmemmap_base: read through `--system-map`, else inferred
    /// from the tables when KASLR moved them, else the defaults.
    static func resolveBases(_ t: inout FactTable, image: Image, options o: Options, arch: X86_64, root: UInt64) {
        let names = ["page_offset_base", "vmalloc_base", "vmemmap_base"]
        let vi = image.vmcoreinfo
        if let map = o.systemMap {
            let offset = vi?.kernelOffset ?? 0
            let physBase = UInt64(bitPattern: vi?.number("phys_base") ?? 0)
            for n in names {
                guard let sym = map.symbols[n] else { continue }
                let va = sym &+ offset
                let pa = va &- X86Layout.startKernelMap &+ physBase
                if let v = try? image.memory.u64(pa) { t.offer(n, v, .memory("\(n) \(hex(va)) (System.map)")) }
            }
        }
        let (dpo, dvm, dvmemmap) = X86Layout.defaultBases(fiveLevel: arch.fiveLevel)
        let kaslrOff = vi?.kernelOffset == 0
            || o.kernelConfig.map { !$0.isEnabled("RANDOMIZE_MEMORY") || $0.isEnabled("KASAN") } == true
        if kaslrOff {
            let why = vi?.kernelOffset == 0 ? "KERNELOFFSET=0: no KASLR" : "no CONFIG_RANDOMIZE_MEMORY"
            t.offer(names[0], dpo, .defaultValue(why))
            t.offer(names[1], dvm, .defaultValue(why))
            t.offer(names[2], dvmemmap, .defaultValue(why))
            return
        }
        // kdump cores give each RAM segment its direct-map address: p_vaddr - p_paddr.
        if let h = image.virtualHints.first(where: { $0.vaddr >= dpo && $0.vaddr < 0xffff_ffff_8000_0000 }) {
            t.offer(names[0], h.vaddr &- h.paddr, .init("ELF PT_LOAD p_vaddr - p_paddr (kdump direct map)"))
        }
        if t[names[0]] == nil || t[names[1]] == nil || t[names[2]] == nil {
            let inferred = inferBases(image: image, arch: arch, root: root)
            if let (po, vm, vmm) = inferred {
                t.offer(names[0], po, .inferred("direct map: first leaf VA - PA"))
                t.offer(names[1], vm, .inferred("first mapping after the direct map"))
                t.offer(names[2], vmm, .inferred("first mapping after the vmalloc area"))
            }
        }
        let d = FactSource.defaultValue("not found in the image")
        t.offer(names[0], dpo, d)
        t.offer(names[1], dvm, d)
        t.offer(names[2], dvmemmap, d)
    }

    /// KASLR places the direct map, vmalloc and vmemmap PUD-aligned and in that order between
    /// the default direct-map base and the CPU entry area (`arch/x86/mm/kaslr.c`).
    static func inferBases(image: Image, arch: X86_64, root: UInt64) -> (UInt64, UInt64, UInt64)? {
        let tr = Translator(arch: arch, memory: image.memory)
        let pud: UInt64 = 1 << 30
        let tb: UInt64 = 1 << 40
        let (dpo, _, _) = X86Layout.defaultBases(fiveLevel: arch.fiveLevel)
        let windowEnd: UInt64 = 0xffff_fdff_ffff_ffff
        guard let first = tr.firstLeaf(root: root, from: dpo, last: windowEnd) else { return nil }
        let po = first.va &- first.pa
        guard po & (pud - 1) == 0, po >= dpo else { return nil }
        let maxPA = image.memory.segments.last?.physicalEnd ?? 0
        let directTB = (maxPA + tb - 1) / tb + 10
        guard let v = tr.firstLeaf(root: root, from: po &+ directTB * tb, last: windowEnd) else { return nil }
        let vm = v.va & ~(pud - 1)
        let vmallocTB: UInt64 = arch.fiveLevel ? 12800 : 32
        guard let w = tr.firstLeaf(root: root, from: vm &+ vmallocTB * tb, last: windowEnd) else { return nil }
        return (po, vm, w.va & ~(pud - 1))
    }

    /// KASAN's early shadow maps one read-only page all over the shadow region: two addresses
    /// 1 TiB apart at the default KASAN_SHADOW_START translate to the same read-only page.
    /// (Nothing else lives there: KASLR is off with KASAN, and randomized regions are writable.)
    static func detectKASAN(memory: PhysicalMemory, arch: X86_64, root: UInt64) -> Bool {
        let start: UInt64 = arch.fiveLevel ? 0xffdf_fc00_0000_0000 : 0xffff_ec00_0000_0000
        let tr = Translator(arch: arch, memory: memory)
        guard let a = tr.readOnlyPage(start, root: root), let b = tr.readOnlyPage(start + (1 << 40), root: root) else { return false }
        return a == b
    }

    /// With PTI the kernel PGD is followed by the user copy, which the W^X check walks too.
    static func ptiUserRoot(memory: PhysicalMemory, root: UInt64, fiveLevel: Bool, facts t: FactTable) -> UInt64? {
        guard t.flag("pti_configured"), root & 0x1fff == 0 else { return nil }
        let user = root + 0x1000
        guard let kernel = try? memory.table(at: root, entries: 512),
              let copy = try? memory.table(at: user, entries: 512) else { return nil }
        let shift: UInt64 = fiveLevel ? 48 : 39
        let ceaIndex = Int((0xffff_fe00_0000_0000 as UInt64) >> shift & 511)
        guard copy[ceaIndex] & 1 != 0 else { return nil }
        for i in 0..<512 where kernel[i] & 1 != 0 && kernel[i] & 0x000f_ffff_ffff_f000 == user { return nil }
        return user
    }
}
