import PTDumpCore
#if canImport(Glibc)
import Glibc
#endif

/// Small seed inputs for every target, built with `ImageBuilder` for every paging mode: a few
/// table pages each, so the fuzzer runs fast and starts from valid structure.
enum Seeds {
    static func write(to dir: String) throws {
        mkdir(dir, 0o755)
        for t in FuzzTarget.allCases { mkdir(dir + "/" + t.rawValue, 0o755) }
        let mappings: (PagingMode) -> [Mapping] = { mode in
            let e = try? MappingEncoding(mode: mode)
            let top = e?.walkRanges.last?.first.rawValue ?? 0
            let ps = mode.pageSize
            return [Mapping(va: top, size: 4 * ps, pa: 16 * ps),
                    Mapping(va: top + 64 * ps, size: 2 * ps, pa: 64 * ps, attributes: MappingAttributes(write: false, execute: true)),
                    Mapping(va: top + 128 * ps, size: ps, pa: 128 * ps, attributes: MappingAttributes(write: true, execute: true))]
        }
        for (i, mode) in PagingMode.all.enumerated() {
            let built = try ImageBuilder(mode: mode).build(mappings(mode))
            try built.writeCompactImage(path: "\(dir)/image/\(i)-compact.ptd")
            try built.writeELF(path: "\(dir)/image/\(i)-exec.elf", rootSymbol: "root_table")
            // raw: byte 0 = port, byte 1 = mode within the port, then memory from 0 with the root first.
            let ports = ArchitectureRegistry.ports
            guard let p = ports.firstIndex(where: { $0.kind == mode.arch }),
                  let m = ports[p].builderModes.firstIndex(of: mode) else { continue }
            let zeroBase = try ImageBuilder(mode: mode, physicalBase: 0).build(mappings(mode))
            let raw = [UInt8(p), UInt8(m), 0, 0] + zeroBase.bytes
            try save(raw, "\(dir)/raw/\(i).bin")
        }
        try kdumpSeeds(to: "\(dir)/kdump")
        try save(Array("OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffff800009a3c000\nNUMBER(kimage_voffset)=-0x7fff7fff80000000\nNUMBER(VA_BITS)=48\nNUMBER(TCR_EL1_T1SZ)=16\nSYMBOL(init_top_pgt)=ffffffff8180a000\nNUMBER(phys_base)=-0x1000000\nNUMBER(pgtable_l5_enabled)=1\nNUMBER(sme_mask)=0\nKERNELOFFSET=0\nSIZE(page)=64\n".utf8), "\(dir)/vmcoreinfo/1.txt")
        try save(Array("CONFIG_KASAN=y\nCONFIG_KASAN_GENERIC=y\nCONFIG_KASAN_SHADOW_OFFSET=0xdffffc0000000000\nCONFIG_NR_CPUS=64\nCONFIG_KMAP_LOCAL=y\nCONFIG_X86_IO_APIC=y\nCONFIG_ACPI_APEI_GHES=y\n".utf8), "\(dir)/config/1.txt")
        try save(Array("ffffffff81000000 T _stext\nffffffff81000000 T _text\nffffffff82000000 D page_offset_base\n".utf8), "\(dir)/system-map/1.txt")
    }

    /// `FuzzTarget.kdumpSeed` of each real kdump sample. Run from the repository root; no
    /// samples, no seeds.
    static func kdumpSeeds(to dir: String) throws {
        let files = ["samples/kdump/x86_64-4level.c-d31.kdump", "samples/kdump/x86_64-4level.l-d31.kdump",
                     "samples/kdump/arm64-4k-48.z-d31.kdump", "samples/kdump/x86_64-4level.c-d31.flat",
                     "samples/x86_64-4level-6.12/vmcore.qemu-zlib.kdump", "samples/arm64-4k-48-6.12/vmcore.qemu-zlib.kdump"]
        for (i, path) in files.enumerated() {
            guard let f = try? MappedFile(path: path) else { continue }
            let bytes = Array(UnsafeRawBufferPointer(start: f.base, count: min(f.count, 256 << 10)))
            try save(FuzzTarget.kdumpSeed(bytes), "\(dir)/\(i).kdump")
        }
    }

    static func save(_ bytes: [UInt8], _ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ImageError.cannotOpen(path) }
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}
