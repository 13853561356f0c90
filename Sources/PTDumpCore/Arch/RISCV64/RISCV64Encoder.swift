/// How the builder writes riscv64 entries: V-only table pointers, 1 GiB and 2 MiB leaves
/// (6.1's ptdump notes no leaf above the pud), and `PAGE_KERNEL`-style leaves (R, A, D always).
struct RISCV64Encoder: LeafEncoder {
    let arch: RISCV64
    var paging: Paging { .riscv64(arch) }
    let blockShifts: Set<Int> = [30, 21]
    /// PPN is 44 bits.
    let physicalLimit: UInt64 = 1 << 56
    /// RAM of QEMU's `virt` machine.
    let defaultPhysicalBase: UInt64 = 0x8000_0000
    let userTableBits: UInt64 = 0

    func table(_ pa: PhysicalAddress) -> UInt64 { (pa.rawValue >> 12) << 10 | RISCV64EntryBits.present.rawValue }

    /// 6.1's ptdump shows no Svpbmt memory type, so a walk could not read one back.
    func unsupportedReason(_ a: MappingAttributes) -> String? {
        a.memoryType == .normal ? nil : "riscv64 Linux 6.1's ptdump shows no memory type (Svpbmt), only normal memory round-trips"
    }

    func leaf(_ pa: PhysicalAddress, _ a: MappingAttributes, last: Bool) -> UInt64 {
        var b: RISCV64EntryBits = [.present, .read, .accessed, .dirty]
        if a.write { b.insert(.write) }
        if a.execute { b.insert(.exec) }
        if a.user { b.insert(.user) }
        if a.global { b.insert(.global) }
        return (pa.rawValue >> 12) << 10 | b.rawValue
    }

    func attributes(prot: UInt64, effective: UInt64) -> MappingAttributes? {
        let p = arch.permissions(prot: prot & RISCV64.protMask, effective: effective)
        guard p.present else { return nil }
        return MappingAttributes(write: p.write, execute: p.execute, userExecute: p.userExecute, user: p.user,
                                 global: prot & RISCV64EntryBits.global.rawValue != 0, memoryType: .normal)
    }

    /// RISC-V has no separate user-execute bit: X on a U page is user-executable.
    func canonical(_ attributes: MappingAttributes) -> MappingAttributes {
        var a = attributes
        a.userExecute = a.user && a.execute
        return a
    }

    var walkRanges: [WalkRange] {
        [WalkRange(first: VirtualAddress(RISCV64Formulas.kernelVirtStart(vaBits: arch.vaBits)), last: .max)]
    }

    var noteFacts: [(key: LayoutKey, value: UInt64)] {
        [(.kasan, KasanMode.off.rawValue), (.riscvSparsememVmemmap, 1), (.riscvStructPageShift, 6),
         (.riscvTransparentHugepage, 0), (.riscvKernelEnd, RISCV64Formulas.kernelLinkAddress)]
    }

    /// The kernel image is linked at `KERNEL_LINK_ADDR`.
    func defaultLinkAddress(physicalBase: UInt64) -> UInt64 { RISCV64Formulas.kernelLinkAddress }

    var pagingOptions: Options { Options(levels: arch.levelCount) }
}

extension PagingMode {
    /// riscv64 Sv39 (3 levels), Sv48 (4) or Sv57 (5).
    public static func riscv64(levels: Int) -> PagingMode {
        PagingMode(arch: .riscv64, pageSize: 4096, vaBits: RISCV64.vaBits(levels: levels), levels: levels,
                   description: "riscv64 Sv\(RISCV64.vaBits(levels: levels))")
    }
}

extension RISCV64Port {
    /// Sv39, Sv48 and Sv57.
    public static var builderModes: [PagingMode] { [.riscv64(levels: 3), .riscv64(levels: 4), .riscv64(levels: 5)] }

    public static func encoder(for mode: PagingMode) throws(ImageError) -> any LeafEncoder {
        guard mode.pageSize == 4096, let a = RISCV64(levels: mode.levels) else {
            throw .contradiction("riscv64 has 3, 4 or 5 levels of 4K pages, not \(mode.levels)")
        }
        return RISCV64Encoder(arch: a)
    }
}
