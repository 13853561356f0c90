/// The memory of a kdump-compressed dump: pages decompressed one at a time through
/// `KdumpFile`'s cache. Only the pages the walk asks for are ever read.
public struct KdumpMemory: PhysicalMemory {
    public let file: KdumpFile
    public let regions: [PhysicalRange]

    public init(file: KdumpFile) {
        self.file = file
        regions = file.regions.map { PhysicalRange(start: PhysicalAddress($0.start), end: PhysicalAddress($0.end)) }
    }

    public var summary: String {
        let ram = regions.reduce(UInt64(0)) { $0 &+ $1.size }
        let dumped = file.dumpedRegions.reduce(UInt64(0)) { $0 &+ ($1.end &- $1.start) }
        var s = "\(regions.count) RAM ranges, \(ram) bytes; \(dumped) bytes dumped"
        if dumped < ram { s += ", \(ram - dumped) excluded" }
        return s + "; \(file.pagesRead) pages read"
    }

    public func read(_ pa: PhysicalAddress, length: Int) throws(ImageError) -> [UInt8] {
        guard length >= 0 else { throw .outsideMemory(pa.rawValue, length) }
        do {
            return try file.read(pa.rawValue, count: length)
        } catch {
            switch error {
            case .outside: throw .outsideMemory(pa.rawValue, length)
            case .excluded, .corrupt: throw .notInDump(error.address, error.description)
            }
        }
    }

    public func table(at pa: PhysicalAddress, entries: Int, byteOrder: ByteOrder) throws(ImageError) -> TablePage {
        try copiedTable(at: pa, entries: entries, byteOrder: byteOrder)
    }
}

/// Reads makedumpfile's kdump-compressed dumps (and flattened and split ones, and QEMU's
/// `dump-guest-memory -z/-l/-s`): VMCOREINFO and CPU notes from the header, memory by page.
public enum KdumpLoader {
    public static func load(paths: [String]) throws(ImageError) -> Image {
        let f = try KdumpFile(paths: paths)
        guard let name = f.machine else { throw .unknownFormat("the kdump header names no architecture") }
        guard let port = ArchitectureRegistry.port(named: name) else {
            throw .unknownFormat("kdump architecture \(name) is none of \(ArchitectureRegistry.names.joined(separator: ", "))")
        }
        var image = Image(format: f.formatDescription, memory: KdumpMemory(file: f), arch: port.kind)
        image.archSource = FactSource("kdump header (\(name))")
        if let text = f.vmcoreinfo { image.vmcoreinfo = try VMCoreInfo(text: text) }
        for n in f.notes where n.name == "QEMU" || n.name == "CORE" {
            image.cpuNotes.append(ElfNote(name: n.name, type: n.type, desc: n.desc))
        }
        return image
    }
}
