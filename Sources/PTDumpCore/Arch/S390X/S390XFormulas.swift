/// The s390x kernel address-space layout of Linux 6.1, as the decompressor computes it
/// (`setup_vmalloc_size` and `setup_kernel_memory_layout` in `arch/s390/boot/startup.c`):
/// identity mapping, then vmemmap, vmalloc, modules, the absolute lowcore and the
/// memcpy_real page, top-down from the end of the region-second or region-first reach.
public struct S390XFormulas: Sendable, Equatable {
    /// `_SEGMENT_SIZE`, `_REGION3_SIZE`, `_REGION2_SIZE`, `_REGION1_SIZE`.
    public static let segmentSize: UInt64 = 1 << 20
    public static let region3Size: UInt64 = 1 << 31
    public static let region2Size: UInt64 = 1 << 42
    public static let region1Size: UInt64 = 1 << 53
    /// `MODULES_LEN`.
    public static let modulesLength: UInt64 = 1 << 31
    /// `VMALLOC_DEFAULT_SIZE` = 512 GiB − `MODULES_LEN`.
    public static let vmallocDefaultSize: UInt64 = (512 << 30) - modulesLength
    /// `sizeof(struct lowcore)` (`LC_PAGES` pages).
    public static let lowcoreSize: UInt64 = 8192
    /// `CONFIG_KASAN_SHADOW_OFFSET` default (`KASAN_SHADOW_START`).
    public static let kasanShadowStart: UInt64 = 0x1c_0000_0000_0000
    /// `KASAN_SHADOW_END` = start + 2^(53 − 3).
    public static let kasanShadowEnd: UInt64 = kasanShadowStart + (1 << 50)

    public var vmemmap: UInt64 = 0
    public var vmemmapSize: UInt64 = 0
    public var vmallocStart: UInt64 = 0
    public var vmallocEnd: UInt64 = 0
    public var modulesStart: UInt64 = 0
    public var modulesEnd: UInt64 = 0
    public var absLowcore: UInt64 = 0
    /// `ABS_LOWCORE_MAP_SIZE` = `NR_CPUS * sizeof(struct lowcore)`.
    public var absLowcoreSize: UInt64 = 0
    public var memcpyRealArea: UInt64 = 0
    /// `ident_map_size` after the layout capped it.
    public var identMapSize: UInt64 = 0
    /// The reach of the kernel ASCE: `_REGION2_SIZE` (a region-third table) or `_REGION1_SIZE`.
    public var addressSpaceEnd: UInt64 = 0

    /// Runs the decompressor's computation. `vmallocSize` is the value before it (the default,
    /// raised to an eighth of memory, or `vmalloc=`).
    public init(identMapSize ident0: UInt64, vmallocSize v0: UInt64, structPageSize sp: UInt64, sectionSizeBits: Int,
                maxPhysmemBits: Int, nrCpus: UInt64, kasan: Bool) {
        let seg = Self.segmentSize, r3 = Self.region3Size, r2 = Self.region2Size
        let perSection = UInt64(1) << UInt64(max(0, min(63, sectionSizeBits - 12)))
        func sectionAlignUp(_ p: UInt64) -> UInt64 { (p &+ perSection &- 1) & ~(perSection &- 1) }
        func roundUp(_ x: UInt64, _ a: UInt64) -> UInt64 { (x &+ a &- 1) & ~(a &- 1) }
        func roundDown(_ x: UInt64, _ a: UInt64) -> UInt64 { x & ~(a &- 1) }
        var ident = ident0
        var vmallocSize = v0
        vmemmapSize = sectionAlignUp(ident / 4096) &* sp
        var vmemmapStart = roundUp(ident, r3)
        var vmax: UInt64, rte: UInt64
        if kasan || vmallocSize > r2 || vmemmapStart &+ vmemmapSize &+ vmallocSize &+ Self.modulesLength > r2 {
            vmax = Self.region1Size
            rte = r2
        } else {
            vmax = r2
            rte = r3
        }
        addressSpaceEnd = vmax
        if kasan { vmax = min(vmax, Self.kasanShadowStart) }
        memcpyRealArea = roundDown(vmax &- 4096, 4096)
        absLowcoreSize = nrCpus &* Self.lowcoreSize
        absLowcore = roundDown(memcpyRealArea &- absLowcoreSize, Self.lowcoreSize)
        modulesEnd = roundDown(absLowcore, seg)
        modulesStart = modulesEnd &- Self.modulesLength
        vmallocEnd = modulesStart
        vmallocSize = min(vmallocSize, roundDown(vmallocEnd / 2, r3))
        vmallocStart = vmallocEnd &- vmallocSize
        let pages = sectionAlignUp(vmallocStart / (4096 &+ sp))
        vmemmapStart = roundDown(vmallocStart &- pages &* sp, rte)
        if maxPhysmemBits < 64 { vmemmapStart = min(vmemmapStart, UInt64(1) << UInt64(max(0, maxPhysmemBits))) }
        ident = min(ident, vmemmapStart)
        vmemmapSize = sectionAlignUp(ident / 4096) &* sp
        vmallocStart = max(vmemmapStart &+ vmemmapSize, vmallocStart)
        vmemmap = vmemmapStart
        identMapSize = ident
    }

    /// `setup_vmalloc_size` without `vmalloc=`: an eighth of the memory, rounded up to a
    /// segment, when that is more than the default.
    public static func defaultVmallocSize(identMapSize: UInt64) -> UInt64 {
        max((identMapSize / 8 &+ segmentSize &- 1) & ~(segmentSize &- 1), vmallocDefaultSize)
    }
}
