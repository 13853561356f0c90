/// A kernel release as `major.minor` (the stable and distribution suffixes do not change the
/// layout ptdump reproduces).
public struct KernelRelease: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// From a `uname -r` string such as VMCOREINFO's `OSRELEASE` (`6.1.0-26-amd64`, `6.12.118`).
    public init?(_ text: String) {
        let numbers = text.prefix { $0.isNumber || $0 == "." }.split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count >= 2, let a = Int(numbers[0].prefix(4)), let b = Int(numbers[1].prefix(4)) else { return nil }
        major = a
        minor = b
    }

    public static func < (a: Self, b: Self) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
    public var description: String { "\(major).\(minor)" }
}
