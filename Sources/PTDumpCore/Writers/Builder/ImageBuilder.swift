/// Builds the page tables of any supported paging mode from a list of mappings, the way a
/// kernel or firmware would: each mapping gets the largest leaf (block or page) that its
/// `maxBlock`, its alignment and what is left of it allow. The result can be written as a
/// compact image, a raw physical dump or an ELF executable (`BuiltImage`).
///
/// ```swift
/// let built = try ImageBuilder(mode: .arm64(pageSize: 4096, vaBits: 48)).build([
///     Mapping(va: 0xffff_0000_0000_0000, size: 1 << 30, pa: 0x4000_0000),
/// ])
/// try built.writeCompactImage(path: "tables.img")     // `ptdump tables.img` needs no flags
/// ```
public struct ImageBuilder: Sendable {
    /// The paging mode built.
    public let mode: PagingMode
    /// Physical address of the first table (the root); tables follow it contiguously.
    public let physicalBase: UInt64

    /// A builder for `mode` whose tables start at `physicalBase` (default: 1 MiB on x86_64,
    /// 1 GiB on arm64), which must be aligned to the mode's page size.
    public init(mode: PagingMode, physicalBase: UInt64? = nil) {
        self.mode = mode
        self.physicalBase = physicalBase ?? ((try? mode.encoder().defaultPhysicalBase) ?? 0x10_0000)
    }

    /// Lays out tables mapping every `mappings` entry. Throws `ImageError.invalidMapping`
    /// (naming the mapping's index) for a misaligned, overlapping, non-canonical or otherwise
    /// unmappable entry, and `.contradiction` for a mode Linux 6.1 lacks.
    public func build(_ mappings: [Mapping]) throws(ImageError) -> BuiltImage {
        let encoding = try MappingEncoding(mode: mode)
        try validate(mappings, encoding: encoding)
        return try encoding.paging.accept(LayOut(builder: self, mappings: mappings, encoding: encoding)).get()
    }

    /// Checks every mapping and that no two overlap.
    public func validate(_ mappings: [Mapping]) throws(ImageError) {
        try validate(mappings, encoding: MappingEncoding(mode: mode))
    }

    private func validate(_ mappings: [Mapping], encoding: MappingEncoding) throws(ImageError) {
        let ps = mode.pageSize
        guard physicalBase % ps == 0 else {
            throw .contradiction("physical base \(hex(physicalBase)) is not aligned to the \(ps)-byte page of \(mode)")
        }
        let ranges = encoding.walkRanges
        for (i, m) in mappings.enumerated() {
            func fail(_ why: String) -> ImageError {
                .invalidMapping(index: i, reason: "\(hex(m.va))+\(hex(m.size)) → \(hex(m.pa)): \(why)")
            }
            guard m.size > 0 else { throw fail("the size is 0") }
            guard m.size % ps == 0 else { throw fail("the size is not a multiple of the \(ps)-byte page of \(mode)") }
            guard m.va % ps == 0 else { throw fail("the virtual address is not aligned to the \(ps)-byte page of \(mode)") }
            guard m.pa % ps == 0 else { throw fail("the physical address is not aligned to the \(ps)-byte page of \(mode)") }
            guard m.maxBlock >= ps else { throw fail("maxBlock \(hex(m.maxBlock)) is smaller than the \(ps)-byte page") }
            guard m.pa < encoding.physicalLimit, m.size <= encoding.physicalLimit - m.pa else {
                throw fail("the physical range goes past \(hex(encoding.physicalLimit)), the limit of \(mode) descriptors")
            }
            guard m.size - 1 <= UInt64.max - m.va else { throw fail("the virtual range wraps past 2^64") }
            let last = m.va + (m.size - 1)
            guard ranges.contains(where: { m.va >= $0.first.rawValue && last <= $0.last.rawValue }) else {
                let walked = ranges.map { "\(hex16($0.first))-\(hex16($0.last))" }.joined(separator: ", ")
                throw fail("the virtual range is not inside what ptdump walks for \(mode) (\(walked)): not canonical, or in a hole the kernel skips")
            }
            if let why = encoding.unsupportedReason(m.attributes) { throw fail(why) }
        }
        let order = mappings.indices.sorted { mappings[$0].va < mappings[$1].va }
        for (a, b) in zip(order, order.dropFirst()) {
            let x = mappings[a], y = mappings[b]
            if x.va + (x.size - 1) >= y.va {
                throw .invalidMapping(index: b, reason: "\(hex(y.va))+\(hex(y.size)) overlaps mapping \(a) (\(hex(x.va))+\(hex(x.size)))")
            }
        }
    }

    private struct LayOut: ArchitectureVisitor {
        let builder: ImageBuilder, mappings: [Mapping], encoding: MappingEncoding
        func visit<A: Architecture>(_ arch: A) -> Result<BuiltImage, ImageError> {
            do { return .success(try builder.layOut(mappings, arch: arch, encoding: encoding)) } catch { return .failure(error) }
        }
    }

    /// Installs each mapping leaf by leaf, largest allowed leaf first.
    fileprivate func layOut<A: Architecture>(_ mappings: [Mapping], arch: A, encoding e: MappingEncoding) throws(ImageError) -> BuiltImage {
        var b = PageTableBuilder(arch: arch, physicalBase: physicalBase, emptyEntry: { e.emptyEntry(level: $0) }) {
            e.table($0, level: $1)
        }
        for m in mappings {
            var va = m.va, pa = m.pa, left = m.size
            let userBits = m.attributes.user ? e.userTableBits : 0
            while left > 0 {
                // The last level always fits: everything is page-aligned.
                let li = e.leafLevels.first { li in
                    let size = UInt64(1) << UInt64(e.levels[li].shift)
                    return size <= m.maxBlock && size <= left && va % size == 0 && pa % size == 0
                } ?? e.levels.count - 1
                let size = UInt64(1) << UInt64(e.levels[li].shift)
                b.install(va: va, level: li, entry: e.leaf(PhysicalAddress(pa), m.attributes, level: li))
                if userBits != 0 { Self.addToPath(&b, va: va, level: li, bits: userBits) }
                va &+= size
                pa += size
                left -= size
            }
        }
        return BuiltImage(mode: mode, bytes: b.bytes, physicalBase: physicalBase, root: b.root, tableBytes: b.tableBytes)
    }

    /// ORs `bits` into the table entries that lead to `va`'s entry at real level `level`.
    private static func addToPath<A: Architecture>(_ b: inout PageTableBuilder<A>, va: UInt64, level: Int, bits: UInt64) {
        var t = b.root
        for li in 0..<level {
            let i = b.index(of: va, level: li)
            let entry = b.entry(table: t, index: i)
            b.set(table: t, index: i, entry | bits)
            guard case .table(let next) = b.arch.classify(entry | bits, level: li) else { return }
            t = next
        }
    }
}
