/// Reading a `KernelVariableField` through the dumped kernel's virtual memory.
extension KernelVariableField {
    /// Reads the field from `memory` with the variable at `address`, trying each layout `config`
    /// allows (all of them when nil). The value, with the layout's offset; or why not.
    public func read(_ memory: some KernelVirtualMemory, at address: UInt64, config: KernelConfig?) -> Result<(value: UInt64, offset: Int), KernelVariableError> {
        if let c = config, let o = unknowableWith.first(where: { c.isEnabled($0) }) {
            return .failure(KernelVariableError("CONFIG_\(o) randomises the layout of \(symbol)'s structure"))
        }
        let allowed = layouts.filter { l in
            guard let c = config else { return true }
            return l.options.allSatisfy { c.isEnabled($0.key) == $0.value }
        }
        var found: [(UInt64, Int)] = []
        var why: [String] = []
        for l in allowed {
            let (w, wo) = address.addingReportingOverflow(UInt64(l.witnessOffset))
            let (f, fo) = address.addingReportingOverflow(UInt64(l.offset))
            guard !wo, !fo, let witness = memory.unsigned(VirtualAddress(w), size: 1),
                  let value = memory.unsigned(VirtualAddress(f), size: 1) else {
                why.append("\(symbol)+\(l.offset) is not in the dump")
                continue
            }
            guard l.witnessValues.contains(UInt8(truncatingIfNeeded: witness)) else {
                why.append("the byte at \(symbol)+\(l.witnessOffset) is \(witness), not \(l.witnessValues.map(String.init).joined(separator: " or "))")
                continue
            }
            guard valid.contains(value) else {
                why.append("\(symbol)+\(l.offset) holds \(value), outside \(valid.lowerBound)...\(valid.upperBound)")
                continue
            }
            found.append((value, l.offset))
        }
        if let first = found.first {
            guard found.allSatisfy({ $0.0 == first.0 }) else {
                return .failure(KernelVariableError("the layouts of \(symbol) give different values (\(found.map { "\($0.0) at +\($0.1)" }.joined(separator: ", "))); --kernel-config decides"))
            }
            return .success((first.0, first.1))
        }
        if allowed.isEmpty { return .failure(KernelVariableError("no known layout of \(symbol) fits the configuration")) }
        var unique: [String] = []
        for w in why where !unique.contains(w) { unique.append(w) }
        return .failure(KernelVariableError(unique.joined(separator: "; ")))
    }
}
