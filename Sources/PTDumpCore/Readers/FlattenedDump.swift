#if canImport(Glibc)
import Glibc
#endif

/// makedumpfile's flattened format (`makedumpfile -F`, and QEMU's `dump-guest-memory -z|-l|-s`
/// before QEMU 8.2): the kdump-compressed file cut into records so that it can be written to a
/// pipe. A 4096-byte header (`struct makedumpfile_header`: "makedumpfile" padded to 16 bytes,
/// then big-endian `type` = 1 and `version` = 1), then records of a big-endian
/// `struct makedumpfile_data_header {int64 offset; int64 buf_size}` followed by `buf_size`
/// bytes that belong at `offset` of the real file, ended by a header with both fields -1
/// (makedumpfile.h, `rearrange_dumpdata`).
///
/// libkdumpfile reads this format itself only from 0.5.3 on (Debian 12 has 0.5.1), and never
/// from a pipe, so a flattened input is rearranged into an unlinked temporary file the way
/// `makedumpfile -R` does: the compressed page data are copied, never decompressed.
enum FlattenedDump {
    static let headerSize = 4096
    static let signature: [UInt8] = Array("makedumpfile".utf8) + [0]

    /// True when `firstBytes` start with the flattened header's signature.
    static func recognizes(_ firstBytes: [UInt8]) -> Bool {
        firstBytes.count >= signature.count && Array(firstBytes[0..<signature.count]) == signature
    }

    /// Writes the file the records of `input` describe into a new unlinked temporary file and
    /// returns its descriptor. `input` is positioned after the bytes it has already given out.
    static func rearrange(_ input: inout KdumpInputStream, name: String) throws(ImageError) -> Int32 {
        let header = input.read(headerSize)
        guard header.count == headerSize else {
            throw .other("truncated: \(name) ends at byte \(header.count), inside the flattened format's \(headerSize)-byte header")
        }
        let h = FieldReader(bytes: header, bigEndian: true)
        guard h.u64(16) == 1 else {
            throw .other("\(name): flattened header type \(Int64(bitPattern: h.u64(16))); makedumpfile writes 1")
        }
        let out = try KdumpInputStream.temporaryFile()
        var ok = false
        defer { if !ok { close(out) } }
        var position = UInt64(headerSize)
        var record = 0
        while true {
            let rh = input.read(16)
            guard rh.count == 16 else {
                throw .other("truncated: flattened file \(name) ends at byte \(hex(position + UInt64(rh.count))) without makedumpfile's end marker (record \(record)); the file was cut short")
            }
            let r = FieldReader(bytes: rh, bigEndian: true)
            let offset = Int64(bitPattern: r.u64(0)), size = Int64(bitPattern: r.u64(8))
            if offset == -1 && size == -1 { break }
            guard offset >= 0, size > 0, size <= 1 << 40, offset <= Int64.max - size else {
                throw .other("flattened file \(name): record \(record) at byte \(hex(position)) says offset \(offset), size \(size); makedumpfile writes offset >= 0 and size > 0, or -1 and -1 to end")
            }
            let copied = input.copy(UInt64(size), to: out, at: UInt64(offset))
            guard copied == UInt64(size) else {
                if copied == UInt64.max {
                    throw .other("\(name): cannot write the rearranged flattened dump to a temporary file: \(String(cString: strerror(errno)))")
                }
                throw .other("truncated: flattened file \(name) ends at byte \(hex(position + 16 + copied)) inside record \(record), which wants \(size) bytes at \(hex(position + 16)); the file was cut short")
            }
            position += 16 + UInt64(size)
            record += 1
        }
        ok = true
        return out
    }
}
