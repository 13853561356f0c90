/// Picks the architecture and hands the image to its resolver.
public enum PlatformResolver {
    /// The platform of `image` under `options`.
    public static func resolve(image: Image, options: Options) throws(ImageError) -> Platform {
        var noteArch: ArchKind?
        if let name = image.noteValue("arch") {
            guard let a = ArchKind(rawValue: name) else { throw .malformedImageNote("arch=\(name.prefix(20)) is no architecture ptdump knows") }
            noteArch = a
        }
        guard let arch = image.arch ?? noteArch ?? options.arch else {
            throw .missingFact("the image does not say its architecture; pass --arch \(ArchitectureRegistry.names.joined(separator: "|"))")
        }
        if let forced = options.arch, forced != arch {
            throw .contradiction("--arch \(forced.rawValue) contradicts the image, which is \(arch.rawValue)")
        }
        let port = arch.port
        let profile = try selectProfile(port: port, image: image, options: options)
        var options = options
        options.kernelConfig = options.kernelConfig?.aliasing(profile.value.configAliases)
        if image.noteValue("user") == "1" { options.translation.user = true }
        var platform = try port.resolve(image: image, options: options, profile: profile)
        let saved = try savedMarkers(image)
        if !saved.isEmpty && options.kernelConfig == nil {
            platform.layout.adopt(markers: saved, source: .imageNote("marker"))
        }
        var o = options
        if o.rootLevel == nil, let saved = image.noteValue("root_level") {
            o.rootLevel = saved
            if o.vaBase == nil, let v = image.noteValue("va_base") {
                guard let base = VMCoreInfo.parseHex(v) else { throw .malformedImageNote("va_base=\(v.prefix(40)) is not a hex address") }
                o.vaBase = VirtualAddress(base)
            }
        }
        try applyRootLevel(&platform, options: o)
        return platform
    }

    /// The kernel profile: `--kernel-version`, the compact image's note, VMCOREINFO `OSRELEASE`,
    /// else the oldest known; a release without a profile of its own takes the nearest older
    /// one and says so (`Platform.profile`'s source, shown by `--info`, and `profileNote`).
    static func selectProfile(port: any ArchitecturePort.Type, image: Image, options o: Options) throws(ImageError) -> Fact<KernelProfile> {
        var release: KernelRelease?
        var source = FactSource.defaultValue("no OSRELEASE in the image")
        if let v = o.kernelRelease {
            release = v
            source = .flag("--kernel-version")
        } else if let text = image.noteValue("kernel") {
            guard let r = KernelRelease(text) else { throw .malformedImageNote("kernel=\(text.prefix(20)) is not a release") }
            release = r
            source = .imageNote("kernel")
        } else if let text = image.vmcoreinfo?.value("OSRELEASE") {
            release = KernelRelease(text)
            source = .vmcoreinfo("OSRELEASE=\(text.prefix(40))")
        }
        let (profile, note) = KernelProfile.select(from: port.profiles, release: release)
        if let note { source = FactSource("\(source); \(note)") }
        return Fact(profile, source)
    }

    /// The markers a compact image saved (`marker=START,MAXLINES,NAME` lines), in order.
    static func savedMarkers(_ image: Image) throws(ImageError) -> [AddressMarker] {
        var out: [AddressMarker] = []
        for (k, v) in image.ptdumpNote where k == "marker" {
            let parts = v.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let start = VMCoreInfo.parseHex(String(parts[0])), let lines = Int(parts[1]), lines >= 0 else {
                throw .malformedImageNote("marker=\(v.prefix(60)) is not START,MAXLINES,NAME")
            }
            out.append(AddressMarker(start, String(parts[2]), maxLines: lines))
        }
        return out
    }

    /// The root the user named: `--root PA`, or `--root-symbol NAME` of an ELF executable.
    public static func userRoot(image: Image, options o: Options) throws(ImageError) -> Fact<PhysicalAddress>? {
        if let r = o.root { return Fact(r, .flag("--root")) }
        if let name = o.rootSymbol {
            if image.symbols.isEmpty {
                if let why = image.symbolTableProblem { throw .malformedELF("--root-symbol \(name): \(why)") }
                throw .missingFact("--root-symbol \(name): the image has no symbol table")
            }
            return Fact(try image.physicalAddress(ofSymbol: name), .init("symbol \(name) (--root-symbol)"))
        }
        return nil
    }

    /// Kernel level numbers by the names `--root-level` takes.
    public static let levelNumbers = ["pgd": 0, "p4d": 1, "pud": 2, "pmd": 3, "pte": 4]

    /// Level numbers by the hardware's names (`L0`…`L3`), which `--root-level` also takes for
    /// tables that are not a Linux kernel's (reported as numbers 1…4).
    public static let hardwareLevelNumbers = ["l0": 1, "l1": 2, "l2": 3, "l3": 4]

    /// The `--root-level` name of the platform's root table.
    public static func levelName(_ p: Platform) -> String {
        let k = p.architecture.levels[p.rootLevel].kernelLevel
        return levelNumbers.first { $0.value == k }?.key ?? "pgd"
    }

    /// `--root-level` and `--va-base`: walk from a table below the top, clipped to its span.
    static func applyRootLevel(_ p: inout Platform, options o: Options) throws(ImageError) {
        guard let name = o.rootLevel else {
            guard let v = o.vaBase else { return }
            guard let half = p.half else { throw .contradiction("--va-base needs --root-level") }
            // The top table of a half maps from the half's start: that is the only base it has.
            guard v == half.first else {
                throw .contradiction("--va-base \(hex(v)) does not fit the chosen half: its top-level table maps \(hex16(half.first))-\(hex16(half.last)), from \(hex(half.first)) (pass --root-level for a lower table)")
            }
            return
        }
        guard let k = levelNumbers[name.lowercased()] ?? (p.linuxKernel ? nil : hardwareLevelNumbers[name.lowercased()]) else {
            throw .contradiction("--root-level \(name): expected pgd, p4d, pud, pmd or pte\(p.linuxKernel ? "" : " (or L0, L1, L2, L3)")")
        }
        let levels = p.architecture.levels
        guard let li = k == 0 ? 0 : levels.firstIndex(where: { $0.kernelLevel == k }) else {
            throw .contradiction("--root-level \(name): this paging mode has no separate \(name) level")
        }
        let span = levels[li].tableSpan
        let base = o.vaBase?.rawValue ?? 0
        if li > 0 && o.vaBase == nil { throw .missingFact("--root-level \(name) needs --va-base VA (what the table's first entry maps)") }
        if span != 0 && base & (span - 1) != 0 {
            throw .contradiction("--va-base \(hex(base)) is not aligned to the \(name) table's span \(hex(span))")
        }
        if li == 0, p.half == nil, let v = o.vaBase, v != 0 {
            throw .contradiction("--va-base \(hex(v)) does not fit the top-level table, which maps the whole address space from 0; --va-base applies to a lower --root-level")
        }
        if let half = p.half, let v = o.vaBase {
            let last = span == 0 ? UInt64.max : base &+ (span - 1)
            if li == 0 ? v != half.first : base < half.first.rawValue || last > half.last.rawValue {
                throw .contradiction("--va-base \(hex(base)) does not fit the chosen half \(hex16(half.first))-\(hex16(half.last))")
            }
        }
        p.rootLevel = li
        guard li > 0 else { return }
        p.vaBase = VirtualAddress(base)
        let window = WalkRange(first: VirtualAddress(base), last: VirtualAddress(span == 0 ? UInt64.max : base &+ (span - 1)))
        p.layout = p.layout.restricted(to: window)
        // A table that is not the top walks its whole span, canonical or not in the kernel's ranges.
        p.layout.ranges = [window]
        p.layout.checkRanges = [window]
        if !p.linuxKernel { p.layout.finalAddress = window.last.rawValue &+ 1 }
    }
}
