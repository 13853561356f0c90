import CLibElf

/// Reads ELF executables and objects with statically built page tables (firmware, boot
/// loaders, hypervisors, vmlinux): memory from PT_LOAD by `p_paddr`, or from the allocated
/// sections by address when there are no program headers; symbols for `--root-symbol`.
public enum ElfExecutableLoader {
    public static func load(elf: ElfFile, file: MappedFile) throws(ImageError) -> Image {
        var segments: [MemorySegment] = []
        var views: [VirtualView] = []
        let phdrs = try elf.programHeaders().filter { $0.type == UInt32(PT_LOAD) && $0.filesz > 0 && $0.offset != UInt64.max }
        if !phdrs.isEmpty {
            for ph in phdrs {
                segments.append(MemorySegment(physicalStart: PhysicalAddress(ph.paddr), size: max(ph.memsz, ph.filesz), fileOffset: ph.offset, fileSize: ph.filesz))
                views.append(VirtualView(virtualStart: ph.vaddr, size: max(ph.memsz, ph.filesz), physicalStart: ph.paddr))
            }
        } else {
            for s in try elf.sections() where s.flags & UInt64(SHF_ALLOC) != 0 && s.type == UInt32(SHT_PROGBITS) && s.size > 0 {
                segments.append(MemorySegment(physicalStart: PhysicalAddress(s.addr), size: s.size, fileOffset: s.offset, fileSize: s.size))
                views.append(VirtualView(virtualStart: s.addr, size: s.size, physicalStart: s.addr))
            }
        }
        guard let arch = ArchKind(elfMachine: elf.machine) else { throw ElfCoreLoader.unknownMachine(elf.machine) }
        var image = Image(format: phdrs.isEmpty ? "ELF object (sections as memory)" : "ELF executable",
                          memory: try MappedMemory(file: file, segments: segments), arch: arch)
        (image.symbols, image.symbolTableProblem) = elf.symbolTable()
        image.loadedViews = views
        image.sections = try elf.sections()
        return image
    }
}

/// How a loaded range of an executable is seen virtually: `[virtualStart, +size)` sits at
/// `physicalStart`.
public struct VirtualView: Sendable, Equatable {
    public var virtualStart: UInt64
    public var size: UInt64
    public var physicalStart: UInt64
}

extension Image {
    /// The physical address of symbol `name` (`--root-symbol`), through the loaded segment
    /// that holds it.
    public func physicalAddress(ofSymbol name: String) throws(ImageError) -> PhysicalAddress {
        guard let sym = symbols.first(where: { $0.name == name }) else {
            let close = Image.closeNames(to: name, in: symbols.map(\.name))
            let hint = close.isEmpty ? "" : "; close names: " + close.joined(separator: ", ")
            throw .missingFact("symbol \(name) not found in the symbol table\(hint)")
        }
        if let v = loadedViews.first(where: { sym.value >= $0.virtualStart && sym.value - $0.virtualStart < $0.size }) {
            return PhysicalAddress(sym.value - v.virtualStart &+ v.physicalStart)
        }
        let section = Int(sym.section) < sections.count + 1 && sym.section > 0 ? sections[Int(sym.section) - 1].name : "?"
        throw .contradiction("symbol \(name) (\(hex(sym.value))) is in section \(section), which is not loaded")
    }

    /// Up to five names like `name`: sharing a long substring, or a small edit distance.
    static func closeNames(to name: String, in names: [String]) -> [String] {
        let n = Array(name.lowercased().utf8)
        func distance(_ s: [UInt8]) -> Int {
            if abs(s.count - n.count) > 3 { return 99 }
            var prev = Array(0...n.count)
            for (i, c) in s.enumerated() {
                var cur = [i + 1] + [Int](repeating: 0, count: n.count)
                for j in 0..<n.count { cur[j + 1] = min(prev[j + 1] + 1, cur[j] + 1, prev[j] + (c == n[j] ? 0 : 1)) }
                prev = cur
            }
            return prev[n.count]
        }
        let scored = Set(names).compactMap { cand -> (Int, String)? in
            let l = cand.lowercased()
            let d = distance(Array(l.utf8))
            if d <= 3 { return (d, cand) }
            if n.count >= 5 && (l.contains(name.lowercased()) || name.lowercased().contains(l) && l.count >= 5) { return (10, cand) }
            return nil
        }
        return scored.sorted { $0 < $1 }.prefix(5).map(\.1)
    }
}
