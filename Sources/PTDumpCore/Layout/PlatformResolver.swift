/// Picks the architecture and hands the image to its resolver.
public enum PlatformResolver {
    /// The platform of `image` under `options`.
    public static func resolve(image: Image, options: Options) throws(ImageError) -> Platform {
        let noteArch = image.noteValue("arch").flatMap(ArchKind.init(rawValue:))
        guard let arch = image.arch ?? noteArch ?? options.arch else {
            throw .missingFact("the image does not say its architecture; pass --arch x86_64|arm64")
        }
        if let forced = options.arch, forced != arch {
            throw .contradiction("--arch \(forced.rawValue) contradicts the image, which is \(arch.rawValue)")
        }
        var platform: Platform
        switch arch {
        case .x86_64: platform = try X86Platform.resolve(image: image, options: options)
        case .arm64: platform = try ARM64Platform.resolve(image: image, options: options)
        }
        var o = options
        if o.rootLevel == nil, let saved = image.noteValue("root_level") {
            o.rootLevel = saved
            o.vaBase = o.vaBase ?? image.noteValue("va_base").flatMap(VMCoreInfo.parseHex)
        }
        try applyRootLevel(&platform, options: o)
        return platform
    }

    /// The root the user named: `--root PA`, or `--root-symbol NAME` of an ELF executable.
    public static func userRoot(image: Image, options o: Options) throws(ImageError) -> Fact<UInt64>? {
        if let r = o.root { return Fact(r, .flag("--root")) }
        if let name = o.rootSymbol {
            if image.symbols.isEmpty { throw .missingFact("--root-symbol \(name): the image has no symbol table") }
            return Fact(try image.physicalAddress(ofSymbol: name), .init("symbol \(name) (--root-symbol)"))
        }
        return nil
    }

    /// Kernel level numbers by the names `--root-level` takes.
    public static let levelNumbers = ["pgd": 0, "p4d": 1, "pud": 2, "pmd": 3, "pte": 4]

    /// The `--root-level` name of the platform's root table.
    public static func levelName(_ p: Platform) -> String {
        let k = p.paging.accept(LevelsOf())[p.rootLevel].kernelLevel
        return levelNumbers.first { $0.value == k }?.key ?? "pgd"
    }

    /// `--root-level` and `--va-base`: walk from a table below the top, clipped to its span.
    static func applyRootLevel(_ p: inout Platform, options o: Options) throws(ImageError) {
        guard let name = o.rootLevel else {
            if o.vaBase != nil { throw .contradiction("--va-base needs --root-level") }
            return
        }
        guard let k = levelNumbers[name.lowercased()] else {
            throw .contradiction("--root-level \(name): expected pgd, p4d, pud, pmd or pte")
        }
        let levels = p.paging.accept(LevelsOf())
        guard let li = k == 0 ? 0 : levels.firstIndex(where: { $0.kernelLevel == k }) else {
            throw .contradiction("--root-level \(name): this paging mode has no separate \(name) level")
        }
        let span = levels[li].tableSpan
        let base = o.vaBase ?? 0
        if li > 0 && o.vaBase == nil { throw .missingFact("--root-level \(name) needs --va-base VA (what the table's first entry maps)") }
        if span != 0 && base & (span - 1) != 0 {
            throw .contradiction("--va-base \(hex(base)) is not aligned to the \(name) table's span \(hex(span))")
        }
        p.rootLevel = li
        guard li > 0 else { return }
        p.vaBase = base
        let window = WalkRange(first: base, last: span == 0 ? UInt64.max : base &+ (span - 1))
        p.layout = p.layout.restricted(to: window)
        // A table that is not the top walks its whole span, canonical or not in the kernel's ranges.
        p.layout.ranges = [window]
        p.layout.checkRanges = [window]
    }
}

private struct LevelsOf: ArchitectureVisitor {
    func visit<A: Architecture>(_ arch: A) -> [TableLevel] { arch.levels }
}
