import CDecompress
import CZlib

/// Turns one page's data in a kdump-compressed file back into the page: zlib, LZO1X, snappy or
/// zstd as the page descriptor's flags say, or a copy when stored as is. Every decompressor is
/// told the page size as its output limit and must produce exactly one page.
///
/// The zlib and zstd states are made once and reused for every page (libkdumpfile sets up a
/// new zlib stream per page). Not thread-safe by itself: `KdumpFile` keeps it in its locked state.
final class KdumpPageDecoder: @unchecked Sendable {
    let pageSize: Int
    private var zlib: UnsafeMutablePointer<z_stream>?
    private var zstd: OpaquePointer?
    private static let lzoReady: Bool = ptdump_lzo_init() == 0

    init(pageSize: Int) {
        self.pageSize = pageSize
    }

    deinit {
        if let z = zlib {
            inflateEnd(z)
            z.deinitialize(count: 1)
            z.deallocate()
        }
        if let d = zstd { ZSTD_freeDCtx(d) }
    }

    /// The page `data` (stored with `DUMP_DH_COMPRESSED_*` `flags`) holds, or why it cannot be
    /// had (for the message: "its N bytes of zlib data at ... do not decompress (WHY)").
    func decode(_ data: [UInt8], flags: UInt32) -> Result<[UInt8], Failure> {
        if flags == 0 {
            return data.count == pageSize ? .success(data) : .failure(Failure("\(data.count) bytes stored for a \(pageSize)-byte page"))
        }
        var page = [UInt8](repeating: 0, count: pageSize)
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
        case .failure(let f): return .failure(f)
        case .success(let n) where n != pageSize:
            return .failure(Failure("they make \(n) bytes, not a \(pageSize)-byte page"))
        case .success: return .success(page)
        }
    }

    /// Why a page did not decompress.
    struct Failure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private func inflate(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Result<Int, Failure> {
        let z: UnsafeMutablePointer<z_stream>
        if let existing = zlib {
            z = existing
            guard inflateReset(z) == Z_OK else { return .failure(Failure("zlib cannot reset its stream")) }
        } else {
            z = .allocate(capacity: 1)
            z.initialize(to: z_stream())
            guard inflateInit_(z, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                z.deinitialize(count: 1)
                z.deallocate()
                return .failure(Failure("zlib cannot start"))
            }
            zlib = z
        }
        guard let src = input.baseAddress, let dst = out.baseAddress else { return .failure(Failure("no data")) }
        z.pointee.next_in = UnsafeMutablePointer(mutating: src.assumingMemoryBound(to: Bytef.self))
        z.pointee.avail_in = uInt(input.count)
        z.pointee.next_out = dst.assumingMemoryBound(to: Bytef.self)
        z.pointee.avail_out = uInt(out.count)
        let status = CZlib.inflate(z, Z_FINISH)
        guard status == Z_STREAM_END else {
            let why = z.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
            return .failure(Failure("zlib: \(status == Z_BUF_ERROR ? "more than a page, or cut short" : why)"))
        }
        return .success(out.count - Int(z.pointee.avail_out))
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
