/// What the user told ptdump about the machine; each value overrides what the image says.
public struct Options: Sendable {
    /// `--root PA`.
    public var root: UInt64?
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

    public init(root: UInt64? = nil, levels: Int? = nil, pageSize: Int? = nil, vaBits: Int? = nil,
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

/// The paging mechanics of the image, by architecture (kept concrete so the walk specializes).
public enum Paging: Sendable {
    case x86(X86_64)
}

/// Everything needed to walk and print: the architecture, the root, the layout, and where
/// each fact came from.
public struct Platform: Sendable {
    public var arch: Fact<ArchKind>
    public var paging: Paging
    public var root: Fact<UInt64>
    public var levels: Fact<Int>
    public var pageSize: Fact<Int>
    public var vaBits: Fact<Int>
    public var layout: KernelLayout
    /// Extra roots whose tables the W^X check walks after the main one (x86 PTI user PGD).
    public var extraCheckRoots: [Fact<UInt64>] = []
}
