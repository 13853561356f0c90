/// Finds the dumped kernel's configuration when no `--kernel-config` is given: the one it
/// embeds (`CONFIG_IKCONFIG`), found through its `kernel_config_data` symbol or by a search of
/// the kernel image, else the options the architecture's `ConfigSymbolRule`s infer from the
/// symbols. Only asked when a fact would otherwise be a default (`--info`, or a dump whose
/// kernel marker table was not found).
public enum KernelConfigSource {
    public struct Outcome: Sendable {
        /// The configuration found, if any (`origin` says how).
        public var config: KernelConfig?
        /// Why each source that did not work failed.
        public var notes: [String]
    }

    /// `symbols` is the symbol source's outcome (asked for lazily by the caller).
    public static func load(image: Image, platform: Platform, symbols: KernelSymbols?) -> Outcome {
        var notes: [String] = []
        let memory = TranslatedKernelMemory(platform: platform, memory: image.memory)
        let window = KallsymsSearch.window(image: image, platform: platform)
        // With symbols, `kernel_config_data` answers exactly; a search only without them.
        if symbols == nil || symbols?.contains("kernel_config_data") == true {
            switch EmbeddedKernelConfig.find(memory, symbols: symbols, window: window) {
            case .success(let c): return Outcome(config: c, notes: notes)
            case .failure(let why): notes.append("IKCONFIG: \(why)")
            }
        } else {
            notes.append("IKCONFIG: no symbol kernel_config_data (no CONFIG_IKCONFIG, or =m)")
        }
        let rules = platform.arch.value.port.configSymbols
        guard let symbols, !rules.isEmpty else {
            notes.append(symbols == nil ? "no symbols to infer the configuration from"
                                        : "no configuration options are inferred from symbols on \(platform.arch.value.rawValue)")
            return Outcome(config: nil, notes: notes)
        }
        return Outcome(config: InferredKernelConfig.infer(symbols: symbols, rules: rules), notes: notes)
    }
}
