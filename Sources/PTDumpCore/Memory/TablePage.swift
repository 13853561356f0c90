/// A bounds-checked view of one page table: entries are read with plain loads in the byte
/// order of the architecture. `owner` keeps the bytes alive (a mapped file, a copied page).
public struct TablePage {
    @usableFromInline let base: UnsafeRawPointer
    @usableFromInline let owner: AnyObject
    @usableFromInline let bigEndian: Bool
    /// Number of entries.
    public let entries: Int

    /// `entries` entries at `base`, which `owner` keeps valid.
    public init(base: UnsafeRawPointer, entries: Int, byteOrder: ByteOrder, owner: AnyObject) {
        self.base = base
        self.entries = entries
        self.bigEndian = byteOrder == .big
        self.owner = owner
    }

    /// A page holding a copy of `bytes` (at least `entries * 8` of them).
    public init(copying bytes: [UInt8], entries: Int, byteOrder: ByteOrder) {
        let buffer = PageBuffer(bytes)
        self.init(base: UnsafeRawPointer(buffer.pointer), entries: entries, byteOrder: byteOrder, owner: buffer)
    }

    /// The page's raw bytes, valid inside `body` (zero-copy where the memory is mapped).
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(owner) { try body(UnsafeRawBufferPointer(start: base, count: entries &* 8)) }
    }

    /// The first index from `start` through `last` whose entry differs from `entry` in a bit of
    /// `compared`, or is zero: the end of a run of entries that are equal outside a field.
    /// `last + 1` when there is none. The byte order is tested once, not per entry.
    @inline(__always)
    public func endOfRun(of entry: UInt64, from start: Int, through last: Int, compared: UInt64) -> Int {
        var j = start
        if bigEndian {
            while j <= last {
                let x = self[j]
                if (x ^ entry) & compared != 0 || x == 0 { break }
                j &+= 1
            }
        } else {
            while j <= last {
                let x = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: j &* 8, as: UInt64.self))
                if (x ^ entry) & compared != 0 || x == 0 { break }
                j &+= 1
            }
        }
        return j
    }

    /// Entry `i` (0 ..< entries).
    @inline(__always)
    public subscript(i: Int) -> UInt64 {
        let raw = base.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)
        return bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)
    }
}

/// Owned bytes of a copied page.
final class PageBuffer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ bytes: [UInt8]) {
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 8), alignment: 8)
        bytes.withUnsafeBytes { src in
            if let s = src.baseAddress { pointer.copyMemory(from: s, byteCount: bytes.count) }
        }
    }
    deinit { pointer.deallocate() }
}
