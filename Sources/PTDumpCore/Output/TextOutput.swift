#if canImport(Glibc)
import Glibc
#endif

/// Buffered bytes bound for a file descriptor or kept in memory (tests). Formatters write
/// straight into one reusable buffer (`write(bytes:)`, `hex16`, `decimal`, …): no line is
/// built as a String first, so printing allocates nothing per line.
public final class TextOutput {
    /// Bytes handed to the descriptor at once.
    private static let chunk = 1 << 16
    /// Room past `chunk` for one field, so that a small write never needs a bounds test
    /// beyond `reserve`.
    private static let slack = 256
    private let storage: UnsafeMutablePointer<UInt8>
    /// Bytes buffered, kept behind a pointer: a class's stored `var` is checked for exclusive
    /// access at run time on every use, which cost more than the bytes themselves.
    private let fill: UnsafeMutablePointer<Int>
    @inline(__always) private var count: Int {
        get { fill.pointee }
        set { fill.pointee = newValue }
    }
    private let fd: Int32?
    /// Everything written, when kept in memory.
    public private(set) var captured: [UInt8] = []

    /// Writes to `fd` (1 = stdout) in large chunks.
    public init(fd: Int32) {
        self.fd = fd
        storage = .allocate(capacity: Self.chunk + Self.slack)
        fill = .allocate(capacity: 1)
        fill.initialize(to: 0)
    }

    /// Keeps the text in memory.
    public init() {
        fd = nil
        storage = .allocate(capacity: Self.chunk + Self.slack)
        fill = .allocate(capacity: 1)
        fill.initialize(to: 0)
    }

    deinit {
        storage.deallocate()
        fill.deallocate()
    }

    /// Makes room for `n` (at most `slack`) more bytes.
    @inline(__always) private func reserve(_ n: Int) {
        if count &+ n > Self.chunk &+ Self.slack { flush() }
    }

    /// Flushes once a chunk is full.
    @inline(__always) private func wrote() {
        if count >= Self.chunk { flush() }
    }

    /// Appends `s`.
    @inline(__always) public func write(_ s: String) {
        var s = s
        s.withUTF8 { write(bytes: $0) }
    }

    /// Appends raw bytes.
    @inline(__always) public func write(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write(bytes: $0) }
    }

    /// Appends a literal's bytes (no String is looked at).
    @inline(__always) public func write(literal s: StaticString) {
        write(bytes: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Appends raw bytes.
    @inline(__always) public func write(bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        if count &+ n <= Self.chunk, let p = bytes.baseAddress {
            (storage + count).update(from: p, count: n)
            count &+= n
            return
        }
        writeSlowly(bytes)
    }

    /// `write(bytes:)` when the bytes do not fit before the next flush.
    private func writeSlowly(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            if count >= Self.chunk { flush() }
            let n = min(left, Self.chunk &+ Self.slack &- count)
            (storage + count).update(from: p, count: n)
            count &+= n
            p += n
            left &-= n
        }
        wrote()
    }

    /// Appends one byte.
    @inline(__always) public func write(byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count &+= 1
        wrote()
    }

    /// Appends `n` copies of `byte`.
    public func write(repeating byte: UInt8, count n: Int) {
        var left = n
        while left > 0 {
            if count >= Self.chunk { flush() }
            let k = min(left, Self.chunk &+ Self.slack &- count)
            (storage + count).update(repeating: byte, count: k)
            count &+= k
            left &-= k
        }
        wrote()
    }

    @inline(__always) private static func digit(_ v: UInt64) -> UInt8 {
        let d = UInt8(truncatingIfNeeded: v & 15)
        return d < 10 ? 0x30 &+ d : 0x57 &+ d
    }

    /// Appends `0x` and exactly 16 lower-case hex digits (the kernel's `0x%016lx`).
    @inline(__always) public func hex16(_ v: UInt64) {
        reserve(18)
        let p = storage + count
        p[0] = 0x30
        p[1] = 0x78
        var x = v
        var i = 17
        while i >= 2 {
            p[i] = Self.digit(x)
            x >>= 4
            i &-= 1
        }
        count &+= 18
        wrote()
    }

    /// Appends `0x` and the hex digits of `v` without leading zeros (`hex`).
    public func hex(_ v: UInt64) {
        reserve(18)
        let p = storage + count
        p[0] = 0x30
        p[1] = 0x78
        let n = v == 0 ? 1 : (67 &- v.leadingZeroBitCount) / 4
        var x = v
        var i = n &+ 1
        while i >= 2 {
            p[i] = Self.digit(x)
            x >>= 4
            i &-= 1
        }
        count &+= n &+ 2
        wrote()
    }

    /// Appends `v` in decimal, right-aligned with spaces to `width` (printf `%*lu`).
    public func decimal(_ v: UInt64, width: Int = 0) {
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        let n = withUnsafeMutableBytes(of: &tmp) { b -> Int in
            var x = v
            var i = 24
            repeat {
                i &-= 1
                b[i] = 0x30 &+ UInt8(truncatingIfNeeded: x % 10)
                x /= 10
            } while x != 0
            return 24 &- i
        }
        if width > n { write(repeating: 0x20, count: width &- n) }
        reserve(n)
        withUnsafeBytes(of: &tmp) { b in
            for k in 0..<n { storage[count &+ k] = b[24 &- n &+ k] }
        }
        count &+= n
        wrote()
    }

    /// The first write error (`errno`), after which nothing more is written.
    public private(set) var writeError: Int32?

    /// Hands everything buffered to the descriptor.
    public func flush() {
        guard let fd else {
            captured.append(contentsOf: UnsafeBufferPointer(start: storage, count: count))
            count = 0
            return
        }
        var off = 0
        var failure: Int32?
        if writeError == nil {
            while off < count {
                let n = Glibc.write(fd, storage + off, count - off)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : EIO; break }
                off += n
            }
        }
        if let failure { writeError = failure }
        count = 0
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

/// The kernel's size column: the value in the largest unit of `units` that divides it, and
/// the unit's index.
@inline(__always) func sizeUnit(_ bytes: UInt64, unitCount: Int, shiftFirst: Bool) -> (value: UInt64, unit: Int) {
    var delta = shiftFirst ? bytes >> 10 : bytes
    var u = 0
    while delta & 1023 == 0 && u + 1 < unitCount {
        delta >>= 10
        u += 1
    }
    return (delta, u)
}

/// The kernel's size column: the value in the largest unit of `units` that divides it.
func sizeColumn(_ bytes: UInt64, units: [Character], shiftFirst: Bool) -> String {
    let (delta, u) = sizeUnit(bytes, unitCount: units.count, shiftFirst: shiftFirst)
    return padLeft(String(delta), 9) + String(units[u])
}
