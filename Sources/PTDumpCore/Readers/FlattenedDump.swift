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
/// from a pipe. A flattened file is read in place through a `FlattenedIndex` (libkdumpfile gets
/// a sparse temporary file holding only the header, notes and bitmaps); a pipe, or a file whose
/// records overlap, is rearranged into an unlinked temporary file the way `makedumpfile -R`
/// does: the compressed page data are copied, never decompressed.
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
        try checkHeader(input.read(headerSize), name: name)
        let out = try KdumpInputStream.temporaryFile()
        var ok = false
        defer { if !ok { close(out) } }
        var position = UInt64(headerSize)
        var number = 0
        while let (offset, size) = try record(input.read(16), at: position, number: number, name: name) {
            let copied = input.copy(size, to: out, at: offset)
            guard copied == size else {
                if copied == UInt64.max {
                    throw .other("\(name): cannot write the rearranged flattened dump to a temporary file: \(String(cString: strerror(errno)))")
                }
                throw .other("truncated: flattened file \(name) ends at byte \(hex(position + 16 + copied)) inside record \(number), which wants \(size) bytes at \(hex(position + 16)); the file was cut short")
            }
            position += 16 + size
            number += 1
        }
        ok = true
        return out
    }

    /// Checks the 4096-byte header: long enough, and of `type` 1.
    static func checkHeader(_ header: [UInt8], name: String) throws(ImageError) {
        guard header.count == headerSize else {
            throw .other("truncated: \(name) ends at byte \(header.count), inside the flattened format's \(headerSize)-byte header")
        }
        let h = FieldReader(bytes: header, bigEndian: true)
        guard h.u64(16) == 1 else {
            throw .other("\(name): flattened header type \(Int64(bitPattern: h.u64(16))); makedumpfile writes 1")
        }
    }

    /// The record header `rh` read at byte `position` (the `number`th record): its offset and size
    /// in the kdump-compressed file, or nil for the end marker.
    static func record(_ rh: [UInt8], at position: UInt64, number: Int, name: String) throws(ImageError) -> (offset: UInt64, size: UInt64)? {
        guard rh.count == 16 else {
            throw .other("truncated: flattened file \(name) ends at byte \(hex(position + UInt64(rh.count))) without makedumpfile's end marker (record \(number)); the file was cut short")
        }
        let r = FieldReader(bytes: rh, bigEndian: true)
        let offset = Int64(bitPattern: r.u64(0)), size = Int64(bitPattern: r.u64(8))
        if offset == -1 && size == -1 { return nil }
        guard offset >= 0, size > 0, size <= 1 << 40, offset <= Int64.max - size else {
            throw .other("flattened file \(name): record \(number) at byte \(hex(position)) says offset \(offset), size \(size); makedumpfile writes offset >= 0 and size > 0, or -1 and -1 to end")
        }
        return (UInt64(offset), UInt64(size))
    }
}
