/// The fixed part of a kdump-compressed file: makedumpfile's `struct disk_dump_header` and
/// `struct kdump_sub_header` (makedumpfile's diskdump_mod.h), in the 64-bit layout. libkdumpfile
/// reads these too but does not expose the version, dump level, compression or split range, and
/// accepts header versions and flags it does not know; this reads them for the description and
/// for checks whose failures can be named (version, flags, split sets, truncation).
///
/// File layout: this header in block 0, the sub-header in block 1 (`sub_hdr_size` blocks, also
/// holding VMCOREINFO and the ELF notes), `bitmap_blocks` blocks of two bitmaps (RAM pages, then
/// dumped pages), one 24-byte `page_desc` per dumped page, then the page data.
struct DiskDumpHeader: Sendable {
    /// `"KDUMP   "` (makedumpfile, QEMU) or `"DISKDUMP"` (the old diskdump facility).
    var signature: String
    var bigEndian: Bool
    /// `header_version`: makedumpfile writes 6 (since 1.5.x); the sub-header grew with each.
    var headerVersion: Int
    var release: String
    var machine: String
    var timestamp: (seconds: Int64, microseconds: Int64)
    /// `status`: `DUMP_DH_COMPRESSED_*` bits, `DUMP_DH_COMPRESSED_INCOMPLETE`, `DUMP_DH_EXCLUDED_VMEMMAP`.
    var status: UInt32
    var blockSize: UInt64
    var subHeaderBlocks: UInt64
    var bitmapBlocks: UInt64
    /// Page frames the bitmaps cover (`max_mapnr_64` from version 6, else the 32-bit field).
    var maxMapnr: UInt64
    var dumpLevel: Int?
    /// `split`: this file is one part of `makedumpfile --split`, holding `[startPFN, endPFN)`.
    var split: Bool
    var startPFN: UInt64
    var endPFN: UInt64
    var vmcoreinfo: (offset: UInt64, size: UInt64)?
    var notes: (offset: UInt64, size: UInt64)?
    var eraseinfo: (offset: UInt64, size: UInt64)?

    static let headerSize = 464
    static let subHeaderSize = 104
    static let pageDescriptorSize: UInt64 = 24

    static let zlib: UInt32 = 0x1, lzo: UInt32 = 0x2, snappy: UInt32 = 0x4, zstd: UInt32 = 0x20
    static let incomplete: UInt32 = 0x8, excludedVmemmap: UInt32 = 0x10
    /// Where `status` (compression and the flags above) lies in a 64-bit header.
    static let statusOffset = 424
    static let compressionBits: UInt32 = zlib | lzo | snappy | zstd
    static let knownStatusBits: UInt32 = compressionBits | incomplete | excludedVmemmap
    static let newestVersion = 6

    /// The compression named by `bits` (header status or a page descriptor's flags).
    static func compressionName(_ bits: UInt32) -> String {
        var names: [String] = []
        if bits & zlib != 0 { names.append("zlib") }
        if bits & lzo != 0 { names.append("lzo") }
        if bits & snappy != 0 { names.append("snappy") }
        if bits & zstd != 0 { names.append("zstd") }
        return names.isEmpty ? "none" : names.joined(separator: "+")
    }

    var compression: String { Self.compressionName(status & Self.compressionBits) }
    var isIncomplete: Bool { status & Self.incomplete != 0 }

    /// Offset of the second bitmap (dumped pages); the first (RAM) is the block before it.
    var bitmapsEnd: UInt64 { (1 + subHeaderBlocks + bitmapBlocks) * blockSize }
    /// Offset of the first `page_desc`.
    var descriptorTableOffset: UInt64 { bitmapsEnd }

    /// True when `other` is another part of the same dump (same kernel, same moment, same size).
    func isSameDump(as other: DiskDumpHeader) -> Bool {
        signature == other.signature && headerVersion == other.headerVersion && blockSize == other.blockSize
            && maxMapnr == other.maxMapnr && release == other.release && timestamp == other.timestamp
            && bigEndian == other.bigEndian
    }

    /// Parses the header of the file `name` (`fileSize` bytes); `read(offset, count)` returns
    /// up to `count` bytes at `offset`.
    init(name: String, fileSize: UInt64, read: (UInt64, Int) -> [UInt8]) throws(ImageError) {
        let head = read(0, Self.headerSize)
        guard head.count == Self.headerSize else {
            throw .other("truncated: \(name) has \(fileSize) bytes, fewer than a kdump header (\(Self.headerSize))")
        }
        let sig = String(decoding: head[0..<8], as: UTF8.self)
        guard sig == "KDUMP   " || sig == "DISKDUMP" else {
            throw .unknownFormat("\(name) does not start with \"KDUMP   \" or \"DISKDUMP\"")
        }
        signature = sig.trimmingTrailingSpaces()
        // The byte order is the one in which block_size reads as a page size.
        let le = FieldReader(bytes: head, bigEndian: false), be = FieldReader(bytes: head, bigEndian: true)
        if Self.isPageSize(le.u32(428)) { bigEndian = false }
        else if Self.isPageSize(be.u32(428)) { bigEndian = true }
        else if Self.isPageSize(le.u32(416)) || Self.isPageSize(be.u32(416)) {
            throw .unknownFormat("\(name) is a 32-bit kdump-compressed dump; ptdump reads 64-bit ones")
        } else {
            throw .other("\(name): kdump header block size \(le.u32(428)) is not a page size (header damaged?)")
        }
        let h = bigEndian ? be : le
        headerVersion = Int(Int32(bitPattern: h.u32(8)))
        guard (0...Self.newestVersion).contains(headerVersion) else {
            throw .other("\(name): kdump header version \(headerVersion) is not one ptdump knows (makedumpfile writes 1 to \(Self.newestVersion))")
        }
        release = h.cString(142, max: 65)
        machine = h.cString(272, max: 65)
        timestamp = (Int64(bitPattern: h.u64(408)), Int64(bitPattern: h.u64(416)))
        status = h.u32(Self.statusOffset)
        if status & ~Self.knownStatusBits != 0 {
            throw .other("\(name): kdump header flags \(hex(UInt64(status))) include \(hex(UInt64(status & ~Self.knownStatusBits))), no compression or flag ptdump knows (zlib 0x1, lzo 0x2, snappy 0x4, zstd 0x20, incomplete 0x8, excluded vmemmap 0x10)")
        }
        blockSize = UInt64(h.u32(428))
        let shs = Int32(bitPattern: h.u32(432))
        guard shs >= (headerVersion >= 1 ? 1 : 0), shs < 1 << 20 else {
            throw .other("\(name): kdump header says the sub-header has \(shs) blocks (header damaged?)")
        }
        subHeaderBlocks = UInt64(shs)
        bitmapBlocks = UInt64(h.u32(436))
        guard bitmapBlocks > 0 else { throw .other("\(name): kdump header says there is no page bitmap (header damaged?)") }
        maxMapnr = UInt64(h.u32(440))
        // libkdumpfile checks the 32-bit field even when version 6 has the 64-bit one.
        guard 8 * bitmapBlocks * blockSize >= maxMapnr else {
            throw .other("\(name): kdump header bitmaps (\(bitmapBlocks) blocks) cannot cover its \(maxMapnr) pages (header damaged?)")
        }
        split = false
        startPFN = 0
        endPFN = UInt64.max
        if headerVersion >= 1 {
            let sub = read(blockSize, Self.subHeaderSize)
            guard sub.count == Self.subHeaderSize else {
                throw .other("truncated: \(name) has \(fileSize) bytes and ends inside the kdump sub-header at \(hex(blockSize))")
            }
            let s = FieldReader(bytes: sub, bigEndian: bigEndian)
            dumpLevel = Int(Int32(bitPattern: s.u32(8)))
            split = headerVersion >= 2 && s.u32(12) != 0
            if split {
                startPFN = headerVersion >= 6 ? s.u64(80) : s.u64(16)
                endPFN = headerVersion >= 6 ? s.u64(88) : s.u64(24)
            }
            if headerVersion >= 3, s.u64(40) > 0 { vmcoreinfo = (s.u64(32), s.u64(40)) }
            if headerVersion >= 4, s.u64(56) > 0 { notes = (s.u64(48), s.u64(56)) }
            if headerVersion >= 5, s.u64(72) > 0 { eraseinfo = (s.u64(64), s.u64(72)) }
            if headerVersion >= 6 { maxMapnr = s.u64(96) }
        }
        // The bitmaps must cover max_mapnr pages: each is half of bitmap_blocks.
        let (bitmapBytes, o1) = bitmapBlocks.multipliedReportingOverflow(by: blockSize)
        guard !o1, bitmapBytes / 2 * 8 >= maxMapnr else {
            throw .other("\(name): kdump header bitmaps (\(bitmapBlocks) blocks) cannot cover \(maxMapnr) pages (header damaged?)")
        }
        let (end, o2) = (1 + subHeaderBlocks + bitmapBlocks).multipliedReportingOverflow(by: blockSize)
        guard !o2, end <= fileSize else {
            throw .other("truncated: \(name) has \(fileSize) bytes but its page bitmaps end at \(o2 ? "an impossible offset" : hex(end)) (the file was cut short)")
        }
        for (what, range) in [("VMCOREINFO", vmcoreinfo), ("ELF notes", notes), ("erase info", eraseinfo)] {
            guard let r = range else { continue }
            let (e, o) = r.offset.addingReportingOverflow(r.size)
            guard !o, e <= fileSize else {
                throw .other("truncated: \(name) has \(fileSize) bytes but its \(what) lie at \(hex(r.offset))+\(hex(r.size)) (the file was cut short)")
            }
        }
    }

    /// A power of two libkdumpfile accepts (4 KiB to 256 KiB).
    private static func isPageSize(_ v: UInt32) -> Bool {
        v >= 1 << 12 && v <= 1 << 18 && v & (v - 1) == 0
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
