/// The s390x attribute table and text of `arch/s390/mm/dump_pagetables.c` (6.1): `print_prot`
/// prints `I` for an invalid range, else `RO`/`RW` then `NX`/`X`. The kernel text, JSON and
/// `--walk` all name attributes from it.
extension S390X {
    static let invalid = AttributeBit("_PAGE_INVALID", mask: S390XEntryBits.pageInvalid.rawValue)
    static let protect = AttributeBit("_PAGE_PROTECT", mask: S390XEntryBits.protect.rawValue)
    static let noExec = AttributeBit("_PAGE_NOEXEC", mask: S390XEntryBits.noExec.rawValue)

    /// Every named attribute of `prot`, once (0x400 is `note_page`'s invalid at every level).
    static let attributeBits = [invalid, protect, noExec]

    /// A raw entry's bits, by level, for `--walk`.
    static let entryBits = [
        AttributeBit("_PAGE_INVALID", mask: S390XEntryBits.pageInvalid.rawValue, levels: 4...4),
        AttributeBit("_REGION_ENTRY_INVALID", mask: S390XEntryBits.tableInvalid.rawValue, levels: 0...2),
        AttributeBit("_SEGMENT_ENTRY_INVALID", mask: S390XEntryBits.tableInvalid.rawValue, levels: 3...3),
        AttributeBit("_REGION3_ENTRY_LARGE", mask: S390XEntryBits.large.rawValue, levels: 2...2),
        AttributeBit("_SEGMENT_ENTRY_LARGE", mask: S390XEntryBits.large.rawValue, levels: 3...3),
        protect, noExec,
    ]

    /// `print_prot`: `I` alone for an invalid range; otherwise `RO`/`RW` and `NX`/`X`.
    static let columns: [TextColumn] = [
        TextColumn(invalid, set: "I", clear: nil),
        TextColumn(protect, set: "RO", clear: "RW", hiddenWhen: invalidProt),
        TextColumn(noExec, set: "NX", clear: "X", hiddenWhen: invalidProt),
    ]

    /// `note_page`: `"0x%016lx-0x%016lx "`, `"%9lu%c "` (size in KiB and up), then `print_prot`:
    /// `"%s "` (the level name) and the columns. Holes and invalid ranges are printed too (as
    /// `I`); a prot of 0 is a valid read-write, executable range.
    static let text = KernelTextStyle(
        name: "s390x", units: ["K", "M", "G", "T", "P", "E"], sizeStartsInKiB: true, levelFirst: true,
        columnSeparator: " ", columns: columns, notPresentBlank: nil, presentMask: 0,
        addressSeparator: " ", zeroProtIsEmpty: false)

    /// `note_prot_wx`: a range that is neither invalid, protected nor no-exec counts; the
    /// verdict has no prefix and an upper-case `FAILED`.
    static func wxRule(lowcoreExecutable: Bool) -> WXRule {
        WXRule(
            prefix: "s390/mm: ", pageSize: 4096,
            isWX: { prot, _ in prot & (invalidProt | protMask) == 0 },
            // `addr == PAGE_SIZE`: the range ending at the end of the first lowcore page.
            isExempt: { _, end in lowcoreExecutable && end.rawValue == 4096 },
            verdict: { wx, _ in
                wx == 0 ? "Checked W+X mappings: passed, no \(lowcoreExecutable ? "unexpected " : "")W+X pages found"
                        : "Checked W+X mappings: FAILED, \(wx) W+X pages found"
            })
    }
    static let wx = wxRule(lowcoreExecutable: false)
    static let wxLowcoreExecutable = wxRule(lowcoreExecutable: true)
}

extension ArchKind {
    /// s390x (ELF `EM_S390`, 64-bit).
    public static let s390x = ArchKind("s390x")
}
