/// Writes a diff as stable text (`--- A`, `+++ B`, `@@ region @@` headings, then one `-`, `+`
/// or `~` line per entry) or as JSON lines (one object per entry, then a summary).
public struct DiffFormatter {
    let out: TextOutput
    let a: AddressSpaceSnapshot
    let b: AddressSpaceSnapshot
    let settings: DiffSettings
    /// Attribute words by (side, level, prot): a diff has many lines but few distinct attributes.
    private let words = WordCache()

    public init(out: TextOutput, a: AddressSpaceSnapshot, b: AddressSpaceSnapshot, settings: DiffSettings) {
        self.out = out
        self.a = a
        self.b = b
        self.settings = settings
    }

    private final class WordCache {
        struct Key: Hashable { var side: Int; var level: Int; var prot: UInt64 }
        var text: [Key: String] = [:]
        var json: [Key: String] = [:]
    }

    /// The text form; nothing at all when `entries` is empty.
    public func text(_ entries: [DiffEntry], nameA: String, nameB: String) {
        guard !entries.isEmpty else { return }
        out.write("--- \(nameA)\n+++ \(nameB)\n")
        var region: String?
        for e in entries {
            if e.region != region {
                region = e.region
                out.write("@@ \(e.region)\(settings.alignLayout ? " (offsets)" : "") @@\n")
            }
            out.write(line(e) + "\n")
        }
    }

    /// One entry's line.
    public func line(_ e: DiffEntry) -> String {
        var s = "\(e.sign.rawValue) \(hex16(e.first))-\(hex16(e.last &+ 1)) \(Self.size(e.size).leftPadded(6)) "
        switch e.sign {
        case .removed: s += e.a.map { describe($0, side: 0) } ?? ""
        case .added: s += e.b.map { describe($0, side: 1) } ?? ""
        case .changed:
            if let x = e.a, let y = e.b {
                // Effective permissions only when they are what changed (x86: a table entry above).
                let effective = x.prot == y.prot && x.effective != y.effective
                s += e.kinds.map(\.rawValue).joined(separator: ",") + ": " + describe(x, side: 0, effective: effective)
                    + " => " + describe(y, side: 1, effective: effective)
            }
        }
        return s
    }

    /// Attributes in the kernel's words (its text columns, blanks dropped), the level, and the
    /// physical address with `--phys`.
    func describe(_ r: MappedRange, side: Int, effective: Bool = false) -> String {
        let s = side == 0 ? a : b
        let key = WordCache.Key(side: side, level: r.level, prot: r.prot)
        var words: [String]
        if let known = self.words.text[key] {
            words = [known]
        } else {
            var w: [String] = []
            for c in s.arch.textStyle.columns {
                if let t = c.text(r.prot, level: r.level)?.trimmed, !t.isEmpty { w.append(t) }
            }
            let names = s.arch.levelNames
            w.append(r.level >= 0 && r.level < names.count ? names[r.level] : "level \(r.level)")
            let joined = w.joined(separator: " ")
            self.words.text[key] = joined
            words = [joined]
        }
        if effective {
            let p = s.arch.permissions(prot: r.prot, effective: r.effective)
            words.append("(effective \(p.user ? "user" : "kernel") \(p.write ? "RW" : "ro") \(p.execute ? "x" : "NX"))")
        }
        if settings.physical, let pa = r.physical { words.append("@ \(hex(pa))") }
        return words.joined(separator: " ")
    }

    /// JSON lines: one object per entry, then `{"summary":…}`.
    public func json(_ entries: [DiffEntry]) {
        for e in entries {
            var s = "{\"change\":\"\(e.sign.rawValue)\",\"start\":\"\(hex16(e.first))\",\"end\":\"\(hex16(e.last &+ 1))\""
            s += ",\"size\":\(e.size),\"region\":\(jsonString(e.region))"
            s += ",\"kinds\":[\(e.kinds.map { "\"\($0.rawValue)\"" }.joined(separator: ","))]"
            s += ",\"a\":\(e.a.map { side($0, in: a) } ?? "null"),\"b\":\(e.b.map { side($0, in: b) } ?? "null")}"
            out.write(s + "\n")
        }
        let count = { (sign: DiffEntry.Sign) in entries.filter { $0.sign == sign }.count }
        out.write("{\"summary\":{\"identical\":\(entries.isEmpty),\"removed\":\(count(.removed)),\"added\":\(count(.added))"
                  + ",\"changed\":\(count(.changed))}}\n")
    }

    /// One side of a JSON entry.
    func side(_ r: MappedRange, in s: AddressSpaceSnapshot) -> String {
        let p = s.arch.permissions(prot: r.prot, effective: r.effective)
        let names = s.arch.levelNames
        var o = "{\"start\":\"\(hex16(r.first))\",\"end\":\"\(hex16(r.last + 1))\""
        o += ",\"level\":\"\(r.level >= 0 && r.level < names.count ? names[r.level] : "")\""
        o += ",\"region\":\(jsonString(r.region < s.regions.count ? s.regions[r.region].name : ""))"
        let key = WordCache.Key(side: s.arch.kind == a.arch.kind && s.arch.levelNames == a.arch.levelNames ? 0 : 1, level: 0, prot: r.prot)
        let attributes: String
        if let known = words.json[key] { attributes = known } else {
            attributes = s.arch.attributes.filter { $0.isSet(in: r.prot) }.map { jsonString($0.name) }.joined(separator: ",")
            words.json[key] = attributes
        }
        o += ",\"attributes\":[\(attributes)],\"prot\":\"\(hex(r.prot))\""
        o += ",\"effective\":{\"user\":\(p.user),\"write\":\(p.write),\"execute\":\(p.execute),\"user_execute\":\(p.userExecute)}"
        if let pa = r.physical { o += ",\"phys\":\"\(hex16(pa))\"" }
        return o + "}"
    }

    /// `4K`, `2044K`, `1G`: the largest unit that divides the size.
    public static func size(_ bytes: UInt64) -> String {
        var v = bytes, i = 0
        let units = ["B", "K", "M", "G", "T", "P", "E"]
        while v != 0 && v % 1024 == 0 && i < units.count - 1 { v /= 1024; i += 1 }
        return "\(v)\(units[i])"
    }
}

extension String {
    /// Without leading and trailing spaces.
    var trimmed: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }

    /// Right-aligned in `width` columns.
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
