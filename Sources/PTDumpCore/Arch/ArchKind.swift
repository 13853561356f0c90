/// Which architecture an image is: a name the registry knows (`x86_64`, `arm64`, …).
/// Each architecture folder declares its own constant (`ArchKind.x86_64`).
public struct ArchKind: Hashable, Sendable, CustomStringConvertible {
    /// The canonical name (what `--arch`, `--info`, JSON and the compact image say).
    public let rawValue: String
    public init(_ name: String) { rawValue = name }

    /// The registered architecture called `name` (or one of its aliases).
    public init?(rawValue name: String) {
        guard let port = ArchitectureRegistry.port(named: name) else { return nil }
        self = port.kind
    }

    /// The registered architecture with ELF `e_machine` value `machine`.
    public init?(elfMachine machine: UInt16) {
        guard let port = ArchitectureRegistry.ports.first(where: { $0.elfMachine == machine })
                ?? ArchitectureRegistry.ports.first(where: { $0.otherELFMachines.contains(machine) }) else { return nil }
        self = port.kind
    }

    /// What finds, resolves and builds this architecture.
    public var port: any ArchitecturePort.Type {
        ArchitectureRegistry.ports.first { $0.kind == self } ?? ArchitectureRegistry.ports[0]
    }

    /// ELF `e_machine`.
    public var elfMachine: UInt16 { port.elfMachine }

    public var description: String { rawValue }
}
