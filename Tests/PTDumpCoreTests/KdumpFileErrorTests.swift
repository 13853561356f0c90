import PTDumpCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Damaged kdump-compressed files, made by editing the committed zlib sample in a scratch file:
/// each gives one clear error naming what is wrong (and where), never a crash or wrong bytes.
@Suite struct KdumpFileErrorTests {
    let sample = readBytes(KdumpSample.x86Zlib)!
    let root: UInt64 = 0x181d000

    func openError(_ paths: [String]) -> ImageError? {
        do { _ = try KdumpFile(paths: paths); return nil } catch { return error }
    }

    func edited(_ name: String, _ edit: (inout [UInt8]) -> Void) -> String {
        var b = sample
        edit(&b)
        return writeScratch(name, b)
    }

    /// File offset of the page descriptor of `pa` in the sample.
    func descriptorOffset(_ pa: UInt64) throws -> Int {
        let kd = try KdumpFile(path: KdumpSample.x86Zlib)
        let rank = kd.dumpedRegions.reduce(UInt64(0)) { n, r in
            n + (r.start >= pa ? 0 : (min(r.end, pa) - r.start) / 4096)
        }
        let bs = sample.le(428, 4), shs = sample.le(432, 4), bmb = sample.le(436, 4)
        return Int((1 + shs + bmb) * bs + rank * 24)
    }

    @Test func fileCutShortInThePageData() throws {
        let p = writeScratch("cut.kdump", Array(sample.prefix(1_000_000)))
        let e = try #require(openError([p]))
        #expect(e.description.contains("truncated") && e.description.contains("cut short"), "\(e)")
        #expect(e.description.contains("1000000 bytes"))
    }

    @Test func fileCutShortInTheBitmaps() throws {
        let p = writeScratch("cut2.kdump", Array(sample.prefix(10_000)))
        let e = try #require(openError([p]))
        #expect(e.description.contains("page bitmaps end at"), "\(e)")
    }

    @Test func fileCutShortInTheHeader() throws {
        let p = writeScratch("cut3.kdump", Array(sample.prefix(300)))
        let e = try #require(openError([p]))
        #expect(e.description.contains("fewer than a kdump header"), "\(e)")
    }

    @Test func corruptedCompressedPageNamesItsAddress() throws {
        let at = try descriptorOffset(root)
        let dataAt = Int(sample.le(at, 8)), size = Int(sample.le(at + 8, 4))
        #expect(sample.le(at + 12, 4) == 1)   // zlib
        let p = edited("badpage.kdump") { b in for i in 0..<8 { b[dataAt + size / 2 + i] ^= 0x5a } }
        let kd = try KdumpFile(path: p)
        do {
            _ = try kd.read(root + 0x10, count: 8)
            Issue.record("read a corrupted page")
        } catch {
            guard case let .corrupt(pa, why) = error else { Issue.record("\(error)"); return }
            #expect(pa == root + 0x10)
            #expect(why.contains("zlib data") && why.contains("do not decompress"), "\(why)")
            #expect(error.description.contains("0x181d010"))
        }
        // The pages around it still read.
        #expect(try kd.read(0x100000, count: 8).count == 8)
    }

    @Test func unknownCompressionFlagOfAPage() throws {
        let at = try descriptorOffset(root)
        let p = edited("badflag.kdump") { $0.setLE(at + 12, 4, 0x40) }
        let kd = try KdumpFile(path: p)
        #expect(throws: KdumpReadError.corrupt(root, "its page descriptor (at \(hex(UInt64(at))) in \(p)) has flags 0x40, no compression ptdump knows (zlib 0x1, lzo 0x2, snappy 0x4, zstd 0x20)")) {
            try kd.read(root, count: 8)
        }
    }

    /// libkdumpfile 0.5.1 would read these 14125 bytes into its one-page buffer.
    @Test func compressedSizeAboveAPageIsRefusedBeforeTheLibraryReadsIt() throws {
        let at = try descriptorOffset(root)
        let p = edited("bigsize.kdump") { $0.setLE(at + 8, 4, 14125) }
        let kd = try KdumpFile(path: p)
        #expect(throws: KdumpReadError.corrupt(root, "its page descriptor (at \(hex(UInt64(at))) in \(p)) says 14125 bytes of zlib data for a 4096-byte page")) {
            try kd.read(root, count: 8)
        }
    }

    @Test func pageDataBeyondTheEndOfTheFile() throws {
        let at = try descriptorOffset(root)
        let p = edited("pastend.kdump") { $0.setLE(at, 8, 0x7000_0000) }
        let kd = try KdumpFile(path: p)
        do {
            _ = try kd.read(root, count: 8)
            Issue.record("read past the end")
        } catch {
            #expect(error.description.contains("lie past the end") && error.description.contains("0x181d000"), "\(error)")
        }
    }

    @Test func unknownHeaderFlag() throws {
        let p = edited("flag.kdump") { $0[424] |= 0x40 }
        let e = try #require(openError([p]))
        #expect(e.description.contains("header flags 0x41 include 0x40"), "\(e)")
    }

    @Test func unknownHeaderVersion() throws {
        let p = edited("version.kdump") { $0.setLE(8, 4, 9) }
        let e = try #require(openError([p]))
        #expect(e.description.contains("header version 9 is not one ptdump knows"), "\(e)")
    }

    @Test func damagedBlockSize() throws {
        let p = edited("bs.kdump") { $0.setLE(428, 4, 1000) }
        let e = try #require(openError([p]))
        #expect(e.description.contains("block size 1000 is not a page size"), "\(e)")
    }

    @Test func notAKdumpFile() throws {
        let e = try #require(openError([writeScratch("x.elf", [0x7f, 0x45, 0x4c, 0x46] + [UInt8](repeating: 0, count: 600))]))
        guard case .unknownFormat(let why) = e else { Issue.record("\(e)"); return }
        #expect(why.hasSuffix("is an ELF dump, not kdump-compressed"))
        #expect(openError([writeScratch("empty.kdump", [])]) == .empty)
        #expect(openError(["/nonexistent/x.kdump"])?.description.contains("No such file") == true)
    }

    // MARK: flattened

    var flat: [UInt8] { readBytes(KdumpSample.committedDirectory + "/x86_64-4level.c-d31.flat")! }

    @Test func flattenedRecordWithANegativeSize() throws {
        var b = flat
        b.setBE(4096 + 8, 8, UInt64(bitPattern: -5))
        let e = try #require(openError([writeScratch("bad.flat", b)]))
        #expect(e.description.contains("record 0 at byte 0x1000 says offset 0, size -5"), "\(e)")
    }

    @Test func flattenedFileCutShort() throws {
        let b = flat
        let e = try #require(openError([writeScratch("cut.flat", Array(b.prefix(b.count / 2)))]))
        #expect(e.description.contains("truncated: flattened file") && e.description.contains("cut short"), "\(e)")
        let e2 = try #require(openError([writeScratch("noend.flat", Array(b.dropLast(16)))]))
        #expect(e2.description.contains("without makedumpfile's end marker"), "\(e2)")
    }

    @Test func flattenedHeaderOfAnotherType() throws {
        var b = flat
        b.setBE(16, 8, 2)
        let e = try #require(openError([writeScratch("type.flat", b)]))
        #expect(e.description.contains("flattened header type 2"), "\(e)")
    }

    // MARK: split sets

    var parts: [String] { KdumpSample.all.first { $0.kind == "split" }!.paths }

    @Test func splitSetWithAMissingPart() throws {
        let e = try #require(openError([parts[0], parts[2]]))
        guard case .missingFact(let why) = e else { Issue.record("\(e)"); return }
        #expect(why.hasPrefix("incomplete split dump: no file given holds page frames 0x1100-0x1900 (physical 0x1100000-0x1900000)"), "\(why)")
        let e2 = try #require(openError([parts[1]]))
        #expect(e2.description.contains("page frames 0x0-0x1100") && e2.description.contains("page frames 0x1900-0x8000"), "\(e2)")
    }

    @Test func splitPartGivenTwiceOrWithAWholeDump() throws {
        let e = try #require(openError(parts + [parts[1]]))
        #expect(e.description.contains("both hold page frames 0x1100-0x1900"), "\(e)")
        let e2 = try #require(openError([KdumpSample.x86Zlib, parts[0]]))
        #expect(e2.description.contains("is a whole dump, not a part of a split set"), "\(e2)")
    }

    @Test func splitPartsOfDifferentDumps() throws {
        var other = readBytes(parts[1])!
        other.setLE(408, 8, other.le(408, 8) + 1)   // another dump's timestamp
        let e = try #require(openError([parts[0], writeScratch("other.split2", other), parts[2]]))
        #expect(e.description.contains("are parts of different dumps"), "\(e)")
    }

    // MARK: random damage

    /// Random byte changes in the headers, bitmaps and page descriptors (where the C library
    /// trusts the file most), and random cuts: each file is refused or reads, never crashes.
    /// (This found libkdumpfile 0.5.1's heap overflow on a compressed size above a page and its
    /// crash when freeing a context whose open failed.)
    @Test(arguments: ["x86_64-4level.c-d31.kdump", "x86_64-4level.c-d31.flat"])
    func randomDamageIsRefusedOrReadNeverCrashes(_ name: String) throws {
        let base = readBytes(KdumpSample.committedDirectory + "/" + name)!
        let clean = try KdumpFile(path: KdumpSample.committedDirectory + "/" + name)
        let pas = clean.dumpedRegions.flatMap { r -> [UInt64] in [r.start, r.end - 4096] } + [0x6fce000]
        var rng = SplitMix64(state: 20_261_202)
        var opened = 0
        for i in 0..<100 {
            var b = base
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let r = Int.random(in: 0..<100, using: &rng)
                let at = r < 25 ? Int.random(in: 0..<464, using: &rng)              // header
                    : r < 40 ? 4096 + Int.random(in: 0..<104, using: &rng)           // sub-header
                    : r < 60 ? 12288 + Int.random(in: 0..<8192, using: &rng)         // bitmaps
                    : r < 90 ? 20480 + Int.random(in: 0..<(24 * 3253), using: &rng)  // descriptors
                    : Int.random(in: 0..<b.count, using: &rng)
                b[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            }
            if i % 9 == 0 { b = Array(b.prefix(Int.random(in: 0..<b.count, using: &rng))) }
            let p = writeScratch("damaged-" + name, b)
            defer { unlink(p) }
            guard let kd = try? KdumpFile(path: p) else { continue }
            opened += 1
            for pa in pas { _ = try? kd.read(pa, count: 4096) }
        }
        #expect(opened > 0)
    }
}
