import Foundation
import Testing
@testable import PTDumpCore

/// kdump-compressed files written by QEMU itself (`dump-guest-memory -z`, `-l`, `-s`;
/// flattened), of the same paused moment as the samples' text: no machine name in the header,
/// and on arm64 64 KiB blocks whatever the guest's page size. The lzo and snappy files come
/// from Debian's QEMU rebuilt with both (tools/capture/build-qemu.sh).
@Suite("QEMU-written kdump files")
struct QEMUKdumpTests {
    static let cases: [(sample: String, compression: String)] =
        [("arm64-4k-48-6.12", "zlib"), ("x86_64-4level-6.12", "zlib")]
        + ["arm64-4k-48-qemu-kdump", "x86_64-4level-qemu-kdump"].flatMap { s in ["zlib", "lzo", "snappy"].map { (s, $0) } }

    static func path(_ name: String, _ compression: String = "zlib") -> String {
        repoRoot + "/samples/\(name)/vmcore.qemu-\(compression).kdump"
    }

    @Test("text is byte-identical to the kernel's, with no flags", arguments: cases)
    func text(_ name: String, _ compression: String) throws {
        let image = try ImageLoader.load(path: Self.path(name, compression))
        #expect(image.format.contains("flattened"))
        #expect(image.format.contains(", \(compression), "))
        #expect(image.archSource.description.contains("VMCOREINFO"))
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        let out = TextOutput()
        let report = PageTableDump.printText(platform: platform, memory: image.memory, out: out)
        #expect(report.problems.isEmpty)
        #expect(out.text == readRepoFile("samples/\(name)/expected.txt"))
    }

    @Test("W^X verdict is the kernel's", arguments: cases)
    func wx(_ name: String, _ compression: String) throws {
        let image = try ImageLoader.load(path: Self.path(name, compression))
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        let (results, _) = PageTableDump.checkWX(platform: platform, memory: image.memory)
        let expected = readRepoFile("samples/\(name)/wx.txt").split(separator: "\n").last.map(String.init)
        #expect(results.last?.checker.verdict == expected)
    }

    @Test func arm64BlocksAreLargerThanTheKernelsPages() throws {
        let f = try KdumpFile(path: Self.path("arm64-4k-48-6.12"))
        #expect(f.pageSize == 65536)
        #expect(f.vmcoreinfo?.contains("PAGESIZE=4096") == true)
    }

    @Test func vmcoreinfoKeysNameOneArchitecture() throws {
        let arm = try VMCoreInfo(text: "OSRELEASE=6.12\nNUMBER(kimage_voffset)=0xffff7fffc0000000\n")
        #expect(ArchitectureRegistry.port(vmcoreinfo: arm)?.kind == .arm64)
        let x86 = try VMCoreInfo(text: "OSRELEASE=6.1\nSYMBOL(init_top_pgt)=ffffffff82c0a000\n")
        #expect(ArchitectureRegistry.port(vmcoreinfo: x86)?.kind == .x86_64)
        let none = try VMCoreInfo(text: "OSRELEASE=6.1\nPAGESIZE=4096\n")
        #expect(ArchitectureRegistry.port(vmcoreinfo: none) == nil)
        let both = try VMCoreInfo(text: "NUMBER(kimage_voffset)=0x1\nSYMBOL(init_top_pgt)=ffffffff82c0a000\n")
        #expect(ArchitectureRegistry.port(vmcoreinfo: both) == nil)
    }
}
