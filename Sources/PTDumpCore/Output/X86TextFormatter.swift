/// x86 text exactly as Linux 6.1 `/sys/kernel/debug/page_tables/kernel` prints it
/// (`arch/x86/mm/dump_pagetables.c`: `note_page` and `printk_prot`).
public struct X86TextFormatter: RangeSink {
    let out: TextOutput
    let physical: Bool
    static let names = ["pgd", "p4d", "pud", "pmd", "pte"]
    static let units: [Character] = ["B", "K", "M", "G", "T", "P", "E"]

    /// `physical`: append each mapped range's physical start (`--phys`).
    public init(out: TextOutput, physical: Bool = false) {
        self.out = out
        self.physical = physical
    }

    public mutating func marker(_ name: String) { out.write("---[ \(name) ]---\n") }

    public mutating func skipped(_ count: UInt64) {
        out.write("... \(count) entr\(count == 1 ? "y" : "ies") skipped ... \n")
    }

    public mutating func range(_ r: CoalescedRange, printed: Bool) {
        guard printed else { return }
        var line = hex16(r.start) + "-" + hex16(r.end) + "   "
        line += sizeColumn(r.size, units: Self.units, shiftFirst: false) + " "
        line += Self.attributes(r.prot, level: r.level)
        line += r.level >= 0 && r.level < 5 ? Self.names[r.level] : ""
        if physical, let pa = r.physical { line += " " + hex16(pa) }
        out.write(line + "\n")
    }

    /// `printk_prot`: the attribute columns (30 spaces when not present).
    public static func attributes(_ pr: UInt64, level: Int) -> String {
        if pr & X86EntryBits.present.rawValue == 0 { return String(repeating: " ", count: 30) }
        var s = ""
        s += pr & X86EntryBits.user.rawValue != 0 ? "USR " : "    "
        s += pr & X86EntryBits.rw.rawValue != 0 ? "RW " : "ro "
        s += pr & X86EntryBits.pwt.rawValue != 0 ? "PWT " : "    "
        s += pr & X86EntryBits.pcd.rawValue != 0 ? "PCD " : "    "
        s += level <= 3 && pr & X86EntryBits.pse.rawValue != 0 ? "PSE " : "    "
        let pat = (level == 4 && pr & X86EntryBits.pse.rawValue != 0)
            || ((level == 3 || level == 2) && pr & X86EntryBits.patLarge.rawValue != 0)
        s += pat ? "PAT " : "    "
        s += pr & X86EntryBits.global.rawValue != 0 ? "GLB " : "    "
        s += pr & X86EntryBits.nx.rawValue != 0 ? "NX " : "x  "
        return s
    }
}
