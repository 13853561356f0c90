import Testing
import CLibElf
@testable import PTDumpCore

/// Stage-1 tables of every regime, laid out by `PageTableBuilder` from random mappings and
/// written as a firmware ELF (root, `tcr_elN` and `mair_elN` named by convention), read back
/// with no flags: the generic walk reports exactly the mappings, and W^X counts exactly the
/// regime's writable-and-executable pages. Also through `--save` and back.
@Suite struct ARM64RegimeRoundTripTests {
    struct Case: Sendable, CustomStringConvertible {
        var regime: ARM64Regime, half: AddressHalf, pageSize: Int, vaBits: Int, seed: UInt64
        var description: String { "\(regime.rawValue) \(half) \(pageSize / 1024)K/\(vaBits) #\(seed)" }
    }

    static let cases: [Case] = [
        Case(regime: .el1, half: .low, pageSize: 4096, vaBits: 39, seed: 1),
        Case(regime: .el1, half: .high, pageSize: 4096, vaBits: 48, seed: 2),
        Case(regime: .el1, half: .low, pageSize: 16384, vaBits: 36, seed: 3),
        Case(regime: .el2, half: .low, pageSize: 4096, vaBits: 32, seed: 4),
        Case(regime: .el2, half: .low, pageSize: 65536, vaBits: 42, seed: 5),
        Case(regime: .el2VHE, half: .high, pageSize: 16384, vaBits: 47, seed: 6),
        Case(regime: .el3, half: .low, pageSize: 4096, vaBits: 40, seed: 7),
        Case(regime: .el3, half: .low, pageSize: 65536, vaBits: 48, seed: 8),
    ]

    /// One mapped interval: VA range, PA, compared attribute bits.
    struct Interval: Equatable, CustomStringConvertible {
        var start: UInt64, end: UInt64, pa: UInt64, prot: UInt64
        var description: String { "\(hex16(start))-\(hex16(end)) \(hex(pa)) \(hex(prot))" }
        static func merge(_ xs: [Interval]) -> [Interval] {
            var out: [Interval] = []
            for x in xs {
                if var l = out.last, l.end == x.start, l.prot == x.prot, l.pa &+ (l.end &- l.start) == x.pa {
                    l.end = x.end
                    out[out.count - 1] = l
                } else {
                    out.append(x)
                }
            }
            return out
        }
    }

    struct Collector: RangeSink {
        var ranges: [CoalescedRange] = []
        mutating func marker(_ name: String) {}
        mutating func range(_ r: CoalescedRange, printed: Bool) { ranges.append(r) }
    }

    struct Walk: ArchitectureVisitor {
        let platform: Platform, memory: any PhysicalMemory
        func visit<A: Architecture>(_ arch: A) -> [CoalescedRange] {
            var report = WalkReport()
            return PageTableDump.run(arch: arch, memory: memory, root: platform.root.value, base: platform.vaBase,
                                     ranges: platform.layout.ranges, markers: [], advance: .oneStepOnFlush, physical: true,
                                     sink: Collector(), report: &report).ranges
        }
    }

    func u64Bytes(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

    @Test(arguments: cases)
    func genericWalkReportsExactlyTheMappings(c: Case) throws {
        let arch = try #require(ARM64Stage1(pageSize: c.pageSize, vaBits: c.vaBits, regime: c.regime,
                                            mair: try ARM64MAIR(validating: 0x0000_0000_44ff_0400)))
        let enc = ARM64Stage1Encoder(arch: arch)
        let base: UInt64 = 0x8000_0000
        var b = PageTableBuilder(arch: arch, physicalBase: base) { enc.table($0) }
        let halfStart: UInt64 = c.half == .low ? 0 : 0 &- (UInt64(1) << UInt64(c.vaBits))
        // Slots of one L2 block each, from a random start inside the half.
        let blockLevel = arch.levels.indices.first { arch.hardwareLevel($0) == 2 }!
        let last = arch.levels.count - 1
        let slot = UInt64(1) << UInt64(arch.levels[blockLevel].shift)
        var rng = SplitMix64(state: c.seed)
        let slots = (UInt64(1) << UInt64(c.vaBits)) / slot
        var va = halfStart &+ (rng.next() % (slots / 2)) * slot
        var want: [Interval] = []
        var wxPages: UInt64 = 0
        for _ in 0..<12 {
            let write = rng.next() % 2 == 0, execute = rng.next() % 3 == 0, userExecute = rng.next() % 3 == 0
            let user = rng.next() % 2 == 0, attr = Int(rng.next() % 4)
            let pa = (rng.next() % 4096) * slot
            let isWX = write && (execute || (c.regime.hasTwoRanges && userExecute))
            if rng.next() % 3 == 0 {
                let e = enc.leaf(PhysicalAddress(pa), write: write, execute: execute, userExecute: userExecute, user: user,
                                 attrIndex: attr, last: false, pxnBit: true)
                b.install(va: va, level: blockLevel, entry: e)
                want.append(Interval(start: va, end: va &+ slot, pa: pa, prot: arch.prot(e, kernelLevel: 3)))
                if isWX { wxPages += slot / UInt64(c.pageSize) }
            } else {
                let pages = 1 + rng.next() % 5
                let first = rng.next() % 8
                for i in 0..<pages {
                    let pva = va &+ (first + i) * UInt64(c.pageSize), ppa = pa + (first + i) * UInt64(c.pageSize)
                    let e = enc.leaf(PhysicalAddress(ppa), write: write, execute: execute, userExecute: userExecute,
                                     user: user, attrIndex: attr, last: true, pxnBit: true)
                    b.install(va: pva, level: last, entry: e)
                    want.append(Interval(start: pva, end: pva &+ UInt64(c.pageSize), pa: ppa, prot: arch.prot(e, kernelLevel: 4)))
                }
                if isWX { wxPages += pages }
            }
            va = va &+ slot * (1 + rng.next() % 3)
        }
        let el = c.regime == .el3 ? 3 : c.regime == .el1 ? 1 : 2
        let tg0 = [4096: UInt64(0), 65536: 1, 16384: 2][c.pageSize]!, tg1 = [16384: UInt64(1), 4096: 2, 65536: 3][c.pageSize]!
        let tsz = UInt64(64 - c.vaBits)
        let tcr = c.half == .low ? tsz | tg0 << 14 : tsz << 16 | tg1 << 30
        let tcrPA = b.newData(u64Bytes(tcr)), mairPA = b.newData(u64Bytes(0x44ff_0400))
        let rootName = c.regime == .el2VHE ? "ptdump_root" : c.half == .low ? "ttbr0_el\(el)" : "ttbr1_el\(el)"
        let path = scratchPath("regime-\(c.seed).elf")
        try ElfWriter.write(path: path, machine: 183, type: UInt16(ET_EXEC),
                            segments: [ElfSegment(type: UInt32(PT_LOAD), vaddr: base, paddr: base, data: b.bytes, align: 4096)],
                            symbols: [(rootName, b.root.rawValue), ("tcr_el\(el)", tcrPA.rawValue), ("mair_el\(el)", mairPA.rawValue)])
        var o = Options()
        if c.regime == .el2VHE {
            o.translation.regime = "el2-vhe"
            o.translation.half = c.half
        }
        let image = try ImageLoader.load(path: path, options: o)
        let p = try PlatformResolver.resolve(image: image, options: o)
        #expect(!p.linuxKernel && p.vaBits.value == c.vaBits && p.pageSize.value == c.pageSize && p.root.value == b.root)

        func walked(_ p: Platform, _ memory: any PhysicalMemory) -> [Interval] {
            let ranges = p.paging.accept(Walk(platform: p, memory: memory))
            #expect(ranges.first?.start.rawValue == halfStart)
            return Interval.merge(ranges.filter { $0.prot != 0 }.map {
                Interval(start: $0.start.rawValue, end: $0.end.rawValue, pa: $0.physical?.rawValue ?? .max, prot: $0.prot)
            })
        }
        #expect(walked(p, image.memory) == Interval.merge(want))
        let (results, _) = PageTableDump.checkWX(platform: p, memory: image.memory)
        #expect(results.first?.checker.wxPages == wxPages)

        // --save keeps the regime, half and MAIR: the compact image walks the same.
        let saved = scratchPath("regime-\(c.seed).ptd")
        _ = try ImageSaver.save(to: saved, image: image, platform: p)
        let image2 = try ImageLoader.load(path: saved)
        let p2 = try PlatformResolver.resolve(image: image2, options: Options())
        #expect(p2.translationName?.hasPrefix("arm64 \(c.regime.displayName) stage 1") == true)
        #expect(walked(p2, image2.memory) == Interval.merge(want))
    }
}
