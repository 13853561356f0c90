import Testing
@testable import PTDumpCore

/// `--allow-wx`: exceptions by range, by an ELF symbol (widened to its pages) and by a
/// System.map address; covered findings are allowed and not counted, the rest still fail.
@Suite struct WXAllowanceTests {
    func check(_ path: String) throws -> (Image, WXChecker) {
        let image = try ImageLoader.load(path: repoRoot + "/" + path)
        let p = try PlatformResolver.resolve(image: image, options: Options())
        let (results, _) = PageTableDump.checkWX(platform: p, memory: image.memory)
        return (image, try #require(results.first?.checker))
    }

    @Test func aSymbolCoversTheW_XPageThatHoldsIt() throws {
        let (image, c) = try check("samples/firmware/ttbr0-el1.elf")
        let a = try WXAllowance.resolve(["trampoline"], image: image, systemMap: nil)
        #expect(a.rules == [WXAllowance.Rule(label: "trampoline", first: 0x4000_6000, last: 0x4000_600f, isSymbol: true)])
        #expect(c.allowedPages(a) == 1 && c.passed(allowing: a))
        #expect(c.verdict(allowing: a) == "arm64 EL1&0: Checked W+X mappings: passed, no W+X pages found")
        #expect(c.findingLines(allowing: a, symbolize: { _ in nil }) == [
            "arm64 EL1&0: Allowed W+X mapping at address 0x40006000-0x40007000 (1 pages) (--allow-wx trampoline)"])
    }

    @Test func aRangeMustContainTheWholeFinding() throws {
        let (image, c) = try check("samples/firmware/ept.elf")
        let one = try WXAllowance.resolve(["0x12000-0x12fff"], image: image, systemMap: nil)
        #expect(c.allowedPages(one) == 1 && !c.passed(allowing: one))
        #expect(c.verdict(allowing: one) == "x86 EPT: Checked W+X mappings: FAILED, 1 W+X page(s) found")
        let part = try WXAllowance.resolve(["0x12000-0x12ffe"], image: image, systemMap: nil)
        #expect(c.allowedPages(part) == 0)
        let both = try WXAllowance.resolve(["0x12000-0x12fff", "0x13000-0x13fff"], image: image, systemMap: nil)
        #expect(c.passed(allowing: both))
        let json = c.jsonLines(allowing: both, symbolize: { _ in nil })
        #expect(json.last == #"{"verdict":{"passed":true,"wx_pages":0,"allowed_pages":2,"non_uxn_pages":0,"text":"x86 EPT: Checked W+X mappings: passed, no W+X pages found"}}"#)
        #expect(json.first == #"{"wx":{"start":"0x0000000000012000","end":"0x0000000000013000","pages":1,"allowed":true,"allowed_by":"0x12000-0x12fff"}}"#)
    }

    @Test func aSystemMapAddressAllowsTheFindingHoldingIt() throws {
        let (image, c) = try check("samples/x86_64-rodata-off/image.ptd")
        let map = try SystemMap(text: "ffffffff81940000 T some_wx_thing\nffffffff81000000 T _stext\n")
        let a = try WXAllowance.resolve(["some_wx_thing"], image: image, systemMap: map)
        #expect(c.allowedPages(a) == 1)
        #expect(c.verdict(allowing: a) == "x86/mm: Checked W+X mappings: FAILED, 2944 W+X pages found.")
        // No exception: the kernel's own lines, unchanged.
        #expect(c.verdict(allowing: WXAllowance()) == c.verdict)
    }

    @Test func unknownNamesAndBackwardRangesAreErrors() throws {
        let image = try ImageLoader.load(path: repoRoot + "/samples/x86_64-4level/image.ptd")
        #expect(throws: ImageError.contradiction("--allow-wx nosuch: neither a range START-END nor a known symbol (the image has no symbols; pass --system-map or a range START-END)")) {
            _ = try WXAllowance.resolve(["nosuch"], image: image, systemMap: nil)
        }
        #expect(throws: ImageError.contradiction("--allow-wx 0x2000-0x1000: the end is before the start")) {
            _ = try WXAllowance.resolve(["0x2000-0x1000"], image: image, systemMap: nil)
        }
    }
}
