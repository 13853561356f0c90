/// `--stats`: the numbers behind "why does this kernel use 40 MiB of page tables" — tables and
/// entries per level, the memory the tables hold, shared tables, and what is mapped with pages
/// and with blocks in each marker region.
public struct TableStats: Sendable {
    /// One real level of tables.
    public struct Level: Sendable, Equatable {
        /// Level name (`pte`, `PMD`).
        public var name: String
        /// Distinct tables.
        public var tables = 0
        /// Valid entries (leaves and table pointers).
        public var used = 0
        /// Entries mapping a page or block.
        public var leaves = 0
        /// Entries pointing at a next-level table.
        public var pointers = 0
        /// Bytes the tables hold.
        public var bytes: UInt64 = 0
        /// Entries in one table.
        public var entriesPerTable = 0
    }

    /// What one marker region maps at one level.
    public struct Mapped: Sendable, Equatable {
        public var region: String
        /// Level name of the leaves.
        public var level: String
        /// Leaves (pages or blocks; KASAN's shared shadow counts each address it maps).
        public var leaves: UInt64
        /// Bytes mapped.
        public var bytes: UInt64
    }

    public var levels: [Level] = []
    /// Tables pointed at by more than one entry, and the entries pointing at them.
    public var sharedTables = 0
    public var sharedReferences = 0
    /// Tables that could not be read.
    public var unreadable = 0
    /// Present mappings by region and level, in address order of the regions.
    public var mapped: [Mapped] = []

    /// Distinct tables.
    public var tables: Int { levels.reduce(0) { $0 + $1.tables } }
    /// Bytes all tables hold.
    public var bytes: UInt64 { levels.reduce(0) { $0 + $1.bytes } }

    /// Counts `platform`'s tables in `memory` (only `window` when given).
    public static func collect(platform: Platform, memory: any PhysicalMemory, window: WalkRange? = nil) -> TableStats {
        platform.paging.accept(Collect(platform: platform, memory: memory, window: window))
    }

    private struct Collect: ArchitectureVisitor {
        let platform: Platform, memory: any PhysicalMemory, window: WalkRange?

        func visit<A: Architecture>(_ arch: A) -> TableStats {
            let layout = window.map { platform.layout.restricted(to: $0) } ?? platform.layout
            let valid = (arch as? any ArchitectureTableRules)?.hygiene.validMask ?? UInt64.max
            var stats = TableStats()
            stats.levels = arch.levels.map {
                Level(name: arch.levelNames[$0.kernelLevel], entriesPerTable: $0.entries)
            }
            var tree = TableTreeWalk(arch: arch, memory: memory)
            tree.walk(root: platform.root.value, rootLevel: platform.rootLevel, base: platform.vaBase, ranges: layout.ranges) { v, t in
                var l = stats.levels[v.level]
                l.tables += 1
                l.bytes += UInt64(arch.levels[v.level].tableBytes)
                for i in 0..<t.entries {
                    let e = t[i]
                    switch arch.kind(of: e, level: v.level) {
                    case .leaf where e & valid != 0: l.leaves += 1
                    case .table: l.pointers += 1
                    default: break
                    }
                }
                l.used = l.leaves + l.pointers
                stats.levels[v.level] = l
            }
            stats.unreadable = tree.unreadable.count
            for (_, n) in tree.references where n > 1 {
                stats.sharedTables += 1
                stats.sharedReferences += n
            }
            var report = WalkReport()
            let sink = PageTableDump.run(arch: arch, memory: memory, root: platform.root.value, rootLevel: platform.rootLevel,
                                         base: platform.vaBase, ranges: layout.ranges, markers: layout.markers, advance: layout.advance,
                                         finalAddress: window.map { $0.last.rawValue &+ 1 } ?? 0,
                                         sink: SnapshotSink(arch: arch, walked: layout.ranges), report: &report)
            var regions = layout.markers.map(\.name)
            if regions.isEmpty { regions = [""] }
            var index: [String: Int] = [:]
            for r in sink.ranges {
                let region = r.region < regions.count ? regions[r.region] : ""
                let name = r.level >= 0 && r.level < arch.levelNames.count ? arch.levelNames[r.level] : "\(r.level)"
                let span = arch.levels.first { $0.kernelLevel == r.level }?.entrySpan ?? arch.pageSize
                let key = region + "\u{0}" + name
                if let k = index[key] {
                    stats.mapped[k].bytes &+= r.size
                    stats.mapped[k].leaves &+= r.size / span
                } else {
                    index[key] = stats.mapped.count
                    stats.mapped.append(Mapped(region: region, level: name, leaves: r.size / span, bytes: r.size))
                }
            }
            return stats
        }
    }

    /// The text form.
    public var lines: [String] {
        var out = ["Page tables: \(tables) tables holding \(DiffFormatter.size(bytes))"
                   + (sharedTables > 0 ? "; \(sharedTables) shared by \(sharedReferences) entries" : "")
                   + (unreadable > 0 ? "; \(unreadable) unreadable" : "")]
        out.append("level       tables   used entries   leaves  pointers   memory")
        for l in levels {
            let fill = l.tables == 0 ? 0 : Double(l.used) * 100 / Double(l.tables * l.entriesPerTable)
            out.append(l.name.padding(8) + "\(l.tables)".leftPadded(9) + "\(l.used)".leftPadded(9)
                       + " (\(Int(fill.rounded()))%)".padding(6) + "\(l.leaves)".leftPadded(9) + "\(l.pointers)".leftPadded(10)
                       + DiffFormatter.size(l.bytes).leftPadded(9))
        }
        out.append("Mapped, by region and level:")
        for m in mapped {
            out.append("  " + m.region.padding(30) + m.level.padding(5) + "\(m.leaves)".leftPadded(10) + " x "
                       + DiffFormatter.size(m.bytes / max(m.leaves, 1)).padding(5) + DiffFormatter.size(m.bytes).leftPadded(8))
        }
        return out
    }

    /// One JSON object.
    public var json: String {
        let ls = levels.map {
            "{\"level\":\(jsonString($0.name)),\"tables\":\($0.tables),\"used\":\($0.used),\"leaves\":\($0.leaves),\"pointers\":\($0.pointers),\"bytes\":\($0.bytes)}"
        }
        let ms = mapped.map {
            "{\"region\":\(jsonString($0.region)),\"level\":\(jsonString($0.level)),\"leaves\":\($0.leaves),\"bytes\":\($0.bytes)}"
        }
        return "{\"stats\":{\"tables\":\(tables),\"bytes\":\(bytes),\"shared_tables\":\(sharedTables),\"shared_references\":\(sharedReferences)"
            + ",\"unreadable_tables\":\(unreadable),\"levels\":[\(ls.joined(separator: ","))],\"mapped\":[\(ms.joined(separator: ","))]}}"
    }
}

extension String {
    /// Left-aligned in `width` columns.
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
