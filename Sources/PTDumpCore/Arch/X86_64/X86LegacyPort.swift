/// How x86 legacy 32-bit tables (`--levels 2` on x86_64, or an ELF whose page directory is the
/// symbol `legacy_pd`) are resolved: the root from the flags, the symbol or the compact image's
/// note; the PAT from `--pat`, the note, or the power-on value.
extension X86_64Port {
    /// The conventional name of a firmware image's page directory.
    static let legacyRootSymbol = "legacy_pd"

    static func resolveLegacy(image: Image, options o: Options, profile: Fact<KernelProfile>) throws(ImageError) -> Platform? {
        let convention = image.vmcoreinfo == nil && o.root == nil && o.rootSymbol == nil && (o.levels ?? 2) == 2
            && image.symbols.contains { $0.name == legacyRootSymbol }
        let noted = image.noteValue("translation") == "legacy" || (o.levels == nil && image.noteValue("levels") == "2")
        guard o.levels == 2 || convention || noted else { return nil }
        if let ps = o.pageSize, ps != 4096 { throw .contradiction("--page-size \(ps): 32-bit paging has 4K pages (and 4M pages in the directory)") }
        var root = try PlatformResolver.userRoot(image: image, options: o)
        if root == nil && convention {
            root = Fact(try image.physicalAddress(ofSymbol: legacyRootSymbol),
                        FactSource("symbol \(legacyRootSymbol) (a conventional root name)"))
        }
        if root == nil, let v = try image.noteAddress("root") { root = Fact(v, .imageNote("root")) }
        guard let root else {
            throw .missingFact("no 32-bit page directory found: pass --root PA (CR3's bits 31:12) or --root-symbol NAME (or name the table \(legacyRootSymbol))")
        }
        guard root.value.rawValue & 0xfff == 0 else {
            throw .contradiction("32-bit page directory \(hex(root.value)) (\(root.source)) is not page-aligned (CR3 holds bits 31:12)")
        }
        guard root.value.rawValue >> 32 == 0 else {
            throw .contradiction("32-bit page directory \(hex(root.value)) (\(root.source)) lies above 4 GiB, where a 32-bit CR3 cannot point")
        }
        guard image.memory.contains(root.value, length: 4096) else {
            throw .contradiction("32-bit page directory \(hex(root.value)) (\(root.source)) lies outside every loaded segment of the image")
        }
        let pat = try pageAttributeTable(image: image, options: o)
        let arch = X86Legacy(pat: pat.value)
        let window = WalkRange(first: 0, last: VirtualAddress(UInt64(0xffff_ffff)))
        var layout = KernelLayout(ranges: [window], markers: [], advance: .oneStepOnFlush, checkMarkers: [],
                                  checkRanges: [window], facts: [])
        layout.finalAddress = 1 << 32
        var p = Platform(arch: image.archFact(kind), paging: .x86Legacy(arch), root: root,
                         levels: Fact(2, o.levels == 2 ? .flag("--levels") : FactSource("32-bit paging")),
                         pageSize: Fact(4096, .defaultValue("x86")), vaBits: Fact(32, FactSource("derived: 32-bit paging")),
                         layout: layout, profile: profile)
        p.linuxKernel = false
        p.translationName = "x86 32-bit legacy paging, no NX (PAT \(hex(pat.value.rawValue)) [\(pat.source)])"
        p.half = window
        p.translationNote = [("translation", "legacy"), ("pat", hex(pat.value.rawValue))]
        return p
    }

    /// The `IA32_PAT` of 32-bit tables (PAE or legacy): `--pat`, the compact image's note, or
    /// the power-on value.
    static func pageAttributeTable(image: Image, options o: Options) throws(ImageError) -> Fact<X86PAT> {
        if let v = o.translation.pageAttributeTable {
            return Fact(try X86PAT(validating: v), .flag("--pat"))
        } else if let text = image.noteValue("pat"), let v = VMCoreInfo.parseHex(text) {
            return Fact(try X86PAT(validating: v, what: "PTDUMP note pat"), .imageNote("pat"))
        }
        return Fact(.powerOn, .defaultValue("the power-on IA32_PAT"))
    }
}
