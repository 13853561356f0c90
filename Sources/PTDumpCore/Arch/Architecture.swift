/// A paging architecture in one mode: level geometry, entry decoding, its attribute table,
/// its kernel text style and its W^X rule. Mostly data; the walker and coalescer know nothing
/// else about it. Each architecture lives in its own folder under `Arch/` with the
/// `ArchitecturePort` that finds it in an image, and one line in `ArchitectureRegistry`.
public protocol Architecture: Sendable {
    /// The architecture this mode belongs to.
    var kind: ArchKind { get }
    /// The real levels, top first.
    var levels: [TableLevel] { get }
    /// Base page size in bytes.
    var pageSize: UInt64 { get }
    /// Level names by kernel level number 0…4, as the text output prints them.
    var levelNames: [String] { get }
    /// How entries are stored in memory.
    var byteOrder: ByteOrder { get }
    /// How `entry` at real level `level` (not the last) is walked.
    func classify(_ entry: UInt64, level: Int) -> EntryClass
    /// The value runs are compared on (the kernel's `prot` in `note_page`).
    func prot(_ entry: UInt64, kernelLevel: Int) -> UInt64
    /// Effective permissions of `entry` given its parent's (`nil` at the top). Architectures
    /// without inherited permissions return 0.
    func effective(_ entry: UInt64, parent: UInt64?) -> UInt64
    /// What the table entry `entry` at real level `level` hands down to the entries below it,
    /// given what its own table inherited (`parent`, nil at the top): the effective value its
    /// children start from. Hierarchical attributes live here (arm64's APTable, PXNTable and
    /// UXNTable/XNTable); the default is `effective(entry, parent:)`.
    func inheritance(_ entry: UInt64, parent: UInt64?, level: Int) -> UInt64
    /// Names of what the table entry `entry` at real level `level` restricts for everything
    /// below it, for `--walk` (default: nothing).
    func tableRestrictions(_ entry: UInt64, level: Int) -> [String]
    /// Physical address a leaf at real level `level` maps at the start of its page or block.
    func outputAddress(_ entry: UInt64, level: Int) -> PhysicalAddress
    /// Every named attribute of `prot`, for JSON (and `--walk`, unless `entryAttributes` differ).
    var attributes: [AttributeBit] { get }
    /// The named bits of a raw entry, for `--walk`, at the kernel levels where they mean that
    /// (s390: 0x400 is a page's invalid bit but a segment's or region-third's frame bit).
    var entryAttributes: [AttributeBit] { get }
    /// What a range allows, from its compared attributes and effective permissions.
    func permissions(prot: UInt64, effective: UInt64) -> Permissions
    /// True when the tables can translate `va` at all (x86: sign-extended from the top VA
    /// bit; arm64: the bits above VA_BITS all ones, TTBR1, or all zeros, TTBR0).
    func isCanonical(_ va: VirtualAddress) -> Bool
    /// How the kernel of this architecture prints a range.
    var textStyle: KernelTextStyle { get }
    /// The kernel's W^X rule.
    var wxRule: WXRule { get }
    /// The bits of a last-level entry that hold nothing but its output address: `prot`,
    /// `effective` and `outputAddress`'s other inputs never read them. Two last-level entries
    /// equal outside these bits (and both zero or both non-zero) note the same event, so the
    /// walker scans runs of them in a tight loop. 0 (the default) compares whole entries.
    var leafAddressField: UInt64 { get }
    /// What adding to a last-level entry advances its output address by one page (with
    /// `leafAddressField`): the step a physically contiguous run takes. 0: none known.
    var leafAddressStep: UInt64 { get }
    /// Words naming a range's permissions and attributes for the generic text
    /// (`--format generic`); `RangeAttributes.swift` has the default.
    func rangeAttributes(prot: UInt64, effective: UInt64, level: Int) -> [String]
    /// Why a leaf with `prot` at kernel level `level`, reached with `effective`, is not a valid
    /// mapping (reserved bits set in it or in a table entry above it), or nil; such a range is
    /// printed and reported as a problem (default: never).
    func entryProblem(prot: UInt64, effective: UInt64, level: Int) -> String?
}

extension Architecture {
    /// Little-endian unless the architecture says otherwise.
    public var byteOrder: ByteOrder { .little }

    /// Whole entries are compared unless the architecture names its address field.
    public var leafAddressField: UInt64 { 0 }

    /// No physically contiguous runs are scanned unless the architecture says how they step.
    public var leafAddressStep: UInt64 { 0 }

    /// A table entry hands down what `effective` makes of it.
    @inline(__always) public func inheritance(_ entry: UInt64, parent: UInt64?, level: Int) -> UInt64 {
        effective(entry, parent: parent)
    }

    /// No table-level restrictions.
    public func tableRestrictions(_ entry: UInt64, level: Int) -> [String] { [] }

    /// The same names as `prot`'s.
    public var entryAttributes: [AttributeBit] { attributes }

    /// x86-style canonical form: bits above the top VA bit copy it.
    public func isCanonical(_ va: VirtualAddress) -> Bool {
        let bits = vaBits
        guard bits < 64 else { return true }
        let top = va.rawValue >> UInt64(bits - 1)
        return top == 0 || top == (UInt64.max >> UInt64(bits - 1))
    }

    /// Bits of VA the tables translate.
    public var vaBits: Int { levels[0].shift + levels[0].entries.trailingZeroBitCount }

    /// Bytes of the largest table.
    public var tableBytes: Int { levels.map(\.tableBytes).max() ?? 4096 }

    /// How `entry` at real level `level` is walked: the last level is always a leaf.
    @inline(__always) public func kind(of entry: UInt64, level: Int) -> EntryClass {
        level == levels.count - 1 ? .leaf : classify(entry, level: level)
    }
}
