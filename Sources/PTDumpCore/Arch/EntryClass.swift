/// What the walker does with one entry.
public enum EntryClass: Sendable, Equatable {
    /// `p?d_none`: reported as a hole at the level's `holeLevel`.
    case hole
    /// `p?d_leaf`, and every last-level entry: reported at `kernelLevel` with its value.
    case leaf
    /// Descend into the table at this physical address.
    case table(PhysicalAddress)
    /// Neither noted nor descended (e.g. a non-present, non-leaf pmd): its range merges into
    /// the run before it, as in the kernel.
    case skip
}
