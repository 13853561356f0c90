import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// The configuration a `CONFIG_IKCONFIG=y` kernel carries in its image (`kernel/configs.c`):
/// the gzip'd `.config` between the strings `IKCFG_ST` and `IKCFG_ED` in `.rodata`, its start
/// named `kernel_config_data`. Found through that symbol when the symbols are known, else by a
/// search of the kernel image; bounded, and every byte checked by the inflater.
public enum EmbeddedKernelConfig {
    static let start = Array("IKCFG_ST".utf8)
    static let end = Array("IKCFG_ED".utf8)
    /// Largest compressed config accepted (a distribution kernel's is about 60 KiB).
    static let maxCompressed = 4 << 20
    /// Largest inflated config accepted (a distribution kernel's is about 280 KiB).
    static let maxInflated = 16 << 20

    /// The embedded configuration, or why there is none.
    public static func find(_ memory: some KernelVirtualMemory, symbols: KernelSymbols?, window: WalkRange?) -> Result<KernelConfig, Failure> {
        if let symbols, let data = symbols.address(of: "kernel_config_data") {
            let dataEnd = symbols.address(of: "kernel_config_data_end")
            let size = dataEnd.map { $0 &- data } ?? UInt64(maxCompressed)
            guard size > 0, size <= UInt64(maxCompressed) else { return .failure(.malformed("kernel_config_data is \(size) bytes")) }
            guard let gz = memory.read(VirtualAddress(data), length: Int(size)) ?? ProgressiveReader(memory: memory, start: VirtualAddress(data)).prefix(Int(size)) else {
                return .failure(.unreadable(VirtualAddress(data)))
            }
            let body = dataEnd == nil ? Array(gz[..<(firstIndex(of: end, in: gz) ?? gz.count)]) : gz
            return decode(body, at: VirtualAddress(data), how: "symbol kernel_config_data")
        }
        guard let window else { return .failure(.notFound(nil)) }
        // The search: the start marker anywhere in the window, 1 MiB at a time (page by page
        // where part of a chunk is unmapped or not in the dump).
        var at = window.first.rawValue
        while at <= window.last.rawValue {
            let n = Int(min(1 << 20, window.last.rawValue &- at &+ 1))
            var pieces: [(UInt64, [UInt8])] = []
            if let bytes = memory.read(VirtualAddress(at), length: n + 8) ?? memory.read(VirtualAddress(at), length: n) {
                pieces = [(at, bytes)]
            } else {
                var page = at
                while page < at &+ UInt64(n) {
                    if let b = memory.read(VirtualAddress(page), length: 4096 + 8) ?? memory.read(VirtualAddress(page), length: 4096) { pieces.append((page, b)) }
                    page &+= 4096
                }
            }
            // The kernel image is mapped in one piece: a wholly unmapped MiB after it ends the search.
            if pieces.isEmpty && at > window.first.rawValue && !memory.anyMapped(at, length: UInt64(n)) { break }
            for (va, bytes) in pieces {
                guard let i = firstIndex(of: start, in: bytes) else { continue }
                return config(after: VirtualAddress(va &+ UInt64(i + start.count)), memory)
            }
            at &+= UInt64(n)
            if at == 0 { break }
        }
        return .failure(.notFound(window))
    }

    /// The gzip data from `data` up to the end marker, decoded.
    static func config(after data: VirtualAddress, _ memory: some KernelVirtualMemory) -> Result<KernelConfig, Failure> {
        var reader = ProgressiveReader(memory: memory, start: data)
        var searched = 0
        while true {
            let more = reader.ensure(searched + (64 << 10))
            // From 8 bytes back: the marker may straddle what was searched before.
            if let e = firstIndex(of: end, in: reader.buffer, from: max(0, searched - 8)) {
                return decode(Array(reader.buffer[..<e]), at: data, how: "IKCFG_ST search")
            }
            if !more || reader.buffer.count > maxCompressed { break }
            searched = reader.buffer.count
        }
        return .failure(.malformed("no IKCFG_ED within \(maxCompressed) bytes of IKCFG_ST at \(hex(data))"))
    }

    static func decode(_ gz: [UInt8], at va: VirtualAddress, how: String) -> Result<KernelConfig, Failure> {
        guard let text = inflate(gz) else { return .failure(.malformed("the gzip data at \(hex(va)) does not inflate")) }
        let config = KernelConfig(text: String(decoding: text, as: UTF8.self), origin: .embedded("IKCONFIG at \(hex(va)), \(how)"))
        guard !config.values.isEmpty else { return .failure(.malformed("the data at \(hex(va)) inflates to no CONFIG_ lines")) }
        return .success(config)
    }

    /// Inflates a gzip stream (bounded by `maxInflated`); nil when it is not one.
    public static func inflate(_ gz: [UInt8]) -> [UInt8]? {
        guard !gz.isEmpty else { return nil }
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = gz
        return input.withUnsafeMutableBufferPointer { inp -> [UInt8]? in
            stream.next_in = inp.baseAddress
            stream.avail_in = UInt32(inp.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { c -> Int32 in
                    stream.next_out = c.baseAddress
                    stream.avail_out = UInt32(c.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                out += chunk[..<produced]
                if out.count > maxInflated { return nil }
                if status == Z_STREAM_END { return out }
                if status != Z_OK || (produced == 0 && stream.avail_in == 0) { return nil }
            }
        }
    }

    static func firstIndex(of needle: [UInt8], in hay: [UInt8], from: Int = 0) -> Int? {
        guard from >= 0, hay.count - from >= needle.count, !needle.isEmpty else { return nil }
        return hay.withUnsafeBytes { h in
            needle.withUnsafeBytes { n -> Int? in
                guard let hb = h.baseAddress, let nb = n.baseAddress else { return nil }
                var off = from
                while off + n.count <= h.count, let p = memchr(hb + off, Int32(needle[0]), h.count - off - n.count + 1) {
                    let i = hb.distance(to: UnsafeRawPointer(p))
                    if memcmp(hb + i, nb, n.count) == 0 { return i }
                    off = i + 1
                }
                return nil
            }
        }
    }

    /// Why no embedded configuration was read.
    public enum Failure: Error, CustomStringConvertible, Equatable, Sendable {
        case notFound(WalkRange?)
        case unreadable(VirtualAddress)
        case malformed(String)
        public var description: String {
            switch self {
            case .notFound(let w?): return "no IKCFG_ST in \(hex16(w.first))-\(hex16(w.last)) (no CONFIG_IKCONFIG, or =m)"
            case .notFound(nil): return "no kernel image address to search for IKCFG_ST"
            case .unreadable(let va): return "kernel_config_data at \(hex(va)) cannot be read"
            case .malformed(let why): return why
            }
        }
    }
}
