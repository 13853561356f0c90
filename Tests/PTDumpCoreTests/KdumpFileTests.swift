import PTDumpCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// makedumpfile's kdump-compressed files, read page by page through libkdumpfile, against the
/// ELF dumps they were made from (samples/kdump/SOURCE.md).
@Suite struct KdumpFileSampleTests {
    @Test func committedSamplesArePresent() {
        let names = KdumpSample.all.map(\.testDescription)
        for n in ["x86_64-4level.c-d31.kdump", "x86_64-4level.l-d31.kdump", "x86_64-4level.c-d31.flat",
                  "x86_64-4level.c-d31.split", "arm64-4k-48.z-d31.kdump"] {
            #expect(names.contains(n), "\(n) missing from samples/kdump")
        }
    }

    @Test(arguments: KdumpSample.all)
    func pagesReadAsTheELFDumpHoldsThem(_ sample: KdumpSample) throws {
        let kd = try KdumpFile(paths: sample.paths)
        let want = KdumpExpectation(source: sample.source)
        #expect(want.pages.count >= 8)
        for p in want.pages {
            if sample.level == 31 && want.excludedAtD31.contains(p.pa) { continue }
            #expect(try kd.read(p.pa, count: 4096) == p.bytes, "\(hex(p.pa)): \(p.why)")
            // Unaligned, and crossing into the next page when that one is dumped too.
            #expect(try kd.read(p.pa + 8, count: 24) == Array(p.bytes[8..<32]))
        }
        let root = want.pages[0]
        #expect(try kd.read(root.pa + 4088, count: 8) == Array(root.bytes[4088..<4096]))
    }

    @Test(arguments: KdumpSample.all)
    func excludedAndOutsidePagesAreTold(_ sample: KdumpSample) throws {
        let kd = try KdumpFile(paths: sample.paths)
        let want = KdumpExpectation(source: sample.source)
        for pa in want.excludedAtD31 {
            if sample.level == 31 {
                #expect(throws: KdumpReadError.excluded(pa + 16)) { try kd.read(pa + 16, count: 8) }
            } else {
                #expect(try kd.read(pa, count: 8) == Array(want.pages.first { $0.pa == pa }!.bytes[0..<8]))
            }
        }
        for pa in want.outside {
            #expect(throws: KdumpReadError.outside(pa)) { try kd.read(pa, count: 4096) }
        }
        #expect(throws: KdumpReadError.outside(1 << 60)) { try kd.read(1 << 60, count: 1) }
        // A read that starts in a dumped page and runs into an outside one names the first byte missing.
        let last = want.outside.last!
        #expect(throws: KdumpReadError.outside(last)) { try kd.read(last - 8, count: 16) }
        #expect(KdumpReadError.excluded(0x6fce010).description.contains("0x6fce010"))
    }

    @Test(arguments: KdumpSample.all)
    func describesTheDump(_ sample: KdumpSample) throws {
        let kd = try KdumpFile(paths: sample.paths)
        let want = KdumpExpectation(source: sample.source)
        #expect(kd.vmcoreinfo == want.vmcoreinfo)
        #expect(kd.notes.map { "\($0.name)/\($0.type)/\($0.desc.count)" } == want.notes.map { "\($0.name)/\($0.type)/\($0.size)" })
        #expect(kd.machine == sample.machine)
        #expect(kd.headerVersion == 6)
        #expect(kd.compression == sample.compression)
        #expect(kd.dumpLevel == sample.level)
        #expect(kd.pageSize == 4096)
        #expect(kd.formatDescription.hasPrefix("kdump-compressed (makedumpfile header version 6, "))
        #expect(kd.formatDescription.contains("dump level \(sample.level)"))
        #expect(kd.formatDescription.contains("flattened") == (sample.kind == "flat"))
        #expect(kd.formatDescription.contains("split into 3 files") == (sample.kind == "split"))
        for rs in [kd.regions, kd.dumpedRegions] {
            #expect(!rs.isEmpty)
            #expect(zip(rs, rs.dropFirst()).allSatisfy { $0.end < $1.start })
            #expect(rs.allSatisfy { $0.start < $0.end && $0.start % 4096 == 0 && $0.end % 4096 == 0 })
        }
        // Every dumped page is RAM; the root table is both.
        #expect(kd.dumpedRegions.allSatisfy { d in kd.regions.contains { $0.start <= d.start && d.end <= $0.end } })
        #expect(kd.dumpedRegions.contains { $0.start <= want.pages[0].pa && want.pages[0].pa < $0.end })
    }

    @Test func pagesAreCachedAndCounted() throws {
        let kd = try KdumpFile(path: KdumpSample.x86Zlib)
        #expect(kd.pagesRead == 0)
        _ = try kd.read(0x181d000, count: 8)
        _ = try kd.read(0x181d000 + 4000, count: 8)
        #expect(kd.pagesRead == 1)
        _ = try kd.read(0x181d000 + 4090, count: 12)   // into the next page
        #expect(kd.pagesRead == 2)
        #expect(throws: KdumpReadError.excluded(0x6fce000)) { try kd.read(0x6fce000, count: 8) }
        #expect(kd.pagesRead == 2)
    }

    @Test func splitPartsMayComeInAnyOrder() throws {
        let parts = KdumpSample.all.first { $0.kind == "split" }!.paths
        let a = try KdumpFile(paths: parts)
        let b = try KdumpFile(paths: parts.reversed())
        for pa: UInt64 in [0x181d000, 0x100000, 0x7fff000] {
            #expect(try a.read(pa, count: 4096) == b.read(pa, count: 4096))
        }
    }

    /// makedumpfile writes empty parts (start = end) when a guest is smaller than its 1 GiB split
    /// blocks; libkdumpfile 0.5.1 then misses pages depending on the order of the parts.
    @Test func emptySplitPartsAreHarmless() throws {
        let parts = KdumpSample.all.first { $0.kind == "split" }!.paths
        var empty = readBytes(parts[2])!
        empty.setLE(4096 + 80, 8, 0x8000)   // start_pfn_64 = end_pfn_64 = max_mapnr
        let e = writeScratch("empty.split", empty)
        for order in [[e, parts[2], parts[0], parts[1]], [parts[2], e, parts[1], parts[0]]] {
            let kd = try KdumpFile(paths: order)
            #expect(kd.formatDescription.contains("split into 4 files"))
            for pa: UInt64 in [0x100000, 0x181d000, 0x7fff000] {
                #expect(try kd.read(pa, count: 8).count == 8)
            }
        }
    }

    @Test func readsFromAPipe() throws {
        for path in [KdumpSample.x86Zlib, KdumpSample.committedDirectory + "/x86_64-4level.c-d31.flat"] {
            guard let f = popen("cat '\(path)'", "r") else { Issue.record("popen"); return }
            defer { pclose(f) }
            let kd = try KdumpFile(path: "/dev/fd/\(fileno(f))")
            let want = KdumpExpectation(source: "x86_64-4level")
            #expect(try kd.read(want.pages[0].pa, count: 4096) == want.pages[0].bytes)
        }
    }

    @Test func recognizesItsSignatures() throws {
        for p in [KdumpSample.x86Zlib, KdumpSample.committedDirectory + "/x86_64-4level.c-d31.flat"] {
            #expect(KdumpFile.recognizes(Array(readBytes(p)!.prefix(16))))
        }
        #expect(KdumpFile.recognizes(Array("DISKDUMP".utf8) + [UInt8](repeating: 0, count: 8)))
        #expect(!KdumpFile.recognizes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
        #expect(!KdumpFile.recognizes(Array("makedumpfileX".utf8)))
        #expect(!KdumpFile.recognizes([]))
    }
}
