/// `--symbols`: adds the kernel symbol at each mapped range's start to printed output, as a
/// trailing column in the kernel text (`  _stext+0x0`) and as a `"symbol"` key in JSON. Works
/// on the formatted lines, so the formatters stay as the kernel prints.
public struct SymbolAnnotator {
    let symbols: KernelSymbols
    /// Whether a range starting at the address is mapped (holes get no symbol).
    let isMapped: (VirtualAddress) -> Bool

    public init(symbols: KernelSymbols, isMapped: @escaping (VirtualAddress) -> Bool) {
        self.symbols = symbols
        self.isMapped = isMapped
    }

    /// The symbol for a range starting at `va`, when it is mapped and near a symbol.
    func symbol(at va: VirtualAddress) -> String? {
        guard let s = symbols.describe(va), isMapped(va) else { return nil }
        return s
    }

    /// `text` with each range line annotated: a line starting `0x…-` (text) or
    /// `{"start":"0x…"` (JSON).
    public func annotate(_ text: String, json: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + text.utf8.count / 4)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
            out += annotateLine(line, json: json) + "\n"
        }
        return out
    }

    func annotateLine(_ line: Substring, json: Bool) -> String {
        if json {
            let prefix = "{\"start\":\"0x"
            guard line.hasPrefix(prefix), line.hasSuffix("}"), line.contains("\"present\":true"),
                  let va = UInt64(line.dropFirst(prefix.count).prefix(16), radix: 16),
                  let sym = symbol(at: VirtualAddress(va)) else { return String(line) }
            return String(line.dropLast()) + ",\"symbol\":\(jsonString(sym))}"
        }
        guard line.hasPrefix("0x"), let dash = line.firstIndex(of: "-"),
              let va = UInt64(line[line.index(line.startIndex, offsetBy: 2)..<dash], radix: 16),
              let sym = symbol(at: VirtualAddress(va)) else { return String(line) }
        return line + "  " + sym
    }
}
