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
        return try readNames(memory, at: location.names, upTo: location.tokenTable, addresses: addresses, tokens: tokens, source: source)
    }

    /// The 256 tokens expanded once into one byte buffer: token `t` is
    /// `bytes[start[t] ..< start[t] + length[t]]`. Each is checked to end inside the bytes read.
    struct TokenTable {
        var bytes: [UInt8] = []
        var start = [Int](repeating: 0, count: 256)
        var length = [Int](repeating: 0, count: 256)
    }

    /// The 256 tokens, each checked to end inside the bytes read.
    static func readTokens(_ memory: some KernelVirtualMemory, _ l: KallsymsLocation) throws(KallsymsError) -> TokenTable {
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
        var tokens = TokenTable()
        for (i, start) in index.enumerated() {
            guard start < bytes.count else { throw .badTokens("token \(i) starts at offset \(start), past the \(bytes.count) bytes of the table") }
            guard let end = bytes[start...].firstIndex(of: 0) else { throw .badTokens("token \(i) at offset \(start) runs past the table") }
            tokens.start[i] = tokens.bytes.count
            tokens.length[i] = end - start
            tokens.bytes += bytes[start..<end]
        }
        // Slack for the decoder's 8-byte copies.
        tokens.bytes += [UInt8](repeating: 0, count: 8)
        return tokens
    }

    /// The names, one per address: each a length (ULEB128, one or two bytes) and that many
    /// token indexes; the first expanded byte is the symbol's type letter. The names are read
    /// in one piece when the token table follows them (as `scripts/kallsyms` lays them out),
    /// else as the decode goes.
    ///
    /// Two passes over the compressed bytes: the first checks every name and adds up the
    /// expanded lengths (reading more of the dump as it needs), the second copies the tokens'
    /// bytes into one buffer of exactly that size. No allocation per symbol.
    static func readNames(_ memory: some KernelVirtualMemory, at start: VirtualAddress, upTo next: VirtualAddress?,
                          addresses: [UInt64], tokens: TokenTable, source: FactSource) throws(KallsymsError) -> KernelSymbols {
        let count = addresses.count
        var reader = ProgressiveReader(memory: memory, start: start)
        if let next, next > start, next - start <= UInt64(reader.limit), let all = memory.read(start, length: Int(next - start)) {
            reader.buffer = all
        }
        // Pass 1: lengths and checks.
        var total = 0
        var offset = 0
        var checked = 0
        var failure: KallsymsError?
        while checked < count {
            var needed = 0
            reader.buffer.withUnsafeBufferPointer { names in
                tokens.length.withUnsafeBufferPointer { tl in
                    tokens.start.withUnsafeBufferPointer { ts in
                        tokens.bytes.withUnsafeBufferPointer { tb in
                            while checked < count {
                                guard offset < names.count else { needed = offset + 1; return }
                                var len = Int(names[offset]), head = 1
                                if len & 0x80 != 0 {
                                    guard offset + 1 < names.count else { needed = offset + 2; return }
                                    len = (len & 0x7f) | Int(names[offset + 1]) << 7
                                    head = 2
                                }
                                guard len > 0 else { failure = .badName(symbol: checked, why: "its length is 0"); return }
                                guard offset + head + len <= names.count else { needed = offset + head + len; return }
                                var n = 0
                                for k in offset + head..<offset + head + len { n += tl[Int(names[k])] }
                                if n > maxNameBytes { failure = .badName(symbol: checked, why: "it expands past \(maxNameBytes) bytes"); return }
                                // The type letter: the first byte of the first non-empty token.
                                var letter: UInt8 = 0
                                for k in offset + head..<offset + head + len where tl[Int(names[k])] > 0 {
                                    letter = tb[ts[Int(names[k])]]
                                    break
                                }
                                guard n >= 2, letter >= 0x21, letter < 0x7f else {
                                    failure = .badName(symbol: checked, why: n == 0 ? "it expands to nothing" : "it has no type letter")
                                    return
                                }
                                total += n - 1
                                offset += head + len
                                checked += 1
                            }
                        }
                    }
                }
            }
            if let failure { throw failure }
            if checked < count {
                guard reader.ensure(needed) else { throw .namesPastEnd(symbol: checked, offset: needed) }
            }
        }
        // Pass 2: expand into one buffer (every bound was checked above).
        var types = [UInt8](repeating: 0, count: count)
        var starts = [UInt32](repeating: 0, count: count + 1)
        let bytes = [UInt8](unsafeUninitializedCapacity: total + 8) { out, initialized in
            reader.buffer.withUnsafeBufferPointer { names in
                tokens.length.withUnsafeBufferPointer { tl in
                    tokens.start.withUnsafeBufferPointer { ts in
                        tokens.bytes.withUnsafeBufferPointer { tb in
                            types.withUnsafeMutableBufferPointer { ty in
                                starts.withUnsafeMutableBufferPointer { st in
                                    guard let dst = out.baseAddress, let src = tb.baseAddress else { return }
                                    var at = 0, o = 0
                                    for i in 0..<count {
                                        var len = Int(names[o]), head = 1
                                        if len & 0x80 != 0 { len = (len & 0x7f) | Int(names[o + 1]) << 7; head = 2 }
                                        var first = true
                                        for k in o + head..<o + head + len {
                                            let t = Int(names[k])
                                            var s = ts[t], l = tl[t]
                                            if first, l > 0 {
                                                ty[i] = src[s]
                                                s += 1
                                                l -= 1
                                                first = false
                                            }
                                            // Tokens are a few bytes: copy 8 at a time (both
                                            // buffers have 8 bytes of slack), no call per token.
                                            var j = 0
                                            repeat {
                                                let w = UnsafeRawPointer(src + s + j).loadUnaligned(as: UInt64.self)
                                                UnsafeMutableRawPointer(dst + at + j).storeBytes(of: w, as: UInt64.self)
                                                j += 8
                                            } while j < l
                                            at += l
                                        }
                                        st[i + 1] = UInt32(truncatingIfNeeded: at)
                                        o += head + len
                                    }
                                    initialized = at
                                }
                            }
                        }
                    }
                }
            }
        }
        return KernelSymbols(addresses: addresses, types: types, nameBytes: bytes, nameStarts: starts, source: source)
    }

    /// `count` run-time addresses, non-decreasing as `scripts/kallsyms` sorts them: the table
    /// read in one piece, each value loaded in place.
    static func readAddresses(_ memory: some KernelVirtualMemory, location l: KallsymsLocation, count: Int,
                              offsetMode: OffsetMode?) throws(KallsymsError) -> [UInt64] {
        let big = memory.byteOrder == .big
        var out: [UInt64]
        switch l.addresses {
        case .absolute(let at):
            guard let raw = memory.read(at, length: count * 8) else { throw .unreadable("kallsyms_addresses", at) }
            out = raw.withUnsafeBytes { b in
                [UInt64](unsafeUninitializedCapacity: count) { o, n in
                    for i in 0..<count {
                        let v = b.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                        o[i] = big ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
                    }
                    n = count
                }
            }
        case .relative(let at, let baseVA):
            guard let raw = memory.read(at, length: count * 4) else { throw .unreadable("kallsyms_offsets", at) }
            guard let base = memory.unsigned(baseVA, size: 8) else { throw .unreadable("kallsyms_relative_base", baseVA) }
            out = raw.withUnsafeBytes { b in
                func word(_ i: Int) -> UInt32 {
                    let v = b.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
                    return big ? UInt32(bigEndian: v) : UInt32(littleEndian: v)
                }
                var mode = offsetMode ?? .relative
                if offsetMode == nil {
                    for i in 0..<count where word(i) & 0x8000_0000 != 0 { mode = .absolutePerCPU; break }
                }
                return [UInt64](unsafeUninitializedCapacity: count) { o, n in
                    for i in 0..<count {
                        let w = word(i)
                        switch mode {
                        case .relative: o[i] = base &+ UInt64(w)
                        case .absolutePerCPU:
                            let s = Int32(bitPattern: w)
                            o[i] = s >= 0 ? UInt64(s) : base &- 1 &- UInt64(bitPattern: Int64(s))
                        }
                    }
                    n = count
                }
            }
        }
        for i in 1..<max(out.count, 1) where out[i] < out[i - 1] {
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
