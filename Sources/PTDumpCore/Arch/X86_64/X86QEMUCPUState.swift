/// The x86_64 part of QEMU's per-CPU `QEMU` note (`QEMUCPUState`, `target/i386/arch_dump.c`).
public struct QEMUCPUState: Sendable, Equatable {
    /// Control register 3: the page-table root with PCID bits.
    public var cr3: UInt64
    /// Control register 4 (bit 12 = LA57).
    public var cr4: UInt64

    /// Parses a note descriptor; nil when it is too short to hold CR3 and CR4.
    public init?(desc: [UInt8]) {
        guard desc.count >= 432 else { return nil }
        func u64(_ o: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(desc[o + $1]) << (8 * UInt64($1)) } }
        cr3 = u64(416)
        cr4 = u64(424)
    }

    /// CR4.LA57: 5-level paging.
    public var la57: Bool { cr4 & (1 << 12) != 0 }
}

extension Image {
    /// The x86_64 CPU states of the image's QEMU notes, first CPU first.
    var x86CPUStates: [QEMUCPUState] {
        cpuNotes.compactMap { $0.name == "QEMU" && $0.type == 0 ? QEMUCPUState(desc: $0.desc) : nil }
    }
}
