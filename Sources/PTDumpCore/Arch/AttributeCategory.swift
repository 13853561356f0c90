/// A kind of attribute churn that `ptdump diff --ignore` can silence. Each architecture says
/// which of its bits belong to which category (`ArchitectureTableRules.mask(of:)`); `pa` and
/// `level` are not bits and are handled by the diff itself.
public enum AttributeCategory: String, Sendable, CaseIterable {
    /// Physical addresses (only compared with `--phys`).
    case pa
    /// The level of the leaf (a 2M block split into 4K pages), with the bits that only say
    /// which kind of leaf an entry is.
    case level
    /// Bits the hardware sets on access or write (x86 A/D, arm64 AF, riscv A/D).
    case accessedDirty = "accessed-dirty"
    /// Global/not-global (x86 G, arm64 nG, riscv G).
    case global
    /// Contiguous-range hints (arm64 `PTE_CONT`).
    case contiguous
    /// Memory type and cacheability (x86 PWT/PCD/PAT, arm64 AttrIndx).
    case memoryType = "memory-type"
    /// Shareability (arm64 SH).
    case shareability
    /// Software-defined bits the hardware ignores.
    case software

    /// The names `--ignore` accepts.
    public static var names: [String] { allCases.map(\.rawValue) }
}

/// Table facts an architecture adds for the diff, `--check-tables` and `--stats`, as data. An
/// architecture conforms in its own folder; one that does not gets no architecture-specific
/// categories or checks (the generic ones still run).
public protocol ArchitectureTableRules {
    /// Bits of `prot` that only say what kind of leaf the entry is at kernel level `level`
    /// (x86 PSE above the pte level, arm64's table bit): a level change, not an attribute change.
    func levelBits(kernelLevel level: Int) -> UInt64
    /// Bits of `prot`, noted at kernel level `level`, in `category` (0 when the architecture
    /// has none).
    func mask(of category: AttributeCategory, kernelLevel level: Int) -> UInt64
    /// The table-hygiene rules of this paging mode.
    var hygiene: HygieneRules { get }
}
