/// `--format json`: one object per line per range, then a summary object. Keys always come
/// in the same order, so the output diffs. Schema: man/ptdump.1, JSON OUTPUT.
public struct JSONFormatter<A: Architecture>: RangeSink {
    let out: TextOutput
    let arch: A
    /// The architecture's attribute table, read once.
    let attributes: [AttributeBit]
    private var ranges = 0
    private var mappedBytes: UInt64 = 0

    public init(out: TextOutput, arch: A) {
        self.out = out
        self.arch = arch
        self.attributes = arch.attributes
    }

    public mutating func marker(_ name: String) {}

    public mutating func range(_ r: CoalescedRange, printed: Bool) {
        ranges += 1
        let p = arch.permissions(prot: r.prot, effective: r.effective)
        if p.present { mappedBytes &+= r.size }
        var s = "{\"start\":\"\(hex16(r.start))\",\"end\":\"\(hex16(r.end))\",\"size\":\(r.size)"
        s += ",\"level\":\"\(r.level >= 0 && r.level < arch.levelNames.count ? arch.levelNames[r.level] : "")\""
        s += ",\"marker\":\(jsonString(r.marker)),\"present\":\(p.present)"
        let names = r.prot == 0 ? [] : attributes.filter { $0.isSet(in: r.prot) }.map { jsonString($0.name) }
        s += ",\"attributes\":[\(names.joined(separator: ","))],\"prot\":\"\(hex(r.prot))\""
        s += ",\"effective\":{\"user\":\(p.user),\"write\":\(p.write),\"execute\":\(p.execute),\"user_execute\":\(p.userExecute)}"
        if let pa = r.physical { s += ",\"phys\":\"\(hex16(pa))\"" }
        out.write(s + "}\n")
    }

    /// The closing object.
    public mutating func summary(platform: Platform, report: WalkReport) {
        var s = "{\"summary\":{\"arch\":\"\(platform.arch.value.rawValue)\",\"levels\":\(platform.levels.value)"
        s += ",\"page_size\":\(platform.pageSize.value),\"root\":\"\(hex(platform.root.value))\",\"ranges\":\(ranges)"
        s += ",\"mapped_bytes\":\(mappedBytes),\"tables_read\":\(report.tablesRead),\"unreadable_tables\":\(report.problems.count)}}"
        out.write(s + "\n")
    }
}

/// A JSON string literal.
public func jsonString(_ s: String) -> String {
    var o = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": o += "\\\""
        case "\\": o += "\\\\"
        case "\n": o += "\\n"
        case "\t": o += "\\t"
        default:
            if u.value < 0x20 { o += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16) }
            else { o.unicodeScalars.append(u) }
        }
    }
    return o + "\""
}
