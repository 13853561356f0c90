/// What the two address types share: a 64-bit value, ordering, wrapping offsets.
public protocol Address: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
                         ExpressibleByIntegerLiteral where RawValue == UInt64, IntegerLiteralType == UInt64 {
    init(rawValue: UInt64)
}

extension Address {
    @inline(__always) public init(_ value: UInt64) { self.init(rawValue: value) }
    public init(integerLiteral value: UInt64) { self.init(rawValue: value) }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    /// The address `offset` bytes further (wrapping, as the hardware does).
    @inline(__always) public static func + (a: Self, offset: UInt64) -> Self { Self(rawValue: a.rawValue &+ offset) }
    /// Bytes from `b` to `a` (wrapping).
    @inline(__always) public static func - (a: Self, b: Self) -> UInt64 { a.rawValue &- b.rawValue }
    public var description: String { hex(rawValue) }
}

/// A guest-physical address: where a table page or a mapped frame sits in the machine's
/// memory. A distinct type from `VirtualAddress`, so passing one where the other is meant
/// does not compile.
public struct PhysicalAddress: Address {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
}

/// A virtual address as the walked tables translate it.
public struct VirtualAddress: Address {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The last address, 2^64 - 1.
    public static let max = VirtualAddress(rawValue: .max)
}

/// `0x` and exactly 16 hex digits.
public func hex16(_ a: VirtualAddress) -> String { hex16(a.rawValue) }
/// `0x` and exactly 16 hex digits.
public func hex16(_ a: PhysicalAddress) -> String { hex16(a.rawValue) }
/// `0x` and the hex digits.
public func hex(_ a: PhysicalAddress) -> String { hex(a.rawValue) }
/// `0x` and the hex digits.
public func hex(_ a: VirtualAddress) -> String { hex(a.rawValue) }
