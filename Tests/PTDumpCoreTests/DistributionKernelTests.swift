import Testing
import PTDumpCore

/// Debian's own KASLR + PTI kernel (samples/x86_64-debian-kaslr-pti): the W^X check gives the
/// kernel's two boot-time passes, and the KASLR bases inferred from the tables alone equal the
/// ones read from memory through the kallsyms addresses.
@Suite struct DistributionKernelTests {
    let path = "\(repoRoot)/samples/x86_64-debian-kaslr-pti/image.ptd"

    @Test func wxMatchesBothBootTimePasses() throws {
        let image = try ImageLoader.load(path: path)
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.extraCheckRoots.count == 1)
        let expected = readRepoFile("samples/x86_64-debian-kaslr-pti/wx.txt").split(separator: "\n").map(String.init)
        #expect(wxLines(p, image.memory) == expected)
    }

    @Test func kaslrBasesInferredFromTheTablesAreTheTrueOnes() throws {
        var image = try ImageLoader.load(path: path)
        let truth = try PlatformResolver.resolve(image: image, options: Options())
        let names = ["page_offset_base", "vmalloc_base", "vmemmap_base"]
        #expect(image.vmcoreinfo?.kernelOffset != 0)
        // Forget what the image recorded (read from memory at save time) and infer again.
        image.ptdumpNote.removeAll { k, _ in names.contains { k == "layout." + $0 } }
        let inferred = try PlatformResolver.resolve(image: image, options: Options())
        for n in names {
            #expect(inferred.layout.fact(LayoutKey(n)) == truth.layout.fact(LayoutKey(n)), "\(n)")
            #expect(inferred.layout.facts.first { $0.key.name == n }?.fact.source.description.hasPrefix("inferred") == true)
        }
        #expect(truth.layout.fact("page_offset_base") != X86_64Port.defaultBases(fiveLevel: false).0)
    }

    @Test func x86KASANIsDetectedWithoutAConfig() throws {
        var image = try ImageLoader.load(path: "\(repoRoot)/samples/x86_64-4level-kasan/image.ptd")
        image.ptdumpNote.removeAll { $0.key.hasPrefix("layout.") }
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.layout.kasanShortcut)
        #expect(p.layout.markers.contains { $0.name == "KASAN shadow" && $0.start == 0xffff_ec00_0000_0000 })
        var plain = try ImageLoader.load(path: "\(repoRoot)/samples/x86_64-4level/image.ptd")
        plain.ptdumpNote.removeAll { $0.key.hasPrefix("layout.") }
        #expect(!(try PlatformResolver.resolve(image: plain, options: Options())).layout.kasanShortcut)
    }
}
