import CLibElf

/// Reads ELF cores: QEMU `dump-guest-memory`, kdump `/proc/vmcore`, `makedumpfile -E`, and
/// ptdump's own compact images (an ELF core with a `PTDUMP` note).
public enum ElfCoreLoader {
    /// Loads `elf`, whose bytes `file` holds.
    public static func load(elf: ElfFile, file: MappedFile) throws(ImageError) -> Image {
        // Executables may be 32-bit (a boot loader's PAE tables); memory dumps are 64-bit.
        if elf.type != 4 && elf.elfClass == Int32(ELFCLASS32) { return try ElfExecutableLoader.load(elf: elf, file: file) }
        guard elf.elfClass == Int32(ELFCLASS64) else { throw .unknownFormat("32-bit ELF is not supported") }
        if elf.type != 4 { return try ElfExecutableLoader.load(elf: elf, file: file) }
        let phdrs = try elf.programHeaders()
        var segments: [MemorySegment] = []
        var hints: [(UInt64, UInt64)] = []
        for ph in phdrs where ph.type == UInt32(PT_LOAD) {
            // Filtered segments (QEMU's p_offset = -1, or nothing in the file) are absent.
            if ph.offset == UInt64.max || ph.filesz == 0 { continue }
            segments.append(MemorySegment(physicalStart: PhysicalAddress(ph.paddr), size: max(ph.memsz, ph.filesz),
                                          fileOffset: ph.offset, fileSize: ph.filesz))
            if ph.vaddr != ph.paddr && ph.vaddr != 0 { hints.append((ph.vaddr, ph.paddr)) }
        }
        let notes = try elf.notes(fileSize: file.count)
        let memory = try MappedMemory(file: file, segments: segments)
        let isCompact = notes.contains { $0.name == "PTDUMP" }
        var image = Image(format: isCompact ? "ptdump compact image" : describe(notes: notes, type: elf.type),
                          memory: memory, arch: ArchKind(elfMachine: elf.machine))
        image.virtualHints = hints
        for n in notes {
            switch n.name {
            case "VMCOREINFO":
                image.vmcoreinfo = try VMCoreInfo(text: String(decoding: n.desc, as: UTF8.self))
                image.vmcoreinfoSource = FactSource("ELF note VMCOREINFO")
            case "QEMU", "CORE", "LINUX":
                image.cpuNotes.append(n)
            case "PTDUMP":
                image.ptdumpNote = try CompactImage.parseNote(n.desc)
                // The optional memory-map record is checked once, here.
                _ = try CompactImageMemoryMap.read(image)
                if let t = image.noteValue("phys_bits"), !(Int(t).map { (1...64).contains($0) } ?? false) {
                    throw ImageError.malformedImageNote("phys_bits=\(t.prefix(20)) is not a width in bits (decimal, 1 to 64)")
                }
            default:
                break
            }
        }
        if image.arch == nil { throw unknownMachine(elf.machine) }
        // Without the note, the kernel's own copy in memory (a compact image keeps only tables).
        if image.vmcoreinfo == nil && !isCompact {
            if let (vi, source) = VMCoreInfoSearch.pointed(by: image.arch, in: memory) {
                image.vmcoreinfo = vi
                image.vmcoreinfoSource = source
            } else if let (vi, pa) = VMCoreInfoSearch.find(in: memory) {
                image.vmcoreinfo = vi
                image.vmcoreinfoSource = .memory("\(hex(pa)): the kernel's note, found by searching memory (the file has no VMCOREINFO note)")
            } else {
                image.vmcoreinfoSource = FactSource("no VMCOREINFO note in the file, and none found in its memory")
            }
        }
        return image
    }

    /// The error for an ELF machine no architecture folder handles.
    static func unknownMachine(_ machine: UInt16) -> ImageError {
        .unknownFormat("ELF machine \(machine) is none of \(ArchitectureRegistry.names.joined(separator: ", "))")
    }

    static func describe(notes: [ElfNote], type: UInt16) -> String {
        if type != 4 { return "ELF executable" }
        if notes.contains(where: { $0.name == "QEMU" }) { return "ELF core (QEMU dump-guest-memory)" }
        return "ELF core"
    }
}
