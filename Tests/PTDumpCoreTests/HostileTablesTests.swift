import Testing
@testable import PTDumpCore

/// Tables no kernel builds: work and memory stay bounded, problems point at the right place,
/// and the walk says when it stopped.
@Suite struct HostileTablesTests {
    /// Every top-level entry points at one PUD, every PUD entry at one PMD, every PMD entry at
    /// one PTE table whose pages alternate read-only and read-write: 2^36 alternating pages.
    func fanOut() -> PageTableBuilder<X86_64> {
        var b = x86Builder()
        let pud = b.newTable(), pmd = b.newTable(), pte = b.newTable()
        for i in 0..<512 {
            b.set(table: pte, index: i, X86Entry.page(UInt64(i) << 12, rw: i % 2 == 0))
            b.set(table: pmd, index: i, X86Entry.table(pte))
            b.set(table: pud, index: i, X86Entry.table(pmd))
            b.set(table: b.root, index: i, X86Entry.table(pud))
        }
        return b
    }

    @Test func aFanOutOfSharedTablesStopsAtTheRangeLimit() throws {
        let b = fanOut()
        let p = try x86Platform(root: b.root)
        var options = DumpOptions()
        options.maxRanges = 50_000
        let out = TextOutput()
        let report = PageTableDump.print(platform: p, memory: try b.physicalMemory(), options: options, out: out)
        #expect(report.rangeLimit == 50_000)
        let lines = out.text.split(separator: "\n")
        #expect(lines.count < 50_100)
        #expect(lines.last?.contains("RW") == true || lines.last?.contains("ro") == true)
        let (_, check) = PageTableDump.checkWX(platform: p, memory: try b.physicalMemory(), maxRanges: 50_000)
        #expect(check.rangeLimit == 50_000)
    }

    @Test func aTableWalkedAgainAndAgainStopsAtTheReferenceLimit() throws {
        let b = fanOut()
        let p = try x86Platform(root: b.root)
        var options = DumpOptions()
        options.maxTableReferences = 600
        let report = PageTableDump.print(platform: p, memory: try b.physicalMemory(), options: options, out: TextOutput())
        let o = try #require(report.overReferenced)
        #expect(o.references == 601 && o.limit == 600)
        #expect(o.table == PhysicalAddress(b.physicalBase + 3 * 4096))       // the shared PTE table
        // Real kernels' sharing stays far below the default: every sample walks to its end.
        for name in ["x86_64-4level-kasan", "arm64-4k-48-kasan", "x86_64-5level-kasan"] {
            let image = try ImageLoader.load(path: "\(repoRoot)/samples/\(name)/image.ptd")
            let q = try PlatformResolver.resolve(image: image, options: Options())
            var tight = DumpOptions()
            tight.maxTableReferences = 4096
            #expect(!PageTableDump.print(platform: q, memory: image.memory, options: tight, out: TextOutput()).stoppedEarly, "\(name)")
        }
    }

    @Test func aFanOutThatMergesIsWalkedOnceAndPrintsLittle() throws {
        var b = fanOut()
        // Same permissions everywhere: the whole address space coalesces.
        let pte = PhysicalAddress(b.physicalBase + 3 * 4096)
        for i in 0..<512 { b.set(table: pte, index: i, X86Entry.page(UInt64(i) << 12, rw: true)) }
        let p = try x86Platform(root: b.root)
        let (text, report) = renderText(p, try b.physicalMemory())
        #expect(report.rangeLimit == nil)
        #expect(report.tablesRead <= 8)
        #expect(text.split(separator: "\n").count < 40)
    }

    @Test func anUnreadableSharedTableIsReportedOnceAtItsFirstAbsoluteAddressWithACount() throws {
        var b = x86Builder()
        let pud = b.newTable()
        for i in 0..<4 { b.set(table: pud, index: i, X86Entry.table(PhysicalAddress(0x7fff_0000_0000))) }
        b.set(table: b.root, index: 511, X86Entry.table(pud))   // 0xffffff8000000000
        b.set(table: b.root, index: 510, X86Entry.table(pud))   // 0xffffff0000000000
        let p = try x86Platform(root: b.root)
        let (_, report) = renderText(p, try b.physicalMemory())
        #expect(report.problems.count == 1)
        let problem = try #require(report.problems.first)
        #expect(problem.va == 0xffff_ff00_0000_0000)
        #expect(problem.references == 8)
        #expect(problem.parent?.table == pud && problem.parent?.index == 0)
        #expect(problem.description.hasPrefix("unreadable page table at 0x7fff00000000 (pmd table for 0xffffff0000000000, entry 0 of the table at"))
        #expect(problem.description.contains("and 7 more entries pointing at it"))
    }

    @Test func aWindowEndingAtTheTopOfTheAddressSpaceNeverTraps() throws {
        for name in ["arm64-4k-48", "x86_64-4level"] {
            let image = try ImageLoader.load(path: "\(repoRoot)/samples/\(name)/image.ptd")
            let p = try PlatformResolver.resolve(image: image, options: Options())
            for last: UInt64 in [.max - 1, .max] {
                let out = TextOutput()
                let options = DumpOptions(window: WalkRange(first: 0xffff_0000_0000_0000, last: VirtualAddress(last)))
                _ = PageTableDump.print(platform: p, memory: image.memory, options: options, out: out)
                #expect(!out.text.contains("---[  ]---"), "\(name)")
            }
        }
    }
}
