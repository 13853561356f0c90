/// Fixed-offset fields of a byte array in one byte order; out-of-range reads give 0.
struct FieldReader {
    let bytes: [UInt8]
    let bigEndian: Bool

    func u32(_ at: Int) -> UInt32 {
        guard at >= 0, at + 4 <= bytes.count else { return 0 }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[at + i]) << (bigEndian ? 8 * (3 - i) : 8 * i) }
        return v
    }

    func u64(_ at: Int) -> UInt64 {
        guard at >= 0, at + 8 <= bytes.count else { return 0 }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[at + i]) << (bigEndian ? 8 * (7 - i) : 8 * i) }
        return v
    }

    /// A NUL-terminated string of at most `max` bytes.
    func cString(_ at: Int, max: Int) -> String {
        guard at >= 0, at < bytes.count else { return "" }
        let slice = bytes[at..<min(at + max, bytes.count)]
        return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self)
    }
}
