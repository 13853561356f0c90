/// A guest-physical address: where a table page or a mapped frame sits in the machine's
/// memory. A distinct type from `VirtualAddress`, so passing one where the other is meant
/// does not compile.
public struct PhysicalAddress: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
                               ExpressibleByIntegerLiteral {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    @inline(__always) public init(_ value: UInt64) { rawValue = value }
    public init(integerLiteral value: UInt64) { rawValue = value }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    /// The address `offset` bytes further (wrapping, as the hardware does).
    @inline(__always) public static func + (a: Self, offset: UInt64) -> Self { Self(a.rawValue &+ offset) }
    /// Bytes from `b` to `a` (wrapping).
    @inline(__always) public static func - (a: Self, b: Self) -> UInt64 { a.rawValue &- b.rawValue }
    public var description: String { hex(rawValue) }
}

/// A virtual address as the walked tables translate it.
public struct VirtualAddress: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
                              ExpressibleByIntegerLiteral {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    @inline(__always) public init(_ value: UInt64) { rawValue = value }
    public init(integerLiteral value: UInt64) { rawValue = value }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    /// The address `offset` bytes further (wrapping at 2^64).
    @inline(__always) public static func + (a: Self, offset: UInt64) -> Self { Self(a.rawValue &+ offset) }
    /// Bytes from `b` to `a` (wrapping).
    @inline(__always) public static func - (a: Self, b: Self) -> UInt64 { a.rawValue &- b.rawValue }
    public var description: String { hex(rawValue) }

    /// The last address, 2^64 - 1.
    public static let max = VirtualAddress(.max)
}

/// `0x` and exactly 16 hex digits.
public func hex16(_ a: VirtualAddress) -> String { hex16(a.rawValue) }
/// `0x` and exactly 16 hex digits.
public func hex16(_ a: PhysicalAddress) -> String { hex16(a.rawValue) }
/// `0x` and the hex digits.
public func hex(_ a: PhysicalAddress) -> String { hex(a.rawValue) }
/// `0x` and the hex digits.
public func hex(_ a: VirtualAddress) -> String { hex(a.rawValue) }
