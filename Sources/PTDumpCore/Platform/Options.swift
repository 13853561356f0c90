/// What the user told ptdump about the machine; each value overrides what the image says.
public struct Options: Sendable {
    /// `--root PA`.
    public var root: PhysicalAddress?
    /// `--levels N`.
    public var levels: Int?
    /// `--page-size N`.
    public var pageSize: Int?
    /// `--va-bits N`.
    public var vaBits: Int?
    /// `--arch NAME`.
    public var arch: ArchKind?
    /// `--kernel-config FILE`.
    public var kernelConfig: KernelConfig?
    /// `--system-map FILE`.
    public var systemMap: SystemMap?
    /// `--vmlinux FILE`: the dumped kernel's ELF symbol table (link-time addresses).
    public var vmlinuxSymbols: [ElfSymbol]?
    /// `--root-symbol NAME`: the root is this symbol of an ELF executable.
    public var rootSymbol: String?
    /// `--root-level NAME`: the root table's level (pgd, p4d, pud, pmd, pte).
    public var rootLevel: String?
    /// `--va-base VA`: what the root table's first entry maps (with `--root-level`).
    public var vaBase: VirtualAddress?
    /// `--base PA`: physical address of a raw dump's first byte.
    public var rawBase: PhysicalAddress = 0
    /// `--kernel-version X.Y`: the kernel release whose layout to use.
    public var kernelRelease: KernelRelease?
    /// `--phys-bits N`: the machine's physical-address width (x86 MAXPHYADDR).
    public var physicalAddressBits: Int?
    /// `--ttbr0`/`--ttbr1`, `--regime`, `--mair`, `--stage2`, `--ipa-bits`.
    public var translation = TranslationOptions()

    public init(root: PhysicalAddress? = nil, levels: Int? = nil, pageSize: Int? = nil, vaBits: Int? = nil,
                arch: ArchKind? = nil, kernelConfig: KernelConfig? = nil, systemMap: SystemMap? = nil) {
        self.root = root
        self.levels = levels
        self.pageSize = pageSize
        self.vaBits = vaBits
        self.arch = arch
        self.kernelConfig = kernelConfig
        self.systemMap = systemMap
    }
}
