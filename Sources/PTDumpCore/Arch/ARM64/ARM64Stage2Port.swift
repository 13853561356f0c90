/// How an arm64 stage-2 table (`--stage2`, or an ELF whose root is named `vttbr_el2`) is
/// resolved: granule and IPA size from the flags or a `vtcr_el2` symbol, the root from the
/// flags, the symbol or the compact image's note.
extension ARM64Port {
    static func resolveStage2(image: Image, options o: Options, root userRoot: Fact<PhysicalAddress>?,
                              profile: Fact<KernelProfile>) throws(ImageError) -> Platform {
        var root = userRoot
        if root == nil, image.symbols.contains(where: { $0.name == "vttbr_el2" }) {
            root = Fact(try image.physicalAddress(ofSymbol: "vttbr_el2"), FactSource("symbol vttbr_el2 (a conventional root name)"))
        }
        if root == nil, let v = try image.noteAddress("root") { root = Fact(v, .imageNote("root")) }
        var vtcr: UInt64?
        if image.symbols.contains(where: { $0.name == "vtcr_el2" }) {
            vtcr = try image.memory.u64(try image.physicalAddress(ofSymbol: "vtcr_el2"))
        }
        let vtcrSource = FactSource.memory("symbol vtcr_el2: VTCR_EL2")
        let pageSize: Fact<Int>
        if let ps = o.pageSize {
            pageSize = Fact(ps, .flag("--page-size"))
        } else if let text = image.noteValue("page_size"), let v = Int(text) {
            pageSize = Fact(v, .imageNote("page_size"))
        } else if let v = vtcr {
            guard let ps = [0: 4096, 1: 65536, 2: 16384][Int((v >> 14) & 3)] else {
                throw .contradiction("symbol vtcr_el2 \(hex(v)): TG0 0b11 is a reserved granule")
            }
            pageSize = Fact(ps, vtcrSource)
        } else {
            pageSize = Fact(4096, .defaultValue("4K granule; pass --page-size 16K or 64K for another"))
        }
        let ipaBits: Fact<Int>
        var startLevel: Int?
        if let v = o.translation.inputAddressBits {
            ipaBits = Fact(v, .flag("--ipa-bits"))
        } else if let text = image.noteValue("ipa_bits"), let v = Int(text) {
            ipaBits = Fact(v, .imageNote("ipa_bits"))
        } else if let v = vtcr {
            ipaBits = Fact(64 - Int(v & 0x3f), vtcrSource)
            // SL0 counts up from level 2 (4K) or 3 (16K, 64K).
            let sl0 = Int((v >> 6) & 3)
            startLevel = (pageSize.value == 4096 ? 2 : 3) - sl0
        } else {
            throw .missingFact("arm64 stage-2 IPA size unknown: pass --ipa-bits N (64 - VTCR_EL2.T0SZ)")
        }
        if let l = image.noteValue("start_level").flatMap(Int.init) { startLevel = l }
        let fwb = image.noteValue("fwb") == "1"
        guard let arch = ARM64Stage2(pageSize: pageSize.value, ipaBits: ipaBits.value, startLevel: startLevel, forcedWriteBack: fwb) else {
            throw .contradiction("arm64 stage 2 with a \(pageSize.value / 1024)K granule and \(ipaBits.value)-bit IPA\(startLevel.map { " from level \($0)" } ?? "") is not a translation stage 2 has (IPA 25 to 48 bits, at most 16 concatenated tables)")
        }
        if let l = o.levels, l != arch.levels.count {
            throw .contradiction("--levels \(l) contradicts a \(ipaBits.value)-bit IPA with \(pageSize.value / 1024)K pages, which KVM walks in \(arch.levels.count) levels")
        }
        guard let root else {
            throw .missingFact("no stage-2 root found: pass --root PA (VTTBR_EL2's BADDR) or --root-symbol NAME (or name the table vttbr_el2)")
        }
        let topBytes = arch.levels[0].tableBytes
        guard root.value.rawValue % UInt64(topBytes) == 0 else {
            throw .contradiction("stage-2 root \(hex(root.value)) (\(root.source)) is not aligned to its \(topBytes)-byte (\(arch.concatenatedTables) concatenated) first-level table")
        }
        guard image.memory.contains(root.value, length: topBytes) else {
            throw .contradiction("stage-2 root \(hex(root.value)) (\(root.source)) lies outside every loaded segment of the image (its \(topBytes)-byte table)")
        }
        let window = WalkRange(first: 0, last: VirtualAddress((UInt64(1) << UInt64(ipaBits.value)) - 1))
        var layout = KernelLayout(ranges: [window], markers: [AddressMarker(0, "Guest IPA")], advance: .alsoAfterEveryNote,
                                  checkMarkers: [], checkRanges: [window], facts: [])
        layout.finalAddress = UInt64(1) << UInt64(ipaBits.value)
        var p = Platform(arch: image.archFact(kind), paging: .arm64Stage2(arch), root: root,
                         levels: Fact(arch.levels.count, FactSource("derived: KVM's levels for the IPA size (or VTCR_EL2.SL0)")),
                         pageSize: pageSize, vaBits: ipaBits, layout: layout, profile: profile)
        p.translationName = "arm64 stage 2 (VTTBR_EL2, \(ipaBits.value)-bit IPA, first level \(arch.hardwareLevel(0)) with \(arch.concatenatedTables) concatenated table\(arch.concatenatedTables == 1 ? "" : "s"))"
        p.half = window
        p.translationNote = [("translation", "stage2"), ("ipa_bits", String(ipaBits.value)),
                             ("start_level", String(arch.hardwareLevel(0)))] + (fwb ? [("fwb", "1")] : [])
        return p
    }
}
