/// The last few decompressed pages, by page frame number: a page-table walk reads a table page
/// entry by entry, and neighbouring walks come back to the same tables. First in, first out.
///
/// Once full, the page about to be evicted can be taken out (`recycle()`) and decompressed
/// over in place, so a long walk reuses the same buffers instead of faulting in fresh memory
/// for every page (a QEMU arm64 dump's 64 KiB blocks made that a sixth of a read's time).
struct PageCache: Sendable {
    /// How many pages it holds.
    let capacity: Int
    private var slots: [(pfn: UInt64, bytes: [UInt8])] = []
    private var index: [UInt64: Int] = [:]
    private var next = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// A cache of at most `bytes` of pages of `pageSize` bytes (at least 16 pages).
    init(bytes: Int, pageSize: Int) {
        self.init(capacity: max(16, bytes / max(1, pageSize)))
    }

    func page(_ pfn: UInt64) -> [UInt8]? {
        guard let i = index[pfn] else { return nil }
        return slots[i].bytes
    }

    /// When the cache is full: removes the page the next `insert` would evict and returns its
    /// buffer, for the caller to overwrite (nil while there is room, or when that slot was
    /// already taken).
    mutating func recycle() -> [UInt8]? {
        guard slots.count == capacity, !slots[next].bytes.isEmpty else { return nil }
        if index[slots[next].pfn] == next { index[slots[next].pfn] = nil }
        let bytes = slots[next].bytes
        slots[next].bytes = []
        return bytes
    }

    mutating func insert(_ pfn: UInt64, _ bytes: [UInt8]) {
        if let i = index[pfn] { slots[i].bytes = bytes; return }
        if slots.count < capacity {
            index[pfn] = slots.count
            slots.append((pfn, bytes))
            return
        }
        if index[slots[next].pfn] == next { index[slots[next].pfn] = nil }
        slots[next] = (pfn, bytes)
        index[pfn] = next
        next = (next + 1) % capacity
    }
}
