#if canImport(Glibc)
import Glibc
#endif

/// The inputs ptdump reads from untrusted sources, each as a function of bytes that must
/// return (any error is fine) and never trap, hang or grow without bound. `ptdump-fuzz` hands
/// them to libFuzzer; the tests replay every kept crasher (`tests/fuzz-regressions/`).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Any image file (ELF core, compact image, ELF executable), then every mode on it.
    case image
    /// A raw physical dump: the first 4 bytes choose the architecture and paging mode, the
    /// rest is memory from physical 0 with the root at the first page.
    case raw
    /// VMCOREINFO note text, then the facts read from it.
    case vmcoreinfo
    /// A kernel `.config`, then every profile's configuration facts.
    case config
    /// A `System.map`, then symbol lookups.
    case systemMap = "system-map"
    /// A kdump-compressed or flattened dump (libkdumpfile's header, bitmap and note parsing,
    /// ptdump's page descriptors and decompressors), then every mode on it.
    case kdump

    /// Ranges any one walk may produce: keeps each input's work small.
    static let maxRanges = 2_000

    /// Runs one input.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .image: Self.exercise(try? ImageLoader.load(bytes: bytes), options: Options())
        case .raw: Self.raw(bytes)
        case .vmcoreinfo:
            guard let vi = try? VMCoreInfo(text: String(decoding: bytes, as: UTF8.self)),
                  let memory = try? MappedMemory(file: MappedFile(bytes: [UInt8](repeating: 0, count: 8192)),
                                                 segments: [MemorySegment(physicalStart: 0, size: 8192, fileOffset: 0, fileSize: 8192)])
            else { return }
            var image = Image(format: "fuzz", memory: memory)
            image.vmcoreinfo = vi
            for port in ArchitectureRegistry.ports {
                image.arch = port.kind
                Self.exercise(image, options: Options())
            }
        case .config:
            let c = KernelConfig(text: String(decoding: bytes, as: UTF8.self))
            for port in ArchitectureRegistry.ports {
                for profile in port.profiles {
                    for mode in port.builderModes {
                        var t = FactTable()
                        let ctx = LayoutContext(facts: t, levels: mode.levels, pageSize: Int(mode.pageSize), vaBits: mode.vaBits)
                        profile.configFacts(&t, c, ctx)
                        profile.derivedFacts(&t, ctx)
                        _ = profile.layout(LayoutContext(facts: t, levels: mode.levels, pageSize: Int(mode.pageSize), vaBits: mode.vaBits))
                    }
                }
            }
        case .kdump: Self.exercise(Self.kdumpImage(bytes), options: Options())
        case .systemMap:
            guard let map = try? SystemMap(text: String(decoding: bytes, as: UTF8.self)) else { return }
            let s = Symbolizer(map: map, kernelOffset: UInt64(bytes.count) << 21)
            for a: UInt64 in [0, 1 << 63, .max, 0xffff_ffff_8100_0000] { _ = s.describe(VirtualAddress(a)) }
        }
    }

    /// The image of a kdump file holding `bytes`: written to an unlinked temporary file (the
    /// reader wants a file it can seek and hand to libkdumpfile), opened by its descriptor.
    static func kdumpImage(_ bytes: [UInt8]) -> Image? {
        guard KdumpFile.recognizes(Array(bytes.prefix(16))),
              let fd = try? KdumpInputStream.temporaryFile() else { return nil }
        defer { close(fd) }
        guard KdumpInputStream.write(bytes, to: fd, at: 0) else { return nil }
        return try? KdumpLoader.load(paths: ["/proc/self/fd/\(fd)"])
    }

    /// A kdump seed from a real file: its first 256 KiB (header, bitmaps, notes, the first
    /// page descriptors and pages), a kdump-compressed one marked incomplete so the reader
    /// takes the cut file as a partial dump (a flattened one is cut as it is). The samples are
    /// little-endian: the flag is in the low byte of `status`.
    public static func kdumpSeed(_ file: [UInt8]) -> [UInt8] {
        var bytes = Array(file.prefix(256 << 10))
        if bytes.count > DiskDumpHeader.statusOffset, bytes.starts(with: Array("KDUMP   ".utf8)) {
            bytes[DiskDumpHeader.statusOffset] |= UInt8(DiskDumpHeader.incomplete)
        }
        return bytes
    }

    /// A raw dump: byte 0 picks the architecture, byte 1 its builder mode, bytes 2–3 flags.
    static func raw(_ bytes: [UInt8]) {
        guard bytes.count > 4 else { return }
        let ports = ArchitectureRegistry.ports
        let port = ports[Int(bytes[0]) % ports.count]
        let modes = port.builderModes
        guard !modes.isEmpty else { return }
        let mode = modes[Int(bytes[1]) % modes.count]
        var o = (try? mode.encoder())?.pagingOptions ?? Options()
        o.arch = port.kind
        o.root = 0
        if bytes[2] & 1 != 0 { o.kernelConfig = KernelConfig(text: "CONFIG_KASAN=y\nCONFIG_KASAN_GENERIC=y\nCONFIG_PAGE_TABLE_ISOLATION=y\n") }
        exercise(try? ImageLoader.load(bytes: Array(bytes.dropFirst(4)), options: o), options: o)
    }

    /// Every mode on an image: resolution, text, JSON, --phys, W^X, --walk, --info, save note.
    static func exercise(_ image: Image?, options: Options) {
        guard let image, let p = try? PlatformResolver.resolve(image: image, options: options) else { return }
        var d = DumpOptions(physical: true)
        d.maxRanges = maxRanges
        _ = PageTableDump.print(platform: p, memory: image.memory, options: d, out: TextOutput())
        d = DumpOptions(json: true)
        d.maxRanges = maxRanges
        _ = PageTableDump.print(platform: p, memory: image.memory, options: d, out: TextOutput())
        _ = PageTableDump.checkWX(platform: p, memory: image.memory, maxRanges: maxRanges)
        for va: UInt64 in [0, 0xffff_8880_0000_0000, 0xffff_0000_0000_0000, .max & ~0xfff] {
            _ = try? AddressWalk.explain(VirtualAddress(va), platform: p, memory: image.memory)
        }
        InfoReport.write(image: image, platform: p, out: TextOutput())
        _ = ImageSaver.note(platform: p).text
    }
}
