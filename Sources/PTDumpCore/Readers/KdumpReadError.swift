/// Why `KdumpFile.read` could not return the bytes at a physical address. The three cases need
/// different answers from a caller: an excluded page is a fact of the dump (the dump level
/// dropped it), an address outside the dump is a wrong address, and a corrupt page is a broken file.
public enum KdumpReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The page is RAM the dump describes, but makedumpfile's dump level left it out
    /// (page cache, user data, free pages). The address is the first byte that could not be read.
    case excluded(UInt64)
    /// The address is in no RAM range the dump describes (beyond `max_mapnr`, or a hole).
    case outside(UInt64)
    /// The page is in the file but cannot be read back: its data do not decompress, its
    /// descriptor names an unknown compression, or the file ends before its data.
    case corrupt(UInt64, String)

    /// The physical address the error is about.
    public var address: UInt64 {
        switch self {
        case .excluded(let pa), .outside(let pa), .corrupt(let pa, _): return pa
        }
    }

    public var description: String {
        switch self {
        case .excluded(let pa):
            return "physical address \(hex(pa)) is in a page the dump left out (excluded by makedumpfile's dump level)"
        case .outside(let pa):
            return "physical address \(hex(pa)) is outside the memory the dump describes"
        case let .corrupt(pa, why):
            return "physical address \(hex(pa)): \(why)"
        }
    }
}
