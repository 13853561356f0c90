/// The configuration facts a dump itself gives when the user gave no `--kernel-config`: only
/// asked when a layout fact would otherwise be a default, so a dump that needs nothing
/// decodes nothing.
public enum DumpConfiguration {
    /// Whether any layout fact of `platform` is a default (so the dump's configuration could decide it).
    public static func hasDefaults(_ platform: Platform) -> Bool {
        platform.layout.facts.contains { $0.fact.source.description.hasPrefix("default") }
    }

    /// When `platform` was resolved without a configuration, without the kernel's own marker
    /// table, from a kernel dump, and with defaults left: the platform resolved again with the
    /// dump's configuration (embedded, or inferred from symbols) as if given by
    /// `--kernel-config`, and the configuration. Otherwise nil.
    public static func resolveWithDumpConfig(image: Image, platform: Platform, options: Options,
                                             symbols: () -> KernelSymbols?) throws(ImageError) -> (Platform, KernelConfigSource.Outcome)? {
        guard options.kernelConfig == nil, image.vmcoreinfo != nil, platform.layout.markerSource == nil, hasDefaults(platform) else { return nil }
        let outcome = KernelConfigSource.load(image: image, platform: platform, symbols: symbols())
        guard let config = outcome.config else { return nil }
        var o = options
        o.kernelConfig = config
        return (try PlatformResolver.resolve(image: image, options: o), outcome)
    }

    /// `platform`'s layout facts with each default replaced by what `config` decides (the
    /// markers unchanged): for `--info` on a dump whose markers came from the kernel's table.
    public static func refineDefaults(_ platform: Platform, config: KernelConfig) -> Platform {
        var known = FactTable()
        for e in platform.layout.facts where !e.fact.source.description.hasPrefix("default") { known.offer(e.key, e.fact.value, e.fact.source) }
        let context = LayoutContext(facts: known, levels: platform.levels.value, pageSize: platform.pageSize.value, vaBits: platform.vaBits.value)
        var decided = known
        platform.profile.value.configFacts(&decided, config, context)
        var p = platform
        p.layout.facts = platform.layout.facts.map { e in
            guard e.fact.source.description.hasPrefix("default"), let d = decided[e.key] else { return e }
            return (e.key, d)
        }
        return p
    }
}
