/// Physical memory held in a mapped file: sorted, non-overlapping segments (ELF `PT_LOAD`s,
/// a raw dump's single run). A table page that lies wholly in a segment's file bytes is read
/// in place, with one bounds check; anything else is copied. Nothing is read until asked for.
public struct MappedMemory: PhysicalMemory {
    /// The segments, sorted by physical address.
    public let segments: [MemorySegment]
    /// The bytes behind the segments.
    public let file: MappedFile

    /// Checks segments against the file and each other.
    public init(file: MappedFile, segments unsorted: [MemorySegment]) throws(ImageError) {
        var segs = unsorted.filter { $0.size > 0 }
        for (i, s) in segs.enumerated() where s.fileSize > 0 {
            let (end, o) = s.fileOffset.addingReportingOverflow(s.fileSize)
            if o || end > UInt64(file.count) {
                throw .segmentBeyondFile(index: i, offset: s.fileOffset, size: s.fileSize, fileSize: file.count)
            }
        }
        segs.sort { $0.physicalStart < $1.physicalStart }
        for i in segs.indices.dropFirst() where segs[i].physicalStart < segs[i - 1].physicalEnd {
            throw .overlappingSegments(segs[i - 1].physicalStart.rawValue, segs[i].physicalStart.rawValue)
        }
        self.segments = segs
        self.file = file
        self.regions = segs.map { PhysicalRange(start: $0.physicalStart, end: $0.physicalEnd) }
    }

    public let regions: [PhysicalRange]

    public var summary: String { "\(segments.count) segments, \(totalSize) bytes" }

    /// The file-backed part of each segment.
    public var storedRegions: [PhysicalRange] {
        segments.filter { $0.fileSize > 0 }.map { PhysicalRange(start: $0.physicalStart, end: $0.physicalStart + $0.fileSize) }
    }

    /// Index of the segment holding `pa`, by binary search.
    @inline(__always)
    func segmentIndex(containing pa: UInt64) -> Int? {
        var lo = 0, hi = segments.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if segments[mid].physicalStart.rawValue <= pa { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let s = segments[lo - 1]
        return pa &- s.physicalStart.rawValue < s.size ? lo - 1 : nil
    }

    public func read(_ pa: PhysicalAddress, length: Int) throws(ImageError) -> [UInt8] {
        guard length >= 0 else { throw .outsideMemory(pa.rawValue, length) }
        var out = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let (addr, o) = pa.rawValue.addingReportingOverflow(UInt64(done))
            guard !o, let i = segmentIndex(containing: addr) else { throw .outsideMemory(pa.rawValue, length) }
            let s = segments[i]
            let off = addr - s.physicalStart.rawValue
            let n = Int(min(UInt64(length - done), s.size - off))
            if off < s.fileSize {
                let m = Int(min(UInt64(n), s.fileSize - off))
                let src = file.base + Int(s.fileOffset + off)
                out.withUnsafeMutableBytes { dst in
                    dst.baseAddress!.advanced(by: done).copyMemory(from: src, byteCount: m)
                }
            }
            done += n
        }
        return out
    }

    public func table(at pa: PhysicalAddress, entries: Int, byteOrder: ByteOrder) throws(ImageError) -> TablePage {
        let length = entries &* 8
        if let i = segmentIndex(containing: pa.rawValue) {
            let s = segments[i]
            let off = pa.rawValue - s.physicalStart.rawValue
            if off < s.fileSize, UInt64(length) <= s.fileSize - off {
                return TablePage(base: file.base + Int(s.fileOffset + off), entries: entries, byteOrder: byteOrder, owner: file)
            }
        }
        return try copiedTable(at: pa, entries: entries, byteOrder: byteOrder)
    }
}
