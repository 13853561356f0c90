/// Checks the files given for one dump: one whole dump, or every part of a
/// `makedumpfile --split` set, each part holding the page frames `[start_pfn, end_pfn)` of one
/// dump. libkdumpfile opens any subset without complaint and then reports the missing part's
/// pages as excluded; this names what is missing instead.
enum KdumpSplitSet {
    /// The parts in frame order, without empty ones (makedumpfile writes empty parts when its
    /// 1 GiB split blocks outnumber the memory, and libkdumpfile 0.5.1 then misses pages
    /// depending on the order the parts were given in).
    static func order(_ parts: [KdumpPart]) throws(ImageError) -> [KdumpPart] {
        guard let first = parts.first else { throw .other("no dump file given") }
        let whole = parts.filter { !$0.header.split }
        if parts.count == 1 && whole.count == 1 { return parts }
        if let w = whole.first {
            throw .contradiction("\(w.name) is a whole dump, not a part of a split set; give it alone")
        }
        for p in parts.dropFirst() where !p.header.isSameDump(as: first.header) {
            throw .contradiction("\(p.name) and \(first.name) are parts of different dumps (kernel, time or size differ)")
        }
        let sorted = parts.sorted { ($0.header.startPFN, $0.header.endPFN) < ($1.header.startPFN, $1.header.endPFN) }
        let maxMapnr = first.header.maxMapnr
        let page = first.header.blockSize
        func frames(_ a: UInt64, _ b: UInt64) -> String {
            "page frames \(hex(a))-\(hex(b)) (physical \(hex(a &* page))-\(hex(b &* page)))"
        }
        var next: UInt64 = 0
        var previous: KdumpPart?
        var missing: [String] = []
        for p in sorted {
            let (s, e) = (p.header.startPFN, p.header.endPFN)
            guard s <= e, e <= maxMapnr else {
                throw .other("\(p.name): split part claims \(frames(s, e)), outside the dump's \(hex(maxMapnr)) frames (header damaged?)")
            }
            if s == e { continue }
            if s < next, let q = previous {
                throw .contradiction("\(q.name) and \(p.name) both hold \(frames(s, min(e, next))); give each part once")
            }
            if s > next { missing.append(frames(next, s)) }
            next = e
            previous = p
        }
        if next < maxMapnr { missing.append(frames(next, maxMapnr)) }
        if !missing.isEmpty {
            let given = sorted.map(\.name).joined(separator: ", ")
            throw .missingFact("incomplete split dump: no file given holds \(missing.joined(separator: " or ")); "
                + "give every file makedumpfile --split wrote (given: \(given))")
        }
        let nonEmpty = sorted.filter { $0.header.startPFN < $0.header.endPFN }
        guard !nonEmpty.isEmpty else { throw .other("\(first.name): the split parts hold no page frames") }
        return nonEmpty
    }
}
