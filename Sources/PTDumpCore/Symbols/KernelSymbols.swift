/// A kernel's symbol table as the dumped kernel used it: run-time addresses (KASLR applied),
/// sorted by address (ties keep the source's order), each with its `nm` type letter when the
/// source gives one.
public struct KernelSymbols: Sendable {
    /// One symbol.
    public struct Symbol: Sendable, Equatable {
        public var address: UInt64
        /// The `nm` type letter (`T`, `t`, `D`, …), or `?` when unknown.
        public var type: Character
        public var name: String
        public init(address: UInt64, type: Character, name: String) {
            self.address = address
            self.type = type
            self.name = name
        }
    }

    /// Every symbol, by address.
    public let symbols: [Symbol]
    /// Where they came from (`--info`).
    public let source: FactSource

    public init(symbols: [Symbol], source: FactSource) {
        var sorted = true
        for i in symbols.indices.dropFirst() where symbols[i - 1].address > symbols[i].address { sorted = false; break }
        self.symbols = sorted ? symbols
            : symbols.enumerated().sorted { ($0.element.address, $0.offset) < ($1.element.address, $1.offset) }.map { $0.element }
        self.source = source
    }

    public var count: Int { symbols.count }

    /// The address of the first symbol called `name`.
    public func address(of name: String) -> UInt64? { symbols.first { $0.name == name }?.address }

    /// The addresses of those of `names` the table has (first occurrence), in one pass.
    public func addresses(of names: Set<String>) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for s in symbols where names.contains(s.name) && out[s.name] == nil { out[s.name] = s.address }
        return out
    }

    /// Whether the table has a symbol called `name`.
    public func contains(_ name: String) -> Bool { symbols.contains { $0.name == name } }

    /// Index of the last symbol at or below `address` that names code or data (absolute
    /// symbols such as per-CPU offsets are skipped), or nil.
    func index(atOrBelow address: UInt64) -> Int? {
        var lo = 0, hi = symbols.count
        while lo < hi { let m = (lo + hi) / 2; if symbols[m].address <= address { lo = m + 1 } else { hi = m } }
        var i = lo - 1
        while i >= 0, symbols[i].type == "a" || symbols[i].type == "A" { i -= 1 }
        return i >= 0 ? i : nil
    }

    /// `name+0xoff` for the closest symbol at or below `va`, within 16 MiB; the first name
    /// the table gives an address wins.
    public func describe(_ va: VirtualAddress) -> String? {
        guard var i = index(atOrBelow: va.rawValue) else { return nil }
        let a = symbols[i].address
        guard va.rawValue - a < 1 << 24 else { return nil }
        while i > 0, symbols[i - 1].address == a, symbols[i - 1].type != "a", symbols[i - 1].type != "A" { i -= 1 }
        return "\(symbols[i].name)+\(hex(va.rawValue - a))"
    }

    /// The names of the symbols a range `[start, end)` covers: the one containing `start`, then
    /// the last that starts inside it (`_stext+0x0`, `__entry_text_start`): one or two names.
    public func covering(start: UInt64, end: UInt64) -> [String] {
        var names: [String] = []
        if let first = describe(VirtualAddress(start)) { names.append(first) }
        var lo = 0, hi = symbols.count
        while lo < hi { let m = (lo + hi) / 2; if symbols[m].address <= start { lo = m + 1 } else { hi = m } }
        var last: String?
        var i = lo
        while i < symbols.count, end == 0 || symbols[i].address < end {
            if symbols[i].type != "a" && symbols[i].type != "A" { last = symbols[i].name }
            i += 1
        }
        if let last, last != names.last { names.append(last) }
        return names
    }
}

extension KernelSymbols {
    /// A System.map's symbols moved by KASLR's `kernelOffset`.
    public init(map: SystemMap, kernelOffset: UInt64, source: FactSource) {
        let types = map.types
        self.init(symbols: map.ordered.enumerated().map {
            Symbol(address: $0.element.address &+ kernelOffset, type: $0.offset < types.count ? types[$0.offset] : "?", name: $0.element.name)
        }, source: source)
    }
}
