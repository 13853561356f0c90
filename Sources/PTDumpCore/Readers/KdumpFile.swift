import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A makedumpfile kdump-compressed dump (`makedumpfile -c|-l|-p|-z`, the usual `/var/crash`
/// format; QEMU `dump-guest-memory -z|-l|-s`), read page by page through libkdumpfile: only the
/// pages asked for are decompressed (by `KdumpPageDecoder`, from the page descriptors; libkdumpfile
/// reads the header, bitmaps and notes), each once while it stays in a small cache. Also reads the
/// flattened form (`makedumpfile -F`, rearranged into a temporary file first), a pipe (copied
/// first), and the parts of a `makedumpfile --split` set.
///
/// Safe to share between threads: reads are serialized.
public final class KdumpFile: @unchecked Sendable {
    /// e.g. "kdump-compressed (makedumpfile header version 6, zlib, dump level 31)".
    public let formatDescription: String
    /// The header's `header_version` (makedumpfile writes 6).
    public let headerVersion: Int?
    /// "zlib", "lzo", "snappy", "zstd", or "none" (the header's `DUMP_DH_COMPRESSED_*` flag).
    public let compression: String?
    /// makedumpfile's `-d` level (a sum of 1 zero, 2 cache, 4 private cache, 8 user, 16 free pages).
    public let dumpLevel: Int?
    /// libkdumpfile's canonical architecture name ("x86_64", "aarch64", "s390x", ...).
    public let machine: String?
    /// The kernel's VMCOREINFO text, as the dump holds it.
    public let vmcoreinfo: String?
    /// The ELF notes the dump keeps (PRSTATUS per CPU, VMCOREINFO, QEMU CPU state, ...).
    public let notes: [(name: String, type: UInt32, desc: [UInt8])]
    /// Bytes per page.
    public let pageSize: Int
    /// The physical RAM the dump describes (its first bitmap), sorted; `end` is exclusive.
    /// An address outside these reads as `.outside`.
    public let regions: [(start: UInt64, end: UInt64)]
    /// The physical ranges whose pages are in the file (its second bitmap), sorted; `end` is
    /// exclusive. RAM outside these was excluded by the dump level and reads as `.excluded`.
    public let dumpedRegions: [(start: UInt64, end: UInt64)]

    /// Bytes written into temporary files to open the dump: 0 for kdump-compressed files, only
    /// the header and bitmaps for a flattened file (read in place), everything for a pipe.
    public var copiedBytes: UInt64 { parts.reduce(0) { $0 + $1.copiedBytes } }

    /// Pages fetched (and decompressed) from the file so far; cache hits do not count.
    public var pagesRead: Int { state.withLock { $0.pagesRead } }

    /// The files read, in frame order (empty split parts left out).
    let parts: [KdumpPart]
    private let context: KdumpContext
    private let ram: PageRuns
    /// The dumped frames (the second bitmaps), which also rank page descriptors.
    let dumped: PageRuns
    private let pageShift: UInt64
    private let state: Mutex<ReadState>

    private struct ReadState: Sendable {
        /// 2 MiB of pages: 512 of 4 KiB (makedumpfile), 32 of QEMU's 64 KiB arm64 blocks.
        var cache: PageCache
        var pagesRead = 0
        let decoder: KdumpPageDecoder
    }

    /// True when `firstBytes` (at least 16 bytes of a file's start) are a kdump-compressed or
    /// diskdump header ("KDUMP   ", "DISKDUMP") or makedumpfile's flattened header ("makedumpfile").
    public static func recognizes(_ firstBytes: [UInt8]) -> Bool {
        let sig = firstBytes.prefix(8)
        return sig.elementsEqual("KDUMP   ".utf8) || sig.elementsEqual("DISKDUMP".utf8)
            || FlattenedDump.recognizes(firstBytes)
    }

    /// Opens one dump file, or all the parts of a split dump (in any order).
    public convenience init(path: String) throws(ImageError) {
        try self.init(paths: [path])
    }

    /// Opens one dump file, or all the parts of a split dump (in any order). Refuses a split
    /// set with a part missing, naming the missing physical range, and a file whose header says
    /// more than the file holds (cut short).
    public init(paths: [String]) throws(ImageError) {
        var opened: [KdumpPart] = []
        for p in paths { opened.append(try KdumpPart(path: p)) }
        parts = try KdumpSplitSet.order(opened)
        let first = parts[0]
        let name = paths.count == 1 ? first.name : "\(first.name) (+\(paths.count - 1) parts)"
        let h = first.header
        context = try KdumpContext(fds: parts.map(\.fd), name: name)
        // libkdumpfile reads the header, bitmaps and notes; the pages are read and decompressed
        // here (KdumpPageDecoder); its own page cache stays small.
        context.set("cache.size", 16)
        // QEMU's dump-guest-memory writes 64 KiB blocks for every arm64 guest; libkdumpfile
        // lays out the bitmap and descriptors in those blocks but then takes the kernel's
        // PAGESIZE from VMCOREINFO as its page size and reads the wrong pages. The file's
        // unit is the header's block size: restore it.
        if let s = context.number("arch.page_size"), s != h.blockSize, h.blockSize > s {
            context.set("arch.page_size", h.blockSize)
        }
        let size = context.number("arch.page_size") ?? h.blockSize
        guard size > 0, size & (size - 1) == 0, size == h.blockSize || (size < h.blockSize && h.blockSize % size == 0) else {
            throw .other("\(name): libkdumpfile says pages are \(size) bytes, the header says \(h.blockSize)")
        }
        pageSize = Int(size)
        pageShift = UInt64(size.trailingZeroBitCount)
        let maxPFN = context.number("max_pfn") ?? h.maxMapnr
        ram = PageRuns(context.runs(ofBitmap: "memory.pagemap", in: 0..<maxPFN) ?? [0..<maxPFN])
        let ctx = context
        dumped = PageRuns(parts.flatMap { p -> [Range<UInt64>] in
            let r = p.header.split ? min(p.header.startPFN, maxPFN)..<min(p.header.endPFN, maxPFN) : 0..<maxPFN
            return ctx.runs(ofBitmap: "file.pagemap", in: r) ?? []
        })
        let shift = pageShift
        regions = ram.runs.map { ($0.lowerBound << shift, $0.upperBound << shift) }
        dumpedRegions = dumped.runs.map { ($0.lowerBound << shift, $0.upperBound << shift) }
        state = Mutex(ReadState(cache: PageCache(bytes: 2 << 20, pageSize: Int(size)), decoder: KdumpPageDecoder(pageSize: Int(size))))

        headerVersion = h.headerVersion
        compression = h.compression
        dumpLevel = h.dumpLevel
        machine = context.string("arch.name")
        // Notes and VMCOREINFO are a few KiB; a size beyond 16 MiB is a damaged header.
        let sane = { (size: UInt64) -> Int? in size <= 1 << 24 ? Int(size) : nil }
        vmcoreinfo = context.vmcoreinfo() ?? h.vmcoreinfo.flatMap { r in
            sane(r.size).map { String(decoding: first.read(at: r.offset, count: $0).prefix { $0 != 0 }, as: UTF8.self) }
        }
        if let n = h.notes, let count = sane(n.size) {
            notes = KdumpNotes.parse(first.read(at: n.offset, count: count), bigEndian: h.bigEndian)
        } else {
            notes = []
        }
        var words = ["\(h.signature == "DISKDUMP" ? "diskdump" : "makedumpfile") header version \(h.headerVersion)",
                     h.compression == "none" ? "uncompressed" : h.compression]
        if let l = h.dumpLevel { words.append("dump level \(l)") }
        if paths.count > 1 { words.append("split into \(paths.count) files") }
        if opened.contains(where: \.wasFlattened) { words.append("flattened") }
        if h.isIncomplete { words.append("INCOMPLETE: makedumpfile stopped before writing every page") }
        formatDescription = (h.signature == "DISKDUMP" ? "diskdump" : "kdump-compressed")
            + " (" + words.joined(separator: ", ") + ")"

        for p in parts where !p.header.isIncomplete { try checkLength(of: p) }
    }

    /// `count` bytes of physical memory from `pa`, which may cross pages.
    public func read(_ pa: UInt64, count: Int) throws(KdumpReadError) -> [UInt8] {
        guard count > 0 else { return [] }
        guard UInt64(count - 1) <= UInt64.max - pa else { throw .outside(pa) }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var at = pa
        while out.count < count {
            let pfn = at >> pageShift
            let offset = Int(at & UInt64(pageSize - 1))
            let n = min(count - out.count, pageSize - offset)
            let page = try page(pfn, firstByte: at)
            out.append(contentsOf: page[offset..<offset + n])
            at &+= UInt64(n)
        }
        return out
    }

    private func page(_ pfn: UInt64, firstByte: UInt64) throws(KdumpReadError) -> [UInt8] {
        guard dumped.contains(pfn) else {
            throw ram.contains(pfn) ? .excluded(firstByte) : .outside(firstByte)
        }
        return try state.withLock { (s: inout ReadState) throws(KdumpReadError) -> [UInt8] in
            if let p = s.cache.page(pfn) { return p }
            let check = descriptorProblem(pfn)
            if let problem = check.problem { throw .corrupt(firstByte, problem) }
            guard let d = check.descriptor, let part = check.part else { throw .corrupt(firstByte, "it has no page descriptor") }
            let data = part.read(at: d.offset, count: Int(d.size))
            guard data.count == Int(d.size) else {
                throw .corrupt(firstByte, "its \(d.size) bytes of data at \(hex(d.offset)) lie past the end of \(part.name); the file was cut short")
            }
            var buffer = s.cache.recycle() ?? []
            if let f = s.decoder.decode(data, flags: d.flags, into: &buffer) {
                throw .corrupt(firstByte, "its \(d.size) bytes of \(DiskDumpHeader.compressionName(d.flags)) data at "
                    + "\(hex(d.offset)) in \(part.name) do not decompress (\(f.message))")
            }
            s.pagesRead += 1
            s.cache.insert(pfn, buffer)
            return buffer
        }
    }
}
