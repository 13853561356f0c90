/// `--check-tables`' live-root rule: every address space repeats the kernel root's top-level
/// entries over the shared kernel half (`HygieneRules.sharedTopLevelFrom`), so a CPU that ran
/// on another root (a process's PGD, from its CPU note) must hold the same entries there —
/// bits the hardware updates aside, per-process regions (`perProcessRegions`) excepted. An
/// entry that differs maps the same kernel addresses through other tables: a copy out of step
/// (an update seen by one root and not yet by the others) or a stale PGD.
struct LiveRootComparison<A: Architecture> {
    let arch: A
    let tables: PageTables<A>
    let rules: HygieneRules

    /// Findings for each of `platform.cpuRoots` that is not the root, and notes for roots that
    /// could not be compared.
    func compare(platform: Platform, markers: [AddressMarker]) -> (findings: [HygieneFinding], skipped: [String]) {
        guard let from = rules.sharedTopLevelFrom, platform.rootLevel == 0,
              let start = markers.first(where: { $0.name == from })?.start else { return ([], []) }
        let others = platform.cpuRoots.filter { $0.value != platform.root.value }
        guard !others.isEmpty, let kernel = try? tables.table(at: platform.root.value, level: 0) else { return ([], []) }
        let L = arch.levels[0]
        let name = arch.levelNames[L.kernelLevel]
        let vaBits = UInt64(platform.vaBits.value)
        let ignore = rules.hardwareUpdated
        var findings: [HygieneFinding] = [], skipped: [String] = []
        // The per-process regions, [first, last]: an entry whose span touches one is skipped
        // (EFI's area shares the kernel image's top-level entry, x86's slot 511).
        var perProcess: [(UInt64, UInt64)] = []
        for (k, m) in markers.enumerated() where rules.perProcessRegions.contains(m.name) {
            let next = markers[(k + 1)...].first { $0.start > m.start }?.start.rawValue
            perProcess.append((m.start.rawValue, next.map { $0 &- 1 } ?? UInt64.max))
        }
        var seen: Set<PhysicalAddress> = []
        for cpu in others where seen.insert(cpu.value).inserted {
            guard let t = try? tables.table(at: cpu.value, level: 0) else {
                skipped.append("live-root: the root \(hex(cpu.value)) (\(cpu.source)) is not in the image")
                continue
            }
            var run: (first: Int, last: Int, count: Int, ours: UInt64, kernels: UInt64)?
            func flush() {
                guard let r = run else { return }
                let va = address(r.first, L.shift, vaBits)
                let end = address(r.last, L.shift, vaBits) &+ ((UInt64(1) << UInt64(L.shift)) &- 1)
                findings.append(HygieneFinding(kind: .liveRoot, table: cpu.value, level: name, first: VirtualAddress(va), last: VirtualAddress(end),
                                               entry: r.first, count: r.count,
                                               detail: "the root \(hex(cpu.value)) (\(cpu.source)) holds \(hex(r.ours)) where the kernel's root \(hex(platform.root.value)) holds \(hex(r.kernels)): the shared kernel half is out of step"))
                run = nil
            }
            for i in 0..<min(t.entries, kernel.entries) {
                let va = address(i, L.shift, vaBits)
                let last = va &+ ((UInt64(1) << UInt64(L.shift)) &- 1)
                guard va >= start.rawValue, !perProcess.contains(where: { $0.0 <= last && va <= $0.1 }) else { flush(); continue }
                let a = kernel[i], b = t[i]
                guard a & rules.validMask != 0 || b & rules.validMask != 0, a & ~ignore != b & ~ignore else { flush(); continue }
                if let r = run, r.last == i - 1 { run?.last = i; run?.count = r.count + 1 } else { flush(); run = (i, i, 1, b, a) }
            }
            flush()
        }
        return (findings, skipped)
    }

    /// The (sign-extended) virtual address entry `i` of a top table maps.
    private func address(_ i: Int, _ shift: Int, _ vaBits: UInt64) -> UInt64 {
        let va = UInt64(i) << UInt64(shift)
        guard vaBits > 0, vaBits < 64, va >> (vaBits - 1) & 1 == 1 else { return va }
        return va | ~((UInt64(1) << vaBits) - 1)
    }
}
