/// Which half of a two-range address space a root table translates.
public enum AddressHalf: String, Sendable, Equatable {
    /// Addresses from 0 (arm64 TTBR0, user space).
    case low
    /// Addresses up to 2^64 (arm64 TTBR1, the kernel half).
    case high
}

/// What the user said about a translation that is not a Linux kernel's own: the half, the
/// regime, the memory-attribute register, second-stage tables. Each architecture reads the
/// fields it has and refuses the others with a reason.
public struct TranslationOptions: Sendable, Equatable {
    /// `--ttbr0` (`.low`) or `--ttbr1` (`.high`).
    public var half: AddressHalf?
    /// `--regime NAME`, as given (the architecture parses it).
    public var regime: String?
    /// `--mair VALUE`: the memory-attribute register of the regime.
    public var memoryAttributes: UInt64?
    /// `--pat VALUE`: the page-attribute-table register naming memory types.
    public var pageAttributeTable: UInt64?
    /// `--user`: print (and check) the user half of a process's tables.
    public var user = false
    /// `--stage2`: the root is a second-stage (guest-physical to host-physical) table.
    public var stage2 = false
    /// `--ipa-bits N`: bits of guest-physical address a stage-2 table translates.
    public var inputAddressBits: Int?

    public init() {}

    /// True when any field asks for a translation other than the Linux kernel's.
    public var selectsHardwareTranslation: Bool {
        half == .low || user || regime != nil || memoryAttributes != nil || stage2 || inputAddressBits != nil
    }
}
