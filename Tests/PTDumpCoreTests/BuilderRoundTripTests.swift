import Testing
import PTDumpCore

/// Tables built by `ImageBuilder` from random mapping sets, written in each input format and
/// read back by ptdump, report exactly the mappings: ranges equal the mappings after
/// coalescing, every address is reported once, and W^X counts the mapped W+X pages.
@Suite struct BuilderRoundTripTests {
    /// The input formats the builder writes.
    enum Format: String, CaseIterable, Sendable { case compact, raw, elf }

    static let seeds: [UInt64] = [1, 2, 3]

    /// Builds `mappings`, writes them as `format`, and loads the file as the CLI would.
    func roundTrip(_ mode: PagingMode, _ mappings: [Mapping], format: Format, name: String) throws -> (Image, Platform) {
        let built = try ImageBuilder(mode: mode).build(mappings)
        let path = scratchPath("builder-\(name)-\(format.rawValue)")
        let options: Options
        switch format {
        case .compact:
            try built.writeCompactImage(path: path)
            options = Options()
        case .raw:
            try built.writeRaw(path: path)
            options = built.rawOptions
        case .elf:
            try built.writeELF(path: path, rootSymbol: "boot_page_table")
            options = built.elfOptions(rootSymbol: "boot_page_table")
        }
        let image = try ImageLoader.load(path: path, options: options)
        let platform = try PlatformResolver.resolve(image: image, options: options)
        #expect(platform.root.value == built.root)
        return (image, platform)
    }

    /// Checks the three properties for one mapping set.
    func check(_ mode: PagingMode, _ mappings: [Mapping], format: Format, name: String) throws {
        let encoding = try MappingEncoding(mode: mode)
        let (image, platform) = try roundTrip(mode, mappings, format: format, name: name)
        let sink = platform.paging.accept(CollectRanges(platform: platform, memory: image.memory))

        // Every VA once: contiguous from the walk's first address to the final flush at 0.
        #expect(sink.ranges.first?.start == platform.layout.ranges.first?.first)
        #expect(sink.ranges.last?.end == 0)
        for (a, b) in zip(sink.ranges, sink.ranges.dropFirst()) {
            #expect(a.end == b.start && a.start < a.end, "\(hex16(a.start))-\(hex16(a.end)) then \(hex16(b.start))")
        }

        // Ranges equal the mappings after coalescing (levels ignored, PA and attributes kept).
        let want = expectedIntervals(mappings, encoding: encoding)
        let got = walkedIntervals(sink.ranges, encoding: encoding)
        #expect(got == want, "\(mode) \(format): got\n\(got.map(\.description).joined(separator: "\n"))\nwant\n\(want.map(\.description).joined(separator: "\n"))")

        // W^X counts the mapped W+X pages (and, on arm64, the non-UXN ones).
        let (results, _) = PageTableDump.checkWX(platform: platform, memory: image.memory)
        #expect(results.count == 1)
        let ps = mode.pageSize
        let wx = mappings.filter { $0.attributes.isWX }.reduce(UInt64(0)) { $0 + $1.size / ps }
        #expect(results.first?.checker.wxPages == wx)
        if mode.arch == .arm64 {
            let nonUXN = mappings.filter(\.attributes.userExecute).reduce(UInt64(0)) { $0 + $1.size / ps }
            #expect(results.first?.checker.nonUXNPages == nonUXN)
        }
    }

    func fileName(_ mode: PagingMode, _ seed: UInt64) -> String {
        String("\(mode)-\(seed)".filter { $0.isLetter || $0.isNumber })
    }

    @Test(arguments: PagingMode.all, seeds)
    func compactImageRoundTrips(mode: PagingMode, seed: UInt64) throws {
        var g = try MappingGenerator(mode: mode, seed: seed)
        try check(mode, g.mappings(count: 10), format: .compact, name: fileName(mode, seed))
    }

    @Test(arguments: PagingMode.all, seeds)
    func rawDumpRoundTrips(mode: PagingMode, seed: UInt64) throws {
        var g = try MappingGenerator(mode: mode, seed: seed &+ 100)
        try check(mode, g.mappings(count: 10), format: .raw, name: fileName(mode, seed))
    }

    /// Firmware-style executables: tables in a PT_LOAD, the root found through a symbol.
    @Test(arguments: PagingMode.all, seeds)
    func elfExecutableRoundTrips(mode: PagingMode, seed: UInt64) throws {
        var g = try MappingGenerator(mode: mode, seed: seed &+ 200)
        try check(mode, g.mappings(count: 10), format: .elf, name: fileName(mode, seed))
    }

    @Test(arguments: PagingMode.all)
    func generatorCoversBlocksPagesAndAttributes(mode: PagingMode) throws {
        // The property tests are only as good as their inputs: across the seeds, every leaf
        // size and both W+X and non-W+X mappings occur.
        let encoding = try MappingEncoding(mode: mode)
        var sizes: Set<UInt64> = [], wx: Set<Bool> = []
        for seed in Self.seeds {
            var g = try MappingGenerator(mode: mode, seed: seed)
            let ms = g.mappings(count: 10)
            #expect(ms.count >= 6)
            for m in ms {
                wx.insert(m.attributes.isWX)
                for li in encoding.leafLevels {
                    let s = UInt64(1) << UInt64(encoding.levels[li].shift)
                    if m.size >= s && m.va % s == 0 && m.pa % s == 0 && m.maxBlock >= s { sizes.insert(s) }
                }
            }
        }
        #expect(sizes.count == encoding.leafLevels.count)
        #expect(wx == [true, false])
    }
}
