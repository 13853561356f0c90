/// Reads the dumped kernel's virtual memory: what a symbol table decoder, a variable read or a
/// configuration search needs. Every read is bounded and returns nil where any byte is unmapped
/// or missing from the dump.
public protocol KernelVirtualMemory {
    /// `length` bytes at `va`, or nil when any of them cannot be read.
    func read(_ va: VirtualAddress, length: Int) -> [UInt8]?
    /// Byte order of the kernel's integers.
    var byteOrder: ByteOrder { get }
    /// Whether `va` is mapped (its bytes may still be missing from the dump).
    func isMapped(_ va: VirtualAddress) -> Bool
}

extension KernelVirtualMemory {
    /// Without page tables to ask: mapped when readable.
    public func isMapped(_ va: VirtualAddress) -> Bool { read(va, length: 1) != nil }

    /// Whether any page of `[va, va + length)` is mapped (4 KiB steps).
    func anyMapped(_ va: UInt64, length: UInt64) -> Bool {
        var at = va
        while at < va &+ length {
            if isMapped(VirtualAddress(at)) { return true }
            at &+= 4096
        }
        return false
    }

    /// The unsigned integer of `size` bytes (1, 2, 4 or 8) at `va`.
    public func unsigned(_ va: VirtualAddress, size: Int) -> UInt64? {
        guard let b = read(va, length: size), b.count == size else { return nil }
        return Self.decode(b[...], byteOrder: byteOrder)
    }

    /// Unsigned integer from `bytes` (at most 8) in `order`.
    @inline(__always)
    static func decode(_ bytes: ArraySlice<UInt8>, byteOrder order: ByteOrder) -> UInt64 {
        var v: UInt64 = 0
        if order == .little {
            for b in bytes.reversed() { v = v << 8 | UInt64(b) }
        } else {
            for b in bytes { v = v << 8 | UInt64(b) }
        }
        return v
    }
}

/// Kernel virtual memory translated through the dump's own page tables from the platform's root.
public struct TranslatedKernelMemory: KernelVirtualMemory {
    private let reader: @Sendable (VirtualAddress, Int) -> [UInt8]?
    private let mapped: @Sendable (VirtualAddress) -> Bool
    public let byteOrder: ByteOrder
    /// Physical addresses of the pages read so far, when recording (`--save` keeps them).
    private let recorder: PageRecorder?

    /// Memory of `platform`'s kernel, read from `memory`; `record` keeps the page-aligned
    /// physical address of every page read.
    public init(platform: Platform, memory: any PhysicalMemory, record: Bool = false) {
        let recorder = record ? PageRecorder() : nil
        self.recorder = recorder
        byteOrder = platform.architecture.byteOrder
        (reader, mapped) = platform.paging.accept(MakeReader(root: platform.root.value, memory: memory, recorder: recorder))
    }

    public func read(_ va: VirtualAddress, length: Int) -> [UInt8]? {
        guard length >= 0, length <= 256 << 20 else { return nil }
        return reader(va, length)
    }

    /// Whether `va` is mapped by a present leaf (its bytes may still be missing from the dump).
    public func isMapped(_ va: VirtualAddress) -> Bool { mapped(va) }

    /// The physical pages read so far (page-aligned, sorted), when recording.
    public var pagesRead: [PhysicalAddress] { recorder.map { $0.pages.sorted() } ?? [] }

    private struct MakeReader: ArchitectureVisitor {
        let root: PhysicalAddress, memory: any PhysicalMemory, recorder: PageRecorder?
        func visit<A: Architecture>(_ arch: A) -> (@Sendable (VirtualAddress, Int) -> [UInt8]?, @Sendable (VirtualAddress) -> Bool) {
            let view = KernelImageView(tables: PageTables(arch: arch, memory: memory), root: root, from: 0, span: 0)
            let box = UncheckedBox(view: view, recorder: recorder, pageSize: arch.pageSize)
            return ({ va, length in box.read(va, length: length) }, { va in box.view.leaf(va) != nil })
        }
    }
}

/// The (non-Sendable) image view behind a translated reader; used from one thread at a time.
private final class UncheckedBox<A: Architecture>: @unchecked Sendable {
    let view: KernelImageView<A>
    let recorder: PageRecorder?
    let pageSize: UInt64
    init(view: KernelImageView<A>, recorder: PageRecorder?, pageSize: UInt64) {
        self.view = view
        self.recorder = recorder
        self.pageSize = pageSize
    }

    func read(_ va: VirtualAddress, length: Int) -> [UInt8]? {
        guard let bytes = view.read(va, length: length) else { return nil }
        if let recorder {
            var at = va.rawValue & ~(pageSize - 1)
            let end = va.rawValue &+ UInt64(length)
            while at < end, let (pa, _) = view.leaf(VirtualAddress(at)) {
                recorder.pages.insert(PhysicalAddress(pa.rawValue & ~(pageSize - 1)))
                at &+= pageSize
                if at == 0 { break }
            }
        }
        return bytes
    }
}

/// Pages a recording reader has read.
final class PageRecorder: @unchecked Sendable {
    var pages = Set<PhysicalAddress>()
}
