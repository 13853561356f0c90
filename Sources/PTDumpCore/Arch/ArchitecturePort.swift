/// What the rest of ptdump asks of an architecture beyond its paging mechanics: how it is
/// named and recognised, how an image of it says where its tables are (root, paging mode,
/// layout facts), and how the builder lays out tables for it. One per architecture folder,
/// listed once in `ArchitectureRegistry`.
public protocol ArchitecturePort: Sendable {
    /// The architecture.
    static var kind: ArchKind { get }
    /// Other spellings `--arch` accepts (`amd64`, `aarch64`).
    static var aliases: [String] { get }
    /// ELF `e_machine`.
    static var elfMachine: UInt16 { get }
    /// VMCOREINFO keys only this architecture's kernel writes (`arch_crash_save_vmcoreinfo`):
    /// they name the architecture of a dump whose header does not (QEMU's kdump files).
    static var vmcoreinfoKeys: [String] { get }
    /// Other `e_machine` values whose executables hold this architecture's tables (x86's
    /// 32-bit `EM_386` boot loaders); none by default.
    static var otherELFMachines: [UInt16] { get }
    /// The `--format` name of its kernel text (`x86`, `arm64`).
    static var textFormatName: String { get }
    /// The kernel profiles known for this architecture, oldest first.
    static var profiles: [KernelProfile] { get }
    /// What `--levels` takes for this architecture, for `--help` (`4 or 5`).
    static var levelsHelp: String { get }
    /// The flags a raw dump of this architecture needs that `options` do not give.
    static func missingRawFlags(_ options: Options) -> [String]
    /// Root, paging mode and layout of `image` (`options` override what it says).
    static func resolve(image: Image, options: Options, profile: Fact<KernelProfile>) throws(ImageError) -> Platform
    /// Every paging mode the builder can lay out.
    static var builderModes: [PagingMode] { get }
    /// The encoding of `mode` (one of `builderModes`), or why it cannot be built.
    static func encoder(for mode: PagingMode) throws(ImageError) -> any LeafEncoder
    /// The configuration options its profiles read that a kernel's symbols reveal, each with
    /// the symbols only that option builds (`ConfigSymbolRule`). Empty by default.
    static var configSymbols: [ConfigSymbolRule] { get }
    /// Where the kernel keeps the physical address of its VMCOREINFO note, read from
    /// `memory` (s390: the absolute lowcore's `vmcore_info`), and how it was found; used when
    /// a dump has no VMCOREINFO note. Nil when the architecture has no such pointer.
    static func vmcoreinfoPointer(in memory: any PhysicalMemory) -> (PhysicalAddress, String)?
}

extension ArchitecturePort {
    /// No pointer: the note is searched for in memory instead.
    public static func vmcoreinfoPointer(in memory: any PhysicalMemory) -> (PhysicalAddress, String)? { nil }
}

extension ArchitecturePort {
    public static var otherELFMachines: [UInt16] { [] }
    public static var configSymbols: [ConfigSymbolRule] { [] }
}
