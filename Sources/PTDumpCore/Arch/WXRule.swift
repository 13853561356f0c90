/// An architecture's W^X rule as `CONFIG_DEBUG_WX` applies it: which ranges count, and the
/// kernel's messages.
public struct WXRule: Sendable {
    /// Message prefix (`x86/mm: `, `arm64/mm: `).
    public var prefix: String
    /// Page size the counts are in.
    public var pageSize: UInt64
    /// True when a range with this `prot` and `effective` is writable and executable.
    public var isWX: @Sendable (_ prot: UInt64, _ effective: UInt64) -> Bool
    /// True when the range counts as non-UXN (arm64 only).
    public var isNonUXN: @Sendable (_ prot: UInt64, _ effective: UInt64) -> Bool
    /// The verdict line for (W+X pages, non-UXN pages).
    public var verdict: @Sendable (UInt64, UInt64) -> String
    /// True when a W+X range from `start` to `end` (exclusive) is expected and not counted
    /// (s390: the first lowcore page when it must stay executable).
    public var isExempt: @Sendable (_ start: VirtualAddress, _ end: VirtualAddress) -> Bool

    public init(prefix: String, pageSize: UInt64, isWX: @escaping @Sendable (UInt64, UInt64) -> Bool,
                isNonUXN: @escaping @Sendable (UInt64, UInt64) -> Bool = { _, _ in false },
                isExempt: @escaping @Sendable (VirtualAddress, VirtualAddress) -> Bool = { _, _ in false },
                verdict: @escaping @Sendable (UInt64, UInt64) -> String) {
        self.isExempt = isExempt
        self.prefix = prefix
        self.pageSize = pageSize
        self.isWX = isWX
        self.isNonUXN = isNonUXN
        self.verdict = verdict
    }
}
