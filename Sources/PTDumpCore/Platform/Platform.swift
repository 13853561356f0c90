/// Everything needed to walk and print, as plain data: the architecture, the root, the
/// kernel profile and layout, and where each fact came from.
public struct Platform: Sendable {
    public var arch: Fact<ArchKind>
    public var paging: Paging
    public var root: Fact<PhysicalAddress>
    public var levels: Fact<Int>
    public var pageSize: Fact<Int>
    public var vaBits: Fact<Int>
    public var layout: KernelLayout
    /// The kernel release whose text and layout are reproduced.
    public var profile: Fact<KernelProfile>
    /// Extra roots whose tables the W^X check walks after the main one (x86 PTI user PGD).
    public var extraCheckRoots: [Fact<PhysicalAddress>] = []
    /// The roots the CPUs were running on when the image was taken (their kernel half is
    /// shared with `root`), from CPU notes; `--check-tables` compares them with `root`.
    public var cpuRoots: [Fact<PhysicalAddress>] = []
    /// Real level of the root table (0 = the top; `--root-level`).
    public var rootLevel = 0
    /// Virtual address the root table's first entry maps (with `--root-level`; `--va-base`).
    public var vaBase: VirtualAddress = 0
    /// False for tables that are not a Linux kernel's (firmware, hypervisor, stage 2): the
    /// output is then the generic text by default, and the kernel text is refused.
    public var linuxKernel = true
    /// The translation walked, in words (`arm64 EL3 stage 1`), for tables that are not a
    /// Linux kernel's.
    public var translationName: String?
    /// The virtual addresses the root table translates (its half), when only part of the
    /// address space: `--va-base` must fall inside it.
    public var half: WalkRange?
    /// What a compact image must record to walk this translation again (`key=value` lines of
    /// its note), for tables that are not a Linux kernel's.
    public var translationNote: [(key: String, value: String)] = []

    public init(arch: Fact<ArchKind>, paging: Paging, root: Fact<PhysicalAddress>, levels: Fact<Int>, pageSize: Fact<Int>,
                vaBits: Fact<Int>, layout: KernelLayout, profile: Fact<KernelProfile>,
                extraCheckRoots: [Fact<PhysicalAddress>] = []) {
        self.arch = arch
        self.paging = paging
        self.root = root
        self.levels = levels
        self.pageSize = pageSize
        self.vaBits = vaBits
        self.layout = layout
        self.profile = profile
        self.extraCheckRoots = extraCheckRoots
    }

    /// The architecture's paging mechanics, for code that does not walk.
    public var architecture: any Architecture { paging.architecture }
}
