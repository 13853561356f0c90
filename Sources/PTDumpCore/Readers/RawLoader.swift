/// Raw flat physical-memory dumps (QEMU `pmemsave`, `dd` of /dev/mem, JTAG or emulator dumps):
/// the file's bytes are physical memory from `--base`. Nothing in the file says the machine,
/// so `--arch`, `--root` and the paging flags are required.
public enum RawLoader {
    public static func load(file: MappedFile, options o: Options) throws(ImageError) -> Image {
        var missing: [String] = []
        if o.arch == nil { missing.append("--arch " + ArchitectureRegistry.names.joined(separator: "|")) }
        if o.root == nil && o.rootSymbol == nil { missing.append("--root PA") }
        if let arch = o.arch { missing += arch.port.missingRawFlags(o) }
        if !missing.isEmpty {
            throw .missingFact("not an ELF file; as a raw physical dump it needs " + missing.joined(separator: ", "))
        }
        let memory = try MappedMemory(file: file, segments: [MemorySegment(physicalStart: o.rawBase, size: UInt64(file.count),
                                                                             fileOffset: 0, fileSize: UInt64(file.count))])
        return Image(format: "raw physical memory from \(hex(o.rawBase))", memory: memory, arch: nil)
    }
}
