/// A kernel `System.map`: `address type name` lines.
public struct SystemMap: Sendable {
    /// Link-time addresses by name.
    public let symbols: [String: UInt64]
    /// Every line's (address, name), in file order.
    public let ordered: [(address: UInt64, name: String)]
    /// Every line's type letter (`T`, `d`, `A`, …), in file order.
    public let types: [Character]

    public init(text: String) throws(ImageError) {
        var s: [String: UInt64] = [:]
        var o: [(UInt64, String)] = []
        var t: [Character] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 3, let a = UInt64(f[0], radix: 16) else {
                if line.hasPrefix("#") || line.allSatisfy({ $0 == " " }) { continue }
                throw .other("not a System.map line: \"\(line.prefix(60))\"")
            }
            s[String(f[2])] = a
            o.append((a, String(f[2])))
            t.append(f[1].first ?? "?")
        }
        symbols = s
        ordered = o
        types = t
    }
}
