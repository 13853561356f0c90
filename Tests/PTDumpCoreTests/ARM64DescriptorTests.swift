import Testing
@testable import PTDumpCore

@Suite("arm64 descriptor decoding")
struct ARM64DescriptorTests {
    let a4 = ARM64(pageSize: 4096, vaBits: 48)!      // levels: pgd(0) pud(2) pmd(3) pte(4)
    let a64 = ARM64(pageSize: 65536, vaBits: 48)!    // levels: pud-as-PGD(2) pmd(3) pte(4)
    let a16 = ARM64(pageSize: 16384, vaBits: 36)!    // levels: pmd-as-PGD(3) pte(4)

    @Test("table descriptors descend; table attributes are not part of the address")
    func tables() {
        #expect(a4.classify(0x1800_0000_4fff_b003, level: 0) == .table(0x4fff_b000))
        #expect(a4.classify(0x4000_1003, level: 1) == .table(0x4000_1000))
        #expect(a4.classify(0x4000_1003, level: 2) == .table(0x4000_1000))
        #expect(a64.classify(0x4001_0003, level: 0) == .table(0x4001_0000))
    }

    @Test("block descriptors are leaves where 6.1's p?d_leaf says so")
    func blocks() {
        let block: UInt64 = 0x0060_0000_4020_0000 | 0x711   // PXN UXN AF SHD, type 01
        #expect(a4.classify(block, level: 1) == .leaf)        // 1G pud block
        #expect(a4.classify(block, level: 2) == .leaf)        // 2M pmd block
        #expect(a4.classify(block, level: 0) == .hole)        // p4d_bad: reported as a hole
        #expect(a64.classify(block, level: 0) == .table(0x4020_0000))  // pud_table() is constant true on 64K
        #expect(a64.classify(block, level: 1) == .leaf)       // 512M pmd block
        #expect(a16.classify(block, level: 0) == .leaf)  // 2-level: top entry is a pmd
        #expect(a4.outputAddress(block, level: 2) == 0x4020_0000)
        #expect(a4.outputAddress(block | 0x1000, level: 2) == 0x4020_0000)
    }

    @Test("invalid non-zero entries are skipped, PROT_NONE counts as present, zero is a hole")
    func presence() {
        #expect(a4.classify(0, level: 1) == .hole)
        #expect(a4.classify(0x4000_0002, level: 1) == .skip)                    // reserved: table bit without valid
        #expect(a4.classify(0x4000_0000 | (1 << 58), level: 2) == .leaf)       // PROT_NONE block
        #expect(a4.classify(0x4000_0000 | (1 << 59), level: 2) == .leaf)       // PMD_PRESENT_INVALID
        #expect(a4.classify(0x4000_0000 | (1 << 59), level: 1) == .skip)       // not for puds
    }

    @Test("prot keeps exactly the pte_bits masks; no effective permissions")
    func prot() {
        let e: UInt64 = 0xffff_ffff_ffff_ffff
        #expect(a4.prot(e, kernelLevel: 4) == ARM64.protMask)
        #expect(ARM64.protMask == 0x0074_0000_0000_0fdf)
        #expect(a4.effective(e, parent: 7) == 0)
    }

    @Test("64K with 52-bit PA takes OA[51:48] from bits 15:12")
    func pa52() {
        let a = ARM64(pageSize: 65536, vaBits: 52, pa52: true)!
        #expect(a.address(0x0000_0001_2345_3003) == 0x0003_0001_2345_0000)
        #expect(a64.address(0x0000_0001_2345_3003) == 0x0000_0001_2345_0000)
        #expect(a.levels[0].entries == 1024)
    }
}
