import Foundation
import Testing
@testable import PTDumpCore

/// Linux 6.12's layout as data: with the build's `.config` (which turns off reading the
/// kernel's own `address_markers[]`), the 6.12 profiles alone must reproduce the kernel's text.
@Suite("Linux 6.12 profiles")
struct KernelProfile6_12Tests {
    static let cases = ["arm64-4k-48-6.12", "arm64-4k-52-lpa2-6.12", "arm64-16k-47-6.12", "arm64-64k-52-6.12", "arm64-4k-48-kasan-6.12", "x86_64-4level-6.12", "x86_64-5level-6.12", "x86_64-kaslr-pti-6.12"]

    @Test("with --kernel-config the 6.12 profile's formulas print the kernel's text byte for byte", arguments: cases)
    func configOnly(_ name: String) throws {
        let dir = samplesDirectory.appendingPathComponent(name)
        let image = try ImageLoader.load(path: dir.appendingPathComponent("image.ptd").path)
        var o = Options()
        o.kernelConfig = KernelConfig(text: try String(contentsOf: dir.appendingPathComponent("config.txt"), encoding: .utf8))
        let platform = try PlatformResolver.resolve(image: image, options: o)
        #expect(platform.profile.value.release == KernelRelease(6, 12))
        #expect(!platform.layout.markers.isEmpty)
        let out = TextOutput()
        _ = PageTableDump.printText(platform: platform, memory: image.memory, out: out)
        let expected = try String(contentsOf: dir.appendingPathComponent("expected.txt"), encoding: .utf8)
        #expect(out.text == expected)
    }

    @Test func the6_1LayoutDoesNotFitA6_12Arm64Kernel() throws {
        // The same dump under 6.1's profile puts Fixmap and PCI I/O before vmemmap: the
        // profile, not luck, makes the output right.
        let dir = samplesDirectory.appendingPathComponent("arm64-4k-48-6.12")
        let image = try ImageLoader.load(path: dir.appendingPathComponent("image.ptd").path)
        var o = Options()
        o.kernelConfig = KernelConfig(text: try String(contentsOf: dir.appendingPathComponent("config.txt"), encoding: .utf8))
        o.kernelRelease = KernelRelease(6, 1)
        let platform = try PlatformResolver.resolve(image: image, options: o)
        let out = TextOutput()
        _ = PageTableDump.printText(platform: platform, memory: image.memory, out: out)
        let expected = try String(contentsOf: dir.appendingPathComponent("expected.txt"), encoding: .utf8)
        #expect(out.text != expected)
    }

    @Test func laterReleasesTakeThe6_12ProfileAndSaySo() {
        for port in [ARM64Port.self as any ArchitecturePort.Type, X86_64Port.self] {
            let (p, note) = KernelProfile.select(from: port.profiles, release: KernelRelease(6, 15))
            #expect(p.release == KernelRelease(6, 12))
            #expect(note?.contains("6.15") == true)
            let (q, none) = KernelProfile.select(from: port.profiles, release: KernelRelease(6, 12))
            #expect(q.release == KernelRelease(6, 12) && none == nil)
            let (r, older) = KernelProfile.select(from: port.profiles, release: KernelRelease(6, 6))
            #expect(r.release == KernelRelease(6, 1) && older?.contains("6.6") == true)
        }
    }

    @Test func renamedOptionsReachTheLayout() {
        let c = KernelConfig(text: "CONFIG_MITIGATION_PAGE_TABLE_ISOLATION=y\nCONFIG_EFI=y\n")
        let aliased = c.aliasing(X86_64Port.linux6_12.configAliases)
        #expect(aliased.isEnabled("PAGE_TABLE_ISOLATION"))
        #expect(aliased.isEnabled("EFI"))
        #expect(!c.aliasing([:]).isEnabled("PAGE_TABLE_ISOLATION"))
        // an option set under the old name is not overridden
        let both = KernelConfig(text: "CONFIG_PAGE_TABLE_ISOLATION=n\nCONFIG_MITIGATION_PAGE_TABLE_ISOLATION=y\n")
        #expect(!both.aliasing(X86_64Port.linux6_12.configAliases).isEnabled("PAGE_TABLE_ISOLATION"))
    }

    @Test func arm64FixmapSizeFollows6_12Enum() {
        // The real 4K tiny kernel: Fixmap start 0xffffffffff42f000 = -8M - 977 pages.
        #expect(ARM64Port.fixmapPages6_12(pageSize: 4096, ghes: false, sdei: false, unmapKernelAtEL0: false, relocatable: false) == 977)
        // Each optional slot group adds its pages.
        #expect(ARM64Port.fixmapPages6_12(pageSize: 4096, ghes: true, sdei: true, unmapKernelAtEL0: true, relocatable: true) == 985)
        #expect(ARM64Port.fixmapPages6_12(pageSize: 65536, ghes: false, sdei: false, unmapKernelAtEL0: false, relocatable: false) == 5 + 32 + 5 * 7 + 5)
    }
}

/// FEAT_LPA2: 52-bit VA and PA with 4K and 16K pages.
@Suite("arm64 LPA2")
struct ARM64LPA2Tests {
    @Test func fourKPagesWith52BitVAHaveFiveLevels() throws {
        let a = try #require(ARM64(pageSize: 4096, vaBits: 52))
        #expect(a.lpa2)
        #expect(a.levelCount == 5)
        #expect(a.levels.map(\.shift) == [48, 39, 30, 21, 12])
        #expect(a.levels[0].entries == 16)
        #expect(a.levels.map(\.kernelLevel) == [0, 1, 2, 3, 4])
        let b = try #require(ARM64(pageSize: 16384, vaBits: 52))
        #expect(b.lpa2 && b.levelCount == 4 && b.levels[0].entries == 32)
        let c = try #require(ARM64(pageSize: 65536, vaBits: 52, pa52: true))
        #expect(!c.lpa2 && c.pa52)
        #expect(ARM64(pageSize: 4096, vaBits: 48)?.lpa2 == false)
    }

    @Test func outputAddressBits51To50ComeFromBits9To8() throws {
        let a = try #require(ARM64(pageSize: 4096, vaBits: 52))
        // PA 0xc_0123_4567_8000 | AF | valid: OA[51:50] = 3 in bits 9:8, OA[49:12] in place
        let pa: UInt64 = (3 << 50) | 0x2_0123_4567_8000
        let e = (pa & 0x3_ffff_ffff_f000) | (3 << 8) | (1 << 10) | 3
        #expect(a.address(e) == pa)
        // without LPA2 the same bits are shareability and bits 49:48 are not address bits
        let n = try #require(ARM64(pageSize: 4096, vaBits: 48))
        #expect(n.address(e) == 0x0123_4567_8000)
    }

    @Test("builder round trip at 52-bit VA with 4K and 16K pages", arguments: [4096, 16384])
    func roundTrip(_ pageSize: Int) throws {
        let mode = PagingMode.arm64(pageSize: pageSize, vaBits: 52)
        #expect(ARM64Port.builderModes.contains { $0.pageSize == mode.pageSize && $0.vaBits == 52 })
        let encoder = try ARM64Port.encoder(for: mode)
        let a = try #require(ARM64(pageSize: pageSize, vaBits: 52))
        // A leaf at a PA above 2^50 keeps its address and loses no attribute bit to it.
        let pa = PhysicalAddress((1 << 50) | UInt64(pageSize) * 3)
        let e = encoder.leaf(pa, MappingAttributes(write: true, execute: false, userExecute: false, user: false, global: true, memoryType: .normal), last: true)
        #expect(a.outputAddress(e, level: a.levels.count - 1) == pa)
        #expect(e & (3 << 8) == 1 << 8)   // OA[50] in bit 8: no shareability field
        #expect(a.address(encoder.table(pa)) == pa.rawValue)
    }
}

/// 6.12 prints a block in the top table of a 2-level arm64 paging as PMD (its level names no
/// longer follow folding at the pmd); 6.1 printed PGD.
@Suite("arm64 level names by release")
struct ARM64LevelNameTests {
    func text(release: KernelRelease, mode: PagingMode, block: Mapping) throws -> String {
        let built = try ImageBuilder(mode: mode).build([block])
        let path = scratchPath("levelnames-\(release)-\(mode.pageSize)")
        try built.writeCompactImage(path: path)
        var o = Options()
        o.kernelRelease = release
        let image = try ImageLoader.load(path: path, options: o)
        let platform = try PlatformResolver.resolve(image: image, options: o)
        let out = TextOutput()
        _ = PageTableDump.printText(platform: platform, memory: image.memory, out: out)
        return out.text
    }

    @Test func twoLevelTopBlocks() throws {
        // 64K pages, 42-bit VA: the top table maps 512 MiB blocks.
        let mode = PagingMode.arm64(pageSize: 65536, vaBits: 42)
        let block = Mapping(va: 0xffff_fe00_0000_0000, size: 512 << 20, pa: 0x4000_0000)
        let old = try text(release: KernelRelease(6, 1), mode: mode, block: block)
        let new = try text(release: KernelRelease(6, 12), mode: mode, block: block)
        #expect(old.contains("0xfffffe0000000000-0xfffffe0020000000         512M PGD "))
        #expect(new.contains("0xfffffe0000000000-0xfffffe0020000000         512M PMD "))
        // holes at the top are reported at depth 0 by both (real_depth)
        #expect(new.contains(" PGD\n"))
    }

    @Test func threeLevelNamesDoNotChange() throws {
        let mode = PagingMode.arm64(pageSize: 4096, vaBits: 39)
        let block = Mapping(va: 0xffff_ff80_0000_0000, size: 1 << 30, pa: 0x4000_0000)
        let old = try text(release: KernelRelease(6, 1), mode: mode, block: block)
        let new = try text(release: KernelRelease(6, 12), mode: mode, block: block)
        // (the layouts differ between releases; the block's line does not)
        let line = "0xffffff8000000000-0xffffff8040000000           1G PGD       RW"
        #expect(old.contains(line) && new.contains(line))
    }
}
