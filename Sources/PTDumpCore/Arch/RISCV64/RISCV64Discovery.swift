/// What a riscv64 dump does not say and has to be found in it: the root and paging mode
/// (a QEMU riscv dump has no CSRs, and `satp` at dump time is whatever mm the hart ran), and
/// `kernel_map` (`_end` is not in 6.1's VMCOREINFO). Every search is bounded by the dump's RAM
/// or the kernel image.
enum RISCV64Discovery {
    static let pmdSize: UInt64 = 2 << 20

    /// The hardware's Sv39/48/57 walk of `va` from `root` (V required at every level, a leaf
    /// is any of R/W/X): the physical address, or nil when it does not translate.
    static func translate(_ memory: any PhysicalMemory, root: UInt64, levels: Int, va: UInt64) -> UInt64? {
        let bits = UInt64(RISCV64.vaBits(levels: levels))
        let top = va >> (bits - 1)
        guard top == 0 || top == UInt64.max >> (bits - 1) else { return nil }
        var table = root
        for lvl in stride(from: levels - 1, through: 0, by: -1) {
            let shift = UInt64(12 + 9 * lvl)
            guard let e = try? memory.u64(PhysicalAddress(table &+ 8 * ((va >> shift) & 511))),
                  e & RISCV64EntryBits.present.rawValue != 0 else { return nil }
            if e & RISCV64EntryBits.leaf.rawValue != 0 {
                return RISCV64.address(e) &+ (va & ((UInt64(1) << shift) - 1))
            }
            table = RISCV64.address(e)
        }
        return nil
    }

    /// Every (root, levels) under which `swapper_pg_dir` is the kernel's root, by trial
    /// (prototype `locate_kernel`): `swapper_pg_dir` is a kernel-image symbol, so its PA is the
    /// VA minus `va_kernel_pa_offset`, a multiple of 2 MiB (`kernel_map.phys_addr` and
    /// `virt_addr` are PMD-aligned). Each 2 MiB-congruent page of RAM is tried in each mode in
    /// `modes`; a candidate must translate `swapper_pg_dir` to itself and
    /// `init_uts_ns.name.release` to VMCOREINFO's `OSRELEASE`.
    static func locateSwapper(_ memory: any PhysicalMemory, vmcoreinfo vi: VMCoreInfo, modes: [Int]) -> [(root: UInt64, levels: Int)] {
        guard let sym = vi.symbol("swapper_pg_dir") else { return [] }
        let release = vi.value("OSRELEASE").map { Array($0.utf8) + [0] }
        let uts = vi.symbol("init_uts_ns").map { $0 &+ UInt64(bitPattern: offset(vi, "uts_namespace.name")) }
        var found: [(UInt64, Int)] = []
        for r in memory.storedRegions {
            var root = (r.start.rawValue & ~(pmdSize - 1)) | (sym & (pmdSize - 1))
            if root < r.start.rawValue { root &+= pmdSize }
            while root < r.end.rawValue, r.end.rawValue - root >= 4096 {
                for levels in modes where translate(memory, root: root, levels: levels, va: sym) == root {
                    if let uts, let release {
                        // `struct new_utsname`: six 65-byte fields; `release` is the third.
                        guard let pa = translate(memory, root: root, levels: levels, va: uts &+ 130),
                              let text = try? memory.read(PhysicalAddress(pa), length: release.count), text == release else { continue }
                    }
                    found.append((root, levels))
                }
                let (next, o) = root.addingReportingOverflow(pmdSize)
                if o { break }
                root = next
            }
        }
        return found
    }

    /// `OFFSET(name)` (decimal), 0 when absent.
    static func offset(_ vi: VMCoreInfo, _ name: String) -> Int64 { vi.value("OFFSET(\(name))").flatMap { Int64($0) } ?? 0 }

    /// Bytes of the kernel image mapping at `KERNEL_LINK_ADDR`: 2 MiB steps while they
    /// translate (the image is mapped with PMD leaves), at most 2 GiB.
    static func kernelMappingExtent(_ memory: any PhysicalMemory, root: UInt64, levels: Int) -> UInt64 {
        var size: UInt64 = 0
        while size < 2 << 30,
              translate(memory, root: root, levels: levels, va: RISCV64Formulas.kernelLinkAddress &+ size) != nil {
            size += pmdSize
        }
        return size
    }

    /// `struct kernel_mapping kernel_map` (`arch/riscv/include/asm/page.h`): seven words,
    /// `page_offset, virt_addr, phys_addr, size, va_pa_offset, va_kernel_pa_offset,
    /// va_kernel_xip_pa_offset`. Searched 8-aligned in the kernel image `[phys, phys + extent)`
    /// (at most its first 128 MiB: kernel images are far smaller) for its first three words,
    /// the two offsets checked; every hit must agree on `size`.
    static func kernelMap(_ memory: any PhysicalMemory, pageOffset: UInt64, phys: UInt64, extent: UInt64)
        -> (pa: UInt64, size: UInt64)? {
        let virt = RISCV64Formulas.kernelLinkAddress
        var hits: [(UInt64, UInt64)] = []
        var pa = phys
        let (end, o) = phys.addingReportingOverflow(min(extent, 128 << 20))
        while pa < (o ? UInt64.max : end) {
            let chunk = (try? memory.read(PhysicalAddress(pa), length: 4096 + 48)) ?? (try? memory.read(PhysicalAddress(pa), length: 4096))
            guard let bytes = chunk else { pa &+= 4096; continue }
            func word(_ o: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[o + $1]) << (8 * UInt64($1)) } }
            var o = 0
            while o + 56 <= bytes.count && o < 4096 {
                if word(o) == pageOffset && word(o + 8) == virt && word(o + 16) == phys
                    && word(o + 32) == pageOffset &- phys && word(o + 40) == virt &- phys {
                    hits.append((pa &+ UInt64(o), word(o + 24)))
                }
                o += 8
            }
            pa &+= 4096
        }
        guard let first = hits.first, hits.allSatisfy({ $0.1 == first.1 }), first.1 > 0, first.1 < 2 << 30 else { return nil }
        return first
    }
}
