/// Applies an architecture's `HygieneRules` to each table of a `TableTreeWalk`: empty tables,
/// bad entries, reserved bits, leaves outside memory, contiguous-hint groups. Findings of one
/// kind in one table are reported once, with the first entry and the count.
struct TableInspector<A: Architecture> {
    let arch: A
    let rules: HygieneRules
    /// RAM regions, sorted; nil: no outside-memory check.
    let memoryMap: [PhysicalRange]?
    private(set) var findings: [HygieneFinding] = []
    private(set) var entries = 0

    /// The address markers, ascending: the regions tables lie in.
    let markers: [AddressMarker]

    init(arch: A, rules: HygieneRules, memoryMap: [PhysicalRange]?, markers: [AddressMarker]) {
        self.arch = arch
        self.markers = markers
        self.rules = rules
        self.memoryMap = rules.deviceMemory == nil ? nil : memoryMap
    }

    func levelName(_ li: Int) -> String { arch.levelNames[arch.levels[li].kernelLevel] }

    /// The VA range a table maps at its first reference.
    func span(_ v: TableVisit) -> (VirtualAddress, VirtualAddress) { entrySpan(v, v.first, v.last) }

    /// VA range of entries `i...j` of the table `v`.
    func entrySpan(_ v: TableVisit, _ i: Int, _ j: Int) -> (VirtualAddress, VirtualAddress) {
        let shift = arch.levels[v.level].shift
        return (v.address(ofEntry: i, shift: shift), VirtualAddress(v.address(ofEntry: j, shift: shift).rawValue &+ ((UInt64(1) << UInt64(shift)) &- 1)))
    }

    /// A finding about entries of `v`: the first one met and how many.
    private struct Tally { var first: Int; var last: Int; var count: Int; var detail: String }

    mutating func inspect(_ v: TableVisit, _ t: TablePage) {
        let li = v.level
        let L = arch.levels[li]
        let bottom = li == arch.levels.count - 1
        var used = 0
        var tallies: [(HygieneFinding.Kind, String, Tally)] = []
        func note(_ kind: HygieneFinding.Kind, _ key: String, _ i: Int, _ detail: @autoclosure () -> String) {
            if let k = tallies.firstIndex(where: { $0.0 == kind && $0.1 == key }) {
                tallies[k].2.count += 1
                tallies[k].2.last = i
            } else {
                tallies.append((kind, key, Tally(first: i, last: i, count: 1, detail: detail())))
            }
        }
        let reserved = rules.reserved.filter { $0.realLevels.contains(li) }
        for i in v.first...v.last {
            let e = t[i]
            entries += 1
            let valid = e & rules.validMask != 0
            switch arch.kind(of: e, level: li) {
            case .hole:
                if valid && rules.badEntriesAreFindings && !bottom {
                    note(.badEntry, "", i, "entry \(hex(e)) is neither a table nor a leaf the kernel accepts here; the walk treats it as empty")
                }
            case .skip:
                break
            case .leaf:
                guard valid else { continue }
                used += 1
                for r in reserved where r.role == .leaf && r.isBroken(by: e) {
                    note(.reservedBits, r.name, i, "\(r.name) (entry \(hex(e)))")
                }
                if let map = memoryMap, !(rules.deviceMemory ?? []).contains(where: { $0.isSet(in: arch.prot(e, kernelLevel: L.kernelLevel)) }) {
                    let pa = arch.outputAddress(e, level: li)
                    if !Self.inside(pa, map) && !rules.mappedWhateverIsThere.contains(where: { $0.start <= pa && pa < $0.end }) {
                        note(.outsideMemory, "", i, "maps \(hex(pa)) as normal memory, outside every memory region of the dump")
                    }
                }
            case .table:
                used += 1
                for r in reserved where r.role == .table && valid && r.isBroken(by: e) {
                    note(.reservedBits, r.name, i, "\(r.name) (entry \(hex(e)))")
                }
            }
        }
        if v.parent != nil && used == 0 && rules.freedWhenEmpty.contains(region(of: v.base)) {
            let (f, l) = span(v)
            findings.append(HygieneFinding(kind: .emptyTable, table: v.pa, level: levelName(li), first: f, last: l,
                                           detail: "no valid entry, still linked from entry \(v.parent?.index ?? 0) of the table at \(hex(v.parent?.table ?? 0))"))
        }
        for rule in rules.contiguous where rule.realLevel == li { checkContiguous(v, t, rule, note: note) }
        for (kind, _, tally) in tallies {
            let (f, l) = entrySpan(v, tally.first, tally.last)
            findings.append(HygieneFinding(kind: kind, table: v.pa, level: levelName(li), first: f, last: l, entry: tally.first,
                                           count: tally.count, detail: tally.detail))
        }
    }

    /// Aligned groups of `rule.entries` entries, any of which has the hint: all must have it, be
    /// valid, share the attributes and map consecutive pieces of one aligned output range.
    private func checkContiguous(_ v: TableVisit, _ t: TablePage, _ rule: ContiguousRule,
                                 note: (HygieneFinding.Kind, String, Int, @autoclosure () -> String) -> Void) {
        let n = rule.entries
        guard n > 1, t.entries % n == 0 else { return }
        let li = v.level
        let span = arch.levels[li].entrySpan
        var g = (v.first / n) * n
        while g + n - 1 <= v.last || g <= v.last {
            defer { g += n }
            let group = g..<min(g + n, t.entries)
            guard group.contains(where: { t[$0] & rule.bit != 0 && t[$0] & rules.validMask != 0 }) else { continue }
            let e0 = t[g]
            let invalid = group.filter { t[$0] & rules.validMask == 0 }
            if !invalid.isEmpty, group.allSatisfy({ t[$0] & rules.validMask == 0 || t[$0] & rule.bit != 0 }) {
                // Valid entries with the hint, others invalid: a group being rewritten.
                note(.breakBeforeMake, "contiguous", g, "contiguous group of \(n) entries with \(invalid.count) invalid (first: entry \(invalid[0])) and the others valid with the hint: a break-before-make sequence caught between its steps, or a torn update")
                continue
            }
            if let bad = group.first(where: { t[$0] & rule.bit == 0 || t[$0] & rules.validMask == 0 }) {
                note(.contiguous, "incomplete", g, "incomplete contiguous group of \(n) entries: entry \(bad) lacks the hint or is invalid")
                continue
            }
            if let bad = group.first(where: { t[$0] & rule.attributeMask != e0 & rule.attributeMask }) {
                note(.contiguous, "inconsistent", g, "inconsistent contiguous group: entry \(bad) has other attributes than entry \(g)")
                continue
            }
            let pa0 = arch.outputAddress(e0, level: li)
            if let bad = group.first(where: { arch.outputAddress(t[$0], level: li) != pa0 + UInt64($0 - g) &* span }) {
                note(.contiguous, "address", g, "inconsistent contiguous group: entry \(bad) does not map the next \(span)-byte piece")
                continue
            }
            if pa0.rawValue % (UInt64(n) &* span) != 0 {
                note(.contiguous, "misaligned", g, "misaligned contiguous group: output \(hex(pa0)) is not aligned to \(UInt64(n) &* span) bytes")
            }
        }
    }

    /// The name of the marker region `va` lies in.
    func region(of va: VirtualAddress) -> String {
        markers.last { $0.start <= va }?.name ?? ""
    }

    /// True when `pa` lies in one of `map` (sorted).
    static func inside(_ pa: PhysicalAddress, _ map: [PhysicalRange]) -> Bool {
        var lo = 0, hi = map.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if map[mid].end <= pa { lo = mid + 1 } else { hi = mid }
        }
        return lo < map.count && map[lo].start <= pa && pa < map[lo].end
    }
}

/// The walker's invariant over the coalesced ranges: they start where the walk starts and each
/// begins where the previous one ended, so every address is reported once and only once.
struct CoverageChecker: RangeSink {
    struct Problem { var first: VirtualAddress; var last: VirtualAddress; var detail: String }
    var problems: [Problem] = []
    private var next: VirtualAddress?
    private var done = false

    init(start: VirtualAddress) { next = start }

    mutating func marker(_ name: String) {}

    mutating func range(_ r: CoalescedRange, printed: Bool) {
        guard problems.count < 16 else { return }
        if done {
            problems.append(Problem(first: r.start, last: r.end, detail: "a range after the one that reached the top of the address space"))
        } else if let n = next, r.start != n {
            problems.append(Problem(first: min(n, r.start), last: max(n, r.start),
                                    detail: r.start > n ? "addresses not reported by the walk" : "addresses reported twice by the walk"))
        }
        next = r.end
        if r.end.rawValue == 0 { done = true }
    }
}
