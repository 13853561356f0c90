/// What the walker knows about each table it has been pointed at: how many entries pointed at
/// it (for `--max-table-refs`), whether it was walked once in place as a whole (the first
/// reference to a table is streamed, a summary is only built when it is met again), and
/// whether any summary of it exists. One open-addressing probe per table reference, keyed by
/// the table's physical address, so the common (unshared) path allocates nothing per table.
struct TableRefs {
    /// 24 bytes: the table grows with the distinct tables of the image (32 K on a 64 GiB
    /// page-granular map), so its size is the walk's memory.
    struct Slot {
        /// The table's physical address.
        var key: UInt64 = 0
        /// Inherited permissions of the one whole walk streamed in place, when there was one.
        var streamedParent: UInt64 = 0
        /// Entries seen pointing at it (saturating: `--max-table-refs` stops far below).
        var references: UInt32 = 0
        /// Real level of that walk (-1: none).
        var streamedLevel: Int8 = -1
        /// True when a summary of this table (at some level and inheritance) was kept.
        var summarized = false
        var used = false
    }

    private var slots: [Slot] = []
    private var count = 0

    /// The slot of the table at `pa`, created empty when it is new; the index is valid until
    /// the next call.
    @inline(__always) mutating func slot(_ pa: PhysicalAddress) -> Int {
        if count &* 4 >= slots.count &* 3 { grow() }
        let key = pa.rawValue
        let mask = slots.count &- 1
        var h = Self.hash(key) & mask
        while slots[h].used {
            if slots[h].key == key { return h }
            h = (h &+ 1) & mask
        }
        slots[h].used = true
        slots[h].key = key
        count &+= 1
        return h
    }

    @inline(__always) subscript(i: Int) -> Slot {
        get { slots[i] }
        set { slots[i] = newValue }
    }

    @inline(__always) private static func hash(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: ((key >> 12) ^ key) &* 0x9e37_79b9_7f4a_7c15 >> 32)
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: max(1024, old.count * 2))
        count = 0
        let mask = slots.count &- 1
        for s in old where s.used {
            var h = Self.hash(s.key) & mask
            while slots[h].used { h = (h &+ 1) & mask }
            slots[h] = s
            count &+= 1
        }
    }
}
