import PTDumpCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One kdump-compressed sample: a file, or the parts of a split set, named
/// `SOURCE.COMPRESSION-dLEVEL.{kdump,flat,splitN}` (tests/make-kdump-samples.sh). The committed
/// ones are in samples/kdump; `tests/make-kdump-samples.sh --extra` writes more into
/// `$KDUMP_EXTRA_SAMPLES` (default .build/kdump-samples), which are tested too when present.
struct KdumpSample: Sendable, CustomTestStringConvertible {
    /// The oracle capture it was made from ("x86_64-4level"): names its .expected/.pages/.vmcoreinfo.
    let source: String
    /// makedumpfile's option letter: c, l, p, z, or "none".
    let option: String
    let level: Int
    let kind: String
    let paths: [String]

    var testDescription: String { "\(source).\(option)-d\(level).\(kind)" }

    var compression: String {
        ["c": "zlib", "l": "lzo", "p": "snappy", "z": "zstd"][option] ?? "none"
    }
    var machine: String { source.hasPrefix("arm64") ? "aarch64" : "x86_64" }

    static let committedDirectory = repoRoot + "/samples/kdump"
    static var extraDirectory: String {
        if let e = getenv("KDUMP_EXTRA_SAMPLES") { return String(cString: e) }
        return repoRoot + "/.build/kdump-samples"
    }

    /// Every sample found, committed first.
    static let all: [KdumpSample] = scan(committedDirectory) + scan(extraDirectory)

    /// The committed x86_64 zlib sample that the damaged-file tests start from.
    static var x86Zlib: String { committedDirectory + "/x86_64-4level.c-d31.kdump" }

    static func scan(_ dir: String) -> [KdumpSample] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            names.append(name)
        }
        var groups: [String: [String]] = [:]
        for n in names {
            let parts = n.split(separator: ".")
            guard parts.count == 3, parts[1].contains("-d") else { continue }
            let kind = parts[2].hasPrefix("split") ? "split" : String(parts[2])
            guard ["kdump", "flat", "split"].contains(kind) else { continue }
            groups["\(parts[0]).\(parts[1]).\(kind)", default: []].append(dir + "/" + n)
        }
        return groups.keys.sorted().compactMap { key in
            let p = key.split(separator: ".")
            let ol = p[1].split(separator: "-d")
            guard ol.count == 2, let level = Int(ol[1]) else { return nil }
            return KdumpSample(source: String(p[0]), option: String(ol[0]), level: level, kind: String(p[2]),
                               paths: groups[key]!.sorted())
        }
    }
}

/// What a sample must read back, from the ELF dump it was made from (tests/kdump-expected.py).
struct KdumpExpectation {
    var pages: [(pa: UInt64, bytes: [UInt8], why: String)] = []
    var excludedAtD31: [UInt64] = []
    var outside: [UInt64] = []
    var notes: [(name: String, type: UInt32, size: Int)] = []
    var vmcoreinfo = ""

    init(source: String) {
        let base = KdumpSample.committedDirectory + "/" + source
        let blob = readBytes(base + ".pages") ?? []
        for line in readRepoFile("samples/kdump/\(source).expected").split(separator: "\n") where !line.hasPrefix("#") {
            let w = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard w.count >= 2 else { continue }
            let pa = UInt64(w[1].dropFirst(2), radix: 16) ?? 0
            switch w[0] {
            case "page":
                let i = pages.count * 4096
                pages.append((pa, i + 4096 <= blob.count ? Array(blob[i..<i + 4096]) : [], w.count > 2 ? w[2] : ""))
            case "excluded-at-d31": excludedAtD31.append(pa)
            case "outside": outside.append(pa)
            case "note":
                let f = line.split(separator: " ")
                notes.append((String(f[1]), UInt32(f[2]) ?? 0, Int(f[3]) ?? 0))
            default: break
            }
        }
        vmcoreinfo = String(decoding: readBytes(base + ".vmcoreinfo") ?? [], as: UTF8.self)
    }
}

/// The bytes of a file, or nil.
func readBytes(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        out += chunk[0..<n]
    }
    return out
}

/// Little-endian fields of sample bytes, for editing them.
extension Array where Element == UInt8 {
    func le(_ at: Int, _ size: Int) -> UInt64 {
        (0..<size).reduce(UInt64(0)) { $0 | UInt64(self[at + $1]) << (8 * $1) }
    }
    mutating func setLE(_ at: Int, _ size: Int, _ value: UInt64) {
        for i in 0..<size { self[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }
    func readBE(_ at: Int, _ size: Int) -> UInt64 {
        (0..<size).reduce(UInt64(0)) { $0 << 8 | UInt64(self[at + $1]) }
    }
    mutating func setBE(_ at: Int, _ size: Int, _ value: UInt64) {
        for i in 0..<size { self[at + i] = UInt8(truncatingIfNeeded: value >> (8 * (size - 1 - i))) }
    }
}
