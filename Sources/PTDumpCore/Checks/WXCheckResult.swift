/// A W^X check of one root.
public struct WXCheckResult: Sendable {
    /// A line printed before the findings (x86's PTI user-table pass).
    public var header: String?
    public var checker: WXChecker
}
