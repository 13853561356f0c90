/// The last few decompressed pages, by page frame number: a page-table walk reads a table page
/// entry by entry, and neighbouring walks come back to the same tables. First in, first out.
struct PageCache: Sendable {
    let capacity: Int
    private var slots: [(pfn: UInt64, bytes: [UInt8])] = []
    private var index: [UInt64: Int] = [:]
    private var next = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func page(_ pfn: UInt64) -> [UInt8]? {
        guard let i = index[pfn] else { return nil }
        return slots[i].bytes
    }

    mutating func insert(_ pfn: UInt64, _ bytes: [UInt8]) {
        if let i = index[pfn] { slots[i].bytes = bytes; return }
        if slots.count < capacity {
            index[pfn] = slots.count
            slots.append((pfn, bytes))
            return
        }
        index[slots[next].pfn] = nil
        slots[next] = (pfn, bytes)
        index[pfn] = next
        next = (next + 1) % capacity
    }
}
