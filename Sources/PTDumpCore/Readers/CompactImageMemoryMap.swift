/// The optional memory-map record of a compact image (man/ptdump-image.5): one
/// `ram=0xSTART,0xEND` line per RAM region of the source (END exclusive), ascending and
/// non-overlapping, written by `--save` from the source's memory map (ELF `PT_LOAD`s, a kdump
/// file's RAM bitmap, a raw dump's size). A compact image holds only table pages; with this
/// record `--check-tables` can still tell a leaf outside RAM. Images saved without it still load.
public enum CompactImageMemoryMap {
    /// The note key.
    public static let key = "ram"
    /// At most this many regions (a machine's memory map has tens).
    public static let maxRegions = 65_536
    /// Regions end at or below this (52-bit physical addresses, the widest ptdump reads).
    public static let limit: UInt64 = 1 << 52

    /// The recorded regions, or nil when the image has no record. A record that does not
    /// parse, overlaps, is out of order or out of range is an error.
    public static func read(_ image: Image) throws(ImageError) -> [PhysicalRange]? {
        let values = image.ptdumpNote.filter { $0.key == key }.map(\.value)
        guard !values.isEmpty else { return nil }
        return try parse(values)
    }

    /// Parses `0xSTART,0xEND` values, checking the record's rules.
    public static func parse(_ values: [String]) throws(ImageError) -> [PhysicalRange] {
        guard values.count <= maxRegions else {
            throw .malformedImageNote("\(values.count) \(key)= lines, more than the \(maxRegions) a memory map can have")
        }
        var out: [PhysicalRange] = []
        out.reserveCapacity(values.count)
        for v in values {
            let parts = v.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 2, let s = VMCoreInfo.parseHex(String(parts[0])), let e = VMCoreInfo.parseHex(String(parts[1])) else {
                throw .malformedImageNote("\(key)=\(v.prefix(60)) is not 0xSTART,0xEND")
            }
            guard s < e else { throw .malformedImageNote("\(key)=\(v.prefix(60)): the region is empty or reversed") }
            guard e <= limit else { throw .malformedImageNote("\(key)=\(v.prefix(60)): ends above 2^52") }
            if let last = out.last, last.end.rawValue > s {
                throw .malformedImageNote("\(key)=\(v.prefix(60)) overlaps or precedes the region before it (regions are ascending and disjoint)")
            }
            out.append(PhysicalRange(start: PhysicalAddress(s), end: PhysicalAddress(e)))
        }
        return out
    }

    /// The note lines for `regions` (sorted, adjacent ones merged), or none when they cannot be
    /// recorded (out of range or too many).
    public static func lines(_ regions: [PhysicalRange]) -> [(key: String, value: String)] {
        var merged: [PhysicalRange] = []
        for r in regions.sorted(by: { $0.start < $1.start }) where r.start < r.end {
            if let last = merged.last, r.start <= last.end {
                merged[merged.count - 1] = PhysicalRange(start: last.start, end: max(last.end, r.end))
            } else {
                merged.append(r)
            }
        }
        guard merged.count <= maxRegions, merged.allSatisfy({ $0.end.rawValue <= limit }) else { return [] }
        return merged.map { (key, "\(hex($0.start)),\(hex($0.end))") }
    }
}
