/// Why a kallsyms table did not decode; each reads as the end of a sentence that starts
/// "kallsyms: ".
public enum KallsymsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An array's first bytes are not mapped in the dump.
    case unreadable(String, VirtualAddress)
    /// `kallsyms_num_syms` is 0 or more than any kernel has.
    case badCount(UInt64)
    /// The token table or index is inconsistent.
    case badTokens(String)
    /// The names run past the bytes the dump holds.
    case namesPastEnd(symbol: Int, offset: Int)
    /// One name does not decode.
    case badName(symbol: Int, why: String)
    /// Addresses out of order: not the table `scripts/kallsyms` writes.
    case unsorted(symbol: Int, address: UInt64, previous: UInt64)

    public var description: String {
        switch self {
        case let .unreadable(what, va): return "\(what) at \(hex(va)) cannot be read (unmapped, or a page the dump left out)"
        case .badCount(let n): return "kallsyms_num_syms is \(n), not a symbol count"
        case .badTokens(let why): return "bad token table: \(why)"
        case let .namesPastEnd(i, off): return "kallsyms_names ends inside symbol \(i) (offset \(off))"
        case let .badName(i, why): return "symbol \(i) does not decode: \(why)"
        case let .unsorted(i, a, p): return "symbol \(i) at \(hex(a)) comes after \(hex(p)): the addresses are not sorted"
        }
    }
}
