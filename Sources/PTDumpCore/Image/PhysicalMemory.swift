/// One run of physical memory: `[physicalStart, physicalStart+size)`, of which the first
/// `fileSize` bytes come from the file at `fileOffset` and the rest read as zero.
public struct MemorySegment: Sendable, Equatable {
    /// First physical address (ELF `p_paddr`).
    public var physicalStart: UInt64
    /// Bytes of physical memory (ELF `p_memsz`).
    public var size: UInt64
    /// Where the bytes start in the file (ELF `p_offset`).
    public var fileOffset: UInt64
    /// Bytes present in the file (ELF `p_filesz`); the rest is zero-filled.
    public var fileSize: UInt64

    public init(physicalStart: UInt64, size: UInt64, fileOffset: UInt64, fileSize: UInt64) {
        self.physicalStart = physicalStart
        self.size = size
        self.fileOffset = fileOffset
        self.fileSize = min(fileSize, size)
    }

    /// One past the last physical address (saturating at 2^64-1).
    public var physicalEnd: UInt64 {
        let (e, o) = physicalStart.addingReportingOverflow(size)
        return o ? UInt64.max : e
    }
}

/// Physical memory of an image: sorted, non-overlapping segments backed by a `MappedFile`.
/// Every read is bounds-checked; a read outside every segment is an error, never a trap.
public struct PhysicalMemory: Sendable {
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
            throw .overlappingSegments(segs[i - 1].physicalStart, segs[i].physicalStart)
        }
        self.segments = segs
        self.file = file
    }

    /// Index of the segment holding `pa`, by binary search.
    @inline(__always)
    func segmentIndex(containing pa: UInt64) -> Int? {
        var lo = 0, hi = segments.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if segments[mid].physicalStart <= pa { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let s = segments[lo - 1]
        return pa - s.physicalStart < s.size ? lo - 1 : nil
    }

    /// True when every byte of `[pa, pa+length)` is in some segment.
    public func contains(_ pa: UInt64, length: Int) -> Bool {
        var addr = pa
        var left = UInt64(length)
        while left > 0 {
            guard let i = segmentIndex(containing: addr) else { return false }
            let s = segments[i]
            let avail = s.size - (addr - s.physicalStart)
            if avail >= left { return true }
            left -= avail
            addr = s.physicalEnd
        }
        return true
    }

    /// Copies `[pa, pa+length)` out; zero where a segment is zero-filled.
    public func read(_ pa: UInt64, length: Int) throws(ImageError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let addr = pa &+ UInt64(done)
            guard addr >= pa, let i = segmentIndex(containing: addr) else { throw .outsideMemory(pa, length) }
            let s = segments[i]
            let off = addr - s.physicalStart
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

    /// Little-endian 64-bit value at `pa`.
    public func u64(_ pa: UInt64) throws(ImageError) -> UInt64 {
        let b = try read(pa, length: 8)
        var v: UInt64 = 0
        for i in (0..<8).reversed() { v = v << 8 | UInt64(b[i]) }
        return v
    }

    /// A page-table page of `entries` 64-bit entries at `pa`: one bounds check, then plain loads.
    public func table(at pa: UInt64, entries: Int) throws(ImageError) -> TablePage {
        let length = entries * 8
        if let i = segmentIndex(containing: pa) {
            let s = segments[i]
            let off = pa - s.physicalStart
            if off + UInt64(length) <= s.fileSize {
                return TablePage(file: file, offset: Int(s.fileOffset + off), entries: entries, copy: nil)
            }
        }
        let bytes = try read(pa, length: length)
        var copy = [UInt64](repeating: 0, count: entries)
        for e in 0..<entries {
            var v: UInt64 = 0
            for b in (0..<8).reversed() { v = v << 8 | UInt64(bytes[e * 8 + b]) }
            copy[e] = v
        }
        return TablePage(file: file, offset: 0, entries: entries, copy: copy)
    }

    /// Total bytes of physical memory described.
    public var totalSize: UInt64 { segments.reduce(0) { $0 &+ $1.size } }
}

/// A bounds-checked view of one page table.
public struct TablePage {
    let file: MappedFile
    let offset: Int
    /// Number of entries.
    public let entries: Int
    let copy: [UInt64]?

    /// Entry `i` (0 ..< entries).
    @inline(__always)
    public subscript(i: Int) -> UInt64 {
        if let copy { return copy[i] }
        return UInt64(littleEndian: file.base.loadUnaligned(fromByteOffset: offset + i * 8, as: UInt64.self))
    }
}
