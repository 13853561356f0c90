@testable import PTDumpCore

/// A real or built image's memory with some 8-byte entries overwritten (little-endian): a table
/// page corrupted without touching the file.
struct PatchedMemory: PhysicalMemory {
    let base: any PhysicalMemory
    var patches: [UInt64: UInt64] = [:]

    init(_ base: any PhysicalMemory) { self.base = base }

    var regions: [PhysicalRange] { base.regions }
    var summary: String { base.summary + " (patched)" }

    /// Sets the entry at `pa` to `value`.
    mutating func set(_ pa: PhysicalAddress, _ value: UInt64) { patches[pa.rawValue] = value }

    /// Sets entry `index` of the table at `table`.
    mutating func set(table: PhysicalAddress, index: Int, _ value: UInt64) { set(table + UInt64(index * 8), value) }

    func read(_ pa: PhysicalAddress, length: Int) throws(ImageError) -> [UInt8] {
        var bytes = try base.read(pa, length: length)
        for (at, v) in patches where at >= pa.rawValue && at + 8 <= pa.rawValue + UInt64(length) {
            let o = Int(at - pa.rawValue)
            for b in 0..<8 { bytes[o + b] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(b))) }
        }
        return bytes
    }

    func table(at pa: PhysicalAddress, entries: Int, byteOrder: ByteOrder) throws(ImageError) -> TablePage {
        try copiedTable(at: pa, entries: entries, byteOrder: byteOrder)
    }

    /// The entry at `pa` as it now reads.
    func entry(_ pa: PhysicalAddress) throws -> UInt64 { try u64(pa) }
}
