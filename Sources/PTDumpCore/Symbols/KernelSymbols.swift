/// A kernel's symbol table as the dumped kernel used it: run-time addresses (KASLR applied),
/// sorted by address (ties keep the source's order), each with its `nm` type letter when the
/// source gives one.
///
/// Stored flat, as a decoded kallsyms table is produced: one array of addresses, one of type
/// letters, every name's bytes back to back in one buffer with their start offsets. A `Symbol`
/// (and its `String`) is made only when asked for, so a table of 90 000 symbols costs four
/// allocations, and lookups by name compare bytes.
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

    /// Run-time addresses, non-decreasing.
    let addressList: [UInt64]
    /// The ASCII type letter of each symbol.
    let typeList: [UInt8]
    /// Every name's UTF-8 bytes, back to back.
    let nameBytes: [UInt8]
    /// `count + 1` offsets into `nameBytes`: symbol `i`'s name is `nameStarts[i]..<nameStarts[i + 1]`.
    let nameStarts: [UInt32]
    /// Where they came from (`--info`).
    public let source: FactSource

    /// The flat arrays as a decoder produced them (addresses already sorted; not checked again).
    init(addresses: [UInt64], types: [UInt8], nameBytes: [UInt8], nameStarts: [UInt32], source: FactSource) {
        addressList = addresses
        typeList = types
        self.nameBytes = nameBytes
        self.nameStarts = nameStarts
        self.source = source
    }

    /// `symbols` sorted by address, ties kept in the given order.
    public init(symbols: [Symbol], source: FactSource) {
        var sorted = true
        for i in symbols.indices.dropFirst() where symbols[i - 1].address > symbols[i].address { sorted = false; break }
        let order: [Int] = sorted ? Array(symbols.indices)
            : symbols.indices.sorted { (symbols[$0].address, $0) < (symbols[$1].address, $1) }
        var addresses: [UInt64] = [], types: [UInt8] = [], bytes: [UInt8] = [], starts: [UInt32] = [0]
        addresses.reserveCapacity(symbols.count)
        types.reserveCapacity(symbols.count)
        starts.reserveCapacity(symbols.count + 1)
        for i in order {
            let s = symbols[i]
            addresses.append(s.address)
            types.append(s.type.asciiValue ?? UInt8(ascii: "?"))
            bytes += s.name.utf8
            starts.append(UInt32(truncatingIfNeeded: bytes.count))
        }
        self.init(addresses: addresses, types: types, nameBytes: bytes, nameStarts: starts, source: source)
    }

    public var count: Int { addressList.count }

    /// Every symbol, by address, each made when read.
    public var symbols: SymbolList { SymbolList(table: self) }

    /// The address of symbol `i`.
    public func address(at i: Int) -> UInt64 { addressList[i] }

    /// The type letter of symbol `i`.
    public func type(at i: Int) -> Character { Character(Unicode.Scalar(typeList[i])) }

    /// The name of symbol `i`.
    public func name(at i: Int) -> String {
        nameBytes.withUnsafeBufferPointer { b in
            String(decoding: UnsafeBufferPointer(rebasing: b[Int(nameStarts[i])..<Int(nameStarts[i + 1])]), as: UTF8.self)
        }
    }

    /// Whether symbol `i` is absolute (`a`/`A`: per-CPU offsets and the like, not code or data).
    func isAbsolute(_ i: Int) -> Bool { typeList[i] == UInt8(ascii: "a") || typeList[i] == UInt8(ascii: "A") }

    /// The index of the first symbol called `name`.
    public func firstIndex(of name: String) -> Int? {
        let wanted = Array(name.utf8)
        return nameBytes.withUnsafeBufferPointer { b in
            nameStarts.withUnsafeBufferPointer { s in
                wanted.withUnsafeBufferPointer { w in
                    for i in 0..<count {
                        let start = Int(s[i]), end = Int(s[i + 1])
                        guard end - start == w.count else { continue }
                        var same = true
                        for k in 0..<w.count where b[start + k] != w[k] { same = false; break }
                        if same { return i }
                    }
                    return nil
                }
            }
        }
    }

    /// The address of the first symbol called `name`.
    public func address(of name: String) -> UInt64? { firstIndex(of: name).map { addressList[$0] } }

    /// The addresses of those of `names` the table has (first occurrence), in one pass that
    /// compares bytes only where the lengths agree.
    public func addresses(of names: Set<String>) -> [String: UInt64] {
        var byLength: [Int: [(bytes: [UInt8], name: String)]] = [:]
        for n in names { byLength[n.utf8.count, default: []].append((Array(n.utf8), n)) }
        var out: [String: UInt64] = [:]
        nameBytes.withUnsafeBufferPointer { b in
            nameStarts.withUnsafeBufferPointer { s in
                for i in 0..<count where out.count < names.count {
                    let start = Int(s[i]), length = Int(s[i + 1]) - start
                    guard let candidates = byLength[length] else { continue }
                    for c in candidates where out[c.name] == nil {
                        var same = true
                        for k in 0..<length where b[start + k] != c.bytes[k] { same = false; break }
                        if same { out[c.name] = addressList[i] }
                    }
                }
            }
        }
        return out
    }

    /// Whether the table has a symbol called `name`.
    public func contains(_ name: String) -> Bool { firstIndex(of: name) != nil }

    /// Index one past the last symbol at or below `address`.
    func upperBound(_ address: UInt64) -> Int {
        var lo = 0, hi = count
        while lo < hi { let m = (lo + hi) / 2; if addressList[m] <= address { lo = m + 1 } else { hi = m } }
        return lo
    }

    /// Index of the last symbol at or below `address` that names code or data (absolute
    /// symbols such as per-CPU offsets are skipped), or nil.
    func index(atOrBelow address: UInt64) -> Int? {
        var i = upperBound(address) - 1
        while i >= 0, isAbsolute(i) { i -= 1 }
        return i >= 0 ? i : nil
    }

    /// `name+0xoff` for the closest symbol at or below `va`, within 16 MiB; the first name
    /// the table gives an address wins.
    public func describe(_ va: VirtualAddress) -> String? {
        guard var i = index(atOrBelow: va.rawValue) else { return nil }
        let a = addressList[i]
        guard va.rawValue - a < 1 << 24 else { return nil }
        while i > 0, addressList[i - 1] == a, !isAbsolute(i - 1) { i -= 1 }
        return "\(name(at: i))+\(hex(va.rawValue - a))"
    }

    /// The names of the symbols a range `[start, end)` covers: the one containing `start`, then
    /// the last that starts inside it (`_stext+0x0`, `__entry_text_start`): one or two names.
    public func covering(start: UInt64, end: UInt64) -> [String] {
        var names: [String] = []
        if let first = describe(VirtualAddress(start)) { names.append(first) }
        var i = upperBound(start)
        var last: Int?
        while i < count, end == 0 || addressList[i] < end {
            if !isAbsolute(i) { last = i }
            i += 1
        }
        if let last, case let n = name(at: last), n != names.last { names.append(n) }
        return names
    }

    /// The symbols of a table in address order, each made (with its `String`) when read.
    public struct SymbolList: RandomAccessCollection, Sendable, Equatable {
        let table: KernelSymbols
        public var startIndex: Int { 0 }
        public var endIndex: Int { table.count }
        public subscript(i: Int) -> Symbol { Symbol(address: table.addressList[i], type: table.type(at: i), name: table.name(at: i)) }

        public static func == (a: SymbolList, b: SymbolList) -> Bool {
            a.table.addressList == b.table.addressList && a.table.typeList == b.table.typeList
                && a.table.nameBytes == b.table.nameBytes && a.table.nameStarts == b.table.nameStarts
        }
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
