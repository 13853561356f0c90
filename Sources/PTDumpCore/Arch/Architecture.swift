/// One real (not folded) level of page tables, top first.
public struct TableLevel: Sendable, Equatable {
    /// log2 of the VA span one entry covers.
    public var shift: Int
    /// Entries in one table of this level.
    public var entries: Int
    /// The kernel's level number (0 = pgd … 4 = pte) reported for a leaf at this level.
    public var kernelLevel: Int
    /// The level reported for an empty entry here: the kernel's `real_depth()`, which moves a
    /// hole at a folded level up to the real one above it.
    public var holeLevel: Int

    public init(shift: Int, entries: Int, kernelLevel: Int, holeLevel: Int) {
        self.shift = shift
        self.entries = entries
        self.kernelLevel = kernelLevel
        self.holeLevel = holeLevel
    }

    /// VA span of one whole table at this level (0 means 2^64).
    public var tableSpan: UInt64 {
        let bits = shift + entries.trailingZeroBitCount
        return bits >= 64 ? 0 : UInt64(1) << UInt64(bits)
    }
}

/// What the walker does with one entry.
public enum EntryClass: Sendable, Equatable {
    /// `p?d_none`: reported as a hole at the level's `holeLevel`.
    case hole
    /// `p?d_leaf`, and every last-level entry: reported at `kernelLevel` with its value.
    case leaf
    /// Descend into the table at this physical address.
    case table(UInt64)
    /// Neither noted nor descended (e.g. a non-present, non-leaf pmd): its range merges into
    /// the run before it, as in the kernel.
    case skip
}

/// One attribute column of the text output: when `entry & mask == value` the `set` text is
/// printed, else `clear`; nil prints nothing. Modelled on arm64's `prot_bits[]`.
public struct AttributeBit: Sendable {
    /// Bits looked at.
    public var mask: UInt64
    /// Value those bits must have for `set`.
    public var value: UInt64
    /// Text when set (nil: nothing).
    public var set: String?
    /// Text when clear (nil: nothing).
    public var clear: String?
    /// Name used by JSON and `--walk` (the kernel macro).
    public var name: String

    public init(_ name: String, mask: UInt64, value: UInt64? = nil, set: String?, clear: String?) {
        self.name = name
        self.mask = mask
        self.value = value ?? mask
        self.set = set
        self.clear = clear
    }

    /// True when `prot` has this attribute.
    @inline(__always) public func isSet(in prot: UInt64) -> Bool { prot & mask == value }
}

/// A paging architecture: level geometry, entry decoding and permissions. Mostly data; the
/// walker and coalescer know nothing else about it.
public protocol Architecture: Sendable {
    /// Short name (`x86_64`, `arm64`).
    var name: String { get }
    /// The real levels, top first.
    var levels: [TableLevel] { get }
    /// Base page size in bytes.
    var pageSize: UInt64 { get }
    /// Level names by kernel level number 0…4, as the text output prints them.
    var levelNames: [String] { get }
    /// How `entry` at `levels[level]` is walked.
    func classify(_ entry: UInt64, level: Int) -> EntryClass
    /// The value runs are compared on (the kernel's `prot` in `note_page`).
    func prot(_ entry: UInt64, kernelLevel: Int) -> UInt64
    /// Effective permissions of `entry` given its parent's (`nil` at the top). Architectures
    /// without inherited permissions return 0.
    func effective(_ entry: UInt64, parent: UInt64?) -> UInt64
    /// Physical address a leaf maps at the start of its page or block.
    func outputAddress(_ entry: UInt64, level: Int) -> UInt64
    /// Attribute table for `--walk` and JSON names.
    var attributes: [AttributeBit] { get }
    /// What a range allows, from its compared attributes and effective permissions.
    func permissions(prot: UInt64, effective: UInt64) -> Permissions
    /// True when the tables can translate `va` at all (x86: sign-extended from the top VA
    /// bit; arm64: the bits above VA_BITS all ones, TTBR1, or all zeros, TTBR0).
    func isCanonical(_ va: UInt64) -> Bool
}

/// What a mapping allows, in architecture-neutral words (JSON, `--walk`).
public struct Permissions: Sendable, Equatable {
    public var present: Bool
    public var user: Bool
    public var write: Bool
    /// Executable by the kernel.
    public var execute: Bool
    /// Executable from user mode (arm64 separates it; x86 uses `execute`).
    public var userExecute: Bool

    public init(present: Bool, user: Bool, write: Bool, execute: Bool, userExecute: Bool) {
        self.present = present
        self.user = user
        self.write = write
        self.execute = execute
        self.userExecute = userExecute
    }
}

extension Architecture {
    /// x86-style canonical form: bits above the top VA bit copy it.
    public func isCanonical(_ va: UInt64) -> Bool {
        let bits = vaBits
        guard bits < 64 else { return true }
        let top = va >> UInt64(bits - 1)
        return top == 0 || top == (UInt64.max >> UInt64(bits - 1))
    }

    /// Valid bit only, for architectures that do not say more.
    public func permissions(prot: UInt64, effective: UInt64) -> Permissions {
        Permissions(present: prot & 1 != 0, user: false, write: false, execute: false, userExecute: false)
    }

    /// Bits of VA the tables translate.
    public var vaBits: Int { levels[0].shift + levels[0].entries.trailingZeroBitCount }
}
