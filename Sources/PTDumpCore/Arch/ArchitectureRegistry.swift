/// The architectures ptdump knows. This file is the only one outside the architecture
/// folders that names them: adding one is a new folder under `Arch/` plus a line here in
/// `ports`, a case in `Paging` and its line in `accept`.
public enum ArchitectureRegistry {
    /// Every architecture's port, in `--help` order.
    public static let ports: [any ArchitecturePort.Type] = [X86_64Port.self, ARM64Port.self, RISCV64Port.self, S390XPort.self]

    /// The port called `name` or one of its aliases (case-insensitive).
    public static func port(named name: String) -> (any ArchitecturePort.Type)? {
        let n = name.lowercased()
        return ports.first { $0.kind.rawValue == n || $0.aliases.contains(n) }
    }

    /// The architecture whose own VMCOREINFO keys `info` carries, when exactly one does.
    public static func port(vmcoreinfo info: VMCoreInfo) -> (any ArchitecturePort.Type)? {
        let matches = ports.filter { p in p.vmcoreinfoKeys.contains { info.value($0) != nil } }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Every name `--arch` accepts, canonical names first.
    public static var names: [String] { ports.map { $0.kind.rawValue } }
}

/// The paging mechanics of an image, by architecture: kept concrete so that walks specialize
/// for each architecture.
public enum Paging: Sendable {
    case x86_64(X86_64)
    case x86EPT(X86EPT)
    case x86PAE(X86PAE)
    case x86Legacy(X86Legacy)
    case arm64(ARM64)
    case arm64Stage1(ARM64Stage1)
    case arm64Stage2(ARM64Stage2)
    case riscv64(RISCV64)
    case s390x(S390X)

    /// Calls `visitor` with the concrete architecture.
    @inline(__always)
    public func accept<V: ArchitectureVisitor>(_ visitor: V) -> V.Result {
        switch self {
        case .x86_64(let a): return visitor.visit(a)
        case .x86EPT(let a): return visitor.visit(a)
        case .x86PAE(let a): return visitor.visit(a)
        case .x86Legacy(let a): return visitor.visit(a)
        case .arm64(let a): return visitor.visit(a)
        case .arm64Stage1(let a): return visitor.visit(a)
        case .arm64Stage2(let a): return visitor.visit(a)
        case .riscv64(let a): return visitor.visit(a)
        case .s390x(let a): return visitor.visit(a)
        }
    }
}

/// Code that needs the concrete architecture type (so generic walks specialize).
public protocol ArchitectureVisitor {
    associatedtype Result
    func visit<A: Architecture>(_ arch: A) -> Result
}

extension Paging {
    /// The architecture as an existential, for code that does not walk.
    public var architecture: any Architecture { accept(Erase()) }
    private struct Erase: ArchitectureVisitor {
        func visit<A: Architecture>(_ arch: A) -> any Architecture { arch }
    }
}
