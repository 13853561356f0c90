/// Known, accepted W+X exceptions (`--allow-wx RANGE|SYMBOL`): a finding they cover is
/// reported as allowed and not counted in the verdict.
public struct WXAllowance: Sendable {
    /// One exception: a closed virtual range, or a symbol's address when its size is unknown.
    public struct Rule: Sendable, Equatable {
        /// What the user wrote (`0x40006000-0x40006fff`, `trampoline`).
        public var label: String
        public var first: VirtualAddress
        /// Nil when only the symbol's address is known: the finding holding it is allowed.
        public var last: VirtualAddress?
        /// True for a symbol: its bytes are widened to whole pages (a W+X finding is pages).
        public var isSymbol: Bool

        public init(label: String, first: VirtualAddress, last: VirtualAddress?, isSymbol: Bool = false) {
            self.label = label
            self.first = first
            self.last = last
            self.isSymbol = isSymbol
        }

        /// True when this rule covers the finding `[start, end)`: the range (a symbol's pages)
        /// contains all of it, or an address alone lies in it.
        public func covers(start: VirtualAddress, end: VirtualAddress, pageSize: UInt64) -> Bool {
            let lastByte = end.rawValue &- 1
            guard let last else { return first >= start && first.rawValue <= lastByte }
            var lo = first.rawValue, hi = last.rawValue
            if isSymbol && pageSize > 0 {
                lo &= ~(pageSize - 1)
                hi |= pageSize - 1
            }
            return start.rawValue >= lo && lastByte <= hi
        }
    }

    public var rules: [Rule] = []

    public init(rules: [Rule] = []) { self.rules = rules }

    /// Each `--allow-wx` value: `START-END` (inclusive, hex or decimal), or a symbol of the
    /// image (an ELF symbol with its size) or of `--system-map` (shifted by KASLR's offset).
    public static func resolve(_ values: [String], image: Image, systemMap: SystemMap?) throws(ImageError) -> WXAllowance {
        var rules: [Rule] = []
        for v in values {
            let parts = v.split(separator: "-", maxSplits: 1).map(String.init)
            if parts.count == 2, let a = parseNumber(parts[0]), let b = parseNumber(parts[1]) {
                guard a <= b else { throw .contradiction("--allow-wx \(v): the end is before the start") }
                rules.append(Rule(label: v, first: VirtualAddress(a), last: VirtualAddress(b)))
            } else if let sym = image.symbols.first(where: { $0.name == v }) {
                rules.append(Rule(label: v, first: VirtualAddress(sym.value),
                                  last: sym.size > 0 ? VirtualAddress(sym.value &+ (sym.size - 1)) : nil, isSymbol: true))
            } else if let a = systemMap?.symbols[v] {
                rules.append(Rule(label: v, first: VirtualAddress(a &+ (image.vmcoreinfo?.kernelOffset ?? 0)), last: nil, isSymbol: true))
            } else {
                let hint = systemMap == nil && image.symbols.isEmpty ? " (the image has no symbols; pass --system-map or a range START-END)" : ""
                throw .contradiction("--allow-wx \(v): neither a range START-END nor a known symbol\(hint)")
            }
        }
        return WXAllowance(rules: rules)
    }

    /// The rule covering the finding `[start, end)` of `pageSize`-byte pages, if any.
    public func rule(covering start: VirtualAddress, _ end: VirtualAddress, pageSize: UInt64) -> Rule? {
        rules.first { $0.covers(start: start, end: end, pageSize: pageSize) }
    }

    static func parseNumber(_ s: String) -> UInt64? {
        let t = String(s.filter { $0 != "_" })
        if t.hasPrefix("0x") || t.hasPrefix("0X") { return UInt64(t.dropFirst(2), radix: 16) }
        return UInt64(t)
    }
}

extension WXChecker {
    /// Pages of findings `allowance` covers.
    public func allowedPages(_ allowance: WXAllowance) -> UInt64 {
        findings.reduce(0) { $0 &+ (allowance.rule(covering: $1.range.start, $1.range.end, pageSize: rule.pageSize) != nil ? $1.pages : 0) }
    }

    /// True when every W+X page left after `allowance` is gone (and no non-UXN page).
    public func passed(allowing allowance: WXAllowance) -> Bool {
        wxPages &- allowedPages(allowance) == 0 && nonUXNPages == 0
    }

    /// The verdict with the pages `allowance` covers left out.
    public func verdict(allowing allowance: WXAllowance) -> String {
        rule.verdict(wxPages &- allowedPages(allowance), nonUXNPages)
    }

    /// One line per finding: insecure ones as the kernel words them, covered ones as allowed.
    public func findingLines(allowing allowance: WXAllowance, symbolize: (VirtualAddress) -> String?) -> [String] {
        findings.map { f in
            let r = allowance.rule(covering: f.range.start, f.range.end, pageSize: rule.pageSize)
            var s = r == nil ? "\(rule.prefix)Found insecure W+X mapping" : "\(rule.prefix)Allowed W+X mapping"
            s += " at address \(hex(f.range.start))-\(hex(f.range.end)) (\(f.pages) pages)"
            if let sym = symbolize(f.range.start) { s += " \(sym)" }
            if let r { s += " (--allow-wx \(r.label))" }
            return s
        }
    }

    /// `--check-wx --format json` with exceptions: findings carry `allowed`, the verdict
    /// `allowed_pages`.
    public func jsonLines(allowing allowance: WXAllowance, symbolize: (VirtualAddress) -> String?) -> [String] {
        var lines = findings.map { f in
            var s = "{\"wx\":{\"start\":\"\(hex16(f.range.start))\",\"end\":\"\(hex16(f.range.end))\",\"pages\":\(f.pages)"
            if let sym = symbolize(f.range.start) { s += ",\"symbol\":\(jsonString(sym))" }
            if let r = allowance.rule(covering: f.range.start, f.range.end, pageSize: rule.pageSize) {
                s += ",\"allowed\":true,\"allowed_by\":\(jsonString(r.label))"
            } else {
                s += ",\"allowed\":false"
            }
            return s + "}}"
        }
        let allowed = allowedPages(allowance)
        lines.append("{\"verdict\":{\"passed\":\(passed(allowing: allowance)),\"wx_pages\":\(wxPages &- allowed),\"allowed_pages\":\(allowed),\"non_uxn_pages\":\(nonUXNPages),\"text\":\(jsonString(verdict(allowing: allowance)))}}")
        return lines
    }
}
