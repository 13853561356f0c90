/// The checks and diagnostics that need the page descriptors themselves (libkdumpfile reads
/// them but reports a damaged or missing one only as a failed decompression).
extension KdumpFile {
    /// The part holding `pfn` and the offset of its page descriptor there.
    func descriptorLocation(_ pfn: UInt64) -> (KdumpPart, UInt64)? {
        guard let part = parts.last(where: { !$0.header.split || $0.header.startPFN <= pfn }) else { return nil }
        let h = part.header
        let rank = dumped.count(in: (h.split ? h.startPFN : 0)..<pfn)
        return (part, h.descriptorTableOffset + rank * PageDescriptor.size.asU64)
    }

    /// Checks the page descriptor of dumped page `pfn` before libkdumpfile reads the page, and
    /// says what is wrong with it, or nil. libkdumpfile 0.5.1 trusts a compressed size up to
    /// 256 KiB and reads that much into a one-page buffer (a heap overflow on a damaged
    /// descriptor), and reports an unknown flag only as a wrong size.
    func descriptorProblem(_ pfn: UInt64) -> (problem: String?, descriptor: PageDescriptor?, part: KdumpPart?) {
        guard let (part, at) = descriptorLocation(pfn) else {
            return ("no file of the split set holds it", nil, nil)
        }
        let h = part.header
        guard let d = PageDescriptor(part.read(at: at, count: PageDescriptor.size), bigEndian: h.bigEndian) else {
            return ("its page descriptor at \(hex(at)) lies past the end of \(part.name) (\(part.size) bytes); the file was cut short", nil, part)
        }
        if d.isZero && h.isIncomplete {
            return ("the page was never written: the dump is incomplete (makedumpfile stopped early, e.g. on a full disk)", d, part)
        }
        if d.flags & ~DiskDumpHeader.compressionBits != 0 {
            return ("its page descriptor (at \(hex(at)) in \(part.name)) has flags \(hex(UInt64(d.flags))), "
                + "no compression ptdump knows (zlib 0x1, lzo 0x2, snappy 0x4, zstd 0x20)", d, part)
        }
        if d.flags == 0 ? Int(d.size) != pageSize : (d.size == 0 || Int(d.size) > pageSize) {
            return ("its page descriptor (at \(hex(at)) in \(part.name)) says \(d.size) bytes of "
                + "\(DiskDumpHeader.compressionName(d.flags)) data for a \(pageSize)-byte page", d, part)
        }
        if d.end > part.size {
            return ("its \(d.size) bytes of data at \(hex(d.offset)) lie past the end of \(part.name) (\(part.size) bytes); the file was cut short", d, part)
        }
        return (nil, d, part)
    }

    /// Refuses a part whose page descriptors or last pages' data lie past its end: a copy cut
    /// short. (libkdumpfile reads such a file's missing bytes as zeros: the bitmap as "excluded",
    /// the data as a failed decompression.)
    func checkLength(of part: KdumpPart) throws(ImageError) {
        let h = part.header
        let n = dumped.count(in: (h.split ? h.startPFN : 0)..<(h.split ? h.endPFN : UInt64.max))
        let (bytes, o1) = n.multipliedReportingOverflow(by: PageDescriptor.size.asU64)
        let (tableEnd, o2) = h.descriptorTableOffset.addingReportingOverflow(bytes)
        guard !o1, !o2, tableEnd <= part.size else {
            throw .other("truncated: \(part.name) has \(part.size) bytes but its \(n) page descriptors end at \(o1 || o2 ? "an impossible offset" : hex(tableEnd)); the file was cut short")
        }
        // Page data follow in frame order, so the last descriptors point at the end of the file
        // (a zero page's descriptor points at the one shared zero page near the start: look at several).
        let k = min(n, 64)
        guard k > 0 else { return }
        let raw = part.read(at: tableEnd - k * PageDescriptor.size.asU64, count: Int(k) * PageDescriptor.size)
        var dataEnd: UInt64 = 0
        for i in 0..<Int(k) {
            let slice = Array(raw[(i * PageDescriptor.size)..<((i + 1) * PageDescriptor.size)])
            if let d = PageDescriptor(slice, bigEndian: h.bigEndian) { dataEnd = max(dataEnd, d.end) }
        }
        guard dataEnd <= part.size else {
            throw .other("truncated: \(part.name) has \(part.size) bytes but its last pages' data end at \(hex(dataEnd)); the file was cut short")
        }
    }
}

extension Int {
    fileprivate var asU64: UInt64 { UInt64(self) }
}
