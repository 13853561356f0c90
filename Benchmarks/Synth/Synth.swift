import PTDumpCore

/// Writes synthetic compact images for the benchmark: shapes that real captures do not cover
/// at scale (a KASAN-style shared shadow, a large page-granular linear map).
@main
enum Synth {
    static func main() throws {
        let args = CommandLine.arguments.dropFirst()
        guard args.count >= 2, let out = args.last else {
            print("usage: ptdump-synth kasan-arm64|linear-arm64 GIB|linear-x86 GIB|linear-x86-moved GIB OUT")
            return
        }
        switch args.first {
        case "kasan-arm64": try kasanARM64(out)
        case "linear-arm64": try linearARM64(gib: UInt64(args.dropFirst().first ?? "4") ?? 4, out)
        case "linear-x86": try linearX86(gib: UInt64(args.dropFirst().first ?? "4") ?? 4, out)
        case "linear-x86-moved": try linearX86(gib: UInt64(args.dropFirst().first ?? "4") ?? 4, readOnlyAt: 9, out)
        default: print("unknown shape")
        }
    }

    static let arm64Table: @Sendable (PhysicalAddress) -> UInt64 = { $0.rawValue | 3 }
    /// AF, inner shareable, PXN, UXN, normal memory; `readOnly` sets AP[2].
    static func arm64Page(_ pa: PhysicalAddress, readOnly: Bool) -> UInt64 {
        pa.rawValue | 3 | (1 << 10) | (3 << 8) | (1 << 53) | (1 << 54) | (readOnly ? 1 << 7 : 0)
    }

    static func write<A: Architecture>(_ b: PageTableBuilder<A>, arch: ArchKind, levels: Int, vaBits: Int, _ out: String) throws {
        let mem = try b.physicalMemory()
        let pages = stride(from: b.physicalBase, to: b.physicalBase + UInt64(b.bytes.count), by: b.tableBytes).map { PhysicalAddress($0) }
        let note = CompactImageNote(arch: arch, levels: levels, pageSize: Int(b.arch.pageSize), vaBits: vaBits, root: b.root)
        try CompactImageWriter.write(path: out, arch: arch, memory: mem, pages: pages, pageBytes: b.tableBytes,
                                     note: note.text, vmcoreinfo: nil)
        print("\(out): \(pages.count) table pages")
    }

    /// arm64 4K/48 generic KASAN: the 32 TiB shadow maps one zero page through one PUD, PMD and
    /// PTE table reused by every top-level entry; plus 1 GiB of linear map in 4K pages.
    static func kasanARM64(_ out: String) throws {
        guard let a = ARM64(pageSize: 4096, vaBits: 48) else { return }
        var b = PageTableBuilder(arch: a, physicalBase: 0x4000_0000, tableEntry: arm64Table)
        let zero = b.newData([UInt8](repeating: 0, count: 4096))
        let pte = b.newTable(), pmd = b.newTable(), pud = b.newTable()
        for i in 0..<512 {
            b.set(table: pte, index: i, arm64Page(zero, readOnly: true))
            b.set(table: pmd, index: i, arm64Table(pte))
            b.set(table: pud, index: i, arm64Table(pmd))
        }
        var va: UInt64 = 0xffff_6000_0000_0000
        while va < 0xffff_8000_0000_0000 {
            b.install(va: va, level: 0, entry: arm64Table(pud))
            va += 1 << 39
        }
        for i in 0..<UInt64(262_144) { b.install(va: 0xffff_0000_0000_0000 + i << 12, level: 3, entry: arm64Page(PhysicalAddress(0x4000_0000 + i << 12), readOnly: false)) }
        try write(b, arch: .arm64, levels: 4, vaBits: 48, out)
    }

    /// arm64 4K/48 linear map of `gib` GiB in 4K pages (rodata=full style).
    static func linearARM64(gib: UInt64, _ out: String) throws {
        guard let a = ARM64(pageSize: 4096, vaBits: 48) else { return }
        var b = PageTableBuilder(arch: a, physicalBase: 0x4000_0000, tableEntry: arm64Table)
        for i in 0..<(gib << 18) {
            b.install(va: 0xffff_0000_0000_0000 + i << 12, level: 3, entry: arm64Page(PhysicalAddress(0x4000_0000 + i << 12), readOnly: i % 4096 == 0))
        }
        try write(b, arch: .arm64, levels: 4, vaBits: 48, out)
    }

    /// x86_64 4-level direct map of `gib` GiB in 4K pages, every 512th page read-only (page 7 of
    /// each 2 MiB, or `readOnlyAt`: a second image for `ptdump diff` to compare).
    static func linearX86(gib: UInt64, readOnlyAt: UInt64 = 7, _ out: String) throws {
        var b = PageTableBuilder(arch: X86_64(fiveLevel: false), physicalBase: 0x10_0000) { $0.rawValue | 0x63 }
        for i in 0..<(gib << 18) {
            let ro: UInt64 = i % 512 == readOnlyAt ? 0 : 2
            b.install(va: 0xffff_8880_0000_0000 + i << 12, level: 3, entry: (i << 12) | 0x161 | ro | (1 << 63))
        }
        try write(b, arch: .x86_64, levels: 4, vaBits: 48, out)
    }
}
