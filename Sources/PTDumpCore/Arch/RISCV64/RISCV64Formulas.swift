/// The riscv64 address-space formulas of Linux 6.1 (`arch/riscv/include/asm/pgtable.h`,
/// `page.h`, `kasan.h`), by VA size (39, 48 or 57 bits: Sv39, Sv48, Sv57).
public enum RISCV64Formulas {
    /// `KERNEL_LINK_ADDR` = `ADDRESS_SPACE_END - SZ_2G + 1` (`kernel_map.virt_addr`; no KASLR in 6.1).
    public static let kernelLinkAddress: UInt64 = 0xffff_ffff_8000_0000

    /// `CONFIG_KASAN_SHADOW_OFFSET` (64-bit).
    public static let kasanShadowOffset: UInt64 = 0xdfff_ffff_0000_0000

    /// `PAGE_OFFSET_L3`, `PAGE_OFFSET_L4`, `CONFIG_PAGE_OFFSET`.
    public static func pageOffset(vaBits: Int) -> UInt64 {
        switch vaBits {
        case 39: return 0xffff_ffd8_0000_0000
        case 48: return 0xffff_af80_0000_0000
        default: return 0xff60_0000_0000_0000
        }
    }

    /// `PGDIR_SIZE` at run time (the top real level's entry span).
    static func pgdirSize(vaBits: Int) -> UInt64 { UInt64(1) << UInt64(vaBits - 9) }

    /// `KERN_VIRT_START` = `-(1 << VA_BITS) + TASK_SIZE`, `TASK_SIZE` = `PGDIR_SIZE * 512 / 2`:
    /// the first kernel-half address, where ptdump's walk starts.
    public static func kernelVirtStart(vaBits: Int) -> UInt64 { UInt64.max << UInt64(vaBits - 1) }

    /// `VMALLOC_START` = `PAGE_OFFSET - KERN_VIRT_SIZE / 2`, `KERN_VIRT_SIZE` = `512 / 2 * PGDIR_SIZE / 2`.
    public static func vmallocStart(pageOffset: UInt64, vaBits: Int) -> UInt64 {
        pageOffset &- (pgdirSize(vaBits: vaBits) << 6)
    }

    /// `VMEMMAP_START` = `VMALLOC_START - (1 << (VA_BITS - PAGE_SHIFT - 1 + STRUCT_PAGE_MAX_SHIFT))`.
    public static func vmemmapStart(pageOffset: UInt64, vaBits: Int, structPageShift: Int) -> UInt64 {
        vmallocStart(pageOffset: pageOffset, vaBits: vaBits) &- (UInt64(1) << UInt64(vaBits - 13 + structPageShift))
    }

    /// `FIXADDR_TOP` = `PCI_IO_START` = `VMEMMAP_START - SZ_16M`.
    public static func fixmapTop(vmemmapStart: UInt64) -> UInt64 { vmemmapStart &- (16 << 20) }

    /// `FIXADDR_START` = `FIXADDR_TOP - (PMD_SIZE + FIX_FDT_SIZE)`, 6 MiB on 64-bit. (Its value
    /// is printed first but never compared with anything.)
    public static func fixmapStart(vmemmapStart: UInt64) -> UInt64 { fixmapTop(vmemmapStart: vmemmapStart) &- (6 << 20) }

    /// `MODULES_VADDR` = `PFN_ALIGN(&_end) - SZ_2G`.
    public static func modulesStart(kernelEnd: UInt64) -> UInt64 { ((kernelEnd &+ 0xfff) & ~0xfff) &- (2 << 30) }

    /// `KASAN_SHADOW_END` = `MODULES_LOWEST_VADDR` = `KERNEL_LINK_ADDR - SZ_2G`.
    public static let kasanShadowEnd: UInt64 = kernelLinkAddress &- (2 << 30)

    /// `KASAN_SHADOW_START` = `(KASAN_SHADOW_END - (1 << (VA_BITS - 1 - 3))) & PGDIR_MASK`.
    public static func kasanShadowStart(vaBits: Int) -> UInt64 {
        (kasanShadowEnd &- (UInt64(1) << UInt64(vaBits - 4))) & ~(pgdirSize(vaBits: vaBits) - 1)
    }

    /// The KASAN shadow of `va` (`kasan_mem_to_shadow`).
    public static func kasanShadow(of va: UInt64) -> UInt64 { (va >> 3) &+ kasanShadowOffset }
}
