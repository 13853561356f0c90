/// `--info`: what was detected and where each fact came from.
public enum InfoReport {
    public static func write(image: Image, platform p: Platform, out: TextOutput) {
        func line(_ k: String, _ v: String, _ s: FactSource? = nil) {
            out.write(k.padding(to: 20) + v + (s.map { "  [\($0)]" } ?? "") + "\n")
        }
        line("format", image.format)
        line("memory", image.memory.summary)
        if let vi = image.vmcoreinfo {
            let release = vi.value("OSRELEASE").map { ", OSRELEASE=\($0.prefix(40))" } ?? ""
            line("vmcoreinfo", "\(vi.entries.count) keys\(release)", image.vmcoreinfoSource)
        } else {
            line("vmcoreinfo", "none", image.vmcoreinfoSource)
        }
        line("arch", p.arch.value.rawValue, p.arch.source)
        line("levels", String(p.levels.value), p.levels.source)
        line("page size", String(p.pageSize.value), p.pageSize.source)
        line("va bits", String(p.vaBits.value), p.vaBits.source)
        line("root", hex(p.root.value), p.root.source)
        if let t = p.translationName { line("translation", t) }
        line("kernel profile", p.profile.value.name, p.profile.source)
        for r in p.extraCheckRoots { line("check root", hex(r.value), r.source) }
        for r in p.cpuRoots { line("cpu root", hex(r.value), r.source) }
        for (key, fact) in p.layout.facts { line(key.name, hex(fact.value), fact.source) }
        for r in p.layout.ranges { line("walk range", hex16(r.first) + "-" + hex16(r.last)) }
        for m in p.layout.markers {
            line("marker", hex16(m.start) + " " + m.name + (m.maxLines > 0 ? " (max \(m.maxLines) lines)" : ""), p.layout.markerSource)
        }
    }
}

extension String {
    func padding(to n: Int) -> String { count >= n ? self + " " : self + String(repeating: " ", count: n - count) }
}

extension InfoReport {
    /// The kernel symbols' line: how many and where from, or the notes of every source that
    /// failed and the flag that would help.
    public static func writeSymbols(_ outcome: KernelSymbolSource.Outcome, out: TextOutput) {
        func line(_ k: String, _ v: String, _ s: FactSource? = nil) {
            out.write(k.padding(to: 20) + v + (s.map { "  [\($0)]" } ?? "") + "\n")
        }
        for n in outcome.notes { line("symbols note", n) }
        if let s = outcome.symbols {
            line("kernel symbols", "\(s.count)", s.source)
        } else {
            line("kernel symbols", "none", FactSource(outcome.hint))
        }
    }
}

extension InfoReport {
    /// Where the configuration came from when no `--kernel-config` was given: embedded in the
    /// dump, or inferred option by option (each with its evidence), and why other sources failed.
    public static func writeConfig(_ outcome: KernelConfigSource.Outcome?, out: TextOutput) {
        guard let outcome else { return }
        func line(_ k: String, _ v: String, _ s: String? = nil) {
            out.write(k.padding(to: 20) + v + (s.map { "  [\($0)]" } ?? "") + "\n")
        }
        for n in outcome.notes { line("config note", n) }
        guard let c = outcome.config else {
            line("kernel config", "none", "defaults: a typical distribution kernel; --kernel-config FILE decides")
            return
        }
        switch c.origin {
        case .file: line("kernel config", "\(c.values.count) options", "--kernel-config")
        case .embedded(let where_): line("kernel config", "\(c.values.count) options", where_)
        case .inferred(let evidence):
            line("kernel config", "\(c.values.count) options inferred from the symbols")
            for (option, value) in c.values.sorted(by: { $0.key < $1.key }) {
                line("config", "CONFIG_\(option)=\(value)", evidence[option])
            }
        }
    }
}

extension InfoReport {
    /// The memory map `--check-tables` compares leaves with: how many RAM regions, or for a
    /// compact image without a record, that there is none.
    public static func writeMemoryMap(_ map: [PhysicalRange]?, compact: Bool, out: TextOutput) {
        guard compact else { return }
        let line = map.map { m in "\(m.count) RAM region\(m.count == 1 ? "" : "s"), \(m.reduce(UInt64(0)) { $0 &+ $1.size }) bytes" }
            ?? "none (an image saved without a memory-map record: --check-tables skips outside-memory)"
        out.write("memory map".padding(to: 20) + line + (map != nil ? "  [PTDUMP note ram]" : "") + "\n")
    }

    /// The physical-address width (x86 MAXPHYADDR) and where it came from, or why it is unknown.
    public static func writeAddressWidth(_ outcome: PhysicalAddressWidth.Outcome, out: TextOutput) {
        let k = "phys bits".padding(to: 20)
        switch outcome {
        case .known(let f): out.write(k + "\(f.value)  [\(f.source)]\n")
        case .unknown(let why): out.write(k + "unknown  [\(why)]\n")
        case .notApplicable: break
        }
    }
}
