/// Finds the kallsyms tables in a kernel image without VMCOREINFO's help (kernels before 6.0,
/// dumps without the note), by their shape in the layout `scripts/kallsyms` writes, each array
/// 8-aligned: `offsets` (or `addresses`), `relative_base`, `num_syms`, `names`, `markers`,
/// `token_table`, `token_index`. The token index is recognisable: 256 ascending 16-bit
/// offsets starting at 0, each the start of a NUL-terminated token right after the previous
/// one. The rest is found backwards from the token table. Bounded by the window searched.
public enum KallsymsSearch {
    /// Where to search: from the kernel's `_stext` (VMCOREINFO) over 64 MiB.
    public static func window(image: Image, platform: Platform) -> WalkRange? {
        guard let stext = image.vmcoreinfo?.symbol("_stext") else { return nil }
        return WalkRange(first: VirtualAddress(stext), last: VirtualAddress(stext &+ (64 << 20) &- 1))
    }

    /// The tables' location, or why they were not found.
    public static func find(_ memory: some KernelVirtualMemory, in window: WalkRange) -> Result<KallsymsLocation, SearchFailure> {
        let order = memory.byteOrder
        let chunk: UInt64 = 1 << 20
        var at = window.first.rawValue & ~7
        var indexCandidates = 0
        // Scans `bytes` (read at `va`) for token indexes at 8-aligned offsets below `limit`.
        func scan(_ bytes: [UInt8], at va: UInt64, limit: Int) -> KallsymsLocation? {
            var i = 0
            while i + 512 <= bytes.count && i < limit {
                if bytes[i] == 0 && bytes[i + 1] == 0, let index = tokenIndex(bytes, i, order) {
                    indexCandidates += 1
                    if let loc = locate(memory, tokenIndexVA: VirtualAddress(va &+ UInt64(i)), index: index) { return loc }
                }
                i += 8
            }
            return nil
        }
        while at <= window.last.rawValue {
            let n = min(chunk, window.last.rawValue &- at &+ 1)
            guard n >= 8 else { break }
            // 512 bytes of overlap so an index crossing the chunk's end is seen whole.
            if let bytes = memory.read(VirtualAddress(at), length: Int(n) + 512) {
                if let loc = scan(bytes, at: at, limit: Int(n)) { return .success(loc) }
            } else {
                // Part of the chunk is unmapped or not in the dump: page by page; a wholly
                // unmapped MiB after the start ends the search (the kernel image is one piece).
                var page = at
                var any = false
                while page < at &+ n {
                    if let bytes = memory.read(VirtualAddress(page), length: 4096 + 512) ?? memory.read(VirtualAddress(page), length: 4096) {
                        any = true
                        if let loc = scan(bytes, at: page, limit: 4096) { return .success(loc) }
                    }
                    page &+= 4096
                }
                if !any && at > window.first.rawValue && !memory.anyMapped(at, length: n) { break }
            }
            at &+= n
            if at == 0 { break }
        }
        return .failure(SearchFailure(window: window, candidates: indexCandidates))
    }

    /// Why the search failed.
    public struct SearchFailure: Error, CustomStringConvertible, Sendable {
        public var window: WalkRange
        public var candidates: Int
        public var description: String {
            "no kallsyms tables in \(hex16(window.first))-\(hex16(window.last))"
                + (candidates > 0 ? " (\(candidates) token-index look-alikes did not lead to a table)" : "")
        }
    }

    /// 256 ascending offsets starting at 0, none of them more than 64 bytes past the previous.
    static func tokenIndex(_ b: [UInt8], _ i: Int, _ order: ByteOrder) -> [Int]? {
        // Checked first without allocating: most positions fail at the first entry.
        var prev = 0
        for k in 1..<256 {
            let v = Int(KernelMemoryDecode.u16(b, i + 2 * k, order))
            guard v > prev + 1, v <= prev + 64 else { return nil }
            prev = v
        }
        return (0..<256).map { Int(KernelMemoryDecode.u16(b, i + 2 * $0, order)) }
    }

    /// The whole location, given a token index: the token table right before it, the
    /// markers before that, `num_syms` and the address table before the names.
    static func locate(_ memory: some KernelVirtualMemory, tokenIndexVA: VirtualAddress, index: [Int]) -> KallsymsLocation? {
        let order = memory.byteOrder
        guard let last = index.last else { return nil }
        // The last token's length is unknown: try each 8-aligned table end up to 64 bytes on.
        for pad in stride(from: UInt64((last + 2 + 7) & ~7), through: UInt64((last + 65 + 7) & ~7), by: 8) {
            let table = tokenIndexVA + (0 &- pad)
            guard let bytes = memory.read(table, length: Int(pad)), tokensFit(bytes, index) else { continue }
            // Up to 16 MiB before the token table (names, num_syms, the address table): as much
            // as is readable, in one read or else page by page backwards.
            var back: UInt64 = 16 << 20
            var before = memory.read(table + (0 &- back), length: Int(back))
            if before == nil {
                var pages: [[UInt8]] = []
                var at = table.rawValue & ~4095
                if at < table.rawValue, let head = memory.read(VirtualAddress(at), length: Int(table.rawValue - at)) { pages.append(head) }
                else { at = table.rawValue }
                while pages.count < 4096, at >= 4096, let page = memory.read(VirtualAddress(at - 4096), length: 4096) {
                    pages.append(page)
                    at -= 4096
                }
                before = pages.reversed().flatMap { $0 }
                back = table.rawValue - at
            }
            guard let before, before.count >= 16 else { return nil }
            if let loc = backwards(before, base: table + (0 &- back), tokenTable: table, tokenIndex: tokenIndexVA, order: order) { return loc }
        }
        return nil
    }

    /// Each token starts right after the previous one's NUL.
    static func tokensFit(_ bytes: [UInt8], _ index: [Int]) -> Bool {
        for (k, start) in index.enumerated() {
            guard start < bytes.count else { return false }
            let end = k + 1 < index.count ? index[k + 1] - 1 : (bytes[start...].firstIndex(of: 0) ?? -1)
            guard end > start, end < bytes.count, bytes[end] == 0, !bytes[start..<end].contains(0) else { return false }
        }
        return true
    }

    /// `num_syms` N at an 8-aligned word such that `ceil(N/256)` ascending markers starting
    /// with 0 end at the token table (or at `kallsyms_seqs_of_names`, 3 bytes a symbol, which
    /// 6.2 and the later 6.1 releases put between them), after the names; then the address
    /// table: before `num_syms` (relative when `offsets[0]` is 0 and `relative_base` a kernel
    /// address, else absolute), or after the token index (Linux 6.11 and later).
    static func backwards(_ b: [UInt8], base: VirtualAddress, tokenTable: VirtualAddress, tokenIndex: VirtualAddress,
                          order: ByteOrder) -> KallsymsLocation? {
        let end = b.count
        var q = end - 16
        while q >= 8 {
            defer { q -= 8 }
            let n = Int(KernelMemoryDecode.u32(b, q, order))
            guard n > 0, n <= KallsymsDecoder.maxSymbols else { continue }
            let m = (n + 255) / 256
            let namesStart = q + 8
            for markersEnd in [end, end - ((3 * n + 7) & ~7)] {
                let markersStart = markersEnd - ((4 * m + 7) & ~7)
                guard markersStart > namesStart + n, KernelMemoryDecode.u32(b, markersStart, order) == 0 else { continue }
                var ok = true
                var prev: UInt32 = 0
                for k in 1..<m {
                    let v = KernelMemoryDecode.u32(b, markersStart + 4 * k, order)
                    if v <= prev || Int(v) >= markersStart - namesStart { ok = false; break }
                    prev = v
                }
                guard ok else { continue }
                let numSyms = base + UInt64(q), names = base + UInt64(namesStart)
                func at(_ t: KallsymsLocation.AddressTable) -> KallsymsLocation {
                    KallsymsLocation(numSyms: numSyms, names: names, tokenTable: tokenTable, tokenIndex: tokenIndex, addresses: t)
                }
                let offsetsBytes = UInt64((4 * n + 7) & ~7)
                if q == 0 || KernelMemoryDecode.u64(b, q - 8, order) >> 63 == 0 {
                    // Nothing kernel-like before num_syms: offsets after the token index.
                    let offsets = tokenIndex + 512
                    return at(.relative(offsets: offsets, base: offsets + offsetsBytes))
                }
                let offsetsAt = q - 8 - Int(offsetsBytes)
                if offsetsAt >= 0, KernelMemoryDecode.u32(b, offsetsAt, order) == 0 {
                    return at(.relative(offsets: base + UInt64(offsetsAt), base: base + UInt64(q - 8)))
                }
                if q - 8 * n >= 0 { return at(.absolute(addresses: base + UInt64(q - 8 * n))) }
            }
        }
        return nil
    }
}
