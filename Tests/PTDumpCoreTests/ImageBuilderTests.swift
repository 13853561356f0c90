import Testing
import PTDumpCore

/// `ImageBuilder`'s choices (leaf sizes, table bits) and its errors for unmappable lists.
@Suite struct ImageBuilderTests {
    /// The walk of a built image, straight from memory.
    func ranges(_ built: BuiltImage) throws -> [CoalescedRange] {
        let memory = try built.physicalMemory()
        let image = Image(format: "built", memory: memory, arch: built.mode.arch)
        var options = built.rawOptions
        options.arch = nil
        let platform = try PlatformResolver.resolve(image: image, options: options)
        // Mapped ranges: a prot of 0 is unmapped on most architectures but a valid read-write,
        // executable mapping on s390, where a hole's prot is the invalid bit.
        let arch = platform.architecture
        return platform.paging.accept(CollectRanges(platform: platform, memory: memory)).ranges
            .filter { arch.permissions(prot: $0.prot, effective: $0.effective).present }
    }

    @Test(arguments: PagingMode.all)
    func largestAllowedBlockIsUsed(mode: PagingMode) throws {
        let e = try MappingEncoding(mode: mode)
        let biggest = e.leafLevels[0]
        let size = UInt64(1) << UInt64(e.levels[biggest].shift)
        let va = e.walkRanges[e.walkRanges.count - 1].first.rawValue &+ 4 * size
        let m = Mapping(va: va, size: size, pa: 8 * size, attributes: MappingAttributes(write: false, execute: true))
        // Unlimited: one block at the biggest leaf level.
        let block = try ranges(ImageBuilder(mode: mode).build([m]))
        #expect(block.count == 1)
        #expect(block.first?.level == e.levels[biggest].kernelLevel)
        // maxBlock of a page: all pages (over the smallest block, to stay fast).
        let smallest = UInt64(1) << UInt64(e.levels[e.leafLevels[e.leafLevels.count - 2]].shift)
        let small = Mapping(va: va, size: smallest, pa: 8 * size, maxBlock: mode.pageSize)
        let pages = try ranges(ImageBuilder(mode: mode).build([small]))
        #expect(pages.count == 1)
        #expect(pages.first?.level == 4)
        #expect(pages.first?.size == smallest)
        // A PA off the block alignment forces smaller leaves too.
        var shifted = small
        shifted.pa += mode.pageSize
        shifted.maxBlock = .max
        #expect(try ranges(ImageBuilder(mode: mode).build([shifted])).allSatisfy { $0.level == 4 })
    }

    @Test func x86UserLeavesGetUserTablesAbove() throws {
        let user = Mapping(va: 0x7f00_0000_0000, size: 0x2000, pa: 0x20_0000, attributes: MappingAttributes(user: true))
        let kernel = Mapping(va: 0xffff_8880_0000_0000, size: 0x1000, pa: 0x30_0000)
        for levels in [4, 5] {
            let built = try ImageBuilder(mode: .x86_64(levels: levels)).build([user, kernel])
            let r = try ranges(built)
            #expect(r.count == 2)
            #expect((r.first?.effective ?? 0) & X86EntryBits.user.rawValue != 0)
            #expect((r.last?.effective ?? 0) & X86EntryBits.user.rawValue == 0)
        }
    }

    func error(_ mode: PagingMode, _ mappings: [Mapping]) -> String? {
        do {
            _ = try ImageBuilder(mode: mode).build(mappings)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func invalidListsAreRejectedWithTheReason() {
        let x86 = PagingMode.x86_64(levels: 4), arm = PagingMode.arm64(pageSize: 16384, vaBits: 47)
        let k: UInt64 = 0xffff_8880_0000_0000
        #expect(error(x86, [Mapping(va: k + 0x800, size: 0x1000, pa: 0)])?.contains("mapping 0:") == true)
        #expect(error(x86, [Mapping(va: k, size: 0x1000, pa: 0x10)])?.contains("physical address is not aligned") == true)
        #expect(error(x86, [Mapping(va: k, size: 0, pa: 0)])?.contains("size is 0") == true)
        #expect(error(x86, [Mapping(va: k, size: 0x1000, pa: 0, maxBlock: 512)])?.contains("smaller than") == true)
        #expect(error(x86, [Mapping(va: k, size: 0x1000, pa: 1 << 52)])?.contains("physical range") == true)
        #expect(error(x86, [Mapping(va: 0x0000_9000_0000_0000, size: 0x1000, pa: 0)])?.contains("not canonical") == true)
        #expect(error(x86, [Mapping(va: 0xffff_8000_0000_0000, size: 0x1000, pa: 0)])?.contains("not inside what ptdump walks") == true)
        #expect(error(x86, [Mapping(va: k, size: 0x1000, pa: 0, attributes: MappingAttributes(memoryType: .normalTagged))])?
            .contains("only on arm64") == true)
        let overlap = error(x86, [Mapping(va: k + 0x3000, size: 0x1000, pa: 0), Mapping(va: k, size: 0x4000, pa: 0)])
        #expect(overlap == "mapping 0: 0xffff888000003000+0x1000 overlaps mapping 1 (0xffff888000000000+0x4000)")
        #expect(error(arm, [Mapping(va: 0x4000, size: 0x4000, pa: 0)])?.contains("not inside what ptdump walks") == true)
        #expect(error(arm, [Mapping(va: 0xffff_8000_0000_0000, size: 0x1000, pa: 0)])?.contains("16384-byte page") == true)
        #expect(error(.arm64(pageSize: 4096, vaBits: 42), [])?.contains("39, 48") == true)
        #expect(error(.x86_64(levels: 3), []) == "x86_64 has 4 or 5 levels, not 3")
        #expect(error(arm, [Mapping(va: UInt64.max - 0x3fff, size: 0x8000, pa: 0)])?.contains("wraps") == true)
    }

    @Test func mappingToTheTopOfTheAddressSpaceIsReported() throws {
        let mode = PagingMode.arm64(pageSize: 4096, vaBits: 39)
        let m = Mapping(va: 0 &- (4 << 30), size: 4 << 30, pa: 1 << 30, attributes: MappingAttributes(write: false))
        let r = try ranges(ImageBuilder(mode: mode).build([m]))
        #expect(r.count == 1)
        #expect(r.first?.start.rawValue == m.va && r.first?.end == 0 && r.first?.level == 2)
    }
}

/// The builder's default attributes are the kernel's `PAGE_KERNEL`, as the hand-written
/// constants of the older tests encode it.
@Suite struct MappingEncodingTests {
    @Test func defaultAttributesArePageKernel() throws {
        let arm = try MappingEncoding(mode: .arm64(pageSize: 4096, vaBits: 48))
        #expect(arm.leaf(0x4000_0000, MappingAttributes(), level: 3) == 0x4000_0000 | ARM64TableBuilder.kernelRW)
        #expect(arm.leaf(0, MappingAttributes(write: false), level: 3) == ARM64TableBuilder.kernelRO)
        let x86 = try MappingEncoding(mode: .x86_64(levels: 4))
        #expect(x86.leaf(0x5000, MappingAttributes(), level: 3) == X86Entry.page(0x5000))
        #expect(x86.leaf(0x20_0000, MappingAttributes(write: false), level: 2) == X86Entry.large(0x20_0000, rw: false))
        #expect(x86.table(0x3000) == 0x3000 | X86Entry.table)
    }

    @Test(arguments: PagingMode.all)
    func attributesDecodeBackFromTheirEncoding(mode: PagingMode) throws {
        let e = try MappingEncoding(mode: mode)
        let arch = e.paging
        for bits in 0..<64 {
            for type in MemoryType.allCases {
                let a = e.canonical(MappingAttributes(write: bits & 1 != 0, execute: bits & 2 != 0, userExecute: bits & 4 != 0,
                                                      user: bits & 8 != 0, global: bits & 16 != 0, memoryType: type))
                guard e.unsupportedReason(a) == nil else { continue }
                let leaf = e.leaf(0, a, level: e.levels.count - 1)
                // x86 effective permissions of a leaf under kernel tables that allow everything.
                let eff: UInt64
                if case .x86_64(let x) = arch { eff = x.effective(leaf, parent: 0x67) } else { eff = 0 }
                #expect(e.attributes(prot: leaf & ~0x000f_ffff_ffff_f000, effective: eff) == a)
            }
        }
    }
}
