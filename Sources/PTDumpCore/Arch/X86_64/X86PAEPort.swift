/// How a 32-bit PAE table (`--levels 3` on x86_64, or an ELF whose table is the symbol
/// `pae_pdpt`) is resolved: the root from the flags, the symbol or the compact image's note;
/// the PAT from `--pat`, the note, or the power-on value.
extension X86_64Port {
    static func resolvePAE(image: Image, options o: Options, profile: Fact<KernelProfile>) throws(ImageError) -> Platform? {
        let convention = image.vmcoreinfo == nil && o.root == nil && o.rootSymbol == nil
            && image.symbols.contains { $0.name == "pae_pdpt" }
        guard o.levels == 3 || convention || image.noteValue("translation") == "pae" else {
            if o.translation.pageAttributeTable != nil {
                throw .contradiction("--pat applies to 32-bit tables (--levels 3 for PAE, --levels 2 for legacy paging); a Linux kernel's memory types are named by Linux's PAT")
            }
            return nil
        }
        var root = try PlatformResolver.userRoot(image: image, options: o)
        if root == nil && convention {
            root = Fact(try image.physicalAddress(ofSymbol: "pae_pdpt"), FactSource("symbol pae_pdpt (a conventional root name)"))
        }
        if root == nil, let v = try image.noteAddress("root") { root = Fact(v, .imageNote("root")) }
        guard let root else {
            throw .missingFact("no PAE root found: pass --root PA (CR3's bits 31:5) or --root-symbol NAME (or name the table pae_pdpt)")
        }
        guard root.value.rawValue & 31 == 0 else {
            throw .contradiction("PAE root \(hex(root.value)) (\(root.source)) is not 32-byte aligned (CR3 holds bits 31:5)")
        }
        guard image.memory.contains(root.value, length: 32) else {
            throw .contradiction("PAE root \(hex(root.value)) (\(root.source)) lies outside every loaded segment of the image")
        }
        let pat = try pageAttributeTable(image: image, options: o)
        let arch = X86PAE(pat: pat.value)
        let window = WalkRange(first: 0, last: VirtualAddress(UInt64(0xffff_ffff)))
        var layout = KernelLayout(ranges: [window], markers: [], advance: .oneStepOnFlush, checkMarkers: [],
                                  checkRanges: [window], facts: [])
        layout.finalAddress = 1 << 32
        var p = Platform(arch: image.archFact(kind), paging: .x86PAE(arch), root: root,
                         levels: Fact(3, o.levels == 3 ? .flag("--levels") : FactSource("32-bit PAE")),
                         pageSize: Fact(4096, .defaultValue("x86")), vaBits: Fact(32, FactSource("derived: 32-bit PAE")),
                         layout: layout, profile: profile)
        p.linuxKernel = false
        p.translationName = "x86 32-bit PAE (PAT \(hex(pat.value.rawValue)) [\(pat.source)])"
        p.half = window
        p.translationNote = [("translation", "pae"), ("pat", hex(pat.value.rawValue))]
        return p
    }
}
