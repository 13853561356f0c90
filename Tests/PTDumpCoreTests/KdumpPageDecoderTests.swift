import Testing
@testable import PTDumpCore

/// Every page decompressor on real pages of QEMU's zlib, lzo and snappy kdump files: the stored
/// bytes decompress to the bytes the ELF dump of the same moment held (kept in the sample's
/// compact image), and damaged, cut or padded bytes either fail with a reason or make exactly
/// one page: never more, never a crash.
@Suite struct KdumpPageDecoderTests {
    static let cases = ["x86_64-4level-qemu-kdump", "arm64-4k-48-qemu-kdump"].flatMap { s in
        ["zlib", "lzo", "snappy"].map { (s, $0) }
    }

    /// The first few table pages of the compact image that the kdump file stores compressed:
    /// their address, descriptor flags and stored bytes.
    func compressedTablePages(_ kd: KdumpFile, _ image: Image, count: Int) -> [(pa: UInt64, flags: UInt32, data: [UInt8])] {
        var out: [(UInt64, UInt32, [UInt8])] = []
        for r in image.memory.regions where out.count < count && r.size >= 4096 {
            let pa = r.start.rawValue
            let c = kd.descriptorProblem(pa / UInt64(kd.pageSize))
            guard c.problem == nil, let d = c.descriptor, let part = c.part, d.flags != 0 else { continue }
            out.append((pa, d.flags, part.read(at: d.offset, count: Int(d.size))))
        }
        return out
    }

    @Test(arguments: cases)
    func storedBytesMakeThePageAndDamageNeverMakesMore(_ sample: String, _ compression: String) throws {
        let kd = try KdumpFile(path: "\(repoRoot)/samples/\(sample)/vmcore.qemu-\(compression).kdump")
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/\(sample)/image.ptd")
        let pages = compressedTablePages(kd, image, count: 4)
        #expect(pages.count == 4)
        let decoder = KdumpPageDecoder(pageSize: kd.pageSize)
        for (pa, flags, data) in pages {
            var page: [UInt8] = []
            #expect(decoder.decode(data, flags: flags, into: &page) == nil)
            let within = Int(pa % UInt64(kd.pageSize))
            #expect(Array(page[within..<within + 4096]) == (try image.memory.read(PhysicalAddress(pa), length: 4096)))
            // Decoding again into the same buffer (the cache's reuse) gives the same page.
            var again = page
            #expect(decoder.decode(data, flags: flags, into: &again) == nil && again == page)

            var damaged: [[UInt8]] = [Array(data.prefix(data.count / 2)), Array(data.prefix(1)),
                                      data + [UInt8](repeating: 0xa5, count: 64), [UInt8](repeating: 0xff, count: data.count)]
            for at in stride(from: 0, to: data.count, by: max(1, data.count / 16)) {
                var d = data
                d[at] ^= 0x5a
                damaged.append(d)
            }
            for d in damaged {
                var out = [UInt8](repeating: 7, count: kd.pageSize)
                if let failure = decoder.decode(d, flags: flags, into: &out) {
                    #expect(!failure.message.isEmpty)
                } else {
                    #expect(out.count == kd.pageSize)
                }
            }
            // Cut bytes never pass as a whole page for zlib (its checksum) or lzo/snappy (their lengths).
            var cut: [UInt8] = []
            #expect(decoder.decode(Array(data.prefix(data.count / 2)), flags: flags, into: &cut) != nil)
        }
    }
}
