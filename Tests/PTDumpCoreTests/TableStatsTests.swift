import Testing
@testable import PTDumpCore

/// `--stats`: counts that follow from how the tables were built, and from real captures.
@Suite struct TableStatsTests {
    func stats(_ path: String) throws -> TableStats {
        let image = try ImageLoader.load(path: path)
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        return TableStats.collect(platform: platform, memory: image.memory)
    }

    /// 4 MiB in 2M blocks and 64 KiB in 4K pages, in the linear map: one table per level down to
    /// one pmd table with three entries (two blocks, one pointer) and one pte table with 16.
    @Test func builtTablesCountAsBuilt() throws {
        let va: UInt64 = 0xffff_8880_4000_0000
        let built = try ImageBuilder(mode: .x86_64(levels: 4)).build([
            Mapping(va: va, size: 4 << 20, pa: 1 << 32),
            Mapping(va: va + (8 << 20), size: 16 * 4096, pa: (1 << 32) + (8 << 20), maxBlock: 4096),
        ])
        let path = scratchPath("stats.ptd")
        try built.writeCompactImage(path: path)
        let s = try stats(path)
        #expect(s.levels.map(\.tables) == [1, 1, 1, 1])
        #expect(s.levels.map(\.leaves) == [0, 0, 2, 16])
        #expect(s.levels.map(\.pointers) == [1, 1, 1, 0])
        #expect(s.bytes == 4 * 4096)
        #expect(s.sharedTables == 0)
        let mapped = s.mapped.filter { $0.region == "Low Kernel Mapping" }
        #expect(mapped.map(\.level) == ["pmd", "pte"])
        #expect(mapped.map(\.leaves) == [2, 16])
        #expect(mapped.map(\.bytes) == [4 << 20, 16 * 4096])
    }

    /// The real captures: every table the walk reads is counted once, and KASAN's shared early
    /// shadow shows as shared tables.
    @Test func realCaptures() throws {
        let plain = try stats("\(repoRoot)/samples/x86_64-4level/image.ptd")
        #expect(plain.tables == 87)
        #expect(plain.bytes == 87 * 4096)
        #expect(plain.sharedTables == 0)
        #expect(plain.levels[0].pointers == 68)        // meta.txt: 68 present kernel-half entries
        #expect(plain.mapped.contains { $0.region == "High Kernel Mapping" && $0.level == "pmd" })
        let kasan = try stats("\(repoRoot)/samples/x86_64-4level-kasan/image.ptd")
        #expect(kasan.sharedTables >= 2)
        #expect(kasan.lines.first?.contains("shared by") == true)
        let big = try stats("\(repoRoot)/samples/arm64-4k-48-4g/image.ptd")
        #expect(big.levels.last?.tables ?? 0 > 2000)   // a page-granular linear map
        #expect(big.json.hasPrefix("{\"stats\":{\"tables\":\(big.tables),"))
    }
}
