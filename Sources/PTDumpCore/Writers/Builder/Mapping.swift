/// The memory type of a mapping, in arm64's words (`MT_*` in `arch/arm64/include/asm/memory.h`);
/// x86 maps each to the cache mode Linux uses for it.
public enum MemoryType: Int, Sendable, CaseIterable, Equatable {
    /// `MT_NORMAL` (x86: write-back, no PWT/PCD).
    case normal = 0
    /// `MT_NORMAL_TAGGED` (MTE; arm64 only).
    case normalTagged = 1
    /// `MT_NORMAL_NC` (x86: write-combining, `_PAGE_PWT` under Linux's PAT setup).
    case normalNonCacheable = 2
    /// `MT_DEVICE_nGnRnE` (x86: uncached, `_PAGE_PCD | _PAGE_PWT`).
    case deviceNGnRnE = 3
    /// `MT_DEVICE_nGnRE` (x86: UC-, `_PAGE_PCD`).
    case deviceNGnRE = 4
}

/// What a mapping allows, in architecture-neutral words. `ImageBuilder` encodes it per
/// architecture; `MappingEncoding.attributes` decodes a walked range back into it.
public struct MappingAttributes: Sendable, Hashable {
    /// Writable (x86 `_PAGE_RW`; arm64 clears `PTE_RDONLY`).
    public var write: Bool
    /// Executable by the kernel (x86 clears `_PAGE_NX`; arm64 clears `PTE_PXN`).
    public var execute: Bool
    /// Executable from user mode: arm64 clears `PTE_UXN`. x86 has no separate bit (ignored).
    public var userExecute: Bool
    /// Accessible from user mode (x86 `_PAGE_USER`; arm64 `PTE_USER`).
    public var user: Bool
    /// Shared by every address space (x86 `_PAGE_GLOBAL`; arm64 clears `PTE_NG`).
    public var global: Bool
    /// Cacheability; `.normalTagged` exists only on arm64.
    public var memoryType: MemoryType

    /// Defaults to a kernel read-write, non-executable, global, normal-memory mapping
    /// (`PAGE_KERNEL`).
    public init(write: Bool = true, execute: Bool = false, userExecute: Bool = false, user: Bool = false,
                global: Bool = true, memoryType: MemoryType = .normal) {
        self.write = write
        self.execute = execute
        self.userExecute = userExecute
        self.user = user
        self.global = global
        self.memoryType = memoryType
    }

    /// True when the kernel's W^X check counts these pages (writable and kernel-executable).
    public var isWX: Bool { write && execute }
}

/// One virtually contiguous mapping for `ImageBuilder`: `size` bytes from `va` to physically
/// contiguous memory from `pa`, with `attributes`, using blocks no larger than `maxBlock`.
public struct Mapping: Sendable, Hashable {
    /// First virtual address (page-aligned).
    public var va: UInt64
    /// Bytes mapped (a multiple of the page size; the mapping may end at 2^64).
    public var size: UInt64
    /// Physical address of `va` (page-aligned).
    public var pa: UInt64
    /// Permissions, globality and memory type.
    public var attributes: MappingAttributes
    /// Largest leaf the builder may use (bytes): a page maps everything with pages, `.max`
    /// lets it use the largest block that alignment allows.
    public var maxBlock: UInt64

    public init(va: UInt64, size: UInt64, pa: UInt64, attributes: MappingAttributes = MappingAttributes(),
                maxBlock: UInt64 = .max) {
        self.va = va
        self.size = size
        self.pa = pa
        self.attributes = attributes
        self.maxBlock = maxBlock
    }

    /// One past the last virtual address (0 when the mapping ends at 2^64).
    public var vaEnd: UInt64 { va &+ size }
}
