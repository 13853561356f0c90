import Testing
import PTDumpCore

/// `--walk` on real kernels agrees with the printed ranges: for five mapped ranges of each
/// sample, the walk of an address inside ends at a leaf of the range's level with its
/// permissions, and it reports an address in a hole as not mapped.
@Suite struct WalkAgreesWithTextTests {
    static let cases = GoldenTests.cases + ARM64GoldenTests.cases

    @Test(arguments: cases)
    func fiveAddressesPerCapture(_ name: String) throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/\(name)/image.ptd")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let out = TextOutput()
        _ = PageTableDump.print(platform: p, memory: image.memory, options: DumpOptions(json: true), out: out)
        // Mapped ranges (from the JSON lines), and one hole.
        let lines = out.text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("{\"start\"") }
        let mapped = lines.filter { $0.contains("\"present\":true") }
        #expect(mapped.count >= 5)
        let picks = (0..<5).map { mapped[$0 * (mapped.count - 1) / 4] }
        for line in picks {
            let start = field(line, "start"), end = field(line, "end")
            let va = start &+ (end &- start) / 2 & ~0xfff
            let walk = try AddressWalk.explain(VirtualAddress(va), platform: p, memory: image.memory)
            let level = stringField(line, "level")
            let result = walk.last ?? ""
            #expect(result.contains(" \(level) mapping"), "\(name) \(hex(va)): \(result) vs \(line)")
            #expect(result.contains(line.contains("\"write\":true") ? "write" : "read-only"))
            #expect(result.contains(line.contains("\"execute\":true") ? ", exec" : "no-exec"))
        }
        // A hole in the kernel half, where the architecture has one (s390 has no upper half).
        let upperHalf = p.architecture.isCanonical(0xffff_0000_0000_0000)
        let hole = try #require(lines.first {
            $0.contains("\"present\":false") && (!upperHalf || field($0, "start") >= 0xffff_0000_0000_0000)
        })
        let walk = try AddressWalk.explain(VirtualAddress(field(hole, "start")), platform: p, memory: image.memory)
        #expect(walk.last?.contains("not mapped") == true)
    }

    func field(_ line: String, _ key: String) -> UInt64 {
        let v = stringField(line, key)
        return UInt64(v.dropFirst(2), radix: 16) ?? 0
    }

    func stringField(_ line: String, _ key: String) -> String {
        guard let r = line.range(of: "\"\(key)\":\"") else { return "" }
        return String(line[r.upperBound...].prefix { $0 != "\"" })
    }
}
