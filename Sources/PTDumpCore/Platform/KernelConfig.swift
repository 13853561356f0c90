/// A kernel `.config`: `CONFIG_X=y|m|n|value` lines and `# CONFIG_X is not set`.
public struct KernelConfig: Sendable, Equatable {
    /// Options with their values (`y`, `m`, a number or a string without quotes).
    public let values: [String: String]
    /// Where the configuration came from.
    public var origin: Origin = .file

    /// Where a configuration came from.
    public enum Origin: Sendable, Equatable {
        /// `--kernel-config FILE`.
        case file
        /// Embedded in the dumped kernel (`CONFIG_IKCONFIG`): where it was found.
        case embedded(String)
        /// Inferred option by option from the kernel's symbols: the evidence for each.
        case inferred([String: String])
    }

    /// The source of a fact decided by option `what` (`CONFIG_X` or a description).
    public func source(_ what: String) -> FactSource {
        switch origin {
        case .file: return .config(what)
        case .embedded(let where_): return FactSource("kernel config \(what) (\(where_))")
        case .inferred(let evidence):
            let name = what.hasPrefix("CONFIG_") ? String(what.dropFirst(7)) : what
            if let e = evidence[name] { return FactSource("kernel config \(what) inferred from \(e)") }
            // A fact several options decide ("fixmap entries (A, B)", "CONFIG_A / CONFIG_B"):
            // the evidence of each option named.
            var named: [String] = []
            for w in what.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }) {
                let option = w.hasPrefix("CONFIG_") ? String(w.dropFirst(7)) : String(w)
                if evidence[option] != nil, !named.contains(option) { named.append(option) }
            }
            guard !named.isEmpty else { return FactSource("kernel config \(what) inferred from the symbols") }
            return FactSource("kernel config \(what) inferred from " + named.map { "\($0): \(evidence[$0] ?? "")" }.joined(separator: "; "))
        }
    }

    /// Options given as values.
    public init(values: [String: String], origin: Origin) {
        self.values = values
        self.origin = origin
    }

    /// Parses the text of a `.config` that came from `origin`.
    public init(text: String, origin: Origin) {
        self.init(text: text)
        self.origin = origin
    }

    /// Parses the text of a `.config`.
    public init(text: String) {
        var v: [String: String] = [:]
        for sub in text.split(separator: "\n") {
            let line = sub.trimmingCharacters(in: " \t\r")
            guard line.hasPrefix("CONFIG_"), let eq = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: eq)...])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            v[String(line[line.index(line.startIndex, offsetBy: 7)..<eq])] = value
        }
        values = v
    }

    /// Options given directly.
    public init(values: [String: String]) { self.values = values }

    /// This configuration with each option of `aliases` (a release's name → the name the
    /// profiles read) also present under the name the profiles read, unless it is already set.
    public func aliasing(_ aliases: [String: String]) -> KernelConfig {
        var v = values
        for (releaseName, readName) in aliases where v[readName] == nil {
            if let value = values[releaseName] { v[readName] = value }
        }
        return KernelConfig(values: v, origin: origin)
    }

    /// True for `=y` or `=m`. `name` is without the `CONFIG_` prefix.
    public func isEnabled(_ name: String) -> Bool {
        guard let v = values[name] else { return false }
        return v == "y" || v == "m"
    }

    /// A numeric option (decimal or 0x hex).
    public func number(_ name: String) -> UInt64? {
        guard let v = values[name] else { return nil }
        if v.hasPrefix("0x") { return UInt64(v.dropFirst(2), radix: 16) }
        return UInt64(v)
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
