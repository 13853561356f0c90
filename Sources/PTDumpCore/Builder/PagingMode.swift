/// A paging mode the builder can produce: the architecture and its page-table geometry.
public enum PagingMode: Sendable, Hashable, CustomStringConvertible {
    /// x86_64 with 4 (48-bit VA) or 5 (LA57, 57-bit VA) levels.
    case x86_64(levels: Int)
    /// arm64 with a 4K, 16K or 64K granule and a Linux 6.1 `VA_BITS` (see `ARM64.supported`).
    case arm64(pageSize: Int, vaBits: Int)

    /// Every mode Linux 6.1 supports.
    public static var all: [PagingMode] {
        [.x86_64(levels: 4), .x86_64(levels: 5)]
            + ARM64.supported.flatMap { g in g.vaBits.map { PagingMode.arm64(pageSize: g.pageSize, vaBits: $0) } }
    }

    /// The machine.
    public var arch: ArchKind {
        if case .x86_64 = self { return .x86_64 }
        return .arm64
    }

    /// Base page size in bytes.
    public var pageSize: UInt64 {
        if case .arm64(let ps, _) = self { return UInt64(ps) }
        return 4096
    }

    /// The paging mechanics, or an error naming what 6.1 supports.
    public func paging() throws(ImageError) -> Paging {
        switch self {
        case .x86_64(let levels):
            guard levels == 4 || levels == 5 else { throw .contradiction("x86_64 has 4 or 5 levels, not \(levels)") }
            return .x86(X86_64(fiveLevel: levels == 5))
        case .arm64(let ps, let va):
            guard let a = ARM64(pageSize: ps, vaBits: va) else {
                throw .contradiction(ARM64.unsupportedReason(pageSize: ps, vaBits: va) ?? "unsupported arm64 mode")
            }
            return .arm64(a)
        }
    }

    public var description: String {
        switch self {
        case .x86_64(let l): return "x86_64 \(l)-level"
        case .arm64(let ps, let va): return "arm64 \(ps / 1024)K/\(va)-bit"
        }
    }
}
