import Testing
@testable import PTDumpCore

/// `ptdump diff`: builder-made pairs for every kind of change, real captures against
/// themselves and against their twin, antisymmetry, and the merge against a page-by-page
/// model on random range sets.
@Suite struct DiffTests {
    /// The snapshot of `mappings` built in `mode`, written as a compact image and read back.
    func snapshot(_ mode: PagingMode, _ mappings: [Mapping], physical: Bool = false) throws -> AddressSpaceSnapshot {
        let built = try ImageBuilder(mode: mode).build(mappings)
        let path = scratchPath("diff.ptd")
        try built.writeCompactImage(path: path)
        let image = try ImageLoader.load(path: path)
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        return AddressSpaceSnapshot.take(platform: platform, memory: image.memory, physical: physical)
    }

    /// The snapshot of a sample's compact image.
    func sample(_ name: String, physical: Bool = false) throws -> AddressSpaceSnapshot {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/\(name)/image.ptd")
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        return AddressSpaceSnapshot.take(platform: platform, memory: image.memory, physical: physical)
    }

    func text(_ a: AddressSpaceSnapshot, _ b: AddressSpaceSnapshot, _ settings: DiffSettings = DiffSettings(),
              names: (String, String) = ("A", "B")) -> String {
        let out = TextOutput()
        DiffFormatter(out: out, a: a, b: b, settings: settings).text(RangeDiff.compare(a, b, settings: settings),
                                                                     nameA: names.0, nameB: names.1)
        out.flush()
        return out.text
    }

    static let x86 = PagingMode.x86_64(levels: 4)
    static let arm = PagingMode.arm64(pageSize: 4096, vaBits: 48)
    static let modes = [x86, PagingMode.x86_64(levels: 5), arm, PagingMode.arm64(pageSize: 65536, vaBits: 42), PagingMode.riscv64(levels: 3)]

    /// A VA inside what `mode` walks, 1 GiB aligned.
    func base(_ mode: PagingMode) throws -> UInt64 {
        let r = try MappingEncoding(mode: mode).walkRanges.last!
        return (r.first.rawValue &+ (1 << 34)) & ~((1 << 30) - 1)
    }

    @Test(arguments: ["x86_64-4level", "x86_64-5level", "arm64-4k-48", "arm64-64k-48", "riscv64-sv39", "x86_64-4level-kasan", "arm64-4k-48-kasan"])
    func everySampleAgainstItselfIsEmpty(name: String) throws {
        for physical in [false, true] {
            let s = try sample(name, physical: physical)
            #expect(!s.ranges.isEmpty)
            #expect(RangeDiff.compare(s, s, settings: DiffSettings(physical: physical)).isEmpty)
            #expect(RangeDiff.compare(s, s, settings: DiffSettings(physical: physical, alignLayout: true)).isEmpty)
        }
    }

    /// The same kernel build booted with and without `rodata=off` (same System.map, config and
    /// uname in the shared captures): only the kernel text and its linear-map alias change, and
    /// exactly as the golden file says.
    @Test func rodataOffAgainstItsTwinShowsTheKernelTextPermissions() throws {
        let on = try sample("x86_64-4level"), off = try sample("x86_64-rodata-off")
        let entries = RangeDiff.compare(on, off, settings: DiffSettings())
        #expect(!entries.isEmpty)
        #expect(entries.allSatisfy { $0.sign == .changed })
        #expect(Set(entries.map(\.region)) == ["Low Kernel Mapping", "High Kernel Mapping"])
        // The kernel's text becomes writable (`rodata=off` skips mark_rodata_ro).
        let text = entries.first { $0.first == 0xffff_ffff_8100_0000 }
        #expect(text?.kinds == [.attributes])
        let pa = on.arch.permissions(prot: text?.a?.prot ?? 0, effective: text?.a?.effective ?? 0)
        let pb = off.arch.permissions(prot: text?.b?.prot ?? 0, effective: text?.b?.effective ?? 0)
        #expect(pa.execute && !pa.write && pb.execute && pb.write)
        #expect(self.text(on, off, names: ("samples/x86_64-4level/image.ptd", "samples/x86_64-rodata-off/image.ptd"))
                == readRepoFile("samples/x86_64-rodata-off/diff-from-x86_64-4level.txt"))
        // Silencing the level split leaves the permission changes only.
        let noLevel = RangeDiff.compare(on, off, settings: DiffSettings(ignore: [.level]))
        #expect(noLevel.allSatisfy { $0.kinds == [.attributes] })
        #expect(noLevel.count < entries.count)
    }

    @Test func diffIsAntisymmetric() throws {
        let on = try sample("x86_64-4level"), off = try sample("x86_64-rodata-off")
        for settings in [DiffSettings(), DiffSettings(physical: true), DiffSettings(alignLayout: true)] {
            let ab = RangeDiff.compare(on, off, settings: settings), ba = RangeDiff.compare(off, on, settings: settings)
            #expect(ab.map(\.swapped) == ba)
        }
    }

    @Test(arguments: modes)
    func mappedOnOneSideOnly(mode: PagingMode) throws {
        let va = try base(mode), ps = mode.pageSize
        let common = Mapping(va: va, size: 4 * ps, pa: 1 << 32)
        let extra = Mapping(va: va + 16 * ps, size: 2 * ps, pa: 1 << 33, attributes: MappingAttributes(write: false))
        let a = try snapshot(mode, [common, extra]), b = try snapshot(mode, [common])
        let ab = RangeDiff.compare(a, b, settings: DiffSettings())
        #expect(ab.count == 1)
        #expect(ab.first?.sign == .removed && ab.first?.first == va + 16 * ps && ab.first?.size == 2 * ps)
        #expect(RangeDiff.compare(b, a, settings: DiffSettings()).map(\.swapped) == ab)
        #expect(RangeDiff.compare(b, a, settings: DiffSettings()).first?.sign == .added)
    }

    @Test(arguments: modes)
    func permissionChange(mode: PagingMode) throws {
        let va = try base(mode), ps = mode.pageSize
        let a = try snapshot(mode, [Mapping(va: va, size: 8 * ps, pa: 1 << 32)])
        let b = try snapshot(mode, [Mapping(va: va, size: 3 * ps, pa: 1 << 32),
                                    Mapping(va: va + 3 * ps, size: 2 * ps, pa: (1 << 32) + 3 * ps, attributes: MappingAttributes(write: false)),
                                    Mapping(va: va + 5 * ps, size: 3 * ps, pa: (1 << 32) + 5 * ps)])
        let d = RangeDiff.compare(a, b, settings: DiffSettings())
        #expect(d.count == 1)
        #expect(d.first?.sign == .changed && d.first?.kinds == [.attributes])
        #expect(d.first?.first == va + 3 * ps && d.first?.last == va + 5 * ps - 1)
        #expect(text(a, b).contains("~ \(hex16(va + 3 * ps))-\(hex16(va + 5 * ps))"))
    }

    /// A block split into pages with the same attributes is a level change only; `--ignore level`
    /// silences it.
    @Test(arguments: modes)
    func blockSplitIntoPages(mode: PagingMode) throws {
        let enc = try MappingEncoding(mode: mode)
        guard let li = enc.leafLevels.last(where: { $0 < enc.levels.count - 1 }) else { return }
        let block = UInt64(1) << UInt64(enc.levels[li].shift)
        guard block <= 1 << 30 else { return }
        let va = try base(mode)
        let a = try snapshot(mode, [Mapping(va: va, size: block, pa: 1 << 32)])
        let b = try snapshot(mode, [Mapping(va: va, size: block, pa: 1 << 32, maxBlock: mode.pageSize)])
        let d = RangeDiff.compare(a, b, settings: DiffSettings())
        #expect(d.count == 1)
        #expect(d.first?.kinds == [.level])
        #expect(d.first?.size == block)
        #expect(RangeDiff.compare(a, b, settings: DiffSettings(ignore: [.level])).isEmpty)
    }

    /// Moving the frames behind a mapping shows only with `--phys`, and `--ignore pa` silences it.
    @Test(arguments: modes)
    func physicalAddressChange(mode: PagingMode) throws {
        let va = try base(mode), ps = mode.pageSize
        let m = Mapping(va: va, size: 4 * ps, pa: 1 << 32)
        var moved = m
        moved.pa = (1 << 32) + 64 * ps
        let a = try snapshot(mode, [m], physical: true), b = try snapshot(mode, [moved], physical: true)
        #expect(RangeDiff.compare(a, b, settings: DiffSettings()).isEmpty)
        let d = RangeDiff.compare(a, b, settings: DiffSettings(physical: true))
        #expect(d.count == 1 && d.first?.kinds == [.physical])
        #expect(d.first?.a?.physical == PhysicalAddress(1 << 32) && d.first?.b?.physical == PhysicalAddress((1 << 32) + 64 * ps))
        #expect(RangeDiff.compare(a, b, settings: DiffSettings(ignore: [.pa], physical: true)).isEmpty)
    }

    /// Attribute categories an architecture names are silenced by `--ignore`.
    @Test func ignoredCategoriesAreNotReported() throws {
        let va = try base(Self.x86), ps: UInt64 = 4096
        let a = try snapshot(Self.x86, [Mapping(va: va, size: 4 * ps, pa: 1 << 32)])
        let b = try snapshot(Self.x86, [Mapping(va: va, size: 4 * ps, pa: 1 << 32, attributes: MappingAttributes(global: false))])
        #expect(RangeDiff.compare(a, b, settings: DiffSettings()).first?.kinds == [.attributes])
        #expect(RangeDiff.compare(a, b, settings: DiffSettings(ignore: [.global])).isEmpty)
        let c = try snapshot(Self.arm, [Mapping(va: try base(Self.arm), size: 4 * ps, pa: 1 << 32)])
        let d = try snapshot(Self.arm, [Mapping(va: try base(Self.arm), size: 4 * ps, pa: 1 << 32,
                                                attributes: MappingAttributes(memoryType: .deviceNGnRE))])
        #expect(!RangeDiff.compare(c, d, settings: DiffSettings()).isEmpty)
        #expect(RangeDiff.compare(c, d, settings: DiffSettings(ignore: [.memoryType])).isEmpty)
    }

    /// With `--align-layout`, a region moved as a whole (KASLR) compares equal; a change inside it
    /// is reported at its offset.
    @Test func alignLayoutComparesByRegionOffset() {
        let arch = X86_64(fiveLevel: false)
        let page = X86Entry.page(0) & ~X86EntryBits.present.rawValue | X86EntryBits.present.rawValue
        func snap(_ base: UInt64, _ ranges: [(UInt64, UInt64, UInt64)]) -> AddressSpaceSnapshot {
            AddressSpaceSnapshot(ranges: ranges.map { MappedRange(first: VirtualAddress(base + $0.0), last: VirtualAddress(base + $0.1 - 1),
                                                                    level: 4, prot: $0.2, effective: $0.2, region: 1) },
                                 regions: [AddressMarker(0, "low"), AddressMarker(base, "moved"), AddressMarker(base + (1 << 40), "end")],
                                 arch: arch)
        }
        let ro = page & ~X86EntryBits.rw.rawValue
        let a = snap(0xffff_8880_0000_0000, [(0, 0x4000, page), (0x8000, 0x9000, ro)])
        let b = snap(0xffff_9990_0000_0000, [(0, 0x4000, page), (0x8000, 0x9000, ro)])
        #expect(RangeDiff.compare(a, b, settings: DiffSettings()).count == 4)
        #expect(RangeDiff.compare(a, b, settings: DiffSettings(alignLayout: true)).isEmpty)
        let c = snap(0xffff_9990_0000_0000, [(0, 0x4000, page), (0x8000, 0x9000, page)])
        let d = RangeDiff.compare(a, c, settings: DiffSettings(alignLayout: true))
        #expect(d.count == 1 && d.first?.first == 0x8000 && d.first?.last == 0x8fff && d.first?.region == "moved")
        #expect(d.first?.a?.first == VirtualAddress(0xffff_8880_0000_8000) && d.first?.b?.first == VirtualAddress(0xffff_9990_0000_8000))
    }

    /// Ranges under the first heading but below its start (the kernels never compare the first
    /// heading's start) still compare by offset, in order.
    @Test func alignLayoutOrdersRangesBelowTheFirstHeading() {
        let arch = X86_64(fiveLevel: false)
        let p: UInt64 = 0x8000_0000_0000_0163
        func snap(_ base: UInt64, _ ranges: [(UInt64, UInt64)]) -> AddressSpaceSnapshot {
            AddressSpaceSnapshot(ranges: ranges.map { MappedRange(first: VirtualAddress($0.0), last: VirtualAddress($0.1 - 1), level: 4,
                                                                    prot: p, effective: p, region: 0) },
                                 regions: [AddressMarker(base, "first")], arch: arch)
        }
        let a = snap(0x10_0000, [(0x0f_e000, 0x10_2000), (0x10_4000, 0x10_5000)])
        let b = snap(0x20_0000, [(0x1f_c000, 0x20_2000), (0x20_4000, 0x20_6000)])
        let d = RangeDiff.compare(a, b, settings: DiffSettings(alignLayout: true))
        #expect(d.map(\.sign) == [.added, .added])
        #expect(d.first?.first == 0x5000 && d.first?.last == 0x5fff)
        #expect(d.last?.first == 0 &- 0x4000 && d.last?.last == 0 &- 0x2001)
        #expect(d.last?.b?.first == VirtualAddress(0x1f_c000))
        #expect(RangeDiff.compare(b, a, settings: DiffSettings(alignLayout: true)) == d.map(\.swapped))
        #expect(RangeDiff.compare(a, a, settings: DiffSettings(alignLayout: true)).isEmpty)
    }

    /// The merge against a model that compares page by page, on random range sets: every page
    /// mapped on one side only is in exactly one `-`/`+` entry, every page whose attributes
    /// differ in exactly one `~` entry, and nothing else is reported.
    @Test func mergeAgreesWithAPageByPageModel() {
        let arch = X86_64(fiveLevel: false)
        var rng = SplitMix64(state: 16)
        let protChoices: [UInt64] = [0x63, 0x61, 0x8000_0000_0000_0063, 0x163]
        func randomSide() -> AddressSpaceSnapshot {
            var ranges: [MappedRange] = []
            var p: UInt64 = rng.next() % 4
            while p < 256 {
                let len = 1 + rng.next() % 12
                if rng.next() % 3 != 0 {
                    let prot = protChoices[Int(rng.next() % 4)]
                    ranges.append(MappedRange(first: VirtualAddress(p << 12), last: VirtualAddress(min(p + len, 256) << 12 - 1),
                                              level: rng.next() % 2 == 0 ? 4 : 3, prot: prot, effective: prot))
                }
                p += len + rng.next() % 3
            }
            return AddressSpaceSnapshot(ranges: ranges, regions: [], arch: arch)
        }
        func at(_ s: AddressSpaceSnapshot, _ page: UInt64) -> MappedRange? {
            s.ranges.first { $0.first.rawValue <= page << 12 && page << 12 <= $0.last.rawValue }
        }
        for _ in 0..<200 {
            let a = randomSide(), b = randomSide()
            let d = RangeDiff.compare(a, b, settings: DiffSettings())
            for page: UInt64 in 0..<256 {
                let x = at(a, page), y = at(b, page)
                let want: DiffEntry.Sign?
                switch (x, y) {
                case (nil, nil): want = nil
                case (_?, nil): want = .removed
                case (nil, _?): want = .added
                case let (x?, y?): want = x.prot != y.prot || x.level != y.level ? .changed : nil
                }
                let covering = d.filter { $0.first <= page << 12 && page << 12 <= $0.last }
                #expect(covering.count == (want == nil ? 0 : 1))
                #expect(covering.first?.sign == want)
            }
            #expect(RangeDiff.compare(b, a, settings: DiffSettings()) == d.map(\.swapped))
            for (e, f) in zip(d, d.dropFirst()) { #expect(e.last < f.first) }
        }
    }
}
