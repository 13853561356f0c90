import Testing
@testable import PTDumpCore

/// The output buffer the formatters write into: each field writer against the String it
/// replaced, and writes that straddle the buffer's flush boundary.
@Suite struct TextOutputTests {
    @Test func fieldsMatchTheStringFunctions() {
        var rng = SplitMix64(state: 5)
        let values: [UInt64] = [0, 1, 9, 10, 15, 16, 1023, 1024, UInt64.max, UInt64.max - 1, 1 << 63]
            + (0..<200).map { _ in rng.next() >> (rng.next() % 64) }
        for v in values {
            let out = TextOutput()
            out.hex16(v)
            out.write(byte: UInt8(ascii: "|"))
            out.hex(v)
            out.write(byte: UInt8(ascii: "|"))
            out.decimal(v, width: 9)
            out.write(byte: UInt8(ascii: "|"))
            out.decimal(v)
            #expect(out.text == "\(hex16(v))|\(hex(v))|\(padLeft(String(v), 9))|\(v)")
        }
    }

    @Test func writesAcrossTheFlushBoundaryKeepEveryByte() {
        let out = TextOutput()
        var expected: [UInt8] = []
        var rng = SplitMix64(state: 6)
        for i in 0..<20_000 {
            switch rng.next() % 5 {
            case 0:
                let n = Int(rng.next() % 700)
                out.write(repeating: UInt8(ascii: "a") + UInt8(i % 26), count: n)
                expected += [UInt8](repeating: UInt8(ascii: "a") + UInt8(i % 26), count: n)
            case 1:
                let bytes = (0..<Int(rng.next() % 300)).map { UInt8(truncatingIfNeeded: $0 &+ i) }
                out.write(bytes: bytes)
                expected += bytes
            case 2:
                let v = rng.next()
                out.hex16(v)
                expected += Array(hex16(v).utf8)
            case 3:
                let v = rng.next() >> (rng.next() % 64)
                out.decimal(v, width: 12)
                expected += Array(padLeft(String(v), 12).utf8)
            default:
                out.write("line \(i)\n")
                expected += Array("line \(i)\n".utf8)
            }
        }
        // One write far larger than the buffer.
        let big = [UInt8](repeating: UInt8(ascii: "z"), count: 300_000)
        out.write(bytes: big)
        expected += big
        out.flush()
        #expect(out.captured == expected)
    }

    @Test func sizeColumnPicksTheLargestDividingUnit() {
        #expect(sizeColumn(4096, units: ["B", "K", "M", "G", "T", "P", "E"], shiftFirst: false) == "        4K")
        #expect(sizeColumn(4096, units: ["K", "M", "G", "T", "P", "E"], shiftFirst: true) == "        4K")
        #expect(sizeColumn(3 << 30, units: ["B", "K", "M", "G", "T", "P", "E"], shiftFirst: false) == "        3G")
        #expect(sizeColumn(0, units: ["B", "K", "M", "G", "T", "P", "E"], shiftFirst: false) == "        0E")
        #expect(sizeColumn(4097, units: ["B", "K", "M", "G", "T", "P", "E"], shiftFirst: false) == "     4097B")
    }
}
