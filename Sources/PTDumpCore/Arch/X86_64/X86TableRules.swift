/// x86_64's table facts for the diff and `--check-tables` (Intel SDM vol. 3, 4.5 "4-level
/// paging and 5-level paging", tables 4-15 to 4-20).
extension X86_64: ArchitectureTableRules {
    /// `_PAGE_PSE` marks a pud or pmd leaf; in a pte, bit 7 is `_PAGE_PAT`, an attribute.
    public func levelBits(kernelLevel level: Int) -> UInt64 { level == 2 || level == 3 ? X86EntryBits.pse.rawValue : 0 }

    public func mask(of category: AttributeCategory, kernelLevel level: Int) -> UInt64 {
        switch category {
        case .accessedDirty: return X86EntryBits.accessed.rawValue | X86EntryBits.dirty.rawValue
        case .global: return X86EntryBits.global.rawValue
        case .memoryType:
            return X86EntryBits.pwt.rawValue | X86EntryBits.pcd.rawValue | (level == 4 ? X86EntryBits.pse.rawValue : 0)
        case .software: return 0x07f0_0000_0000_0e00      // bits 9–11 and 52–58: ignored by the CPU
        case .pa, .level, .contiguous, .shareability: return 0
        }
    }

    public var hygiene: HygieneRules {
        let n = levels.count
        var rules = HygieneRules(
            reserved: [
                // A 2M page's address starts at bit 21; bits 20:13 are reserved (bit 12 is PAT).
                ReservedBitsRule("reserved bits 20:13 of a 2M page", realLevels: (n - 2)...(n - 2), role: .leaf,
                                 mask: 0x0000_0000_001f_e000),
                // A 1G page's address starts at bit 30; bits 29:13 are reserved.
                ReservedBitsRule("reserved bits 29:13 of a 1G page", realLevels: (n - 3)...(n - 3), role: .leaf,
                                 mask: 0x0000_0000_3fff_e000),
                // Bit 7 of a pte is PAT: Linux's PAT layout uses it only for write-through and
                // write-protected memory, never in the kernel's own mappings; set, it most often
                // means a pmd-style (PSE) entry was written into a pte table.
                ReservedBitsRule("bit 7 (PSE, PAT in a pte) set in a pte", realLevels: (n - 1)...(n - 1), role: .leaf,
                                 mask: X86EntryBits.pse.rawValue),
            ],
            deviceMemory: [X86_64.pwt, X86_64.pcd],
            validMask: X86EntryBits.present.rawValue,
            freedWhenEmpty: ["Low Kernel Mapping", "Vmemmap"],
            hardwareUpdated: X86EntryBits.accessed.rawValue | X86EntryBits.dirty.rawValue,
            // ISA_START_ADDRESS…ISA_END_ADDRESS: the first megabyte is in the direct map whatever
            // RAM there is (the VGA window at 0xa0000 is not RAM; MTRRs make it uncached).
            mappedWhateverIsThere: [PhysicalRange(start: 0xa_0000, end: 0x10_0000)],
            // SDM 4.5: bits 51:MAXPHYADDR of every paging-structure entry are reserved (the
            // #PF with RSVD set). The SME bit (`pfnMask` lacks it) lies above the width the kernel
            // records — AMD reduces `x86_phys_bits` by it — and is not reserved.
            addressWidth: AddressWidthRule(highestBit: 51, widths: 32...52,
                                           exempt: 0x000f_ffff_ffff_f000 & ~pfnMask, name: "MAXPHYADDR"))
        // Every PGD's kernel half is init_top_pgt's (pgd_alloc copies it, sync_global_pgds
        // keeps it so), but for the LDT slot (per process with PTI) and EFI (its own PGD).
        rules.sharedTopLevelFrom = "Kernel Space"
        rules.perProcessRegions = ["LDT remap", "EFI Runtime Services"]
        return rules
    }
}

extension X86_64 {
    /// The leaf-kind bit of the 32-bit modes (legacy and PAE): PS in a page-directory entry
    /// (kernel level 3); in a page-table entry bit 7 is PAT, an attribute.
    static func levelBits32(kernelLevel level: Int) -> UInt64 { level == 3 ? X86EntryBits.pse.rawValue : 0 }

    /// The diff categories of the 32-bit modes' flag bits, which legacy and PAE entries share:
    /// the PAT bit is bit 7 of a page-table entry and bit 12 of a large page.
    static func mask32(of category: AttributeCategory, kernelLevel level: Int) -> UInt64 {
        switch category {
        case .accessedDirty: return X86EntryBits.accessed.rawValue | X86EntryBits.dirty.rawValue
        case .global: return X86EntryBits.global.rawValue
        case .memoryType:
            return X86EntryBits.pwt.rawValue | X86EntryBits.pcd.rawValue
                | (level == 4 ? X86EntryBits.pse.rawValue : X86EntryBits.patLarge.rawValue)
        case .software: return 0xe00                      // bits 9–11: ignored by the CPU
        case .pa, .level, .contiguous, .shareability: return 0
        }
    }
}

/// x86 legacy 32-bit paging's table facts (Intel SDM vol. 3, 4.3 "32-bit paging", tables 4-4
/// to 4-6).
extension X86Legacy: ArchitectureTableRules {
    /// PS marks a 4M page in the page directory; in a page table bit 7 is PAT.
    public func levelBits(kernelLevel level: Int) -> UInt64 { X86_64.levelBits32(kernelLevel: level) }

    public func mask(of category: AttributeCategory, kernelLevel level: Int) -> UInt64 {
        X86_64.mask32(of: category, kernelLevel: level)
    }

    public var hygiene: HygieneRules {
        HygieneRules(
            reserved: [ReservedBitsRule("reserved bit 21 of a 4M page", realLevels: 0...0, role: .leaf,
                                        mask: X86Legacy.largeReserved)],
            // No device-memory rule: firmware maps MMIO with any cache mode, and an executable's
            // segments are not the machine's memory map, so leaves outside them are not findings.
            validMask: X86EntryBits.present.rawValue,
            hardwareUpdated: X86EntryBits.accessed.rawValue | X86EntryBits.dirty.rawValue)
    }
}

/// Intel EPT's table facts (Intel SDM vol. 3, 29.3.2 "EPT Translation Mechanism", tables 29-1
/// to 29-6).
extension X86EPT: ArchitectureTableRules {
    /// Bit 7 makes a PDPTE or PDE a 1G or 2M leaf; in a PTE it is ignored.
    public func levelBits(kernelLevel level: Int) -> UInt64 { level == 2 || level == 3 ? 1 << 7 : 0 }

    public func mask(of category: AttributeCategory, kernelLevel level: Int) -> UInt64 {
        switch category {
        case .accessedDirty: return 1 << 8 | 1 << 9
        case .memoryType: return 7 << 3 | 1 << 6          // EPT memory type and ignore-PAT
        // No global bit; the ignored bits (11, 62:52) are not among the bits a range keeps.
        case .pa, .level, .global, .contiguous, .shareability, .software: return 0
        }
    }

    public var hygiene: HygieneRules {
        let n = levels.count
        var reserved = [
            // A 2M page's address starts at bit 21, a 1G page's at bit 30; below is reserved.
            ReservedBitsRule("reserved bits 20:12 of a 2M page", realLevels: (n - 2)...(n - 2), role: .leaf,
                             mask: 0x0000_0000_001f_f000),
            ReservedBitsRule("reserved bits 29:12 of a 1G page", realLevels: (n - 3)...(n - 3), role: .leaf,
                             mask: 0x0000_0000_3fff_f000),
            // An entry that references a table has bits 6:3 reserved (bit 7 there makes a leaf).
            ReservedBitsRule("reserved bits 6:3 of an entry that references a table", realLevels: (n - 3)...(n - 2),
                             role: .table, mask: Self.tableReserved),
        ]
        if n > 3 {
            // PML4 and PML5 entries: bits 7:3 are reserved; bit 7 set makes the walk take the
            // entry as a leaf, which a PML4E or PML5E can never be.
            reserved.append(ReservedBitsRule("reserved bits 7:3 of a PML4 or PML5 entry", realLevels: 0...(n - 4),
                                             role: .table, mask: 0xf8))
            reserved.append(ReservedBitsRule("bit 7 (page size) of a PML4 or PML5 entry", realLevels: 0...(n - 4),
                                             role: .leaf, mask: 1 << 7))
        }
        // Memory types come from the entries (UC, WC, WT, WP, WB): none says "device" as the
        // kernel's own tables do, so there is no outside-memory rule for leaves.
        return HygieneRules(reserved: reserved, validMask: 0x407,
                            hardwareUpdated: 1 << 8 | 1 << 9,
                            // SDM 29.3.2: bits 51:N of every EPT entry are reserved (N = MAXPHYADDR).
                            addressWidth: AddressWidthRule(highestBit: 51, widths: 32...52, name: "MAXPHYADDR"))
    }
}

/// x86 32-bit PAE paging's table facts (Intel SDM vol. 3, 4.4 "PAE paging", tables 4-8 to 4-11).
extension X86PAE: ArchitectureTableRules {
    /// PS marks a 2M page in the page directory; in a page table bit 7 is PAT.
    public func levelBits(kernelLevel level: Int) -> UInt64 { X86_64.levelBits32(kernelLevel: level) }

    public func mask(of category: AttributeCategory, kernelLevel level: Int) -> UInt64 {
        X86_64.mask32(of: category, kernelLevel: level)
    }

    public var hygiene: HygieneRules {
        HygieneRules(
            reserved: [
                // A PDPTE has only P, PWT, PCD and the address: bits 2:1, 8:5 and 63 are reserved.
                ReservedBitsRule("reserved bits 2:1, 8:5 or 63 of a PDPTE", realLevels: 0...0, role: .table,
                                 mask: 0x8000_0000_0000_01e6),
                // A 2M page's address starts at bit 21; bits 20:13 are reserved (bit 12 is PAT).
                ReservedBitsRule("reserved bits 20:13 of a 2M page", realLevels: 1...1, role: .leaf,
                                 mask: 0x0000_0000_001f_e000),
            ],
            // As with legacy paging: firmware maps MMIO with any cache mode, and an executable's
            // segments are not the machine's memory map.
            validMask: X86EntryBits.present.rawValue,
            hardwareUpdated: X86EntryBits.accessed.rawValue | X86EntryBits.dirty.rawValue,
            // SDM 4.4.2: bits 62:MAXPHYADDR of every entry are reserved (63 is XD, or reserved
            // when IA32_EFER.NXE is clear).
            addressWidth: AddressWidthRule(highestBit: 62, widths: 32...52, name: "MAXPHYADDR"))
    }
}
