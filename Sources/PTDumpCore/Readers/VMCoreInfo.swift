/// The kernel's VMCOREINFO note: `KEY=VALUE` lines.
public struct VMCoreInfo: Sendable, Equatable {
    /// The note text as found (trailing NULs removed).
    public let text: String
    /// Keys in order of appearance with their raw values.
    public let entries: [(key: String, value: String)]

    public static func == (a: VMCoreInfo, b: VMCoreInfo) -> Bool { a.text == b.text }

    /// Parses the note text; a non-empty line without `=`, or a SYMBOL/NUMBER/KERNELOFFSET
    /// value that is no number, is an error.
    public init(text raw: String) throws(ImageError) {
        let text = String(raw.prefix { $0 != "\0" })
        var entries: [(String, String)] = []
        for sub in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = String(sub)
            guard let eq = line.firstIndex(of: "=") else { throw .malformedVMCoreInfo("line without '=': \"\(line.prefix(60))\"") }
            let key = String(line[..<eq]), value = String(line[line.index(after: eq)...])
            if key.hasPrefix("SYMBOL(") || key == "KERNELOFFSET" {
                guard Self.parseHex(value) != nil else { throw .malformedVMCoreInfo("\(key)=\(value.prefix(40)) is not a hex address") }
            } else if key.hasPrefix("NUMBER(") {
                guard Self.parseNumber(value) != nil else { throw .malformedVMCoreInfo("\(key)=\(value.prefix(40)) is not a number") }
            }
            entries.append((key, value))
        }
        self.text = text
        self.entries = entries
    }

    /// The raw value of `key`.
    public func value(_ key: String) -> String? { entries.first { $0.key == key }?.value }

    /// `SYMBOL(name)` (hex without 0x).
    public func symbol(_ name: String) -> UInt64? { value("SYMBOL(\(name))").flatMap(Self.parseHex) }

    /// `NUMBER(name)`: decimal (possibly negative), or hex with `0x`, as the kernel prints it.
    public func number(_ name: String) -> Int64? { value("NUMBER(\(name))").flatMap(Self.parseNumber) }

    /// `KERNELOFFSET` (hex without 0x).
    public var kernelOffset: UInt64? { value("KERNELOFFSET").flatMap(Self.parseHex) }

    /// `PAGESIZE` (decimal).
    public var pageSize: Int? { value("PAGESIZE").flatMap { Int($0) } }

    static func parseHex(_ s: String) -> UInt64? {
        var t = Substring(s)
        if t.hasPrefix("0x") || t.hasPrefix("0X") { t = t.dropFirst(2) }
        return UInt64(t, radix: 16)
    }

    static func parseNumber(_ s: String) -> Int64? {
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return UInt64(s.dropFirst(2), radix: 16).map { Int64(bitPattern: $0) } }
        if s.hasPrefix("-0x") { return UInt64(s.dropFirst(3), radix: 16).flatMap { Int64(exactly: $0) }.map { -$0 } }
        if let v = Int64(s) { return v }
        return UInt64(s).map { Int64(bitPattern: $0) }
    }
}
