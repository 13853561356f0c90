/// The kernel's W^X rule for one architecture: which ranges count, and its messages.
public struct WXRule: Sendable {
    /// Message prefix (`x86/mm: `, `arm64/mm: `).
    public var prefix: String
    /// Page size the counts are in.
    public var pageSize: UInt64
    /// True when the range is writable and executable.
    public var isWX: @Sendable (CoalescedRange) -> Bool
    /// True when the range counts as non-UXN (arm64 only).
    public var isNonUXN: @Sendable (CoalescedRange) -> Bool
    /// The verdict line for (W+X pages, non-UXN pages).
    public var verdict: @Sendable (UInt64, UInt64) -> String

    /// x86: effective RW and not effective NX (`note_page` with `check_wx`).
    public static let x86 = WXRule(
        prefix: "x86/mm: ", pageSize: 4096,
        isWX: { r in r.effective & X86EntryBits.rw.rawValue != 0 && r.effective & X86EntryBits.nx.rawValue == 0 },
        isNonUXN: { _ in false },
        verdict: { wx, _ in
            wx == 0 ? "x86/mm: Checked W+X mappings: passed, no W+X pages found."
                    : "x86/mm: Checked W+X mappings: FAILED, \(wx) W+X pages found."
        })

    /// arm64 (`arch/arm64/mm/ptdump.c`, `note_prot_wx`/`note_prot_uxn`) for `pageSize`-byte pages:
    /// only ranges with a non-zero prot count; W+X is neither `PTE_RDONLY` nor `PTE_PXN`,
    /// non-UXN lacks `PTE_UXN`. No VALID test, as in the kernel.
    public static func arm64(pageSize: UInt64) -> WXRule {
        WXRule(
            prefix: "arm64/mm: ", pageSize: pageSize,
            isWX: { r in
                r.prot != 0 && r.prot & ARM64EntryBits.rdonly.rawValue == 0 && r.prot & ARM64EntryBits.pxn.rawValue == 0
            },
            isNonUXN: { r in r.prot != 0 && r.prot & ARM64EntryBits.uxn.rawValue == 0 },
            verdict: { wx, uxn in
                wx == 0 && uxn == 0 ? "Checked W+X mappings: passed, no W+X pages found"
                    : "Checked W+X mappings: FAILED, \(wx) W+X pages found, \(uxn) non-UXN pages found"
            })
    }

}

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
        if rule.isNonUXN(r) { nonUXNPages &+= pages }
        if rule.isWX(r) {
            wxPages &+= pages
            findings.append(WXFinding(range: r, pages: pages))
        }
    }

    /// True when the check passed.
    public var passed: Bool { wxPages == 0 && nonUXNPages == 0 }

    /// One line per offending range, `symbolize` naming its start where it can.
    public func findingLines(symbolize: (UInt64) -> String?) -> [String] {
        findings.map { f in
            var s = "\(rule.prefix)Found insecure W+X mapping at address \(hex(f.range.start))-\(hex(f.range.end)) (\(f.pages) pages)"
            if let sym = symbolize(f.range.start) { s += " \(sym)" }
            return s
        }
    }

    /// `--check-wx --format json`: one object per finding, then the verdict object.
    public func jsonLines(symbolize: (UInt64) -> String?) -> [String] {
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
