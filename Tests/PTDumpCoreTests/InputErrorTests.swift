import Testing
import PTDumpCore
import CLibElf

/// Every kind of bad input is a typed error with a message a user understands, never a trap.
@Suite struct InputErrorTests {
    func loadError(_ path: String) -> ImageError? {
        do { _ = try ImageLoader.load(path: path); return nil } catch { return error }
    }

    /// A valid little x86 core: one PT_LOAD holding a root table at 0x1000 and a VMCOREINFO note.
    func core(segments extra: [ElfSegment] = [], vmcoreinfo: String? = nil, loadOverride: ElfSegment? = nil) throws -> String {
        var b = x86Builder()
        b.install(va: 0xffff_8880_0000_0000, level: 3, entry: X86Entry.page(0x1000))
        let mem = b.bytes
        var notes: [UInt8] = []
        if let vi = vmcoreinfo { notes = vmcoreinfoNote(vi) }
        var segs = [ElfSegment(type: UInt32(PT_NOTE), data: notes)]
        segs.append(loadOverride ?? ElfSegment(type: UInt32(PT_LOAD), vaddr: b.physicalBase, paddr: b.physicalBase, data: mem, align: 4096))
        segs += extra
        let path = scratchPath("core-\(segs.count)-\(vmcoreinfo?.count ?? 0)-\(loadOverride?.fileszOverride ?? 0)")
        try ElfWriter.write(path: path, machine: 62, type: 4, segments: segs)
        return path
    }

    @Test func aNoteRunningPastItsSegmentIsAnErrorNotASilentLoss() throws {
        var b = x86Builder()
        b.install(va: 0xffff_8880_0000_0000, level: 3, entry: X86Entry.page(0x1000))
        // A CORE note whose descsz claims more than the segment holds, before the VMCOREINFO note.
        var core = CompactImage.noteBytes(name: "CORE", type: 1, desc: [UInt8](repeating: 1, count: 16))
        core[4] = 0xff; core[5] = 0xff; core[6] = 0
        let notes = core + vmcoreinfoNote("NUMBER(pgtable_l5_enabled)=0\n")
        let path = scratchPath("bad-note.elf")
        try ElfWriter.write(path: path, machine: 62, type: 4, segments: [
            ElfSegment(type: UInt32(PT_NOTE), data: notes),
            ElfSegment(type: UInt32(PT_LOAD), vaddr: b.physicalBase, paddr: b.physicalBase, data: b.bytes, align: 4096)])
        do {
            _ = try ImageLoader.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("runs past the segment"))
        }
    }

    @Test func missingFile() {
        #expect(loadError("/nonexistent/dump.elf") == .cannotOpen("No such file or directory"))
    }

    @Test func emptyFile() {
        #expect(loadError(writeScratch("empty", [])) == .empty)
    }

    @Test func directoryIsUnreadable() {
        #expect(loadError("/tmp") == .cannotOpen("is a directory"))
    }

    @Test func notELF() {
        let e = loadError(writeScratch("text", Array("hello, this is not a dump\n".utf8)))
        #expect(e?.description.hasPrefix("unknown format") == true)
    }

    @Test func truncatedHeader() throws {
        let e = loadError(writeScratch("trunc-header", [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1] + [UInt8](repeating: 0, count: 33)))
        #expect(e?.description.contains("truncated ELF header") == true)
    }

    @Test func segmentBeyondEndOfFile() throws {
        let path = try core(vmcoreinfo: "OSRELEASE=6.1\n",
                            loadOverride: ElfSegment(type: UInt32(PT_LOAD), paddr: 0x10_0000, data: [UInt8](repeating: 0, count: 4096),
                                                     align: 4096, fileszOverride: 1 << 30))
        guard case .segmentBeyondFile = loadError(path) else { Issue.record("expected segmentBeyondFile"); return }
    }

    @Test func overlappingSegments() throws {
        let path = try core(segments: [ElfSegment(type: UInt32(PT_LOAD), paddr: 0x10_0800, data: [UInt8](repeating: 1, count: 4096), align: 4096)])
        guard case .overlappingSegments = loadError(path) else { Issue.record("expected overlappingSegments"); return }
    }

    @Test func filteredAndZeroFilledSegments() throws {
        let path = try core(segments: [
            ElfSegment(type: UInt32(PT_LOAD), paddr: 0x8000_0000, data: [1, 2, 3, 4], memsz: 8192, align: 4096),
            ElfSegment(type: UInt32(PT_LOAD), paddr: 0x9000_0000, data: [9], align: 4096, offsetOverride: UInt64.max),
        ])
        let image = try ImageLoader.load(path: path)
        #expect(try image.memory.read(0x8000_0000, length: 6) == [1, 2, 3, 4, 0, 0])
        #expect(image.memory.contains(0x8000_1fff, length: 1))
        #expect(!image.memory.contains(0x9000_0000, length: 1))          // p_offset = -1: absent
        #expect(throws: ImageError.self) { try image.memory.u64(0x9000_0000) }
    }

    @Test func malformedVMCoreInfo() throws {
        let path = try core(vmcoreinfo: "OSRELEASE=6.1\nSYMBOL(init_top_pgt)=zzz\n")
        guard case .malformedVMCoreInfo(let why) = loadError(path) else { Issue.record("expected malformedVMCoreInfo"); return }
        #expect(why.contains("init_top_pgt"))
    }

    @Test func noRootAnywhere() throws {
        let image = try ImageLoader.load(path: try core(vmcoreinfo: "OSRELEASE=6.1\n"))
        #expect(throws: ImageError.missingFact("no page-table root found: the image has no VMCOREINFO and no QEMU CPU note; pass --root 0x...")) {
            try PlatformResolver.resolve(image: image, options: Options())
        }
    }

    @Test func rootOutsideMemory() throws {
        let image = try ImageLoader.load(path: try core(vmcoreinfo: "SYMBOL(init_top_pgt)=ffffffff90000000\nNUMBER(phys_base)=0\n"))
        #expect(throws: ImageError.outsideMemory(0x1000_0000, 4096)) {
            try PlatformResolver.resolve(image: image, options: Options())
        }
    }

    @Test func rootFromVMCoreInfoWithNegativePhysBase() throws {
        // init_top_pgt at 0xffffffff81100000 with phys_base = -0xf00000 → root PA 0x200000? Use the builder's root.
        let base: UInt64 = 0x10_0000
        let sym = X86_64Port.startKernelMap + 0x30_0000
        let physBase = Int64(base) - 0x30_0000
        let image = try ImageLoader.load(path: try core(vmcoreinfo: "SYMBOL(init_top_pgt)=\(String(sym, radix: 16))\nNUMBER(phys_base)=\(physBase)\nNUMBER(pgtable_l5_enabled)=0\n"))
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.root.value == PhysicalAddress(base))
        #expect(p.root.source.description.contains("VMCOREINFO"))
        #expect(p.levels.value == 4)
        let (text, report) = renderText(p, image.memory)
        #expect(report.problems.isEmpty)
        #expect(text.contains("0xffff888000000000-0xffff888000001000           4K     RW                 GLB NX pte"))
    }

    @Test func rootFlagOverridesAndArchContradictionIsRefused() throws {
        let image = try ImageLoader.load(path: try core(vmcoreinfo: "OSRELEASE=6.1\n"))
        let p = try PlatformResolver.resolve(image: image, options: Options(root: 0x10_0000))
        #expect(p.root.source == .flag("--root"))
        #expect(throws: ImageError.self) { try PlatformResolver.resolve(image: image, options: Options(root: 0x10_0000, arch: .arm64)) }
        #expect(throws: ImageError.self) { try PlatformResolver.resolve(image: image, options: Options(root: 0x10_0800)) }
    }

    /// The kernel's VMCOREINFO note, page-aligned in memory, stands in for a missing ELF note on
    /// any architecture; look-alikes do not, and zero-filled memory is not searched.
    @Test func vmcoreinfoIsFoundInMemoryOnlyAsAPageAlignedNote() throws {
        let text = "OSRELEASE=6.1.0\nSYMBOL(init_top_pgt)=ffffffff80100000\nNUMBER(phys_base)=0\nNUMBER(pgtable_l5_enabled)=0\n"
        var page = vmcoreinfoNote(text)
        page += [UInt8](repeating: 0, count: 4096 - page.count)
        var decoys = [UInt8](repeating: 0, count: 4096)
        for (i, b) in Array("OSRELEASE=%s\n".utf8).enumerated() { decoys[0x123 + i] = b }      // rodata's format string
        let shifted = [UInt8](repeating: 0, count: 8) + vmcoreinfoNote(text)                  // a note off the page start
        decoys.replaceSubrange(0x800..<(0x800 + shifted.count), with: shifted)
        let data = Array("OSRELEASE=6.1.0\n".utf8) + [UInt8](repeating: 0, count: 4096 - 16)  // vmcoreinfo_data, not a note
        let huge = ElfSegment(type: UInt32(PT_LOAD), paddr: 0x1_0000_0000, data: [1], memsz: 1 << 40, align: 4096)

        let without = try ImageLoader.load(path: try core(segments: [
            ElfSegment(type: UInt32(PT_LOAD), paddr: 0x4000_0000, data: decoys + data, align: 4096), huge]))
        #expect(without.vmcoreinfo == nil)
        #expect(without.vmcoreinfoSource?.description == "no VMCOREINFO note in the file, and none found in its memory")

        let with = try ImageLoader.load(path: try core(segments: [
            ElfSegment(type: UInt32(PT_LOAD), paddr: 0x4000_0000, data: decoys + data + page, align: 4096), huge]))
        #expect(with.vmcoreinfo?.value("OSRELEASE") == "6.1.0")
        #expect(with.vmcoreinfoSource?.description.hasPrefix("read from memory at 0x40002000") == true)
        // x86 takes its root from it as from a note.
        let p = try PlatformResolver.resolve(image: with, options: Options())
        #expect(p.root.value == 0x10_0000 && p.root.source.description.contains("VMCOREINFO"))

        let noted = try ImageLoader.load(path: try core(segments: [
            ElfSegment(type: UInt32(PT_LOAD), paddr: 0x4000_0000, data: page, align: 4096)], vmcoreinfo: "OSRELEASE=6.1.9\n"))
        #expect(noted.vmcoreinfo?.value("OSRELEASE") == "6.1.9")
        #expect(noted.vmcoreinfoSource?.description == "ELF note VMCOREINFO")
    }
}

/// A symbol table that cannot be read is named as such when a symbol is asked for.
@Suite struct MalformedSymbolTableTests {
    @Test func aSymtabWithEntrySizeZeroIsSaidToBeMalformed() throws {
        let built = try ImageBuilder(mode: .x86_64(levels: 4)).build([Mapping(va: 0xffff_8880_0000_0000, size: 0x1000, pa: 0x1000)])
        let path = scratchPath("symtab.elf")
        try built.writeELF(path: path, rootSymbol: "root_table")
        let f = try MappedFile(path: path)
        var bytes = Array(UnsafeRawBufferPointer(start: f.base, count: f.count))
        func u64(_ o: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[o + $1]) << (8 * $1) } }
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        let shoff = u64(0x28), shentsize = u16(0x3a), shnum = u16(0x3c)
        var patched = false
        for i in 0..<shnum {
            let sh = shoff + i * shentsize
            if bytes[sh + 4] == 2 {                       // SHT_SYMTAB
                for b in 0..<8 { bytes[sh + 56 + b] = 0 }  // sh_entsize
                patched = true
            }
        }
        #expect(patched)
        let bad = writeScratch("symtab-bad.elf", bytes)
        let image = try ImageLoader.load(path: bad)
        #expect(throws: ImageError.malformedELF("--root-symbol root_table: its symbol table is malformed (sh_entsize 0, 48 bytes)")) {
            _ = try PlatformResolver.resolve(image: image, options: built.elfOptions(rootSymbol: "root_table"))
        }
    }
}
