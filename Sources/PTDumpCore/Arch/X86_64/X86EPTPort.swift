/// How an x86 EPT table (`--stage2 --arch x86_64`, or an ELF whose table is the symbol
/// `ept_pml4` or `ept_pml5`) is resolved: the root from the flags, the symbol or the compact
/// image's note; 4 or 5 levels from `--levels`, the symbol's name or the note.
extension X86_64Port {
    /// Conventional root names of an EPT table in an ELF without VMCOREINFO, with their levels.
    public static let eptRoots: [(name: String, levels: Int)] = [("ept_pml4", 4), ("ept_pml5", 5)]

    static func resolveEPT(image: Image, options o: Options, profile: Fact<KernelProfile>) throws(ImageError) -> Platform? {
        let t = o.translation
        let convention = image.vmcoreinfo == nil && o.root == nil && o.rootSymbol == nil
            ? eptRoots.first(where: { c in image.symbols.contains { $0.name == c.name } }) : nil
        let noted = image.noteValue("translation") == "ept"
        guard t.stage2 || convention != nil || noted else {
            if t.half != nil || t.regime != nil || t.memoryAttributes != nil || t.inputAddressBits != nil {
                throw .contradiction("--ttbr0, --ttbr1, --regime, --mair and --ipa-bits are arm64's; x86_64 has --stage2 (EPT) and --levels")
            }
            return nil
        }
        if t.half != nil || t.regime != nil || t.memoryAttributes != nil || t.inputAddressBits != nil {
            throw .contradiction("--ttbr0, --ttbr1, --regime, --mair and --ipa-bits are arm64's; an EPT table takes --levels 4|5")
        }
        var root = try PlatformResolver.userRoot(image: image, options: o)
        var levels: Fact<Int>?
        if let l = o.levels {
            guard l == 4 || l == 5 else { throw .contradiction("--levels \(l): EPT has 4 or 5 levels") }
            levels = Fact(l, .flag("--levels"))
        }
        if let c = convention {
            root = Fact(try image.physicalAddress(ofSymbol: c.name), FactSource("symbol \(c.name) (a conventional root name)"))
            if levels == nil { levels = Fact(c.levels, FactSource("symbol \(c.name)")) }
        }
        if root == nil, let v = try image.noteAddress("root") { root = Fact(v, .imageNote("root")) }
        if levels == nil, let text = image.noteValue("levels"), let v = Int(text), v == 4 || v == 5 {
            levels = Fact(v, .imageNote("levels"))
        }
        guard let root else {
            throw .missingFact("no EPT root found: pass --root PA (the EPTP's address bits) or --root-symbol NAME (or name the table ept_pml4)")
        }
        guard let levels else { throw .missingFact("EPT depth unknown: pass --levels 4|5 (the EPTP's page-walk length)") }
        guard root.value.rawValue & 0xfff == 0 else {
            throw .contradiction("EPT root \(hex(root.value)) (\(root.source)) is not 4K-aligned")
        }
        guard image.memory.contains(root.value, length: 4096) else {
            throw .contradiction("EPT root \(hex(root.value)) (\(root.source)) lies outside every loaded segment of the image")
        }
        let arch = X86EPT(fiveLevel: levels.value == 5)
        let bits = levels.value == 5 ? 57 : 48
        let window = WalkRange(first: 0, last: VirtualAddress((UInt64(1) << UInt64(bits)) - 1))
        var layout = KernelLayout(ranges: [window], markers: [], advance: .oneStepOnFlush, checkMarkers: [],
                                  checkRanges: [window], facts: [])
        layout.finalAddress = UInt64(1) << UInt64(bits)
        var p = Platform(arch: image.archFact(kind), paging: .x86EPT(arch), root: root, levels: levels,
                         pageSize: Fact(4096, .defaultValue("EPT")), vaBits: Fact(bits, FactSource("derived: from the EPT levels")),
                         layout: layout, profile: profile)
        p.linuxKernel = false
        p.translationName = "x86 EPT (\(levels.value)-level, guest-physical to host-physical)"
        p.half = window
        p.translationNote = [("translation", "ept")]
        return p
    }
}
