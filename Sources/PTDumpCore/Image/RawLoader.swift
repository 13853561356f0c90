/// Raw flat physical-memory dumps (QEMU `pmemsave`, `dd` of /dev/mem, JTAG or emulator dumps):
/// the file's bytes are physical memory from `--base`. Nothing in the file says the machine,
/// so `--arch`, `--root` and the paging flags are required.
public enum RawLoader {
    public static func load(file: MappedFile, options o: Options) throws(ImageError) -> Image {
        var missing: [String] = []
        if o.arch == nil { missing.append("--arch x86_64|arm64") }
        if o.root == nil && o.rootSymbol == nil { missing.append("--root PA") }
        switch o.arch {
        case .x86_64?: if o.levels == nil && o.rootLevel == nil { missing.append("--levels 4|5") }
        case .arm64?:
            if o.pageSize == nil { missing.append("--page-size 4K|16K|64K") }
            if o.vaBits == nil && o.levels == nil { missing.append("--va-bits N (or --levels N)") }
        case nil: break
        }
        if !missing.isEmpty {
            throw .missingFact("not an ELF file; as a raw physical dump it needs " + missing.joined(separator: ", "))
        }
        let memory = try PhysicalMemory(file: file, segments: [MemorySegment(physicalStart: o.rawBase, size: UInt64(file.count),
                                                                             fileOffset: 0, fileSize: UInt64(file.count))])
        return Image(format: "raw physical memory from \(hex(o.rawBase))", memory: memory, arch: nil)
    }
}
