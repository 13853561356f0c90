@testable import PTDumpCore
#if canImport(Glibc)
import Glibc
#endif

/// The repository root, found from this file's path.
let repoRoot: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// Contents of a repository file.
func readRepoFile(_ relative: String) -> String {
    let f = try? MappedFile(path: repoRoot + "/" + relative)
    guard let f else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: f.base, count: f.count), as: UTF8.self)
}

/// A fresh scratch file path (tests run in parallel: never shared between two calls).
func scratchPath(_ name: String) -> String {
    "/tmp/ptdump-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max))-\(name)"
}

/// Writes `bytes` to a scratch file and returns its path.
func writeScratch(_ name: String, _ bytes: [UInt8]) -> String {
    let p = scratchPath(name)
    let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    bytes.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
    close(fd)
    return p
}

/// The text ptdump prints for `platform` over `memory`.
func renderText(_ platform: Platform, _ memory: any PhysicalMemory) -> (String, WalkReport) {
    let out = TextOutput()
    let report = PageTableDump.printText(platform: platform, memory: memory, out: out)
    return (out.text, report)
}

/// The lines `--check-wx` prints.
func wxLines(_ platform: Platform, _ memory: any PhysicalMemory) -> [String] {
    let (results, _) = PageTableDump.checkWX(platform: platform, memory: memory)
    var lines: [String] = []
    for r in results {
        if let h = r.header { lines.append(h) }
        lines += r.checker.findingLines { _ in nil }
        lines.append(r.checker.verdict)
    }
    return lines
}

/// Collects coalesced ranges.
struct RangeCollector: RangeSink {
    var ranges: [CoalescedRange] = []
    var markers: [String] = []
    var skippedCounts: [UInt64] = []
    mutating func marker(_ name: String) { markers.append(name) }
    mutating func range(_ r: CoalescedRange, printed: Bool) { ranges.append(r) }
    mutating func skipped(_ count: UInt64) { skippedCounts.append(count) }
}

/// x86 entry values for fixtures.
enum X86Entry {
    static let table: UInt64 = 0x63            // P RW A D
    static func page(_ pa: UInt64, rw: Bool = true, nx: Bool = true, user: Bool = false, global: Bool = true) -> UInt64 {
        var v = pa | 0x61                        // P A D
        if rw { v |= 0x2 }
        if user { v |= 0x4 }
        if global { v |= 0x100 }
        if nx { v |= 1 << 63 }
        return v
    }
    static func large(_ pa: UInt64, rw: Bool = true, nx: Bool = true) -> UInt64 { page(pa, rw: rw, nx: nx) | 0x80 }
    static func table(_ pa: PhysicalAddress) -> UInt64 { pa.rawValue | table }
}

/// A 4- or 5-level x86 builder whose tables are kernel tables.
func x86Builder(fiveLevel: Bool = false) -> PageTableBuilder<X86_64> {
    PageTableBuilder(arch: X86_64(fiveLevel: fiveLevel)) { X86Entry.table($0) }
}

/// A platform for a built x86 image with default (distribution) markers.
func x86Platform(root: PhysicalAddress, fiveLevel: Bool = false, config: KernelConfig? = nil) throws -> Platform {
    let profile = X86_64Port.linux6_1
    var t = FactTable()
    let context = { (t: FactTable) in LayoutContext(facts: t, levels: fiveLevel ? 5 : 4, pageSize: 4096, vaBits: fiveLevel ? 57 : 48) }
    profile.configFacts(&t, config, context(t))
    let layout = profile.layout(context(t))
    return Platform(arch: Fact(.x86_64, .flag("test")), paging: .x86_64(X86_64(fiveLevel: fiveLevel)),
                    root: Fact(root, .flag("test")), levels: Fact(fiveLevel ? 5 : 4, .flag("test")),
                    pageSize: Fact(4096, .flag("test")), vaBits: Fact(fiveLevel ? 57 : 48, .flag("test")),
                    layout: layout, profile: Fact(profile, .flag("test")))
}

/// The x86 kernel text formatter.
func x86TextFormatter(out: TextOutput, physical: Bool = false) -> KernelTextFormatter {
    let a = X86_64(fiveLevel: false)
    return KernelTextFormatter(out: out, style: a.textStyle, levelNames: a.levelNames, physical: physical)
}

/// Events of a plain recursive walk (no memo, no run merging), for comparing with `Walker`.
func referenceEvents<A: Architecture>(arch: A, memory: any PhysicalMemory, root: PhysicalAddress, ranges: [WalkRange]) -> [Run] {
    var out: [Run] = []
    func visit(_ pa: PhysicalAddress, _ li: Int, _ base: UInt64, _ first: UInt64, _ last: UInt64, _ parent: UInt64?) {
        let L = arch.levels[li]
        guard let t = try? memory.table(at: pa, entries: L.entries, byteOrder: arch.byteOrder) else { return }
        for i in 0..<L.entries {
            let va = base &+ (UInt64(i) << UInt64(L.shift))
            let entryLast = va &+ ((UInt64(1) << UInt64(L.shift)) &- 1)
            if entryLast < first || va > last { continue }
            let e = t[i]
            let kind: EntryClass = li == arch.levels.count - 1 ? .leaf : arch.classify(e, level: li)
            switch kind {
            case .hole: out.append(Run(start: va, last: va, shift: L.shift, level: L.holeLevel, prot: 0, effective: 0))
            case .skip: break
            case .leaf: out.append(Run(start: va, last: va, shift: L.shift, level: L.kernelLevel,
                                       prot: arch.prot(e, kernelLevel: L.kernelLevel), effective: e == 0 ? 0 : arch.effective(e, parent: parent)))
            case .table(let c): visit(c, li + 1, va, max(first, va), min(last, entryLast), arch.effective(e, parent: parent))
            }
        }
    }
    let span = arch.levels[0].tableSpan
    for r in ranges {
        let base = span == 0 ? 0 : r.first.rawValue & ~(span - 1)
        visit(root, 0, base, r.first.rawValue, r.last.rawValue, nil)
    }
    return out
}

/// A small deterministic random generator (tests must be repeatable).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// A VMCOREINFO note record holding `text`.
func vmcoreinfoNote(_ text: String) -> [UInt8] {
    CompactImage.noteBytes(name: "VMCOREINFO", type: 0, desc: Array(text.utf8))
}
