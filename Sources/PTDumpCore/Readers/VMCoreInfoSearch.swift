/// Finds the kernel's VMCOREINFO in guest memory, for ELF dumps that carry no VMCOREINFO note
/// (QEMU without `-device vmcoreinfo`, or a machine whose QEMU dump never has one).
///
/// `crash_save_vmcoreinfo_init()` (`kernel/crash_core.c`) keeps the note in pages of its own
/// (`alloc_pages_exact`), so it starts on a page boundary: the header `{n_namesz = 11,
/// n_descsz, n_type = 0}`, the name `"VMCOREINFO\0"` padded to 12 bytes, then the text, which
/// starts with `OSRELEASE=`. The search reads the first bytes of every 4 KiB-aligned page the
/// image holds, through its `PhysicalMemory`, and stops at the first such note whose text
/// parses. The format string `"OSRELEASE=%s"` in the kernel's read-only data and the raw data
/// page are not notes and never match.
public enum VMCoreInfoSearch {
    /// Note header, name and the start of the text, little-endian; bytes 4..<8 (`n_descsz`)
    /// are not compared.
    static let prefix: [UInt8] = [11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] + Array("VMCOREINFO\0\0OSRELEASE=".utf8)
    /// The same header written by a big-endian kernel (s390x).
    static let bigEndianPrefix: [UInt8] = [0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0] + Array("VMCOREINFO\0\0OSRELEASE=".utf8)

    /// The largest text the kernel writes (`VMCOREINFO_BYTES` = one page, at most 64 KiB).
    static let maxText = 1 << 16

    /// The VMCOREINFO note an architecture's pointer in memory leads to (s390: the absolute
    /// lowcore's `vmcore_info`), with where it was found; nil when there is none.
    public static func pointed(by arch: ArchKind?, in memory: any PhysicalMemory) -> (VMCoreInfo, FactSource)? {
        guard let (pa, how) = arch?.port.vmcoreinfoPointer(in: memory), let vi = note(at: pa, in: memory) else { return nil }
        return (vi, .memory("\(hex(pa)): the kernel's note, \(how)"))
    }

    /// The first VMCOREINFO note in `memory` and the physical address of its header, or nil.
    public static func find(in memory: any PhysicalMemory) -> (VMCoreInfo, PhysicalAddress)? {
        let page: UInt64 = 4096
        for r in memory.storedRegions {
            var pa = (r.start.rawValue &+ (page - 1)) & ~(page - 1)
            while pa < r.end.rawValue, r.end.rawValue - pa >= UInt64(prefix.count) {
                if let found = note(at: PhysicalAddress(pa), in: memory) { return (found, PhysicalAddress(pa)) }
                let (next, o) = pa.addingReportingOverflow(page)
                if o { break }
                pa = next
            }
        }
        return nil
    }

    /// The VMCOREINFO note whose header is at `pa` (in either byte order), or nil.
    static func note(at pa: PhysicalAddress, in memory: any PhysicalMemory) -> VMCoreInfo? {
        guard let head = try? memory.read(pa, length: prefix.count) else { return nil }
        let big = head[0] == 0
        let expected = big ? bigEndianPrefix : prefix
        for i in 0..<expected.count where (i < 4 || i >= 8) && head[i] != expected[i] { return nil }
        let size = big ? Int(head[7]) | Int(head[6]) << 8 | Int(head[5]) << 16 | Int(head[4]) << 24
                       : Int(head[4]) | Int(head[5]) << 8 | Int(head[6]) << 16 | Int(head[7]) << 24
        guard size >= 10, size <= maxText, let text = try? memory.read(pa + 24, length: size) else { return nil }
        return try? VMCoreInfo(text: String(decoding: text, as: UTF8.self))
    }
}
