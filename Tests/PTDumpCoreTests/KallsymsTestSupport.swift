@testable import PTDumpCore

/// Kernel virtual memory as one flat buffer at `base`: what a decoder sees, without tables.
struct FlatKernelMemory: KernelVirtualMemory {
    var base: UInt64
    var bytes: [UInt8]
    var byteOrder: ByteOrder = .little

    func read(_ va: VirtualAddress, length: Int) -> [UInt8]? {
        guard va.rawValue >= base, length >= 0 else { return nil }
        let off = va.rawValue - base
        guard off <= UInt64(bytes.count), UInt64(length) <= UInt64(bytes.count) - off else { return nil }
        return Array(bytes[Int(off)..<Int(off) + length])
    }
}

/// Writes kallsyms tables the way `scripts/kallsyms` lays them out (every array 8-aligned):
/// the address table, `relative_base`, `num_syms`, `names`, `markers`, optionally
/// `seqs_of_names`, `token_table`, `token_index`. Token 0 is `__`, token `b` (1…255) the byte
/// `b`, so names compress a little and expand back exactly.
struct KallsymsWriter {
    enum Mode { case relative, absolutePerCPU, absolute }
    var mode: Mode = .relative
    var byteOrder: ByteOrder = .little
    var seqsOfNames = true
    /// Where the tables start.
    var base: UInt64 = 0xffff_ffff_8160_0000

    struct Output {
        var memory: FlatKernelMemory
        var location: KallsymsLocation
    }

    func int(_ v: UInt64, _ size: Int) -> [UInt8] {
        let le = (0..<size).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
        return byteOrder == .little ? le : le.reversed()
    }

    static func encode(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        var b = Array(name.utf8)[...]
        while let c = b.first {
            if c == UInt8(ascii: "_"), b.dropFirst().first == UInt8(ascii: "_") { out.append(0); b = b.dropFirst(2) } else { out.append(c); b = b.dropFirst() }
        }
        return out
    }

    /// `symbols` (sorted by address; per-CPU ones, for `.absolutePerCPU`, are those below 2^31).
    func write(_ symbols: [(address: UInt64, type: Character, name: String)]) -> Output {
        var b: [UInt8] = []
        func align() { while b.count % 8 != 0 { b.append(0) } }
        func va(_ off: Int) -> VirtualAddress { VirtualAddress(base + UInt64(off)) }
        let n = symbols.count
        let relBase = symbols.filter { mode != .absolutePerCPU || $0.address >= 1 << 31 }.map(\.address).min() ?? 0
        let table: KallsymsLocation.AddressTable
        switch mode {
        case .absolute:
            table = .absolute(addresses: va(0))
            for s in symbols { b += int(s.address, 8) }
        case .relative, .absolutePerCPU:
            let offsets = va(0)
            for s in symbols {
                let o: UInt64
                if mode == .relative { o = s.address - relBase }
                else if s.address < 1 << 31 { o = s.address }
                else { o = relBase &- 1 &- s.address }
                b += int(o & 0xffff_ffff, 4)
            }
            align()
            table = .relative(offsets: offsets, base: va(b.count))
            b += int(relBase, 8)
        }
        align()
        let numSyms = va(b.count)
        b += int(UInt64(n), 4)
        align()
        let names = va(b.count)
        var markers: [UInt32] = []
        var off = 0
        for (i, s) in symbols.enumerated() {
            if i % 256 == 0 { markers.append(UInt32(off)) }
            let e = [UInt8(ascii: Unicode.Scalar(String(s.type))!)] + Self.encode(s.name)
            if e.count > 0x7f { b += [UInt8(e.count & 0x7f) | 0x80, UInt8(e.count >> 7)]; off += 2 } else { b.append(UInt8(e.count)); off += 1 }
            b += e
            off += e.count
        }
        align()
        for m in markers { b += int(UInt64(m), 4) }
        align()
        if seqsOfNames { b += [UInt8](repeating: 0, count: 3 * n); align() }
        let tokenTable = va(b.count)
        var index: [Int] = []
        var t: [UInt8] = []
        for i in 0..<256 {
            index.append(t.count)
            t += (i == 0 ? Array("__".utf8) : [UInt8(i)]) + [0]
        }
        b += t
        align()
        let tokenIndex = va(b.count)
        for i in index { b += int(UInt64(i), 2) }
        b += [UInt8](repeating: 0, count: 64)
        // Whole pages, as kernel memory is read.
        while b.count % 4096 != 0 { b.append(0) }
        return Output(memory: FlatKernelMemory(base: base, bytes: b, byteOrder: byteOrder),
                      location: KallsymsLocation(numSyms: numSyms, names: names, tokenTable: tokenTable, tokenIndex: tokenIndex, addresses: table))
    }
}

/// A System.map's lines as (address, type, name) triples.
func systemMapEntries(_ relative: String) -> Set<String> {
    Set(readRepoFile(relative).split(separator: "\n").map { l in
        let f = l.split(separator: " ")
        return f.count >= 3 ? "\(f[0]) \(f[1]) \(f[2])" : ""
    })
}

/// A decoded symbol as a System.map line.
func mapLine(_ s: KernelSymbols.Symbol) -> String { "\(hex16(s.address).dropFirst(2)) \(s.type) \(s.name)" }
