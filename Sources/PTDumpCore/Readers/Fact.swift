/// Where a fact about the image came from, so `--info` can say it.
public struct FactSource: Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ text: String) { description = text }

    public static func flag(_ name: String) -> FactSource { .init("flag \(name)") }
    public static func vmcoreinfo(_ key: String) -> FactSource { .init("VMCOREINFO \(key)") }
    public static func cpuNote(_ what: String) -> FactSource { .init("QEMU CPU note \(what)") }
    public static func imageNote(_ key: String) -> FactSource { .init("PTDUMP note \(key)") }
    public static func config(_ what: String) -> FactSource { .init("kernel config \(what)") }
    public static func memory(_ what: String) -> FactSource { .init("read from memory at \(what)") }
    public static func inferred(_ how: String) -> FactSource { .init("inferred from the tables (\(how))") }
    public static func elfHeader(_ what: String) -> FactSource { .init("ELF header \(what)") }
    public static func defaultValue(_ why: String) -> FactSource { .init("default (\(why))") }

    /// True for a `defaultValue`: nothing in the image or the flags said it.
    public var isDefault: Bool { description.hasPrefix("default (") }
}

/// A value with its source.
public struct Fact<Value: Sendable>: Sendable {
    public var value: Value
    public var source: FactSource
    public init(_ value: Value, _ source: FactSource) {
        self.value = value
        self.source = source
    }
}

extension Fact: Equatable where Value: Equatable {}
