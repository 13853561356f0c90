/// A W+X range found by the check.
public struct WXFinding: Sendable, Equatable {
    public var range: CoalescedRange
    public var pages: UInt64
}

/// Consumes coalesced ranges and counts W+X (and non-UXN) pages as `CONFIG_DEBUG_WX` does.
public struct WXChecker: RangeSink, Sendable {
    public let rule: WXRule
    /// Offending ranges, in address order.
    public private(set) var findings: [WXFinding] = []
    public private(set) var wxPages: UInt64 = 0
    public private(set) var nonUXNPages: UInt64 = 0

    public init(rule: WXRule) { self.rule = rule }

    public mutating func marker(_ name: String) {}

    public mutating func range(_ r: CoalescedRange, printed: Bool) {
        let pages = r.size / rule.pageSize
        if rule.isNonUXN(r.prot, r.effective) { nonUXNPages &+= pages }
        if rule.isWX(r.prot, r.effective) && !rule.isExempt(r.start, r.end) {
            wxPages &+= pages
            findings.append(WXFinding(range: r, pages: pages))
        }
    }

    /// True when the check passed.
    public var passed: Bool { wxPages == 0 && nonUXNPages == 0 }

    /// One line per offending range, `symbolize` naming its start where it can.
    public func findingLines(symbolize: (VirtualAddress) -> String?) -> [String] {
        findings.map { f in
            var s = "\(rule.prefix)Found insecure W+X mapping at address \(hex(f.range.start))-\(hex(f.range.end)) (\(f.pages) pages)"
            if let sym = symbolize(f.range.start) { s += " \(sym)" }
            return s
        }
    }

    /// `--check-wx --format json`: one object per finding, then the verdict object.
    public func jsonLines(symbolize: (VirtualAddress) -> String?) -> [String] {
        var lines = findings.map { f in
            var s = "{\"wx\":{\"start\":\"\(hex16(f.range.start))\",\"end\":\"\(hex16(f.range.end))\",\"pages\":\(f.pages)"
            if let sym = symbolize(f.range.start) { s += ",\"symbol\":\(jsonString(sym))" }
            return s + "}}"
        }
        lines.append("{\"verdict\":{\"passed\":\(passed),\"wx_pages\":\(wxPages),\"non_uxn_pages\":\(nonUXNPages),\"text\":\(jsonString(verdict))}}")
        return lines
    }

    /// The kernel's verdict line.
    public var verdict: String { rule.verdict(wxPages, nonUXNPages) }
}
