/// `--walk VA`: the translation of one address, level by level, like crash's `vtop`.
public enum AddressWalk {
    /// The lines describing how `va` translates, or why it does not.
    public static func explain(_ va: VirtualAddress, platform: Platform, memory: any PhysicalMemory) throws(ImageError) -> [String] {
        let r = platform.paging.accept(Explainer(va: va, platform: platform, memory: memory))
        switch r {
        case .success(let lines): return lines
        case .failure(let e): throw e
        }
    }
}

private struct Explainer: ArchitectureVisitor {
    let va: VirtualAddress, platform: Platform, memory: any PhysicalMemory

    func visit<A: Architecture>(_ arch: A) -> Result<[String], ImageError> {
        if platform.rootLevel == 0 && !arch.isCanonical(va) {
            return .failure(.contradiction("--walk \(hex(va)): not a canonical \(arch.vaBits)-bit virtual address"))
        }
        if platform.rootLevel > 0 {
            let L = arch.levels[platform.rootLevel]
            let span = L.tableSpan
            if va < platform.vaBase || (span != 0 && va - platform.vaBase >= span) {
                return .failure(.contradiction("--walk \(hex(va)): outside the table's range \(hex(platform.vaBase))+\(hex(span))"))
            }
        }
        let tr = PageTables(arch: arch, memory: memory)
        var lines = ["\(hex16(va)): \(arch.kind) \(platform.levels.value)-level, root \(hex(platform.root.value))"]
        let steps: [TranslationStep]
        do { steps = try tr.translate(va, root: platform.root.value, level: platform.rootLevel) } catch {
            return .failure(error)
        }
        var parent: UInt64? = nil
        var lastError: String?
        /// The table entries that restrict what the leaf allows, as `--walk` names them.
        var restrictions: [String] = []
        for s in steps {
            let L = arch.levels[s.level]
            let name = arch.levelNames[L.kernelLevel]
            // A table entry's fields are not a leaf's: name only bits that are actually set there.
            let isTable: Bool = { if case .table = s.kind { return true } else { return false } }()
            let bits = arch.entryAttributes.filter { $0.isSet(in: s.entry, level: L.kernelLevel) && (!isTable || $0.value != 0) }.map { $0.name }
            var line = "  \(name.padding(to: 4))table \(hex(s.tablePA))  index \(String(s.index).padding(to: 4))entry \(hex16(s.entry))"
            if !bits.isEmpty { line += "  " + bits.joined(separator: " ") }
            switch s.kind {
            case .table(let next):
                line += "  -> table \(hex(next))"
                let limits = arch.tableRestrictions(s.entry, level: s.level)
                if !limits.isEmpty {
                    line += "  restricts: " + limits.joined(separator: " ")
                    restrictions.append("\(limits.joined(separator: " ")) (\(name) table \(hex(s.tablePA)) index \(s.index))")
                }
                parent = arch.inheritance(s.entry, parent: parent, level: s.level)
            case .leaf:
                let eff = arch.effective(s.entry, parent: parent)
                let p = arch.permissions(prot: arch.prot(s.entry, kernelLevel: L.kernelLevel), effective: eff)
                if !p.present {
                    lastError = "not mapped: the \(name) entry is not present"
                    lines.append(line)
                    break
                }
                let size = UInt64(1) << UInt64(L.shift)
                let pa = arch.outputAddress(s.entry, level: s.level) + (va.rawValue & (size - 1))
                line += "  -> \(size == arch.pageSize ? "page" : "block") \(hex(arch.outputAddress(s.entry, level: s.level)))"
                lines.append(line)
                var perm = [p.write ? "write" : "read-only", p.execute ? "exec" : "no-exec"]
                if p.user { perm.append("user") }
                if p.userExecute != p.execute || (p.user && p.userExecute) { perm.append(p.userExecute ? "user-exec" : "no-user-exec") }
                lines.append("  => \(hex16(pa))  \(sizeText(size)) \(name) mapping, \(perm.joined(separator: ", "))")
                if !restrictions.isEmpty { lines.append("  restricted by: " + restrictions.joined(separator: "; ")) }
                return .success(lines)
            case .hole:
                lastError = "not mapped: the \(name) entry is empty"
            case .skip:
                lastError = "not mapped: the \(name) entry is not present (neither a table nor a leaf)"
            }
            if lastError == nil { lines.append(line) } else { lines.append(line); break }
        }
        lines.append("  => " + (lastError ?? "not mapped"))
        return .success(lines)
    }

    func sizeText(_ size: UInt64) -> String {
        var v = size, u = 0
        let units = ["B", "K", "M", "G", "T"]
        while v >= 1024 && v % 1024 == 0 && u < units.count - 1 { v /= 1024; u += 1 }
        return "\(v)\(units[u])"
    }
}

extension AddressWalk {
    /// `--walk`'s closing lines: the region (the address marker it falls under) and the kernel
    /// symbol at or below the address, when known.
    public static func naming(_ va: VirtualAddress, platform: Platform, symbols: KernelSymbols?) -> [String] {
        var lines: [String] = []
        // The marker with the highest start at or below `va` (the kernel's order need not be the addresses').
        let below = platform.layout.markers.filter { $0.start <= va }
        if let m = below.last(where: { $0.start == below.map(\.start).max() }), platform.rootLevel == 0 {
            lines.append("  region: \(m.name)")
        }
        if let s = symbols?.describe(va) { lines.append("  symbol: \(s)") }
        return lines
    }
}
