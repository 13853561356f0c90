/// Everything a loader learned from an input file, before any flags are applied.
public struct Image: Sendable {
    /// What the file is (`ELF core (QEMU dump-guest-memory)`, `ptdump compact image`, …).
    public var format: String
    /// Physical memory.
    public var memory: any PhysicalMemory
    /// Architecture from the file's header, when it has one.
    public var arch: ArchKind?
    /// Which header said the architecture (`--info`).
    public var archSource = FactSource.elfHeader("e_machine")
    /// The kernel's VMCOREINFO note.
    public var vmcoreinfo: VMCoreInfo?
    /// Where `vmcoreinfo` came from (the file's note, or a search of memory).
    public var vmcoreinfoSource: FactSource?
    /// Per-CPU notes (`QEMU` CPU state, `CORE` NT_PRSTATUS), in file order; each
    /// architecture reads its own registers from them.
    public var cpuNotes: [ElfNote] = []
    /// The `PTDUMP` note of a compact image: key=value facts.
    public var ptdumpNote: [(key: String, value: String)] = []
    /// PT_LOAD segments whose `p_vaddr` differs from `p_paddr` (kdump direct-map hints).
    public var virtualHints: [(vaddr: UInt64, paddr: UInt64)] = []
    /// Symbols of an ELF executable.
    public var symbols: [ElfSymbol] = []
    /// Why a symbol table the executable has could not be read.
    public var symbolTableProblem: String?
    /// Virtual views of an executable's loaded segments (symbol → physical address).
    public var loadedViews: [VirtualView] = []
    /// Section headers of an executable.
    public var sections: [SectionHeader] = []

    public init(format: String, memory: any PhysicalMemory, arch: ArchKind? = nil) {
        self.format = format
        self.memory = memory
        self.arch = arch
    }

    /// Where the architecture `kind` was learnt: the file's header, the compact image's
    /// note, or else `--arch`.
    public func archFact(_ kind: ArchKind) -> Fact<ArchKind> {
        Fact(kind, arch != nil ? archSource : noteValue("arch") != nil ? .imageNote("arch") : .flag("--arch"))
    }

    /// A value of the compact image's note.
    public func noteValue(_ key: String) -> String? { ptdumpNote.first { $0.key == key }?.value }

    /// An address in the compact image's note; a value that is not one is an error.
    public func noteAddress(_ key: String) throws(ImageError) -> PhysicalAddress? {
        guard let text = noteValue(key) else { return nil }
        guard let v = VMCoreInfo.parseHex(text) else { throw .malformedImageNote("\(key)=\(text.prefix(40)) is not a hex address") }
        return PhysicalAddress(v)
    }
}
