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
