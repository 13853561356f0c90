import PTDumpCore
import Testing

/// A flattened dump (`makedumpfile -F`) is read where it lies: only its header, notes and
/// bitmaps are copied for libkdumpfile, the pages come from the flattened file through its
/// record index; records in any order read the same; overlapping records fall back to a
/// rearrangement in record order.
@Suite struct FlattenedInPlaceTests {
    let flatPath = KdumpSample.committedDirectory + "/x86_64-4level.c-d31.flat"
    let kdumpPath = KdumpSample.committedDirectory + "/x86_64-4level.c-d31.kdump"

    /// The records of a flattened file: (record header + data) byte ranges, end marker excluded.
    func records(_ b: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var at = 4096
        while true {
            if Int64(bitPattern: b.readBE(at, 8)) == -1 { break }
            let size = Int(b.readBE(at + 8, 8))
            out.append(at..<(at + 16 + size))
            at += 16 + size
        }
        return out
    }

    /// The pages both files hold, compared through every dumped page the ELF expectation names.
    func expectSamePages(_ path: String) throws {
        let kd = try KdumpFile(path: path)
        let ref = try KdumpFile(path: kdumpPath)
        let want = KdumpExpectation(source: "x86_64-4level")
        var compared = 0
        for p in want.pages where !want.excludedAtD31.contains(p.pa) {
            #expect(try kd.read(p.pa, count: 4096) == ref.read(p.pa, count: 4096), "\(hex(p.pa))")
            compared += 1
        }
        #expect(compared >= 8)
        #expect(kd.vmcoreinfo == ref.vmcoreinfo)
        #expect(kd.regions.map(\.start) == ref.regions.map(\.start) && kd.dumpedRegions.map(\.end) == ref.dumpedRegions.map(\.end))
    }

    @Test func onlyTheHeaderAndBitmapsAreCopied() throws {
        let size = try #require(readBytes(flatPath)).count
        let kd = try KdumpFile(path: flatPath)
        #expect(kd.formatDescription.contains("flattened"))
        // Header block, sub-header (VMCOREINFO, notes) and two bitmap blocks of 4 KiB.
        #expect(kd.copiedBytes > 0 && kd.copiedBytes <= 5 * 4096, "\(kd.copiedBytes) of \(size) bytes copied")
        #expect(try KdumpFile(path: kdumpPath).copiedBytes == 0)
        try expectSamePages(flatPath)
    }

    @Test func recordsInReverseOrderReadTheSame() throws {
        let b = try #require(readBytes(flatPath))
        let recs = records(b)
        #expect(recs.count > 10)
        var out = Array(b[0..<4096])
        for r in recs.reversed() { out += b[r] }
        out += b[(recs.last!.upperBound)...]
        let path = writeScratch("reversed.flat", out)
        #expect(try KdumpFile(path: path).copiedBytes <= 5 * 4096)
        try expectSamePages(path)
    }

    @Test func overlappingRecordsAreRearrangedInRecordOrder() throws {
        let b = try #require(readBytes(flatPath))
        let recs = records(b)
        // A last record that writes the first 464 bytes (the kdump header) again, as they are:
        // the records overlap, so the file is rearranged as makedumpfile -R would.
        let header = recs.first { b.readBE($0.lowerBound, 8) == 0 }!
        let again = Array(b[header.lowerBound..<(header.lowerBound + 16 + 464)])
        var out = Array(b[0..<recs.last!.upperBound]) + again
        out += b[recs.last!.upperBound...]
        let path = writeScratch("overlap.flat", out)
        let kd = try KdumpFile(path: path)
        #expect(kd.copiedBytes > UInt64(b.count) / 2, "rearranged: \(kd.copiedBytes) bytes")
        try expectSamePages(path)
    }

    @Test func aRecordPastTheEndIsTruncation() throws {
        var b = try #require(readBytes(flatPath))
        let last = records(b).last!
        b.setBE(last.lowerBound + 8, 8, UInt64(last.count - 16 + 4096))
        let path = writeScratch("long.flat", b)
        #expect { try KdumpFile(path: path) } throws: { error in
            "\(error)".contains("truncated: flattened file") && "\(error)".contains("cut short")
        }
    }
}
