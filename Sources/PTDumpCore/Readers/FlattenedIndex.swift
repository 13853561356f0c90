#if canImport(Glibc)
import Glibc
#endif

/// A flattened dump (`makedumpfile -F`) read in place: where each byte of the kdump-compressed
/// file it stands for lies in it. One pass over the record headers builds it (the data are
/// skipped, not read or copied); page data are then read straight from the flattened file.
struct FlattenedIndex: Sendable {
    /// `size` bytes at `offset` of the kdump-compressed file are at `source` in the flattened one.
    struct Record: Sendable {
        var offset: UInt64
        var size: UInt64
        var source: UInt64
        var end: UInt64 { offset + size }
    }

    /// Sorted by `offset`, none overlapping.
    let records: [Record]
    /// Size of the kdump-compressed file: the end of its last record.
    let size: UInt64

    /// Indexes the flattened file open as `fd` (`fileSize` bytes). Returns nil when records
    /// overlap (a later record rewrites bytes of an earlier one: only a rearrangement in record
    /// order gives the file); throws on a damaged or truncated file.
    static func build(fd: Int32, fileSize: UInt64, name: String) throws(ImageError) -> FlattenedIndex? {
        try FlattenedDump.checkHeader(KdumpPart.read(fd: fd, at: 0, count: FlattenedDump.headerSize), name: name)
        var records: [Record] = []
        var position = UInt64(FlattenedDump.headerSize)
        while true {
            let rh = KdumpPart.read(fd: fd, at: position, count: 16)
            guard let (offset, size) = try FlattenedDump.record(rh, at: position, number: records.count, name: name) else { break }
            let (end, o) = (position + 16).addingReportingOverflow(size)
            guard !o, end <= fileSize else {
                throw .other("truncated: flattened file \(name) ends at byte \(hex(fileSize)) inside record \(records.count), which wants \(size) bytes at \(hex(position + 16)); the file was cut short")
            }
            records.append(Record(offset: offset, size: size, source: position + 16))
            position = end
        }
        // makedumpfile and QEMU write records in an order of their own (bitmaps, descriptors and
        // page data interleave); sorted, they must tile the file without overlap.
        records.sort { $0.offset < $1.offset }
        for (a, b) in zip(records, records.dropFirst()) where b.offset < a.end { return nil }
        return FlattenedIndex(records: records, size: records.last?.end ?? 0)
    }

    /// Up to `count` bytes at `offset` of the kdump-compressed file (fewer at its end); bytes no
    /// record holds read as zeros, as in the rearranged file.
    func read(fd: Int32, at offset: UInt64, count: Int) -> [UInt8] {
        guard count > 0, offset < size else { return [] }
        let n = Int(min(UInt64(count), size - offset))
        let end = offset + UInt64(n)
        var i = firstRecord(endingAfter: offset)
        // The usual case, a page's data inside one record: read it straight into the result.
        if i < records.count, records[i].offset <= offset, records[i].end >= end {
            return KdumpPart.read(fd: fd, at: records[i].source + (offset - records[i].offset), count: n)
        }
        var out = [UInt8](repeating: 0, count: n)
        while i < records.count, records[i].offset < end {
            let r = records[i]
            let from = max(r.offset, offset), to = min(r.end, end)
            let bytes = KdumpPart.read(fd: fd, at: r.source + (from - r.offset), count: Int(to - from))
            out.replaceSubrange(Int(from - offset)..<Int(from - offset) + bytes.count, with: bytes)
            i += 1
        }
        return out
    }

    /// The index of the first record whose end lies after `offset` (binary search).
    private func firstRecord(endingAfter offset: UInt64) -> Int {
        var lo = 0, hi = records.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if records[mid].end <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Writes into a new unlinked temporary file the bytes of `ranges` (of the kdump-compressed
    /// file) that records hold, with the file's full size but sparse elsewhere, and returns its
    /// descriptor and the bytes written: what libkdumpfile, which reads only files, needs to open
    /// the dump (header, notes, bitmaps) without the page data being copied.
    func metadataFile(fd: Int32, ranges: [Range<UInt64>], name: String) throws(ImageError) -> (fd: Int32, written: UInt64) {
        let out = try KdumpInputStream.temporaryFile()
        var ok = false
        var written: UInt64 = 0
        defer { if !ok { close(out) } }
        guard ftruncate(out, off_t(min(size, UInt64(Int64.max)))) == 0 else {
            throw .other("\(name): cannot size a temporary file for the flattened dump: \(String(cString: strerror(errno)))")
        }
        for range in ranges {
            var i = firstRecord(endingAfter: range.lowerBound)
            while i < records.count, records[i].offset < range.upperBound {
                let r = records[i]
                var from = max(r.offset, range.lowerBound)
                let to = min(r.end, range.upperBound)
                while from < to {
                    let bytes = KdumpPart.read(fd: fd, at: r.source + (from - r.offset), count: Int(min(to - from, 1 << 20)))
                    guard !bytes.isEmpty, KdumpInputStream.write(bytes, to: out, at: from) else {
                        throw .other("\(name): cannot write the flattened dump's header and bitmaps to a temporary file: \(String(cString: strerror(errno)))")
                    }
                    from += UInt64(bytes.count)
                    written += UInt64(bytes.count)
                }
                i += 1
            }
        }
        ok = true
        return (out, written)
    }
}
