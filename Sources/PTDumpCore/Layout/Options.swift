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
    /// `--root-symbol NAME`: the root is this symbol of an ELF executable.
    public var rootSymbol: String?
    /// `--root-level NAME`: the root table's level (pgd, p4d, pud, pmd, pte).
    public var rootLevel: String?
    /// `--va-base VA`: what the root table's first entry maps (with `--root-level`).
    public var vaBase: UInt64?
    /// `--base PA`: physical address of a raw dump's first byte.
    public var rawBase: UInt64 = 0

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
    case arm64(ARM64)

    /// Calls `visitor` with the concrete architecture: the one place that lists them.
    public func accept<V: ArchitectureVisitor>(_ visitor: V) -> V.Result {
        switch self {
        case .x86(let a): return visitor.visit(a)
        case .arm64(let a): return visitor.visit(a)
        }
    }
}

/// Code that needs the concrete architecture type (so generic walks specialize).
public protocol ArchitectureVisitor {
    associatedtype Result
    func visit<A: Architecture>(_ arch: A) -> Result
}

/// The text formats.
public enum TextStyle: String, Sendable, CaseIterable {
    /// `/sys/kernel/debug/page_tables/kernel` (x86).
    case x86
    /// `/sys/kernel/debug/kernel_page_tables` (arm64).
    case arm64
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
    /// The architecture's text format (the default for `--format`).
    public var textStyle: TextStyle
    /// The architecture's W^X rule.
    public var wxRule: WXRule
    /// Extra roots whose tables the W^X check walks after the main one (x86 PTI user PGD).
    public var extraCheckRoots: [Fact<UInt64>] = []
    /// Real level of the root table (0 = the top; `--root-level`).
    public var rootLevel = 0
    /// Virtual address the root table's first entry maps (with `--root-level`; `--va-base`).
    public var vaBase: UInt64 = 0

    public init(arch: Fact<ArchKind>, paging: Paging, root: Fact<UInt64>, levels: Fact<Int>, pageSize: Fact<Int>,
                vaBits: Fact<Int>, layout: KernelLayout, textStyle: TextStyle, wxRule: WXRule,
                extraCheckRoots: [Fact<UInt64>] = []) {
        self.arch = arch
        self.paging = paging
        self.root = root
        self.levels = levels
        self.pageSize = pageSize
        self.vaBits = vaBits
        self.layout = layout
        self.textStyle = textStyle
        self.wxRule = wxRule
        self.extraCheckRoots = extraCheckRoots
    }
}
