import Testing
@testable import PTDumpCore

/// The kdump reader's page cache: first in, first out, and once full the page about to go is
/// handed back for reuse instead of a new buffer being allocated.
@Suite struct PageCacheTests {
    @Test func sizedInBytesWithAFloor() {
        #expect(PageCache(bytes: 2 << 20, pageSize: 4096).capacity == 512)
        #expect(PageCache(bytes: 2 << 20, pageSize: 65536).capacity == 32)
        #expect(PageCache(bytes: 2 << 20, pageSize: 1 << 20).capacity == 16)
    }

    @Test func recyclesOnlyWhenFullAndOldestFirst() {
        var c = PageCache(capacity: 3)
        for pfn in UInt64(0)..<3 {
            #expect(c.recycle() == nil)
            c.insert(pfn, [UInt8](repeating: UInt8(pfn), count: 4))
        }
        // Full: the oldest page (0) is the one handed back, and it is no longer cached.
        let reused = c.recycle()
        #expect(reused == [0, 0, 0, 0])
        #expect(c.page(0) == nil)
        #expect(c.page(1) == [1, 1, 1, 1] && c.page(2) == [2, 2, 2, 2])
        // Asking again before inserting hands back nothing: that slot is already taken.
        #expect(c.recycle() == nil)
        c.insert(3, [3, 3, 3, 3])
        #expect(c.page(3) == [3, 3, 3, 3])
        // Next in line is page 1.
        #expect(c.recycle() == [1, 1, 1, 1])
        #expect(c.page(1) == nil)
    }

    /// Whatever the order of reads, a cached page is always the bytes last inserted for it.
    @Test func neverReturnsAStalePage() {
        var c = PageCache(capacity: 4)
        var truth: [UInt64: [UInt8]] = [:]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for step in 0..<2000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let pfn = (seed >> 33) % 9
            if let p = c.page(pfn) {
                #expect(p == truth[pfn], "step \(step), page \(pfn)")
                continue
            }
            var buffer = c.recycle() ?? []
            buffer = [UInt8(truncatingIfNeeded: step), UInt8(pfn)]
            truth[pfn] = buffer
            c.insert(pfn, buffer)
        }
    }
}
