import Testing
@testable import PTDumpCore
#if canImport(Glibc)
import Glibc
#endif

/// Every input libFuzzer ever broke ptdump with (tests/fuzz-regressions/TARGET/), and a fixed
/// set of corruptions of real samples, run through the same entry points as the fuzzer: a
/// trap here is a crash a user would see.
@Suite struct FuzzRegressionTests {
    static func files(in dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { out.append(name) }
        }
        return out.sorted()
    }

    @Test(arguments: FuzzTarget.allCases)
    func keptCrashersNoLongerCrash(_ target: FuzzTarget) throws {
        let dir = "tests/fuzz-regressions/\(target.rawValue)"
        for name in Self.files(in: "\(repoRoot)/\(dir)") {
            let f = try MappedFile(path: "\(repoRoot)/\(dir)/\(name)")
            target.run(Array(UnsafeRawBufferPointer(start: f.base, count: f.count)))
        }
    }

    @Test(arguments: ["x86_64-4level", "arm64-4k-48", "arm64-16k-36", "x86_64-distro-like"])
    func corruptedSamplesNeverTrap(_ name: String) throws {
        let f = try MappedFile(path: "\(repoRoot)/samples/\(name)/image.ptd")
        let original = Array(UnsafeRawBufferPointer(start: f.base, count: f.count))
        var rng = SplitMix64(state: 0x5eed ^ UInt64(original.count))
        for _ in 0..<24 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                // Headers and notes are small: aim half of the edits at the first 4 KiB.
                let at = Bool.random(using: &rng) ? i % 4096 : i
                bytes[at] = UInt8.random(in: 0...255, using: &rng)
            }
            FuzzTarget.image.run(bytes)
        }
        FuzzTarget.image.run(Array(original.prefix(original.count / 3)))
    }

    /// The kdump target opens real kdump-compressed and flattened files (so the fuzzer starts
    /// from structure the reader accepts), and survives damage to their headers, bitmaps,
    /// descriptors and pages, and a cut anywhere.
    @Test(arguments: ["kdump/x86_64-4level.c-d31.kdump", "kdump/arm64-4k-48.z-d31.kdump", "kdump/x86_64-4level.c-d31.flat"])
    func kdumpTargetReadsRealFilesAndSurvivesDamage(_ name: String) throws {
        let f = try MappedFile(path: "\(repoRoot)/samples/\(name)")
        let original = Array(UnsafeRawBufferPointer(start: f.base, count: f.count))
        let image = try #require(FuzzTarget.kdumpImage(original))
        #expect(image.format.hasPrefix("kdump-compressed") && image.format.contains("flattened") == name.hasSuffix(".flat"))
        FuzzTarget.kdump.run(original)
        var rng = SplitMix64(state: 0xd0d0 ^ UInt64(original.count))
        for _ in 0..<6 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                // Header and sub-header, the bitmaps and descriptors, or anywhere.
                let at = [Int.random(in: 0..<8192, using: &rng), Int.random(in: 0..<min(bytes.count, 1 << 18), using: &rng),
                          Int.random(in: 0..<bytes.count, using: &rng)][Int.random(in: 0...2, using: &rng)]
                bytes[at] = UInt8.random(in: 0...255, using: &rng)
            }
            FuzzTarget.kdump.run(bytes)
        }
        FuzzTarget.kdump.run(Array(original.prefix(original.count / 2)))
        FuzzTarget.kdump.run(Array(original.prefix(600)))
    }
}
