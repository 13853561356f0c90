#if canImport(Glibc)
import Glibc
#endif

/// The kernel's own `address_markers[]`: the start addresses and names its ptdump prints,
/// filled in at boot (KASLR bases, fixmap start), found in the dump by its shape. A kernel
/// built with ptdump support (`PTDUMP_DEBUGFS` or `DEBUG_WX`) carries it in its data. The
/// marker names are looked for in the kernel image, then the array of entries pointing at
/// them: `{ start, name }` (and x86's `max_lines`), ending with a NULL name.
public struct KernelMarkerTable: Sendable {
    /// One entry: where the region starts, its heading, and the line cap (x86; 0 elsewhere).
    public struct Entry: Sendable, Equatable {
        public var start: UInt64
        public var name: String
        public var maxLines: UInt64
    }

    /// The entries, in the kernel's order.
    public var entries: [Entry]
    /// Virtual address of the array.
    public var address: VirtualAddress

    /// What to look for: a marker name every configuration has (`anchor`), and the entry
    /// size in bytes (16, or 24 with a `max_lines` field).
    public struct Shape: Sendable {
        public var anchor: String
        public var entrySize: Int
        /// True when a start may be any address (s390's markers start in the identity
        /// mapping, from 0); false when a start is 0 or in the kernel half (bit 63 set).
        public var anyStart: Bool
        public init(anchor: String, entrySize: Int, anyStart: Bool = false) {
            self.anchor = anchor
            self.entrySize = entrySize
            self.anyStart = anyStart
        }
    }

    /// Searches `[from, from + span)` of kernel virtual memory, read through `tables` from
    /// `root`; nil when no such array is there. Bounded by `span`.
    public static func find<A: Architecture>(tables: PageTables<A>, root: PhysicalAddress, from: VirtualAddress,
                                             span: UInt64, shape: Shape) -> KernelMarkerTable? {
        let image = KernelImageView(tables: tables, root: root, from: from, span: span)
        let needle = Array(shape.anchor.utf8) + [0]
        // Every copy of the anchor string (it must start a string: preceded by a NUL); the
        // array is in .data, which the kernel links after .rodata.
        for stringVA in image.occurrences(of: needle) {
            let after = KernelImageView(tables: tables, root: root, from: stringVA, span: span &- (stringVA - from))
            for entryNameVA in after.occurrences(ofWord: stringVA.rawValue) where entryNameVA.rawValue >= 8 {
                if let t = table(around: entryNameVA + (0 &- 8), image: image, shape: shape) { return t }
            }
        }
        return nil
    }

    /// Searches only `windows` (where the kernel's .data lies, around VMCOREINFO's data
    /// symbols), in order, for entries whose name pointers, and their neighbours', point into
    /// the image (`[from, from + span)`) and one of which names `shape.anchor`: a few pages
    /// read, where the string-first search reads the kernel's text and read-only data. One view
    /// of the image serves every window and every string, so each page is translated once.
    static func find<A: Architecture>(tables: PageTables<A>, root: PhysicalAddress, from: VirtualAddress,
                                      span: UInt64, windows: [WalkRange], shape: Shape) -> KernelMarkerTable? {
        let image = KernelImageView(tables: tables, root: root, from: from, span: span)
        for window in windows {
            if let t = scan(window, image: image, shape: shape) { return t }
        }
        return nil
    }

    /// One window of the data search.
    private static func scan<A: Architecture>(_ window: WalkRange, image: KernelImageView<A>, shape: Shape) -> KernelMarkerTable? {
        let lo = image.from.rawValue, hi = image.from.rawValue &+ image.span
        let stride = shape.entrySize / 8
        let big = image.tables.arch.byteOrder == .big
        var result: KernelMarkerTable?
        image.chunks(in: window) { va, raw in
            let words = raw.count / 8
            func word(_ i: Int) -> UInt64 {
                let w = raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                return big ? UInt64(bigEndian: w) : UInt64(littleEndian: w)
            }
            func inImage(_ i: Int) -> Bool {
                guard i >= 0, i < words else { return false }
                let w = word(i)
                return w >= lo && w < hi
            }
            // An entry: a start address (kernel half, or 0 for user space) and a name pointer,
            // with neighbours alike and starts ascending.
            func startLike(_ i: Int) -> Bool { i >= 0 && i < words && (shape.anyStart || word(i) == 0 || word(i) >> 63 == 1) }
            func entry(_ i: Int) -> Bool { inImage(i) && startLike(i - 1) }
            // Entries `a` then `b` (name-pointer word indices) as neighbours in one array.
            func follows(_ a: Int, _ b: Int) -> Bool { entry(b) && word(a - 1) <= word(b - 1) && word(a) != word(b) }
            // The array has at least four entries (`table(around:)` wants them): an entry needs
            // three neighbours, counting both ways, unless the piece of memory ends first —
            // then one will do. And markers start regions (the linear map, vmalloc, modules):
            // four in a row never all lie in the kernel image (s390's sorted array has the most,
            // three: the image's start and end, and the identity mapping's end at `_stext`),
            // where every word of an array of pointers does. Each candidate costs a string
            // read, in a compressed dump often a page decompressed, and .data is full of
            // sorted pointer arrays.
            func inRun(_ i: Int) -> Bool {
                var run = 1, outside = inImage(i - 1) ? 0 : 1, edge = false, k = i
                while run < 4 {
                    guard k + stride < words else { edge = true; break }
                    guard follows(k, k + stride) else { break }
                    run += 1
                    k += stride
                    if !inImage(k - 1) { outside += 1 }
                }
                k = i
                while run < 4 {
                    guard k - stride >= 1 else { edge = true; break }
                    guard follows(k - stride, k) else { break }
                    run += 1
                    k -= stride
                    if !inImage(k - 1) { outside += 1 }
                }
                return run >= 4 ? outside >= 1 : edge && run >= 2
            }
            var i = 1
            while i < words {
                if entry(i) && inRun(i) {
                    let w = word(i)
                    if image.string(at: VirtualAddress(w), max: 48) == shape.anchor,
                       let t = table(around: va + UInt64((i - 1) * 8), image: image, shape: shape) {
                        result = t
                        return false
                    }
                }
                i += 1
            }
            return true
        }
        return result
    }

    /// The data search around VMCOREINFO's data symbols (`prb`, `init_uts_ns`, …) when the
    /// dump has them, else the string-first search of the whole image.
    public static func find<A: Architecture>(tables: PageTables<A>, root: PhysicalAddress, from: VirtualAddress,
                                             span: UInt64, vmcoreinfo: VMCoreInfo?, shape: Shape) -> KernelMarkerTable? {
        let lo = from.rawValue, hi = from.rawValue &+ span
        let data = ["prb", "printk_rb_static", "init_uts_ns", "vmap_area_list", "node_online_map", "clear_seq"]
            .compactMap { vmcoreinfo?.symbol($0) }.filter { $0 >= lo && $0 < hi }
        if let first = data.min(), let last = data.max() {
            let windows = nearestFirst(around: first & ~7, lower: max(lo, first &- (2 << 20)) & ~0xfff,
                                       upper: min(hi, last &+ (1 << 20)), overlap: UInt64(4 * shape.entrySize))
            if let t = find(tables: tables, root: root, from: from, span: span, windows: windows, shape: shape) { return t }
        }
        return find(tables: tables, root: root, from: from, span: span, shape: shape)
    }

    /// `[lower, upper)` cut into 64 KiB windows in the order the data search reads them: out
    /// from `start` (the array lies in the same .data as the first VMCOREINFO data symbol, a
    /// little below it on x86, a little above it on arm64), one window down, then one up, and so
    /// on. Neighbouring windows overlap by `overlap` bytes so an entry and its neighbour are
    /// never split between two.
    static func nearestFirst(around start: UInt64, lower: UInt64, upper: UInt64, overlap: UInt64) -> [WalkRange] {
        let step: UInt64 = 64 << 10
        let mid = min(max(start, lower), upper)
        var down: [WalkRange] = [], up: [WalkRange] = []
        var top = mid
        while top > lower {
            let bottom = top - min(step, top - lower)
            down.append(WalkRange(first: VirtualAddress(bottom), last: VirtualAddress(min(upper, top &+ overlap))))
            top = bottom
        }
        var bottom = mid
        while bottom < upper {
            let top = bottom + min(step, upper - bottom)
            up.append(WalkRange(first: VirtualAddress(max(lower, bottom &- overlap)), last: VirtualAddress(top)))
            bottom = top
        }
        var out: [WalkRange] = []
        for k in 0..<max(down.count, up.count) {
            if k < down.count { out.append(down[k]) }
            if k < up.count { out.append(up[k]) }
        }
        return out
    }

    /// The array holding an entry at `entry`: entries before it while their names read as
    /// marker names, entries after it up to the NULL name.
    static func table<A: Architecture>(around entry: VirtualAddress, image: KernelImageView<A>, shape: Shape) -> KernelMarkerTable? {
        func read(_ va: VirtualAddress) -> Entry? {
            guard let bytes = image.read(va, length: shape.entrySize), bytes.count == shape.entrySize else { return nil }
            let big = image.tables.arch.byteOrder == .big
            func word(_ i: Int) -> UInt64 {
                (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i * 8 + $1]) << (8 * UInt64(big ? 7 - $1 : $1)) }
            }
            let namePtr = word(1)
            guard namePtr != 0, let name = image.string(at: VirtualAddress(namePtr), max: 48), isMarkerName(name) else {
                return namePtr == 0 ? Entry(start: word(0), name: "", maxLines: 0) : nil
            }
            return Entry(start: word(0), name: name, maxLines: shape.entrySize >= 24 ? word(2) : 0)
        }
        guard let anchor = read(entry), !anchor.name.isEmpty else { return nil }
        var first = entry
        var steps = 0
        while steps < 64, let prev = read(first + (0 &- UInt64(shape.entrySize))), !prev.name.isEmpty {
            first = first + (0 &- UInt64(shape.entrySize))
            steps += 1
        }
        var entries: [Entry] = []
        var va = first
        while entries.count < 64, let e = read(va) {
            if e.name.isEmpty { break }
            entries.append(e)
            va = va + UInt64(shape.entrySize)
        }
        guard entries.count >= 4, read(va)?.name == "" else { return nil }
        // Markers ascend (equal starts allowed) up to the last, which may be a sentinel.
        let starts = entries.map(\.start)
        guard zip(starts, starts.dropFirst()).dropLast().allSatisfy({ $0 <= $1 }) else { return nil }
        return KernelMarkerTable(entries: entries, address: first)
    }

    /// Printable ASCII, a few words: what the kernel's marker names look like.
    static func isMarkerName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 40 && s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f }
    }

    /// The entries as the markers the text prints.
    public var markers: [AddressMarker] {
        entries.map { AddressMarker($0.start, $0.name, maxLines: Int(clamping: $0.maxLines)) }
    }

    /// Where `--info` says they came from.
    public var source: FactSource { .memory("the kernel's address_markers[] at \(hex(address))") }

    /// The start of the marker called `name`.
    public func start(of name: String) -> UInt64? { entries.first { $0.name == name }?.start }
    /// True when the kernel has a marker called `name`.
    public func has(_ name: String) -> Bool { entries.contains { $0.name == name } }
}

/// Kernel virtual memory `[from, from + span)`, read leaf by leaf through the page tables.
public struct KernelImageView<A: Architecture> {
    let tables: PageTables<A>
    let root: PhysicalAddress
    let from: VirtualAddress
    let span: UInt64
    /// Leaves already translated, by page: the search reads many small strings from few pages.
    private let leaves = LeafCache()

    init(tables: PageTables<A>, root: PhysicalAddress, from: VirtualAddress, span: UInt64) {
        self.tables = tables
        self.root = root
        self.from = from
        self.span = span
    }

    /// The leaf mapping `va`: the PA of `va` and the bytes left in the leaf; nil when unmapped.
    func leaf(_ va: VirtualAddress) -> (pa: PhysicalAddress, left: UInt64)? {
        let ps = tables.arch.pageSize
        let page = va.rawValue & ~(ps - 1)
        let hit: (PhysicalAddress, UInt64)?
        if let known = leaves.map[page] {
            hit = known
        } else {
            let found = tables.mapping(of: VirtualAddress(page), root: root)
            if leaves.map.count > 1 << 16 { leaves.map.removeAll() }
            leaves.map[page] = .some(found)
            hit = found
        }
        guard let (pagePA, pageLeft) = hit else { return nil }
        let off = va.rawValue - page
        return (pagePA + off, pageLeft - off)
    }

    /// `length` bytes at `va`, when every page of them is mapped: one read per leaf.
    func read(_ va: VirtualAddress, length: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var at = va
        while out.count < length {
            guard let (pa, leafLeft) = leaf(at) else { return nil }
            let n = Int(min(leafLeft, UInt64(length - out.count)))
            guard let bytes = try? tables.memory.read(pa, length: n) else { return nil }
            out += bytes
            at = at + UInt64(n)
        }
        return out
    }

    /// The NUL-terminated string at `va` (at most `max` bytes).
    func string(at va: VirtualAddress, max: Int) -> String? {
        guard let bytes = read(va, length: max), let end = bytes.firstIndex(of: 0) else { return nil }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// The mapped pieces of the range, in order, one leaf (or less) at a time, read in place
    /// where the memory allows; `body` returns false to stop.
    func chunks(_ body: (VirtualAddress, UnsafeRawBufferPointer) -> Bool) {
        chunks(in: WalkRange(first: from, last: from + span), body)
    }

    /// `chunks` over `range` (`last` exclusive), which may lie anywhere: the leaves found are
    /// kept for the view's other reads.
    func chunks(in range: WalkRange, _ body: (VirtualAddress, UnsafeRawBufferPointer) -> Bool) {
        var at = range.first.rawValue & ~7
        let end = range.last.rawValue
        let ps = tables.arch.pageSize
        while at < end {
            guard let (pa, left) = leaf(VirtualAddress(at)) else {
                at = (at | (ps - 1)) &+ 1                    // unmapped: the next page
                if at == 0 { return }
                continue
            }
            let n = min(left, end &- at) & ~7
            guard n > 0 else { return }
            if let page = try? tables.memory.table(at: pa, entries: Int(n / 8), byteOrder: .little) {
                if !page.withUnsafeBytes({ body(VirtualAddress(at), $0) }) { return }
            }
            at &+= n
            if at == 0 { return }
        }
    }

    /// Addresses where `needle` (a string with its NUL) starts a string.
    func occurrences(of needle: [UInt8]) -> [VirtualAddress] {
        var found: [VirtualAddress] = []
        chunks { va, hay in
            do {
                needle.withUnsafeBytes { n in
                    guard let h = hay.baseAddress, let nb = n.baseAddress else { return }
                    var off = 0
                    while off + n.count <= hay.count, let p = memchr(h + off, Int32(needle[0]), hay.count - off - n.count + 1) {
                        let i = h.distance(to: UnsafeRawPointer(p))
                        if memcmp(h + i, nb, n.count) == 0 && (i == 0 || hay[i - 1] == 0) { found.append(va + UInt64(i)) }
                        off = i + 1
                    }
                }
            }
            return found.count < 2
        }
        return found
    }

    /// 8-aligned addresses holding `value` (in the architecture's byte order).
    func occurrences(ofWord word: UInt64) -> [VirtualAddress] {
        var found: [VirtualAddress] = []
        let value = tables.arch.byteOrder == .big ? word.bigEndian : word.littleEndian
        chunks { va, raw in
            do {
                var i = 0
                while i + 8 <= raw.count {
                    if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) == value { found.append(va + UInt64(i)) }
                    i += 8
                }
            }
            return found.count < 4
        }
        return found
    }
}

/// Translations a search has made, shared by the copies of its view.
final class LeafCache {
    var map: [UInt64: (PhysicalAddress, UInt64)?] = [:]
}
