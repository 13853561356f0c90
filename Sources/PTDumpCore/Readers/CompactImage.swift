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

    /// One ELF note record (4-byte aligned).
    public static func noteBytes(name: String, type: UInt32, desc: [UInt8]) -> [UInt8] {
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
        func pad(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (4 - b.count % 4) % 4) }
        let n = Array(name.utf8) + [0]
        return le32(UInt32(n.count)) + le32(UInt32(desc.count)) + le32(type) + pad(n) + pad(desc)
    }
}
