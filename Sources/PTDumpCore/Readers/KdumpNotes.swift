/// The ELF notes a kdump-compressed file keeps from `/proc/vmcore` (sub-header `offset_note`,
/// header version 4 and later): `NT_PRSTATUS` per CPU, `VMCOREINFO`, QEMU's CPU state and the
/// like. libkdumpfile parses only the ones it understands (PRSTATUS into `cpu.N.reg`); this
/// gives them all, raw.
enum KdumpNotes {
    /// Parses a note segment: `Elf64_Nhdr {namesz, descsz, type}` (32-bit words), the name and
    /// the descriptor each padded to 4 bytes. Stops at the first note that does not fit.
    static func parse(_ bytes: [UInt8], bigEndian: Bool) -> [(name: String, type: UInt32, desc: [UInt8])] {
        let r = FieldReader(bytes: bytes, bigEndian: bigEndian)
        var out: [(name: String, type: UInt32, desc: [UInt8])] = []
        var at = 0
        while at + 12 <= bytes.count {
            let namesz = Int(r.u32(at)), descsz = Int(r.u32(at + 4)), type = r.u32(at + 8)
            let nameAt = at + 12
            let descAt = nameAt + (namesz + 3) / 4 * 4
            let end = descAt + (descsz + 3) / 4 * 4
            guard namesz < 1 << 20, descsz < 1 << 28, descAt + descsz <= bytes.count else { break }
            if namesz == 0 && descsz == 0 && type == 0 { break }   // zero padding after the last note
            let name = String(decoding: bytes[nameAt..<nameAt + namesz].prefix { $0 != 0 }, as: UTF8.self)
            out.append((name, type, Array(bytes[descAt..<descAt + descsz])))
            at = end
        }
        return out
    }
}
