import CLibKdumpFile
#if canImport(Glibc)
import Glibc
#endif

/// A libkdumpfile `kdump_ctx_t` over open file descriptors: the only place that calls the C
/// library. Not thread-safe (one context must not be used by two threads at once); `KdumpFile`
/// serializes its use. The descriptors stay owned by the caller (libkdumpfile does not close them).
final class KdumpContext {
    private let ctx: OpaquePointer

    /// Opens the dump held by `fds` (one file, or every part of a split set).
    init(fds: [Int32], name: String) throws(ImageError) {
        guard let c = kdump_new() else { throw .other("\(name): libkdumpfile: cannot allocate a context") }
        let status = fds.withUnsafeBufferPointer { kdump_open_fdset(c, UInt32($0.count), $0.baseAddress) }
        guard status == KDUMP_OK else {
            let why = kdump_get_err(c).map { String(cString: $0) } ?? String(cString: kdump_strerror(status))
            // Not kdump_free(c): in libkdumpfile before 0.5.4, a diskdump file whose header it
            // refuses leaves a freed page_size override linked into the context, and freeing the
            // context then crashes (use after free). The context leaks instead: about 100 KB
            // (measured under AddressSanitizer), once per process for the command, but a
            // long-running user that opens thousands of bad files grows by that much each.
            throw .other("\(name): libkdumpfile cannot open it: \(why)")
        }
        ctx = c
    }

    deinit { kdump_free(ctx) }

    /// The library's last error text.
    var lastError: String { kdump_get_err(ctx).map { String(cString: $0) } ?? "unknown libkdumpfile error" }

    func string(_ key: String) -> String? {
        var s: UnsafePointer<CChar>? = nil
        guard kdump_get_string_attr(ctx, key, &s) == KDUMP_OK, let s else { return nil }
        return String(cString: s)
    }

    func number(_ key: String) -> UInt64? {
        var n: kdump_num_t = 0
        guard kdump_get_number_attr(ctx, key, &n) == KDUMP_OK else { return nil }
        return UInt64(n)
    }

    /// `setter` for a numeric attribute; false when the library refuses it.
    @discardableResult
    func set(_ key: String, _ value: UInt64) -> Bool {
        kdump_set_number_attr(ctx, key, kdump_num_t(value)) == KDUMP_OK
    }

    /// The raw VMCOREINFO text, if the dump has it. (`kdump_vmcoreinfo_raw` would want the OS
    /// type set first, which starts libkdumpfile's address-translation setup; the blob does not.)
    func vmcoreinfo() -> String? {
        var attr = kdump_attr_t()
        attr.type = KDUMP_BLOB
        guard kdump_get_typed_attr(ctx, "linux.vmcoreinfo.raw", &attr) == KDUMP_OK, let blob = attr.val.blob else { return nil }
        guard let p = kdump_blob_pin(blob) else { return nil }
        defer { kdump_blob_unpin(blob) }
        let bytes = UnsafeRawBufferPointer(start: p, count: kdump_blob_size(blob))
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The runs of set bits of a bitmap attribute (`memory.pagemap`, `file.pagemap`) in
    /// `range`, as half-open index ranges. (libkdumpfile 0.5.1's `file.pagemap` of a split set
    /// finds nothing past a part whose last pages are not dumped, so a split set is asked part
    /// by part.)
    func runs(ofBitmap key: String, in range: Range<UInt64>) -> [Range<UInt64>]? {
        var attr = kdump_attr_t()
        attr.type = KDUMP_BITMAP
        guard kdump_get_typed_attr(ctx, key, &attr) == KDUMP_OK, let bmp = attr.val.bitmap else { return nil }
        var out: [Range<UInt64>] = []
        var idx = kdump_addr_t(range.lowerBound)
        let limit = range.upperBound
        while idx < limit, kdump_bmp_find_set(bmp, &idx) == KDUMP_OK, idx < limit {
            let start = UInt64(idx)
            if kdump_bmp_find_clear(bmp, &idx) != KDUMP_OK || idx <= start { idx = kdump_addr_t(limit) }
            out.append(start..<min(UInt64(idx), limit))
        }
        return out
    }
}
