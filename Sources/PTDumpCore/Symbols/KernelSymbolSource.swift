/// Finds the dumped kernel's symbols, only when something asks for them: `--system-map`,
/// `--vmlinux`, the kallsyms tables VMCOREINFO points at (Linux 6.0 and later), or a search of
/// the kernel image for them (older kernels, dumps without VMCOREINFO). Each source that fails
/// leaves one note saying why, and the next is tried; when none works the result says which
/// flag would help.
public enum KernelSymbolSource {
    /// The symbols found (if any), the notes of the sources that failed, in order.
    public struct Outcome: Sendable {
        public var symbols: KernelSymbols?
        public var notes: [String]
        /// One line for when no source worked: why each failed, and what to pass.
        public var hint: String {
            "no kernel symbols" + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))") + ": pass --system-map FILE or --vmlinux FILE"
        }
    }

    /// Tries each source in order; never throws: a source that fails adds a note.
    public static func load(image: Image, platform: Platform, options o: Options) -> Outcome {
        var notes: [String] = []
        let offset = image.vmcoreinfo?.kernelOffset ?? 0
        let offsetText = offset == 0 ? "" : " + KERNELOFFSET \(hex(offset))"
        if let map = o.systemMap {
            return Outcome(symbols: KernelSymbols(map: map, kernelOffset: offset, source: .flag("--system-map" + offsetText)), notes: notes)
        }
        if let elf = o.vmlinuxSymbols {
            if elf.isEmpty {
                notes.append("--vmlinux: the file has no symbol table")
            } else {
                let syms = elf.filter { $0.section != 0 }.map {
                    KernelSymbols.Symbol(address: $0.section == 0xfff1 ? $0.value : $0.value &+ offset, type: $0.section == 0xfff1 ? "a" : "?", name: $0.name)
                }
                return Outcome(symbols: KernelSymbols(symbols: syms, source: .flag("--vmlinux" + offsetText)), notes: notes)
            }
        }
        let memory = TranslatedKernelMemory(platform: platform, memory: image.memory)
        if let vi = image.vmcoreinfo {
            if let loc = KallsymsLocation(vmcoreinfo: vi) {
                do {
                    let s = try KallsymsDecoder.decode(memory, at: loc, offsetMode: offsetMode(o), source: .vmcoreinfo("SYMBOL(kallsyms_names) and its neighbours: kallsyms decoded from the dump"))
                    return Outcome(symbols: s, notes: notes)
                } catch {
                    notes.append("kallsyms from VMCOREINFO: \(error)")
                }
            } else {
                let missing = KallsymsLocation.missingKeys(vi)
                let release = vi.value("OSRELEASE").flatMap { KernelRelease($0) }
                let why = release.map { $0 >= .vmcoreinfoNamesKallsyms } == true
                    ? "Linux \(release.map { "\($0)" } ?? "") writes them whenever it has CONFIG_KALLSYMS: this kernel has none"
                    : "a kernel older than \(KernelRelease.vmcoreinfoNamesKallsyms), or without CONFIG_KALLSYMS"
                notes.append("VMCOREINFO has no \(missing.first ?? "kallsyms")\(missing.count > 1 ? " and \(missing.count - 1) more kallsyms keys" : "") (\(why))")
            }
        } else {
            notes.append("no VMCOREINFO to locate kallsyms")
        }
        // Where VMCOREINFO located the tables a search would find the same ones: search only
        // when it did not.
        let located = image.vmcoreinfo.flatMap { KallsymsLocation(vmcoreinfo: $0) } != nil
        // From the release that names them on, no keys means no kallsyms at all.
        let release = image.vmcoreinfo?.value("OSRELEASE").flatMap { KernelRelease($0) }
        let keysExpected = release.map { $0 >= .vmcoreinfoNamesKallsyms } ?? false
        if !located, !keysExpected, let window = KallsymsSearch.window(image: image, platform: platform) {
            switch KallsymsSearch.find(memory, in: window) {
            case .success(let loc):
                do {
                    let s = try KallsymsDecoder.decode(memory, at: loc, offsetMode: offsetMode(o),
                                                       source: .memory("kallsyms_token_table \(hex(loc.tokenTable)) (found by a search of the kernel image)"))
                    return Outcome(symbols: s, notes: notes)
                } catch {
                    notes.append("kallsyms found by searching the kernel image: \(error)")
                }
            case .failure(let why):
                notes.append("search of the kernel image for kallsyms: \(why)")
            }
        }
        return Outcome(symbols: nil, notes: notes)
    }

    /// The physical pages holding the kallsyms tables VMCOREINFO points at, when they decode:
    /// `--save` keeps them so the compact image names symbols too. Empty otherwise.
    public static func kallsymsPages(image: Image, platform: Platform) -> [PhysicalAddress] {
        guard let vi = image.vmcoreinfo, let loc = KallsymsLocation(vmcoreinfo: vi) else { return [] }
        let memory = TranslatedKernelMemory(platform: platform, memory: image.memory, record: true)
        guard (try? KallsymsDecoder.decode(memory, at: loc, source: .vmcoreinfo("kallsyms"))) != nil else { return [] }
        return memory.pagesRead
    }

    /// The offset mode a `--kernel-config` decides.
    static func offsetMode(_ o: Options) -> KallsymsDecoder.OffsetMode? {
        guard let c = o.kernelConfig else { return nil }
        return c.isEnabled("KALLSYMS_ABSOLUTE_PERCPU") ? .absolutePerCPU : .relative
    }
}
