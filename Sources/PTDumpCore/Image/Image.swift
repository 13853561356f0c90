/// The machine architectures ptdump knows.
public enum ArchKind: String, Sendable, CaseIterable {
    case x86_64
    case arm64

    /// From ELF `e_machine`.
    public init?(elfMachine: UInt16) {
        switch elfMachine {
        case 62: self = .x86_64
        case 183: self = .arm64
        default: return nil
        }
    }

    /// ELF `e_machine` value.
    public var elfMachine: UInt16 { self == .x86_64 ? 62 : 183 }
}

/// Everything a loader learned from an input file, before any flags are applied.
public struct Image: Sendable {
    /// What the file is (`ELF core (QEMU dump-guest-memory)`, `ptdump compact image`, …).
    public var format: String
    /// Physical memory.
    public var memory: PhysicalMemory
    /// Architecture from the ELF header, when there is one.
    public var arch: ArchKind?
    /// The kernel's VMCOREINFO note.
    public var vmcoreinfo: VMCoreInfo?
    /// QEMU per-CPU state notes (x86).
    public var cpuStates: [QEMUCPUState] = []
    /// The `PTDUMP` note of a compact image: key=value facts.
    public var ptdumpNote: [(key: String, value: String)] = []
    /// PT_LOAD segments whose `p_vaddr` differs from `p_paddr` (kdump direct-map hints).
    public var virtualHints: [(vaddr: UInt64, paddr: UInt64)] = []
    /// Symbols of an ELF executable.
    public var symbols: [ElfSymbol] = []
    /// Virtual views of an executable's loaded segments (symbol → physical address).
    public var loadedViews: [VirtualView] = []
    /// Section headers of an executable.
    public var sections: [SectionHeader] = []

    public init(format: String, memory: PhysicalMemory, arch: ArchKind? = nil) {
        self.format = format
        self.memory = memory
        self.arch = arch
    }

    /// A value of the compact image's note.
    public func noteValue(_ key: String) -> String? { ptdumpNote.first { $0.key == key }?.value }
}
