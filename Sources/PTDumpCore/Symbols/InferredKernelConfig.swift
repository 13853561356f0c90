/// A kernel configuration inferred option by option from the kernel's symbols, for when the
/// `.config` is neither given (`--kernel-config`) nor embedded (`CONFIG_IKCONFIG`): each option
/// an architecture's `ConfigSymbolRule`s name is set when one of its symbols is present, unset
/// otherwise, and remembers which symbol (or absence) decided it.
public enum InferredKernelConfig {
    /// The options `rules` decide for `symbols`, with the evidence for each.
    public static func infer(symbols: KernelSymbols, rules: [ConfigSymbolRule]) -> KernelConfig {
        let wanted = Set(rules.flatMap(\.symbols))
        let found = symbols.addresses(of: wanted)
        var values: [String: String] = [:]
        var evidence: [String: String] = [:]
        for r in rules {
            if let s = r.symbols.first(where: { found[$0] != nil }) {
                values[r.option] = r.value
                evidence[r.option] = "symbol \(s)"
            } else {
                values[r.option] = "n"
                evidence[r.option] = "no symbol \(r.symbols.joined(separator: " or "))"
            }
        }
        return KernelConfig(values: values, origin: .inferred(evidence))
    }
}
