import Foundation
import Testing
@testable import PTDumpCore

@Suite("arm64 golden samples from real 6.1 kernels")
struct ARM64GoldenTests {
    static let cases = ["arm64-4k-48", "arm64-4k-48-qemu-kdump", "arm64-64k-48", "arm64-4k-48-kasan", "arm64-16k-47", "arm64-4k-39", "arm64-64k-42", "arm64-16k-48", "arm64-4k-48-4g", "arm64-16k-36", "arm64-64k-48-kasan", "arm64-4k-48-6.12", "arm64-4k-52-lpa2-6.12", "arm64-16k-47-6.12", "arm64-64k-52-6.12", "arm64-4k-48-kasan-6.12"]

    @Test("text is byte-identical to the kernel's kernel_page_tables", arguments: cases)
    func text(_ name: String) throws {
        let dir = samplesDirectory.appendingPathComponent(name)
        let image = try ImageLoader.load(path: dir.appendingPathComponent("image.ptd").path)
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        #expect(platform.architecture.textStyle.name == "arm64")
        let out = TextOutput()
        let report = PageTableDump.printText(platform: platform, memory: image.memory, out: out)
        #expect(report.problems.isEmpty)
        let expected = try String(contentsOf: dir.appendingPathComponent("expected.txt"), encoding: .utf8)
        #expect(out.text == expected)
    }

    @Test("W^X verdict matches the kernel's boot-time check", arguments: cases)
    func wx(_ name: String) throws {
        let dir = samplesDirectory.appendingPathComponent(name)
        let image = try ImageLoader.load(path: dir.appendingPathComponent("image.ptd").path)
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        let (results, report) = PageTableDump.checkWX(platform: platform, memory: image.memory)
        #expect(report.problems.isEmpty)
        let expected = try String(contentsOf: dir.appendingPathComponent("wx.txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(results.count == 1)
        #expect(results.first?.checker.verdict == expected)
    }
}

@Suite("arm64 compact image round trip")
struct ARM64RoundTripTests {
    @Test("--save of an arm64 image prints the same text when read back", arguments: ARM64GoldenTests.cases)
    func roundTrip(_ name: String) throws {
        let dir = samplesDirectory.appendingPathComponent(name)
        let image = try ImageLoader.load(path: dir.appendingPathComponent("image.ptd").path)
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ptdump-\(name)-\(UInt32.random(in: 0...UInt32.max)).ptd").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try ImageSaver.save(to: path, image: image, platform: platform)
        let again = try ImageLoader.load(path: path)
        let p2 = try PlatformResolver.resolve(image: again, options: Options())
        #expect(p2.layout.markers == platform.layout.markers)
        #expect(p2.pageSize.value == platform.pageSize.value)
        let a = TextOutput(), b = TextOutput()
        _ = PageTableDump.printText(platform: platform, memory: image.memory, out: a)
        _ = PageTableDump.printText(platform: p2, memory: again.memory, out: b)
        #expect(a.text == b.text)
    }
}
