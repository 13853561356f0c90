/// makedumpfile's `struct page_desc`: where one dumped page's data are and how they are
/// compressed. One per dumped page, in page-frame order, after the bitmaps.
struct PageDescriptor: Sendable {
    /// File offset of the page data.
    var offset: UInt64
    /// Bytes of page data (a whole page when stored uncompressed).
    var size: UInt32
    /// `DUMP_DH_COMPRESSED_*` bits; 0 = stored as is.
    var flags: UInt32

    static let size = 24

    init?(_ bytes: [UInt8], bigEndian: Bool) {
        guard bytes.count >= Self.size else { return nil }
        let r = FieldReader(bytes: bytes, bigEndian: bigEndian)
        offset = r.u64(0)
        size = r.u32(8)
        flags = r.u32(12)
    }

    /// First byte after the data (saturating).
    var end: UInt64 { offset.addingReportingOverflow(UInt64(size)).overflow ? .max : offset + UInt64(size) }
    var isZero: Bool { offset == 0 && size == 0 && flags == 0 }
}
