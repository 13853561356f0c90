import Foundation
@testable import PTDumpCore

/// Lays out arm64 page tables in a byte array at physical addresses from `base`, for tests.
struct ARM64TableBuilder {
    let arch: ARM64
    let base: UInt64
    private(set) var bytes: [UInt8] = []
    var tableBytes: Int { arch.levels.dropFirst().first.map { $0.entries * 8 } ?? Int(arch.pageSize) }

    init(arch: ARM64, base: UInt64 = 0x4000_0000) {
        self.arch = arch
        self.base = base
    }

    /// A new zeroed page-sized table; returns its physical address.
    mutating func newTable() -> PhysicalAddress {
        let pa = PhysicalAddress(base + UInt64(bytes.count))
        bytes += [UInt8](repeating: 0, count: Int(arch.pageSize))
        return pa
    }

    /// Writes entry `index` of the table at `pa`.
    mutating func set(_ pa: PhysicalAddress, _ index: Int, _ value: UInt64) {
        let off = Int(pa.rawValue - base) + index * 8
        for i in 0..<8 { bytes[off + i] = UInt8(truncatingIfNeeded: value >> UInt64(8 * i)) }
    }

    /// The tables as physical memory.
    func memory() throws -> MappedMemory {
        let file = MappedFile(bytes: bytes)
        return try MappedMemory(file: file, segments: [MemorySegment(physicalStart: PhysicalAddress(base), size: UInt64(bytes.count),
                                                                       fileOffset: 0, fileSize: UInt64(bytes.count))])
    }

    /// Table descriptor for `pa`.
    static func table(_ pa: PhysicalAddress) -> UInt64 { pa.rawValue | 3 }
    /// Kernel read-write data page (PAGE_KERNEL: AF, SHD inner, PXN, UXN, normal memory).
    static let kernelRW: UInt64 = (1 << 54) | (1 << 53) | (1 << 10) | (3 << 8) | 3
    /// Kernel read-only (PAGE_KERNEL_RO).
    static let kernelRO: UInt64 = kernelRW | (1 << 7)
    /// Kernel read-write-execute (no PXN, no RDONLY): W+X.
    static let kernelRWX: UInt64 = (1 << 54) | (1 << 10) | (3 << 8) | 3
}

/// Runs the arm64 text walk over `memory` and returns (text, report).
func arm64Text(arch: ARM64, memory: any PhysicalMemory, root: PhysicalAddress, markers: [AddressMarker], ranges: [WalkRange]? = nil) -> (String, WalkReport) {
    var report = WalkReport()
    let out = TextOutput()
    let r = ranges ?? [WalkRange(first: VirtualAddress(ARM64Formulas.pageOffset(vaBits: arch.vaBitsConfigured)), last: .max)]
    _ = PageTableDump.run(arch: arch, memory: memory, root: root, ranges: r, markers: markers,
                          advance: .alsoAfterEveryNote,
                          sink: KernelTextFormatter(out: out, style: arch.textStyle, levelNames: arch.levelNames),
                          report: &report)
    return (out.text, report)
}

/// Runs the arm64 W^X check over `memory`.
func arm64Check(arch: ARM64, memory: any PhysicalMemory, root: PhysicalAddress) -> WXChecker {
    var report = WalkReport()
    let r = [WalkRange(first: VirtualAddress(ARM64Formulas.pageOffset(vaBits: arch.vaBitsConfigured)), last: .max)]
    return PageTableDump.run(arch: arch, memory: memory, root: root, ranges: r, markers: [AddressMarker(0, "")],
                             advance: .alsoAfterEveryNote, sink: WXChecker(rule: arch.wxRule), report: &report)
}

/// The repository's `samples/` folder.
let samplesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("samples")
