/// How an arm64 image that is not a Linux kernel's tables is resolved: firmware, boot loaders
/// and hypervisors, chosen by `--ttbr0`, `--regime`, `--mair` or `--stage2`, or by an ELF
/// executable whose table carries one of the conventional root names.
extension ARM64Port {
    /// Symbols taken as the root of an ELF executable without VMCOREINFO when neither `--root`
    /// nor `--root-symbol` is given, first match wins, with the regime and half each implies.
    public static let conventionalRoots: [(name: String, regime: ARM64Regime?, half: AddressHalf?)] = [
        ("ptdump_root", nil, nil),
        ("ttbr0_el1", .el1, .low), ("ttbr1_el1", .el1, .high),
        ("ttbr0_el2", .el2, .low), ("ttbr0_el3", .el3, .low),
        ("tf_base_xlat_table", nil, .low),                      // Trusted Firmware-A's default context
    ]

    /// The platform of a hardware (non-Linux) translation, or nil when nothing selects one.
    static func resolveHardware(image: Image, options o: Options, profile: Fact<KernelProfile>) throws(ImageError) -> Platform? {
        let t = o.translation
        var root = try PlatformResolver.userRoot(image: image, options: o)
        var implied: (regime: ARM64Regime?, half: AddressHalf?) = (nil, nil)
        // An executable without VMCOREINFO that names its table (or its TCR or MAIR value) by
        // convention is firmware: its root, regime and half come from those names.
        let convention = image.vmcoreinfo == nil && image.noteValue("root") == nil
            ? conventionalRoots.first(where: { c in image.symbols.contains { $0.name == c.name } }) : nil
        let byConvention = convention != nil || (image.vmcoreinfo == nil && image.symbols.contains {
            ["tcr_el1", "tcr_el2", "tcr_el3", "mair_el1", "mair_el2", "mair_el3"].contains($0.name)
        })
        if let c = convention {
            if root == nil {
                root = Fact(try image.physicalAddress(ofSymbol: c.name), FactSource("symbol \(c.name) (a conventional root name)"))
            }
            implied = (c.regime, c.half)
        }
        let noted = image.noteValue("translation")
        let stage2Symbol = image.vmcoreinfo == nil && image.symbols.contains { $0.name == "vttbr_el2" || $0.name == "vtcr_el2" }
        if t.stage2 || t.inputAddressBits != nil || noted == "stage2" || (stage2Symbol && convention == nil && t.regime == nil) {
            if let r = t.regime { throw .contradiction("--regime \(r) is a stage-1 regime; --stage2 tables are translated by VTTBR_EL2") }
            if t.half != nil { throw .contradiction("--ttbr0/--ttbr1 name a stage-1 half; --stage2 tables translate one IPA range from 0") }
            if t.memoryAttributes != nil { throw .contradiction("--mair names stage-1 memory types; stage 2 holds its own MemAttr") }
            return try resolveStage2(image: image, options: o, root: root, profile: profile)
        }
        guard t.selectsHardwareTranslation || byConvention || noted != nil else { return nil }

        var regime = implied.regime ?? .el1
        var regimeSource = implied.regime != nil ? root?.source ?? .defaultValue("EL1&0") : .defaultValue("EL1&0")
        if let name = t.regime ?? image.noteValue("regime") {
            guard let r = ARM64Regime(argument: name) else {
                throw .contradiction("--regime \(name): expected el1, el2, el2-vhe or el3")
            }
            regime = r
            regimeSource = t.regime != nil ? .flag("--regime") : .imageNote("regime")
        }
        var half = implied.half ?? .low
        if let h = t.half ?? image.noteValue("half").flatMap(AddressHalf.init(rawValue:)) { half = h }
        if t.user {
            // A process's user half: TTBR0_EL1 of EL1&0, whose root only the user can name.
            guard t.half != .high, t.regime == nil || regime == .el1 || regime == .el2VHE else {
                throw .contradiction("--user is the EL1&0 low half (TTBR0); it does not combine with --ttbr1 or --regime \(t.regime ?? "")")
            }
            guard let r = root, !r.source.description.contains("conventional") else {
                throw .missingFact("--user needs a process's page-table root: pass --root PA (its TTBR0_EL1 without the ASID)")
            }
            half = .low
        }
        if half == .high && !regime.hasTwoRanges {
            throw .contradiction("--ttbr1: \(regime.displayName) has one VA range, translated by TTBR0_\(regime == .el3 ? "EL3" : "EL2") from 0 (use --regime el2-vhe for EL2 with VHE)")
        }

        let tcr = try resolveTCR(image: image, regime: regime, half: half)
        let pageSize: Fact<Int>
        if let ps = o.pageSize {
            pageSize = Fact(ps, .flag("--page-size"))
        } else if let text = image.noteValue("page_size"), let v = Int(text) {
            pageSize = Fact(v, .imageNote("page_size"))
        } else if let tcr {
            pageSize = Fact(tcr.pageSize, tcr.source)
        } else if let v = image.vmcoreinfo?.pageSize {
            pageSize = Fact(v, .vmcoreinfo("PAGESIZE"))
        } else {
            pageSize = Fact(4096, .defaultValue("4K granule; pass --page-size 16K or 64K for another"))
        }
        let ps = pageSize.value.trailingZeroBitCount
        let vaBits: Fact<Int>
        if let v = o.vaBits {
            vaBits = Fact(v, .flag("--va-bits"))
        } else if let l = o.levels {
            vaBits = Fact(min(48, ps + (ps - 3) * l), .flag("--levels (the VA size a full top table of \(l) levels translates)"))
        } else if let text = image.noteValue("va_bits"), let v = Int(text) {
            vaBits = Fact(v, .imageNote("va_bits"))
        } else if let tcr {
            vaBits = Fact(tcr.vaBits, tcr.source)
        } else if let v = image.vmcoreinfo?.number("VA_BITS").flatMap({ Int(exactly: $0) }), (25...48).contains(v) {
            vaBits = Fact(v, .vmcoreinfo("NUMBER(VA_BITS): Linux's TTBR0 half is as wide as TTBR1's"))
        } else {
            throw .missingFact("arm64 \(regime.displayName) VA size unknown: pass --va-bits N (64 - T\(half == .low ? 0 : 1)SZ) or --levels N")
        }
        let mair = try resolveMAIR(image: image, options: o, regime: regime)
        // TCR_ELx.HPD: the table descriptors' APTable/PXNTable/XNTable bits are ignored.
        let hpd = image.noteValue("hpd") == "1" || tcr?.hpd == true
        guard let arch = ARM64Stage1(pageSize: pageSize.value, vaBits: vaBits.value, regime: regime, mair: mair?.value,
                                     hierarchical: !hpd) else {
            throw .contradiction("arm64 \(pageSize.value / 1024)K granule with \(vaBits.value)-bit VA is not a stage-1 translation ptdump walks (4K, 16K or 64K; 25 to 48 bits)")
        }
        if let l = o.levels, l != arch.levels.count {
            throw .contradiction("--levels \(l) contradicts \(pageSize.value / 1024)K pages with \(vaBits.value)-bit VA, which use \(arch.levels.count) levels")
        }
        if root == nil, let v = try image.noteAddress("root") { root = Fact(v, .imageNote("root")) }
        guard let root else {
            let names = conventionalRoots.map(\.name).joined(separator: ", ")
            throw .missingFact("no page-table root found: pass --root PA or --root-symbol NAME (or name the table one of \(names))")
        }
        let topBytes = arch.levels[0].tableBytes
        guard root.value.rawValue % UInt64(min(topBytes, pageSize.value)) == 0 else {
            throw .contradiction("root \(hex(root.value)) (\(root.source)) is not aligned to its \(topBytes)-byte table")
        }
        guard image.memory.contains(root.value, length: topBytes) else {
            throw .contradiction("root \(hex(root.value)) (\(root.source)) lies outside every loaded segment of the image")
        }

        let span = UInt64(1) << UInt64(vaBits.value)
        let window = half == .low ? WalkRange(first: 0, last: VirtualAddress(span - 1))
                                  : WalkRange(first: VirtualAddress(0 &- span), last: VirtualAddress(UInt64.max))
        var layout = KernelLayout(ranges: [window], markers: [], advance: .oneStepOnFlush, checkMarkers: [],
                                  checkRanges: [window], facts: [])
        layout.finalAddress = window.last.rawValue &+ 1
        var p = Platform(arch: image.archFact(kind), paging: .arm64Stage1(arch), root: root,
                         levels: Fact(arch.levels.count, FactSource("derived: levels from the granule and VA size")),
                         pageSize: pageSize, vaBits: vaBits, layout: layout, profile: profile)
        p.linuxKernel = false
        let register = regime.hasTwoRanges ? (half == .low ? "TTBR0" : "TTBR1") : "TTBR0"
        p.translationName = "arm64 \(regime.displayName) stage 1 (\(register), \(mair.map { "MAIR \(hex($0.value.rawValue)) [\($0.source)]" } ?? "no MAIR: AttrIndx shown"); regime: \(regimeSource)\(hpd ? "; hierarchical permissions off: TCR HPD" : ""))"
        p.half = window
        if half == .high { p.vaBase = window.first }
        p.translationNote = [("translation", "stage1"), ("regime", regime.rawValue), ("half", half.rawValue)]
            + (mair.map { [("mair", hex($0.value.rawValue))] } ?? []) + (hpd ? [("hpd", "1")] : [])
        return p
    }

    /// The granule and VA size a `tcr_elN` symbol's 8 bytes (the value the image loads into
    /// `TCR_ELx`) give for `half`: TnSZ and TGn of that half.
    /// Also whether `TCR_ELx.HPD` (HPD0/HPD1 with two VA ranges, HPD with one) turns the
    /// hierarchical permission bits of that half's table descriptors off.
    static func resolveTCR(image: Image, regime: ARM64Regime, half: AddressHalf) throws(ImageError) -> (pageSize: Int, vaBits: Int, hpd: Bool, source: FactSource)? {
        let name = "tcr_el\(regime == .el3 ? 3 : regime == .el1 ? 1 : 2)"
        guard image.symbols.contains(where: { $0.name == name }) else { return nil }
        let v = try image.memory.u64(try image.physicalAddress(ofSymbol: name))
        let size: Int?
        let tsz: UInt64
        if half == .high {
            tsz = (v >> 16) & 0x3f
            size = [1: 16384, 2: 4096, 3: 65536][Int((v >> 30) & 3)]
        } else {
            tsz = v & 0x3f
            size = [0: 4096, 1: 65536, 2: 16384][Int((v >> 14) & 3)]
        }
        guard let size, tsz >= 16, tsz <= 39 else {
            throw .contradiction("symbol \(name) \(hex(v)): T\(half == .low ? 0 : 1)SZ \(tsz) or its granule is not one ptdump walks (TnSZ 16 to 39; 4K, 16K or 64K)")
        }
        let hpdBit: UInt64 = regime.hasTwoRanges ? (half == .low ? 41 : 42) : 24
        return (size, 64 - Int(tsz), (v >> hpdBit) & 1 != 0,
                .memory("symbol \(name): TCR T\(half == .low ? 0 : 1)SZ and TG\(half == .low ? 0 : 1)"))
    }

    /// `--mair`, a `mair_elN`/`ptdump_mair` symbol's 8 bytes, a compact image's note, or
    /// Linux's `MAIR_EL1` when the image is a Linux dump; nil when nothing says it.
    static func resolveMAIR(image: Image, options o: Options, regime: ARM64Regime) throws(ImageError) -> Fact<ARM64MAIR>? {
        if let v = o.translation.memoryAttributes { return Fact(try ARM64MAIR(validating: v), .flag("--mair")) }
        if let text = image.noteValue("mair") {
            guard let v = VMCoreInfo.parseHex(text) else { throw .malformedImageNote("mair=\(text.prefix(40)) is not a hex value") }
            return Fact(try ARM64MAIR(validating: v, what: "PTDUMP note mair"), .imageNote("mair"))
        }
        let level = regime == .el3 ? 3 : regime == .el1 ? 1 : 2
        for name in ["mair_el\(level)", "ptdump_mair"] where image.symbols.contains(where: { $0.name == name }) {
            let pa = try image.physicalAddress(ofSymbol: name)
            let v = try image.memory.u64(pa)
            return Fact(try ARM64MAIR(validating: v, what: "symbol \(name)"), .memory("symbol \(name)"))
        }
        if image.vmcoreinfo != nil { return Fact(.linuxDefault, .defaultValue("Linux's MAIR_EL1")) }
        return nil
    }
}
