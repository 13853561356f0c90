/// The generic text's description of a range (`--format generic`): words an architecture
/// chooses for its permissions and attributes. An architecture without its own uses its
/// permissions and the names of its attribute table.
extension Architecture {
    /// Words for a range noted with `prot` and `effective` at kernel level `level`.
    public func rangeAttributes(prot: UInt64, effective: UInt64, level: Int) -> [String] {
        let p = permissions(prot: prot, effective: effective)
        guard p.present else { return [] }
        var w = [p.write ? "RW" : "RO", p.execute ? "X" : "NX"]
        if p.user { w.append("USER") }
        return w + attributes.filter { $0.isSet(in: prot, level: level) && $0.value != 0 }.map(\.name)
    }
}

extension Architecture {
    /// Entries are what the walk says they are.
    public func entryProblem(prot: UInt64, effective: UInt64, level: Int) -> String? { nil }
}
