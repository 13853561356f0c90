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
        let info = try f.vmcoreinfo.map { (text) throws(ImageError) in try VMCoreInfo(text: text) }
        // makedumpfile writes the machine's uname; QEMU's dump-guest-memory writes none, and
        // the architecture's own VMCOREINFO keys say it instead.
        let port: any ArchitecturePort.Type
        let source: FactSource
        if let name = f.machine, !name.isEmpty {
            guard let p = ArchitectureRegistry.port(named: name) else {
                throw .unknownFormat("kdump architecture \(name) is none of \(ArchitectureRegistry.names.joined(separator: ", "))")
            }
            (port, source) = (p, FactSource("kdump header (\(name))"))
        } else if let info, let p = ArchitectureRegistry.port(vmcoreinfo: info) {
            let key = p.vmcoreinfoKeys.first { info.value($0) != nil } ?? ""
            (port, source) = (p, .vmcoreinfo(key))
        } else {
            throw .unknownFormat("the kdump header names no architecture and its VMCOREINFO does not say either")
        }
        var image = Image(format: f.formatDescription, memory: KdumpMemory(file: f), arch: port.kind)
        image.archSource = source
        image.vmcoreinfo = info
        for n in f.notes where n.name == "QEMU" || n.name == "CORE" {
            image.cpuNotes.append(ElfNote(name: n.name, type: n.type, desc: n.desc))
        }
        return image
    }
}
