/// `--format json`: one object per line per range, then a summary object. Keys always come
/// in the same order, so the output diffs. Schema: man/ptdump.1, JSON OUTPUT. Names are
/// encoded once; a line is written field by field into the output's buffer.
public struct JSONFormatter<A: Architecture>: RangeSink {
    let out: TextOutput
    let arch: A
    /// The architecture's attribute table, read once.
    let attributes: [AttributeBit]
    /// Each attribute's name as a JSON string.
    private let attributeNames: [[UInt8]]
    /// Level names, encoded.
    private let levelNames: [[UInt8]]
    /// The last marker seen and its JSON string: ranges come marker by marker.
    private var marker: (name: String, json: [UInt8]) = ("", Array("\"\"".utf8))
    private var ranges = 0
    private var mappedBytes: UInt64 = 0

    public init(out: TextOutput, arch: A) {
        self.out = out
        self.arch = arch
        self.attributes = arch.attributes
        attributeNames = attributes.map { Array(jsonString($0.name).utf8) }
        levelNames = arch.levelNames.map { Array($0.utf8) }
    }

    public mutating func marker(_ name: String) {}

    public mutating func range(_ r: CoalescedRange, printed: Bool) {
        ranges += 1
        let p = arch.permissions(prot: r.prot, effective: r.effective)
        if p.present { mappedBytes &+= r.size }
        out.write(literal: "{\"start\":\"")
        out.hex16(r.start.rawValue)
        out.write(literal: "\",\"end\":\"")
        out.hex16(r.end.rawValue)
        out.write(literal: "\",\"size\":")
        out.decimal(r.size)
        out.write(literal: ",\"level\":\"")
        if r.level >= 0 && r.level < levelNames.count { out.write(bytes: levelNames[r.level]) }
        out.write(literal: "\",\"marker\":")
        if r.marker != marker.name { marker = (r.marker, Array(jsonString(r.marker).utf8)) }
        out.write(bytes: marker.json)
        out.write(literal: ",\"present\":")
        bool(p.present)
        out.write(literal: ",\"attributes\":[")
        if r.prot != 0 {
            var first = true
            for (i, a) in attributes.enumerated() where a.isSet(in: r.prot) {
                if !first { out.write(byte: UInt8(ascii: ",")) }
                out.write(bytes: attributeNames[i])
                first = false
            }
        }
        out.write(literal: "],\"prot\":\"")
        out.hex(r.prot)
        out.write(literal: "\",\"effective\":{\"user\":")
        bool(p.user)
        out.write(literal: ",\"write\":")
        bool(p.write)
        out.write(literal: ",\"execute\":")
        bool(p.execute)
        out.write(literal: ",\"user_execute\":")
        bool(p.userExecute)
        out.write(byte: UInt8(ascii: "}"))
        if let pa = r.physical {
            out.write(literal: ",\"phys\":\"")
            out.hex16(pa.rawValue)
            out.write(byte: UInt8(ascii: "\""))
        }
        out.write(literal: "}\n")
    }

    @inline(__always) private func bool(_ b: Bool) { if b { out.write(literal: "true") } else { out.write(literal: "false") } }

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
