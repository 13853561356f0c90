/// The machine's physical-address width (x86's MAXPHYADDR), which the reserved-bits check of
/// `--check-tables` needs and no dump format records. In order: `--phys-bits N`, a compact
/// image's `phys_bits` key, then the kernel's own record of it (the profile's
/// `physicalAddressBits` field, read through the dump's kallsyms). Each value is checked
/// against the architecture's range and against the highest physical address the image holds.
public enum PhysicalAddressWidth {
    /// What is known about the width.
    public enum Outcome: Sendable {
        /// The width, with where it came from.
        case known(Fact<Int>)
        /// Unknown, and why (one line).
        case unknown(String)
        /// The architecture's entries have no bits that depend on it.
        case notApplicable

        /// The width, when known.
        public var width: Int? { if case .known(let f) = self { return f.value }; return nil }
    }

    /// The architecture's rule, when its entries have bits reserved above the width.
    public static func rule(_ platform: Platform) -> AddressWidthRule? {
        (platform.architecture as? any ArchitectureTableRules)?.hygiene.addressWidth
    }

    /// Resolves the width. `symbols` is asked only when neither the flag nor the image says it.
    /// A flag or image key that is out of range, or below memory the image holds, is an error.
    public static func resolve(image: Image, platform: Platform, options: Options,
                               symbols: () -> KernelSymbols?) throws(ImageError) -> Outcome {
        guard let rule = rule(platform) else {
            if let n = options.physicalAddressBits {
                throw .contradiction("--phys-bits \(n): \(platform.translationName ?? platform.arch.value.rawValue) entries have no reserved bits that depend on the physical-address width")
            }
            return .notApplicable
        }
        let highest = highestAddress(image)
        if let n = options.physicalAddressBits {
            if let why = problem(n, rule: rule, highest: highest) { throw .contradiction("--phys-bits \(n): \(why)") }
            return .known(Fact(n, .flag("--phys-bits")))
        }
        if let text = image.noteValue("phys_bits") {
            guard let n = Int(text) else { throw .malformedImageNote("phys_bits=\(text.prefix(20)) is not a decimal number") }
            if let why = problem(n, rule: rule, highest: highest) { throw .malformedImageNote("phys_bits=\(n): \(why)") }
            return .known(Fact(n, .imageNote("phys_bits")))
        }
        guard platform.linuxKernel else {
            return .unknown("these are not a Linux kernel's tables, and nothing else records \(rule.name); pass --phys-bits N")
        }
        guard let field = platform.profile.value.physicalAddressBits else {
            return .unknown("\(platform.profile.value.name) has no known record of \(rule.name); pass --phys-bits N")
        }
        guard let syms = symbols() else {
            return .unknown("no kernel symbols to find \(field.symbol); pass --phys-bits N")
        }
        guard let address = syms.address(of: field.symbol) else {
            return .unknown("the kernel's symbols (\(syms.source)) have no \(field.symbol): kallsyms lists data symbols only with CONFIG_KALLSYMS_ALL; pass --system-map FILE or --phys-bits N")
        }
        let memory = TranslatedKernelMemory(platform: platform, memory: image.memory)
        let config = options.kernelConfig?.aliasing(platform.profile.value.configAliases)
        switch field.read(memory, at: address, config: config) {
        case .failure(let why):
            return .unknown("\(field.name) cannot be read: \(why); pass --phys-bits N")
        case .success(let (value, offset)):
            let n = Int(value)
            if let why = problem(n, rule: rule, highest: highest) {
                return .unknown("\(field.name) reads \(n), which cannot be right: \(why); pass --phys-bits N")
            }
            return .known(Fact(n, .memory("\(field.name) (\(field.symbol) \(hex(address)) + \(offset), found through \(syms.source))")))
        }
    }

    /// Why `n` cannot be the width, or nil.
    static func problem(_ n: Int, rule: AddressWidthRule, highest: UInt64) -> String? {
        guard rule.widths.contains(n) else {
            return "not a physical-address width of these tables (\(rule.widths.lowerBound)...\(rule.widths.upperBound))"
        }
        if n < 64, highest > UInt64(1) << UInt64(n) {
            return "the image holds memory up to \(hex(highest - 1)), above 2^\(n)"
        }
        return nil
    }

    /// One past the highest physical address the image holds or records as RAM.
    static func highestAddress(_ image: Image) -> UInt64 {
        let held = image.memory.regions.map(\.end.rawValue).max() ?? 0
        let recorded = ((try? CompactImageMemoryMap.read(image)) ?? nil)?.map(\.end.rawValue).max() ?? 0
        return max(held, recorded)
    }
}
