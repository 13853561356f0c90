/// Decodes a kernel's compressed symbol table (`kallsyms`) from its virtual memory: names
/// expanded through the token table, addresses from the offsets (relative, with or without
/// absolute per-CPU symbols) or the absolute array. Every count, index and length is checked
/// against the bytes read; a table that does not decode is an error, never a made-up symbol.
public enum KallsymsDecoder {
    /// Most symbols a kernel has (a distribution kernel has about 90 000 without modules).
    public static let maxSymbols = 4_000_000
    /// Longest symbol name in bytes, with its type letter (`KSYM_NAME_LEN` is 512).
    static let maxNameBytes = 1024

    /// How 32-bit offsets turn into addresses.
    public enum OffsetMode: Sendable, Equatable {
        /// `relative_base + (u32)offset`.
        case relative
        /// `CONFIG_KALLSYMS_ABSOLUTE_PERCPU` (x86_64 SMP before 6.15): non-negative values are
        /// absolute (per-CPU symbols), negative ones are `relative_base - 1 - offset`.
        case absolutePerCPU
    }

    /// The symbols at `location`. `offsetMode` nil decides from the offsets themselves: a
    /// negative one exists only with absolute per-CPU symbols (a kernel image spans far less
    /// than the 2 GiB a relative offset would need to look negative).
    public static func decode(_ memory: some KernelVirtualMemory, at location: KallsymsLocation,
                              offsetMode: OffsetMode? = nil, source: FactSource) throws(KallsymsError) -> KernelSymbols {
        guard let n64 = memory.unsigned(location.numSyms, size: 4) else { throw .unreadable("kallsyms_num_syms", location.numSyms) }
        guard n64 > 0, n64 <= UInt64(maxSymbols) else { throw .badCount(n64) }
        let count = Int(n64)
        let tokens = try readTokens(memory, location)
        let addresses = try readAddresses(memory, location: location, count: count, offsetMode: offsetMode)
        let symbols = try readNames(memory, at: location.names, upTo: location.tokenTable, addresses: addresses, tokens: tokens)
        return KernelSymbols(symbols: symbols, source: source)
    }

    /// The 256 tokens, each checked to end inside the bytes read.
    static func readTokens(_ memory: some KernelVirtualMemory, _ l: KallsymsLocation) throws(KallsymsError) -> [[UInt8]] {
        guard let raw = memory.read(l.tokenIndex, length: 512) else { throw .unreadable("kallsyms_token_index", l.tokenIndex) }
        var index: [Int] = []
        index.reserveCapacity(256)
        for i in 0..<256 { index.append(Int(KernelMemoryDecode.u16(raw, i * 2, memory.byteOrder))) }
        guard let top = index.max() else { throw .badTokens("empty token index") }
        // Tokens are short: the last one ends within a few hundred bytes of its start.
        let span = top + 1024
        var table: [UInt8]? = memory.read(l.tokenTable, length: span)
        if table == nil {
            // The table may end near the last mapped page: read what is there, page by page.
            table = ProgressiveReader(memory: memory, start: l.tokenTable).prefix(span)
        }
        guard let bytes = table, !bytes.isEmpty else { throw .unreadable("kallsyms_token_table", l.tokenTable) }
        var tokens: [[UInt8]] = []
        tokens.reserveCapacity(256)
        for (i, start) in index.enumerated() {
            guard start < bytes.count else { throw .badTokens("token \(i) starts at offset \(start), past the \(bytes.count) bytes of the table") }
            guard let end = bytes[start...].firstIndex(of: 0) else { throw .badTokens("token \(i) at offset \(start) runs past the table") }
            tokens.append(Array(bytes[start..<end]))
        }
        return tokens
    }

    /// The names, one per address: each a length (ULEB128, one or two bytes) and that many
    /// token indexes; the first expanded byte is the symbol's type letter. The names are read
    /// in one piece when the token table follows them (as `scripts/kallsyms` lays them out),
    /// else as the decode goes; each is expanded into one scratch buffer.
    static func readNames(_ memory: some KernelVirtualMemory, at start: VirtualAddress, upTo next: VirtualAddress?,
                          addresses: [UInt64], tokens: [[UInt8]]) throws(KallsymsError) -> [KernelSymbols.Symbol] {
        var tokenBytes: [UInt8] = []
        var tokenStart = [Int](repeating: 0, count: 256), tokenLength = [Int](repeating: 0, count: 256)
        for (i, t) in tokens.enumerated() { tokenStart[i] = tokenBytes.count; tokenLength[i] = t.count; tokenBytes += t }
        var reader = ProgressiveReader(memory: memory, start: start)
        if let next, next > start, next - start <= UInt64(reader.limit), let all = memory.read(start, length: Int(next - start)) {
            reader.buffer = all
        }
        var out: [KernelSymbols.Symbol] = []
        out.reserveCapacity(addresses.count)
        var offset = 0
        var scratch = [UInt8](repeating: 0, count: maxNameBytes + (tokenLength.max() ?? 0))
        var failure: KallsymsError?
        while out.count < addresses.count {
            // Decode every symbol the bytes read so far hold; then read more.
            var needed = 0
            reader.buffer.withUnsafeBufferPointer { names in
                tokenBytes.withUnsafeBufferPointer { tb in
                    scratch.withUnsafeMutableBufferPointer { sc in
                        while out.count < addresses.count {
                            let i = out.count
                            guard offset < names.count else { needed = offset + 1; return }
                            var len = Int(names[offset]), head = 1
                            if len & 0x80 != 0 {
                                guard offset + 1 < names.count else { needed = offset + 2; return }
                                len = (len & 0x7f) | Int(names[offset + 1]) << 7
                                head = 2
                            }
                            guard len > 0 else { failure = .badName(symbol: i, why: "its length is 0"); return }
                            guard offset + head + len <= names.count else { needed = offset + head + len; return }
                            var n = 0
                            for k in offset + head..<offset + head + len {
                                let t = Int(names[k])
                                let l = tokenLength[t]
                                if n + l > maxNameBytes { failure = .badName(symbol: i, why: "it expands past \(maxNameBytes) bytes"); return }
                                let s = tokenStart[t]
                                for j in 0..<l { sc[n + j] = tb[s + j] }
                                n += l
                            }
                            guard n >= 2, sc[0] >= 0x21, sc[0] < 0x7f else {
                                failure = .badName(symbol: i, why: n == 0 ? "it expands to nothing" : "it has no type letter")
                                return
                            }
                            offset += head + len
                            let name = String(decoding: UnsafeBufferPointer(rebasing: sc[1..<n]), as: UTF8.self)
                            out.append(KernelSymbols.Symbol(address: addresses[i], type: Character(Unicode.Scalar(sc[0])), name: name))
                        }
                    }
                }
            }
            if let failure { throw failure }
            if out.count < addresses.count {
                guard reader.ensure(needed) else { throw .namesPastEnd(symbol: out.count, offset: needed) }
            }
        }
        return out
    }

    /// `count` run-time addresses, non-decreasing as `scripts/kallsyms` sorts them.
    static func readAddresses(_ memory: some KernelVirtualMemory, location l: KallsymsLocation, count: Int,
                              offsetMode: OffsetMode?) throws(KallsymsError) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(count)
        let order = memory.byteOrder
        switch l.addresses {
        case .absolute(let at):
            guard let raw = memory.read(at, length: count * 8) else { throw .unreadable("kallsyms_addresses", at) }
            for i in 0..<count { out.append(KernelMemoryDecode.u64(raw, i * 8, order)) }
        case .relative(let at, let baseVA):
            guard let raw = memory.read(at, length: count * 4) else { throw .unreadable("kallsyms_offsets", at) }
            guard let base = memory.unsigned(baseVA, size: 8) else { throw .unreadable("kallsyms_relative_base", baseVA) }
            var offsets: [Int32] = []
            offsets.reserveCapacity(count)
            for i in 0..<count { offsets.append(Int32(bitPattern: KernelMemoryDecode.u32(raw, i * 4, order))) }
            let mode = offsetMode ?? (offsets.contains { $0 < 0 } ? .absolutePerCPU : .relative)
            for o in offsets {
                switch mode {
                case .relative: out.append(base &+ UInt64(UInt32(bitPattern: o)))
                case .absolutePerCPU: out.append(o >= 0 ? UInt64(o) : base &- 1 &- UInt64(bitPattern: Int64(o)))
                }
            }
        }
        for i in out.indices.dropFirst() where out[i] < out[i - 1] {
            throw .unsorted(symbol: i, address: out[i], previous: out[i - 1])
        }
        return out
    }
}

/// Integers out of bytes read from kernel memory.
enum KernelMemoryDecode {
    @inline(__always) static func u16(_ b: [UInt8], _ i: Int, _ o: ByteOrder) -> UInt16 {
        o == .little ? UInt16(b[i]) | UInt16(b[i + 1]) << 8 : UInt16(b[i]) << 8 | UInt16(b[i + 1])
    }
    @inline(__always) static func u32(_ b: [UInt8], _ i: Int, _ o: ByteOrder) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(b[i + k]) << UInt32(o == .little ? 8 * k : 8 * (3 - k)) }
        return v
    }
    @inline(__always) static func u64(_ b: [UInt8], _ i: Int, _ o: ByteOrder) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(b[i + k]) << UInt64(o == .little ? 8 * k : 8 * (7 - k)) }
        return v
    }
}

/// Bytes of kernel memory from `start`, read in growing chunks as a decoder asks for them;
/// near the end of what is mapped it falls back to single pages. Bounded by `limit`.
struct ProgressiveReader<M: KernelVirtualMemory> {
    let memory: M
    let start: VirtualAddress
    var buffer: [UInt8] = []
    var exhausted = false
    let limit = 64 << 20

    init(memory: M, start: VirtualAddress) {
        self.memory = memory
        self.start = start
    }

    /// Whether the first `n` bytes are read (reading more if needed).
    mutating func ensure(_ n: Int) -> Bool {
        while buffer.count < n {
            guard !exhausted, buffer.count < limit else { return false }
            let chunk = max(64 << 10, min(buffer.count, 4 << 20))
            if let more = memory.read(start + UInt64(buffer.count), length: chunk) {
                buffer += more
                continue
            }
            // Page by page up to the first unreadable one.
            let page = 4096 - Int((start.rawValue &+ UInt64(buffer.count)) & 4095)
            if let more = memory.read(start + UInt64(buffer.count), length: page) { buffer += more } else { exhausted = true }
        }
        return true
    }

    mutating func byte(at i: Int) -> UInt8? { ensure(i + 1) ? buffer[i] : nil }

    /// Up to `n` bytes from the start, as many as can be read.
    func prefix(_ n: Int) -> [UInt8]? {
        var copy = self
        _ = copy.ensure(n)
        return copy.buffer.isEmpty ? nil : Array(copy.buffer.prefix(n))
    }
}
