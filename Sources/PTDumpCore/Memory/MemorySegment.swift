/// One run of physical memory held in a file: `[physicalStart, physicalStart+size)`, of which
/// the first `fileSize` bytes come from the file at `fileOffset` and the rest read as zero.
public struct MemorySegment: Sendable, Equatable {
    /// First physical address (ELF `p_paddr`).
    public var physicalStart: PhysicalAddress
    /// Bytes of physical memory (ELF `p_memsz`).
    public var size: UInt64
    /// Where the bytes start in the file (ELF `p_offset`).
    public var fileOffset: UInt64
    /// Bytes present in the file (ELF `p_filesz`); the rest is zero-filled.
    public var fileSize: UInt64

    public init(physicalStart: PhysicalAddress, size: UInt64, fileOffset: UInt64, fileSize: UInt64) {
        self.physicalStart = physicalStart
        self.size = size
        self.fileOffset = fileOffset
        self.fileSize = min(fileSize, size)
    }

    /// One past the last physical address (saturating at 2^64-1).
    public var physicalEnd: PhysicalAddress {
        let (e, o) = physicalStart.rawValue.addingReportingOverflow(size)
        return PhysicalAddress(o ? UInt64.max : e)
    }
}
