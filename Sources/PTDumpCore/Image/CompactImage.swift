import CLibElf
#if canImport(Glibc)
import Glibc
#endif

/// ptdump's compact image (man/ptdump-image.5): an ELF64 core holding only page-table pages,
/// a `PTDUMP` note with the facts needed to print them, and the source's VMCOREINFO note.
public enum CompactImage {
    /// Note name and type of the facts note.
    public static let noteName = "PTDUMP"
    public static let noteType: UInt32 = 1
    /// Version written in the `format` key.
    public static let formatVersion = "1"

    /// Parses the `PTDUMP` note text (`key=value` lines).
    public static func parseNote(_ desc: [UInt8]) throws(ImageError) -> [(key: String, value: String)] {
        let text = String(decoding: desc.prefix { $0 != 0 }, as: UTF8.self)
        var out: [(String, String)] = []
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { throw .malformedImageNote(String(line.prefix(60))) }
            out.append((String(line[..<eq]), String(line[line.index(after: eq)...])))
        }
        guard out.contains(where: { $0.0 == "format" && $0.1 == formatVersion }) else {
            throw .malformedImageNote("no format=\(formatVersion) line")
        }
        return out
    }

    /// The note text for `platform`.
    public static func noteText(platform p: Platform) -> String {
        var s = "format=\(formatVersion)\narch=\(p.arch.value.rawValue)\nlevels=\(p.levels.value)\n"
        s += "page_size=\(p.pageSize.value)\nva_bits=\(p.vaBits.value)\nroot=\(hex(p.root.value))\n"
        if p.rootLevel > 0 {
            s += "root_level=\(PlatformResolver.levelName(p))\nva_base=\(hex(p.vaBase))\n"
        }
        for (name, fact) in p.layout.facts { s += "layout.\(name)=\(hex(fact.value))\n" }
        return s
    }

    /// Writes an image holding `pages` (each `pageBytes` long) of `memory`.
    public static func write(path: String, arch: ArchKind, memory: PhysicalMemory, pages: [UInt64], pageBytes: Int,
                             note: String, vmcoreinfo: VMCoreInfo?) throws(ImageError) {
        // Group contiguous pages into segments.
        var segs: [(pa: UInt64, count: Int)] = []
        for pa in pages.sorted() {
            if let last = segs.last, last.pa &+ UInt64(last.count * pageBytes) == pa { segs[segs.count - 1].count += 1 }
            else { segs.append((pa, 1)) }
        }
        var notes = noteBytes(name: noteName, type: noteType, desc: Array(note.utf8))
        if let vi = vmcoreinfo { notes += noteBytes(name: "VMCOREINFO", type: 0, desc: Array(vi.text.utf8)) }
        var blobs: [[UInt8]] = [notes]
        for s in segs { blobs.append(try memory.read(s.pa, length: s.count * pageBytes)) }
        var specs = [ElfSegment(type: UInt32(PT_NOTE), data: blobs[0])]
        for (i, s) in segs.enumerated() {
            specs.append(ElfSegment(type: UInt32(PT_LOAD), vaddr: s.pa, paddr: s.pa, data: blobs[i + 1], align: 4096))
        }
        try ElfWriter.write(path: path, machine: arch.elfMachine, type: 4, segments: specs)
    }

    /// One ELF note record (4-byte aligned).
    public static func noteBytes(name: String, type: UInt32, desc: [UInt8]) -> [UInt8] {
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
        func pad(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (4 - b.count % 4) % 4) }
        let n = Array(name.utf8) + [0]
        return le32(UInt32(n.count)) + le32(UInt32(desc.count)) + le32(type) + pad(n) + pad(desc)
    }
}
