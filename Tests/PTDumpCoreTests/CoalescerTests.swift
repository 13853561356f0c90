import Testing
@testable import PTDumpCore

/// The kernel's note_page quirks, reproduced by the coalescer and the x86 formatter.
@Suite struct CoalescerTests {
    func x86Text(_ body: (inout RangeCoalescer<KernelTextFormatter>) -> Void, markers: [AddressMarker]) -> String {
        let out = TextOutput()
        var c = RangeCoalescer(markers: markers, advance: .oneStepOnFlush, sink: x86TextFormatter(out: out))
        body(&c)
        c.finish()
        return out.text
    }

    @Test func lastLineEndsAtZeroAndMarkerLags() {
        let text = x86Text({ c in
            c.note(0, level: 0, prot: 0, effective: 0)
            c.note(0x1000, level: 4, prot: 0x63, effective: 0x63)   // crosses two markers at once
            c.note(0x3000, level: 4, prot: 0, effective: 0)
        }, markers: [AddressMarker(0, "A"), AddressMarker(0x800, "B"), AddressMarker(0x1000, "C")])
        #expect(text == """
            ---[ A ]---
            0x0000000000000000-0x0000000000001000           4K                               pgd
            ---[ B ]---
            0x0000000000001000-0x0000000000003000           8K     RW                     x  pte
            ---[ C ]---
            0x0000000000003000-0x0000000000000000   18014398509481972K                               pte

            """)
    }

    @Test func markerInsideARunSplitsItAtTheFirstEventPastIt() {
        let out = TextOutput()
        var c = RangeCoalescer(markers: [AddressMarker(0, "A"), AddressMarker(0x2800, "B")], advance: .oneStepOnFlush,
                               sink: x86TextFormatter(out: out))
        c.feed(Run(start: 0, last: 0x9000, shift: 12, level: 4, prot: 0, effective: 0))
        c.finish()
        #expect(out.text.contains("0x0000000000000000-0x0000000000003000          12K"))
    }

    @Test func espfixCapSkipsLines() {
        let text = x86Text({ c in
            for i in 0..<20 as Range<UInt64> { c.note(i << 12, level: 4, prot: i & 1 == 0 ? 0x63 : 0x61, effective: 0) }
            c.note(20 << 12, level: 4, prot: 0, effective: 0)
        }, markers: [AddressMarker(0, "ESPfix Area", maxLines: 16), AddressMarker(20 << 12, "Next")])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.filter { $0.hasPrefix("0x") }.count == 17)       // 16 + the line under "Next"
        #expect(text.contains("... 4 entries skipped ... \n---[ Next ]---"))
    }

    @Test func sizeUnits() {
        let text = x86Text({ c in
            c.note(0, level: 2, prot: 0, effective: 0)
            c.note(0x40000000, level: 3, prot: 0, effective: 0)
            c.note(0x40000000 + 1536 * 1024, level: 4, prot: 0, effective: 0)
        }, markers: [AddressMarker(0, "M")])
        #expect(text.contains("           1G "))
        #expect(text.contains("        1536K "))
    }

    @Test func arm64AdvancesUpToTwoMarkersAndPrintsNoAttributesForHoles() {
        let out = TextOutput()
        var c = RangeCoalescer(markers: [AddressMarker(0, "A"), AddressMarker(0x1000, "B"), AddressMarker(0x1000, "C")],
                               advance: .alsoAfterEveryNote,
                               sink: KernelTextFormatter(out: out, style: ARM64.text, levelNames: ["PGD", "P4D", "PUD", "PMD", "PTE"]))
        c.note(0, level: 0, prot: 0, effective: 0)
        c.note(0x1000, level: 4, prot: 0, effective: 0)
        c.finish()
        #expect(out.text == """
            ---[ A ]---
            0x0000000000000000-0x0000000000001000           4K PGD
            ---[ B ]---
            ---[ C ]---
            0x0000000000001000-0x0000000000000000   18014398509481980K PTE

            """)
    }

    @Test func allPassedOnFlushPrintsEveryReachedMarkerAtOnce() {
        // riscv's `while (addr >= st->marker[1].start_address)`: B and C share an address and D
        // is passed by the same note; x86's one step would leave C and D for later notes.
        let markers = [AddressMarker(0, "A"), AddressMarker(0x1000, "B"), AddressMarker(0x1000, "C"),
                       AddressMarker(0x2000, "D"), AddressMarker(0x9000, "E")]
        var loop = RangeCoalescer(markers: markers, advance: .allPassedOnFlush, sink: RangeCollector())
        var step = RangeCoalescer(markers: markers, advance: .oneStepOnFlush, sink: RangeCollector())
        for c in [0, 0x3000] as [UInt64] {
            loop.note(c, level: 4, prot: c == 0 ? 1 : 3, effective: 0)
            step.note(c, level: 4, prot: c == 0 ? 1 : 3, effective: 0)
        }
        loop.finish()
        step.finish()
        #expect(loop.sink.markers == ["A", "B", "C", "D"])
        #expect(step.sink.markers == ["A", "B"])
        #expect(loop.sink.ranges.map(\.marker) == ["A", "D"])
    }

    @Test func withoutBreakingOnPhysicalARangeKeepsItsFirstAddress() {
        // A kernel PA column (riscv's start_pa): runs merge whatever their physical addresses.
        var kept = RangeCoalescer(markers: [AddressMarker(0, "A")], advance: .allPassedOnFlush, breaksOnPhysical: false,
                                  sink: RangeCollector())
        var split = RangeCoalescer(markers: [AddressMarker(0, "A")], advance: .allPassedOnFlush, sink: RangeCollector())
        for (va, pa) in [(0, 0x8000), (0x1000, 0x4000), (0x2000, 0x5000)] as [(UInt64, UInt64)] {
            kept.note(va, level: 4, prot: 3, effective: 0, physical: pa)
            split.note(va, level: 4, prot: 3, effective: 0, physical: pa)
        }
        kept.finish(at: 0x3000)
        split.finish(at: 0x3000)
        #expect(kept.sink.ranges.map(\.physical) == [0x8000])
        #expect(split.sink.ranges.map(\.physical) == [0x8000, 0x4000])
    }
}
