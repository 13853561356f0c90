import PTDumpCore

/// A distribution-sized kallsyms table made from a real kernel's: no dump of a kernel with
/// ~90 000 symbols is at hand, so the real dump's compressed names (its own token table, its
/// own name bytes, symbol by symbol) are repeated until there are `symbols` of them, each copy's
/// addresses shifted past the previous copy's. The tables are laid out as `scripts/kallsyms`
/// does (offsets, relative base, count, names, token table, token index), mapped with 4 KiB
/// pages by `ImageBuilder`, and written as a compact image whose VMCOREINFO names them, so the
/// decode reads them through page tables exactly as it reads a real dump.
enum SyntheticKallsyms {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static let base: UInt64 = 0xffff_ffff_8200_0000
    static let dataPA: UInt64 = 16 << 20

    static func write(from path: String, symbols wanted: Int, to out: String) throws {
        let image = try ImageLoader.load(path: path)
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        guard platform.architecture.byteOrder == .little else { throw Failure(description: "a little-endian dump is needed") }
        guard let vi = image.vmcoreinfo, let loc = KallsymsLocation(vmcoreinfo: vi),
              let real = KernelSymbolSource.load(image: image, platform: platform, options: Options()).symbols else {
            throw Failure(description: "the dump's kallsyms do not decode")
        }
        let memory = TranslatedKernelMemory(platform: platform, memory: image.memory)
        guard loc.tokenTable > loc.names, loc.tokenIndex > loc.tokenTable, loc.tokenIndex - loc.tokenTable < 1 << 16,
              let names = memory.read(loc.names, length: Int(loc.tokenTable - loc.names)),
              let tokenTable = memory.read(loc.tokenTable, length: Int(loc.tokenIndex - loc.tokenTable)),
              let tokenIndex = memory.read(loc.tokenIndex, length: 512) else {
            throw Failure(description: "the dump's kallsyms tables are not laid out as scripts/kallsyms writes them")
        }
        // Each real symbol's compressed entry (length byte(s) and tokens), with its address;
        // per-CPU (absolute) symbols are left out so every offset is relative.
        var entries: [(bytes: ArraySlice<UInt8>, address: UInt64)] = []
        var at = 0
        let list = real.symbols
        for i in 0..<list.count {
            guard at < names.count else { throw Failure(description: "names end early") }
            var len = Int(names[at]), head = 1
            if len & 0x80 != 0 { len = (len & 0x7f) | Int(names[at + 1]) << 7; head = 2 }
            let s = list[i]
            if s.type != "A" && s.type != "a" { entries.append((names[at..<at + head + len], s.address)) }
            at += head + len
        }
        guard let first = entries.first?.address, let last = entries.last?.address else { throw Failure(description: "no symbols") }
        let span = (last - first + 0x10000) & ~0xffff
        guard span * UInt64((wanted + entries.count - 1) / entries.count) < 1 << 32 else { throw Failure(description: "too many copies for 32-bit offsets") }

        var b: [UInt8] = []
        func align() { while b.count % 8 != 0 { b.append(0) } }
        func int(_ v: UInt64, _ size: Int) { for k in 0..<size { b.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) } }
        for i in 0..<wanted { int(entries[i % entries.count].address - first + span * UInt64(i / entries.count), 4) }
        align()
        let relativeBase = b.count
        int(first, 8)
        let numSyms = b.count
        int(UInt64(wanted), 4)
        align()
        let namesAt = b.count
        for i in 0..<wanted { b += entries[i % entries.count].bytes }
        align()
        let tokenTableAt = b.count
        b += tokenTable
        align()
        let tokenIndexAt = b.count
        b += tokenIndex
        while b.count % 4096 != 0 { b.append(0) }

        let built = try ImageBuilder(mode: .x86_64(levels: 4)).build([
            Mapping(va: base, size: UInt64(b.count), pa: dataPA, attributes: MappingAttributes(write: false), maxBlock: 4096),
        ])
        let physical = try MappedMemory(file: MappedFile(bytes: built.bytes + b), segments: [
            MemorySegment(physicalStart: PhysicalAddress(built.physicalBase), size: UInt64(built.bytes.count), fileOffset: 0, fileSize: UInt64(built.bytes.count)),
            MemorySegment(physicalStart: PhysicalAddress(dataPA), size: UInt64(b.count), fileOffset: UInt64(built.bytes.count), fileSize: UInt64(b.count)),
        ])
        let pages = stride(from: 0, to: built.bytes.count, by: 4096).map { PhysicalAddress(built.physicalBase + UInt64($0)) }
            + stride(from: 0, to: b.count, by: 4096).map { PhysicalAddress(dataPA + UInt64($0)) }
        func sym(_ name: String, _ off: Int) -> String { "SYMBOL(\(name))=\(String(base + UInt64(off), radix: 16))\n" }
        let info = try VMCoreInfo(text: "OSRELEASE=6.12.0\n" + sym("kallsyms_offsets", 0) + sym("kallsyms_relative_base", relativeBase)
            + sym("kallsyms_num_syms", numSyms) + sym("kallsyms_names", namesAt) + sym("kallsyms_token_table", tokenTableAt)
            + sym("kallsyms_token_index", tokenIndexAt))
        try CompactImageWriter.write(path: out, arch: built.mode.arch, memory: physical, pages: pages, pageBytes: 4096,
                                     note: built.noteText, vmcoreinfo: info)
    }
}
