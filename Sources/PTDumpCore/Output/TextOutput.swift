#if canImport(Glibc)
import Glibc
#endif

/// Buffered bytes bound for a file descriptor or kept in memory (tests).
public final class TextOutput {
    private var buffer: [UInt8] = []
    private let fd: Int32?
    /// Everything written, when kept in memory.
    public private(set) var captured: [UInt8] = []

    /// Writes to `fd` (1 = stdout) in large chunks.
    public init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    /// Keeps the text in memory.
    public init() { fd = nil }

    /// Appends `s`.
    @inline(__always) public func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Appends raw bytes.
    @inline(__always) public func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// The first write error (`errno`), after which nothing more is written.
    public private(set) var writeError: Int32?

    /// Hands everything buffered to the descriptor.
    public func flush() {
        guard let fd else { captured.append(contentsOf: buffer); buffer.removeAll(keepingCapacity: true); return }
        var off = 0
        var failure: Int32?
        if writeError == nil {
            buffer.withUnsafeBytes { p in
                while off < p.count, let base = p.baseAddress {
                    let n = Glibc.write(fd, base + off, p.count - off)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { failure = n < 0 ? errno : EIO; return }
                    off += n
                }
            }
        }
        if let failure { writeError = failure }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The write error as words, when there was one.
    public var writeErrorDescription: String? { writeError.map { String(cString: strerror($0)) } }

    /// The captured text as a String (in-memory outputs).
    public var text: String { flush(); return String(decoding: captured, as: UTF8.self) }
}

/// Right-aligns `s` to `width` (printf `%9lu`).
@inline(__always) func padLeft(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}

/// The kernel's size column: the value in the largest unit of `units` that divides it.
func sizeColumn(_ bytes: UInt64, units: [Character], shiftFirst: Bool) -> String {
    var delta = shiftFirst ? bytes >> 10 : bytes
    var u = 0
    while delta & 1023 == 0 && u + 1 < units.count {
        delta >>= 10
        u += 1
    }
    return padLeft(String(delta), 9) + String(units[u])
}
