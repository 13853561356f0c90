import Testing
import PTDumpCore

/// Real kernels: the compact images in samples/ must print the kernel's own text.
@Suite struct GoldenTests {
    static let cases = ["x86_64-4level", "x86_64-4level-qemu-kdump", "x86_64-5level", "x86_64-rodata-off", "x86_64-4level-kasan", "x86_64-5level-kasan", "x86_64-distro-like", "riscv64-sv39", "x86_64-4level-6.12", "x86_64-5level-6.12", "x86_64-kaslr-pti-6.12", "s390x-region3", "s390x-region2", "riscv64-sv48", "riscv64-sv57"]

    @Test(arguments: cases)
    func textMatchesKernel(_ name: String) throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/\(name)/image.ptd")
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        let (text, report) = renderText(platform, image.memory)
        #expect(report.problems.isEmpty)
        let expected = readRepoFile("samples/\(name)/expected.txt")
        #expect(!expected.isEmpty)
        #expect(text == expected)
    }

    @Test(arguments: cases)
    func wxVerdictMatchesKernel(_ name: String) throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/\(name)/image.ptd")
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        // The kernel's own lines: every verdict, and PTI's "Checking user space page tables".
        let lines = wxLines(platform, image.memory).filter { !$0.contains("Found insecure") }
        let expected = readRepoFile("samples/\(name)/wx.txt").split(separator: "\n").map(String.init)
        #expect(!expected.isEmpty)
        #expect(lines == expected)
    }

    @Test func rodataOffFindingsListEveryRange() throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/x86_64-rodata-off/image.ptd")
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        let lines = wxLines(platform, image.memory)
        #expect(lines.first == "x86/mm: Found insecure W+X mapping at address 0xffffffff81000000-0xffffffff81800000 (2048 pages)")
        #expect(lines.count == 6)
    }

    @Test func compactImageRoundTripsThroughSave() throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/x86_64-5level/image.ptd")
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        let out = scratchPath("roundtrip.ptd")
        _ = try ImageSaver.save(to: out, image: image, platform: platform)
        let again = try ImageLoader.load(path: out)
        let p2 = try PlatformResolver.resolve(image: again, options: Options())
        #expect(again.format == "ptdump compact image")
        #expect(p2.root.value == platform.root.value)
        #expect(renderText(p2, again.memory).0 == readRepoFile("samples/x86_64-5level/expected.txt"))
        #expect(again.vmcoreinfo == image.vmcoreinfo)
    }
}

extension String {
    func trimmingSuffixNewline() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
