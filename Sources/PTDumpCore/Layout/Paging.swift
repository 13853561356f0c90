/// The paging mechanics of the image, by architecture (kept concrete so the walk specializes).
public enum Paging: Sendable {
    case x86(X86_64)
    case arm64(ARM64)

    /// Calls `visitor` with the concrete architecture: the one place that lists them.
    public func accept<V: ArchitectureVisitor>(_ visitor: V) -> V.Result {
        switch self {
        case .x86(let a): return visitor.visit(a)
        case .arm64(let a): return visitor.visit(a)
        }
    }
}

/// Code that needs the concrete architecture type (so generic walks specialize).
public protocol ArchitectureVisitor {
    associatedtype Result
    func visit<A: Architecture>(_ arch: A) -> Result
}

/// The text formats.
public enum TextStyle: String, Sendable, CaseIterable {
    /// `/sys/kernel/debug/page_tables/kernel` (x86).
    case x86
    /// `/sys/kernel/debug/kernel_page_tables` (arm64).
    case arm64
}
