import Testing
@testable import PTDumpCore

@Suite("arm64 level geometry")
struct ARM64GeometryTests {
    /// (page size, VA bits, levels, PGDIR_SHIFT, PTRS_PER_PGD) from pgtable-hwdef.h.
    static let table: [(Int, Int, Int, Int, Int)] = [
        (4096, 39, 3, 30, 512), (4096, 48, 4, 39, 512),
        (16384, 36, 2, 25, 2048), (16384, 47, 3, 36, 2048), (16384, 48, 4, 47, 2),
        (65536, 42, 2, 29, 8192), (65536, 48, 3, 42, 64), (65536, 52, 3, 42, 1024),
    ]

    @Test("levels, top shift and entries follow ARM64_HW_PGTABLE_LEVELS", arguments: 0..<8)
    func geometry(_ i: Int) throws {
        let (ps, va, n, pgdir, ptrs) = Self.table[i]
        let a = try #require(ARM64(pageSize: ps, vaBits: va))
        #expect(a.levelCount == n)
        #expect(a.levels.count == n)
        #expect(a.levels[0].shift == pgdir)
        #expect(a.levels[0].entries == ptrs)
        #expect(a.vaBits == va)
        #expect(a.levels.last?.shift == ps.trailingZeroBitCount)
        #expect(a.levels.last?.kernelLevel == 4)
        #expect(a.levels[0].holeLevel == 0)
        for l in a.levels.dropFirst() { #expect(l.entries == ps / 8) }
        for (x, y) in zip(a.levels, a.levels.dropFirst()) { #expect(x.shift - y.shift == ps.trailingZeroBitCount - 3) }
    }

    @Test("level names follow CONFIG_PGTABLE_LEVELS")
    func names() throws {
        #expect(try #require(ARM64(pageSize: 4096, vaBits: 48)).levelNames == ["PGD", "P4D", "PUD", "PMD", "PTE"])
        #expect(try #require(ARM64(pageSize: 65536, vaBits: 48)).levelNames == ["PGD", "P4D", "PGD", "PMD", "PTE"])
        #expect(try #require(ARM64(pageSize: 16384, vaBits: 36)).levelNames == ["PGD", "P4D", "PGD", "PGD", "PTE"])
        // Kernel levels of the real levels.
        #expect(try #require(ARM64(pageSize: 4096, vaBits: 48)).levels.map(\.kernelLevel) == [0, 2, 3, 4])
        #expect(try #require(ARM64(pageSize: 4096, vaBits: 39)).levels.map(\.kernelLevel) == [2, 3, 4])
        #expect(try #require(ARM64(pageSize: 65536, vaBits: 42)).levels.map(\.kernelLevel) == [3, 4])
    }

    @Test("the hardware's impossible geometries are refused; the kernel profile refuses what its release cannot build")
    func unsupported() {
        #expect(ARM64(pageSize: 8192, vaBits: 48) == nil)
        #expect(ARM64(pageSize: 4096, vaBits: 53) == nil)
        #expect(ARM64(pageSize: 4096, vaBits: 20) == nil)
        let profile = ARM64Port.linux6_1
        #expect(profile.unsupportedReason(arch: .arm64, pageSize: 4096, vaBits: 42) != nil)
        #expect(profile.unsupportedReason(arch: .arm64, pageSize: 65536, vaBits: 39) != nil)
        #expect(profile.unsupportedReason(arch: .arm64, pageSize: 16384, vaBits: 39) != nil)
        #expect(profile.unsupportedReason(arch: .arm64, pageSize: 16384, vaBits: 47) == nil)
    }
}
