/// The x86 attribute table: named once, printed by the kernel text (`printk_prot` in
/// `arch/x86/mm/dump_pagetables.c`), JSON and `--walk`.
extension X86_64 {
    static let present = AttributeBit("_PAGE_PRESENT", mask: 1 << 0)
    static let user = AttributeBit("_PAGE_USER", mask: 1 << 2)
    static let rw = AttributeBit("_PAGE_RW", mask: 1 << 1)
    static let pwt = AttributeBit("_PAGE_PWT", mask: 1 << 3)
    static let pcd = AttributeBit("_PAGE_PCD", mask: 1 << 4)
    static let accessed = AttributeBit("_PAGE_ACCESSED", mask: 1 << 5)
    static let dirty = AttributeBit("_PAGE_DIRTY", mask: 1 << 6)
    static let pse = AttributeBit("_PAGE_PSE", mask: 1 << 7)
    static let global = AttributeBit("_PAGE_GLOBAL", mask: 1 << 8)
    static let nx = AttributeBit("_PAGE_NX", mask: 1 << 63)
    /// Bit 7 is `_PAGE_PAT` in a pte and `_PAGE_PSE` above; `_PAGE_PAT_LARGE` is bit 12 of a
    /// pud or pmd leaf.
    static let psePrinted = AttributeBit("_PAGE_PSE", mask: 1 << 7, levels: 0...3)
    static let patPte = AttributeBit("_PAGE_PAT", mask: 1 << 7, levels: 4...4)
    static let patLarge = AttributeBit("_PAGE_PAT_LARGE", mask: 1 << 12, levels: 2...3)

    /// The named bits, for JSON and `--walk`.
    static let attributeBits = [present, user, rw, pwt, pcd, accessed, dirty, pse, global, nx]

    /// `printk_prot`: fixed-width columns, 30 spaces when not present, then the level name.
    static let text = KernelTextStyle(
        name: "x86", units: ["B", "K", "M", "G", "T", "P", "E"], sizeStartsInKiB: false, levelFirst: false,
        columnSeparator: "",
        columns: [TextColumn(user, set: "USR ", clear: "    "),
                  TextColumn(rw, set: "RW ", clear: "ro "),
                  TextColumn(pwt, set: "PWT ", clear: "    "),
                  TextColumn(pcd, set: "PCD ", clear: "    "),
                  TextColumn(psePrinted, set: "PSE ", clear: "    "),
                  TextColumn(patPte, patLarge, set: "PAT ", clear: "    "),
                  TextColumn(global, set: "GLB ", clear: "    "),
                  TextColumn(nx, set: "NX ", clear: "x  ")],
        notPresentBlank: 30, presentMask: present.mask)

    /// Effective RW and not effective NX (`note_page` with `check_wx`).
    static let wx = WXRule(
        prefix: "x86/mm: ", pageSize: 4096,
        isWX: { _, eff in eff & X86EntryBits.rw.rawValue != 0 && eff & X86EntryBits.nx.rawValue == 0 },
        verdict: { wx, _ in
            wx == 0 ? "x86/mm: Checked W+X mappings: passed, no W+X pages found."
                    : "x86/mm: Checked W+X mappings: FAILED, \(wx) W+X pages found."
        })
}

extension ArchKind {
    /// x86_64 (ELF `EM_X86_64`).
    public static let x86_64 = ArchKind("x86_64")
}
