/// Everything that can make an input unusable. Each case reads as a sentence a user can act on;
/// the CLI prefixes it with `ptdump: FILE: `.
public enum ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or mapped (`errno` text attached).
    case cannotOpen(String)
    /// The file has no bytes.
    case empty
    /// The bytes are no format ptdump knows.
    case unknownFormat(String)
    /// The ELF structure is broken (libelf's or ptdump's words).
    case malformedELF(String)
    /// A program header points past the end of the file.
    case segmentBeyondFile(index: Int, offset: UInt64, size: UInt64, fileSize: Int)
    /// Two PT_LOAD segments claim the same physical bytes.
    case overlappingSegments(UInt64, UInt64)
    /// A physical address that no segment holds.
    case outsideMemory(UInt64, Int)
    /// Bytes the image's memory covers but the file does not hold (a filtered or damaged
    /// dump): the reason is the reader's, naming the address.
    case notInDump(UInt64, String)
    /// A VMCOREINFO line that does not parse.
    case malformedVMCoreInfo(String)
    /// A compact-image note that does not parse.
    case malformedImageNote(String)
    /// Not enough facts to walk: says which flag to pass.
    case missingFact(String)
    /// The user's flags contradict the image or each other.
    case contradiction(String)
    /// `ImageBuilder` was given a mapping it cannot lay out (index into the list, and why).
    case invalidMapping(index: Int, reason: String)
    /// Anything else, already phrased for the user.
    case other(String)

    public var description: String {
        switch self {
        case .cannotOpen(let why): return "cannot open: \(why)"
        case .empty: return "empty file"
        case .unknownFormat(let what): return "unknown format: \(what)"
        case .malformedELF(let what): return "malformed ELF: \(what)"
        case let .segmentBeyondFile(i, off, size, fileSize):
            return "truncated: program header \(i) wants bytes \(hex(off))+\(hex(size)) but the file has only \(fileSize) bytes"
        case let .overlappingSegments(a, b):
            return "PT_LOAD segments overlap in physical memory (at \(hex(a)) and \(hex(b)))"
        case let .outsideMemory(pa, len):
            return "physical address \(hex(pa)) (+\(len) bytes) is outside the image's memory"
        case .notInDump(_, let why): return why
        case .malformedVMCoreInfo(let line): return "malformed VMCOREINFO: \(line)"
        case .malformedImageNote(let line): return "malformed PTDUMP note: \(line)"
        case .missingFact(let what): return what
        case .contradiction(let what): return what
        case let .invalidMapping(i, why): return "mapping \(i): \(why)"
        case .other(let what): return what
        }
    }
}

/// `0x` followed by lower-case hex digits, no padding.
@inlinable public func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

/// `0x` followed by exactly 16 lower-case hex digits (the kernel's `0x%016lx`).
public func hex16(_ v: UInt64) -> String {
    var out = [UInt8](repeating: UInt8(ascii: "0"), count: 18)
    out[1] = UInt8(ascii: "x")
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var x = v
    var i = 17
    while i >= 2 { out[i] = digits[Int(x & 15)]; x >>= 4; i -= 1 }
    return String(decoding: out, as: UTF8.self)
}
