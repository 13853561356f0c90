/// The s390x layout facts (names of `arch/s390` variables in the comments).
extension LayoutKey {
    /// `_stext` (`SYMBOL(_stext)`): the kernel image starts here, in the identity mapping.
    public static let s390Stext = LayoutKey("stext")
    /// `_end`: the end of the kernel image (`init_mm.brk`).
    public static let s390KernelEnd = LayoutKey("kernel_end")
    /// `__samode31` (VMCOREINFO `SAMODE31`).
    public static let s390Amode31Start = LayoutKey("amode31_start")
    /// `__eamode31` (VMCOREINFO `EAMODE31`).
    public static let s390Amode31End = LayoutKey("amode31_end")
    /// `ident_map_size`: the end of the identity mapping (`high_memory`).
    public static let s390IdentMapSize = LayoutKey("ident_map_size")
    /// `vmalloc_size` before `setup_kernel_memory_layout` caps it: the `vmalloc=` parameter, or
    /// the larger of `VMALLOC_DEFAULT_SIZE` and an eighth of the memory.
    public static let s390VmallocSize = LayoutKey("vmalloc_size")
    /// `sizeof(struct page)` (`SIZE(page)`).
    public static let s390StructPageSize = LayoutKey("struct_page_size")
    /// `SECTION_SIZE_BITS`.
    public static let s390SectionSizeBits = LayoutKey("section_size_bits")
    /// `MAX_PHYSMEM_BITS`.
    public static let s390MaxPhysmemBits = LayoutKey("max_physmem_bits")
    /// `NR_CPUS` (`LENGTH(lowcore_ptr)`): the absolute lowcore area holds one lowcore per CPU.
    public static let s390NrCpus = LayoutKey("nr_cpus")
    /// `__kfence_pool`, when the kernel has KFENCE.
    public static let s390KfencePool = LayoutKey("kfence_pool")
    /// `nospec_uses_trampoline() || !cpu_has_bear`: the first lowcore page may be W+X.
    public static let s390LowcoreExecutable = LayoutKey("lowcore_executable")
    /// The kernel ASCE's designation type (0 segment … 3 region-first): `max_addr`.
    public static let s390DesignationType = LayoutKey("designation_type")
}
