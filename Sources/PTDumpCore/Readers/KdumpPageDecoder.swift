import CDecompress

/// Turns one page's data in a kdump-compressed file back into the page: zlib, LZO1X, snappy or
/// zstd as the page descriptor's flags say, or a copy when stored as is. Every decompressor is
/// told the page size as its output limit and must produce exactly one page.
///
/// zlib pages go through libdeflate (one call per page, Adler-32 checked). The libdeflate and
/// zstd states are made once and reused for every page (libkdumpfile sets up a new zlib stream
/// per page). Not thread-safe by itself: `KdumpFile` keeps it in its locked state.
final class KdumpPageDecoder: @unchecked Sendable {
    let pageSize: Int
    private var deflate: OpaquePointer?
    private var zstd: OpaquePointer?
    private static let lzoReady: Bool = ptdump_lzo_init() == 0

    init(pageSize: Int) {
        self.pageSize = pageSize
    }

    deinit {
        if let d = deflate { libdeflate_free_decompressor(d) }
        if let d = zstd { ZSTD_freeDCtx(d) }
    }

    /// Decompresses the page `data` (stored with `DUMP_DH_COMPRESSED_*` `flags`) into `page`,
    /// reusing its storage when it already holds a page's bytes; or says why it cannot (for the
    /// message: "its N bytes of zlib data at ... do not decompress (WHY)").
    func decode(_ data: [UInt8], flags: UInt32, into page: inout [UInt8]) -> Failure? {
        if flags == 0 {
            guard data.count == pageSize else { return Failure("\(data.count) bytes stored for a \(pageSize)-byte page") }
            page = data
            return nil
        }
        if page.count != pageSize {
            // Not zero-filled first: a decompressor that makes fewer bytes than a page fails below.
            page = [UInt8](unsafeUninitializedCapacity: pageSize) { _, initialized in initialized = pageSize }
        }
        let produced: Result<Int, Failure> = page.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { input in
                switch flags {
                case DiskDumpHeader.zlib: inflate(input, into: out)
                case DiskDumpHeader.lzo: unlzo(input, into: out)
                case DiskDumpHeader.snappy: unsnappy(input, into: out)
                case DiskDumpHeader.zstd: unzstd(input, into: out)
                default: .failure(Failure("unknown compression flags \(hex(UInt64(flags)))"))
                }
            }
        }
        switch produced {
        case .failure(let f): return f
        case .success(let n) where n != pageSize: return Failure("they make \(n) bytes, not a \(pageSize)-byte page")
        case .success: return nil
        }
    }

    /// Why a page did not decompress.
    struct Failure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private func inflate(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Result<Int, Failure> {
        if deflate == nil { deflate = libdeflate_alloc_decompressor() }
        guard let d = deflate else { return .failure(Failure("zlib (libdeflate) cannot start")) }
        guard let src = input.baseAddress, let dst = out.baseAddress else { return .failure(Failure("no data")) }
        // Given `n`, libdeflate reports a short page as success with fewer bytes (never
        // SHORT_OUTPUT); `decode` refuses it.
        var n = 0
        switch libdeflate_zlib_decompress(d, src, input.count, dst, out.count, &n) {
        case LIBDEFLATE_SUCCESS: return .success(n)
        case LIBDEFLATE_INSUFFICIENT_SPACE: return .failure(Failure("zlib: more than a page"))
        default: return .failure(Failure("zlib: not zlib data, damaged, or cut short"))
        }
    }

    private func unlzo(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Result<Int, Failure> {
        guard Self.lzoReady else { return .failure(Failure("the LZO library does not start")) }
        guard let src = input.baseAddress, let dst = out.baseAddress else { return .failure(Failure("no data")) }
        var n = lzo_uint(out.count)
        let status = lzo1x_decompress_safe(src.assumingMemoryBound(to: UInt8.self), lzo_uint(input.count),
                                           dst.assumingMemoryBound(to: UInt8.self), &n, nil)
        guard status == LZO_E_OK else { return .failure(Failure("LZO status \(status)")) }
        return .success(Int(n))
    }

    private func unsnappy(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Result<Int, Failure> {
        guard let src = input.baseAddress, let dst = out.baseAddress else { return .failure(Failure("no data")) }
        let csrc = src.assumingMemoryBound(to: CChar.self)
        var n = 0
        guard snappy_uncompressed_length(csrc, input.count, &n) == SNAPPY_OK else {
            return .failure(Failure("snappy: not snappy data"))
        }
        guard n == out.count else { return .success(n) }
        let status = snappy_uncompress(csrc, input.count, dst.assumingMemoryBound(to: CChar.self), &n)
        guard status == SNAPPY_OK else { return .failure(Failure("snappy status \(status.rawValue)")) }
        return .success(n)
    }

    private func unzstd(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Result<Int, Failure> {
        if zstd == nil { zstd = ZSTD_createDCtx() }
        guard let d = zstd else { return .failure(Failure("zstd cannot start")) }
        guard let src = input.baseAddress, let dst = out.baseAddress else { return .failure(Failure("no data")) }
        let n = ZSTD_decompressDCtx(d, dst, out.count, src, input.count)
        guard ZSTD_isError(n) == 0 else {
            return .failure(Failure("zstd: \(String(cString: ZSTD_getErrorName(n)))"))
        }
        return .success(n)
    }
}
