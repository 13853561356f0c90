import Testing
@testable import PTDumpCore

@Suite("arm64 walks over tables built in memory")
struct ARM64WalkTests {
    let arch = ARM64(pageSize: 4096, vaBits: 48)!
    typealias B = ARM64TableBuilder

    /// root → pud → pmd → pte for VA 0xffff800000000000 (index 256), returning (builder, root, pte table).
    func chain() -> (B, PhysicalAddress, PhysicalAddress) {
        var b = B(arch: arch)
        let root = b.newTable(), pud = b.newTable(), pmd = b.newTable(), pte = b.newTable()
        b.set(root, 256, B.table(pud))
        b.set(pud, 0, B.table(pmd))
        b.set(pmd, 0, B.table(pte))
        return (b, root, pte)
    }

    @Test("W^X counts W+X and non-UXN pages as the kernel does, including invalid non-zero entries")
    func wx() throws {
        var (b, root, pte) = chain()
        b.set(pte, 0, 0x4100_0000 | B.kernelRWX)
        b.set(pte, 1, 0x4100_1000 | (B.kernelRO & ~(1 << 54)))
        b.set(pte, 2, 0x4100_2000 | (B.kernelRO & ~(1 << 54)))
        b.set(pte, 3, 0x400)
        let c = arm64Check(arch: arch, memory: try b.memory(), root: root)
        #expect(c.wxPages == 2)
        #expect(c.nonUXNPages == 3)
        #expect(!c.passed)
        #expect(c.verdict == "Checked W+X mappings: FAILED, 2 W+X pages found, 3 non-UXN pages found")
        #expect(c.findingLines { _ in nil }.first?.hasPrefix("arm64/mm: Found insecure W+X mapping at address 0xffff800000000000") == true)
    }

    @Test("W^X passes on read-only and non-executable mappings")
    func wxPasses() throws {
        let b = try ImageBuilder(mode: .arm64(pageSize: 4096, vaBits: 48)).build([
            Mapping(va: 0xffff_8000_0000_0000, size: 0x1000, pa: 0x4100_0000),                        // PAGE_KERNEL
            Mapping(va: 0xffff_8000_0000_1000, size: 0x1000, pa: 0x4100_1000, attributes: MappingAttributes(write: false)),
            Mapping(va: 0xffff_8000_0020_0000, size: 0x20_0000, pa: 0x4120_0000,                        // a read-only text block
                    attributes: MappingAttributes(write: false, execute: true)),
        ])
        let c = arm64Check(arch: arch, memory: try b.physicalMemory(), root: b.root)
        #expect(c.passed)
        #expect(c.verdict == "Checked W+X mappings: passed, no W+X pages found")
    }

    @Test("a KASAN early shadow (one pud/pmd/pte table shared everywhere) prints one line and reads few tables")
    func sharedShadow() throws {
        var b = B(arch: arch)
        let root = b.newTable(), pud = b.newTable(), pmd = b.newTable(), pte = b.newTable(), zero = b.newTable()
        for i in 0..<512 {
            b.set(pud, i, B.table(pmd))
            b.set(pmd, i, B.table(pte))
            b.set(pte, i, zero.rawValue | B.kernelRO)
        }
        for i in 192..<256 { b.set(root, i, B.table(pud)) }   // [0xffff600000000000, 0xffff800000000000): 32T
        let mem = try b.memory()
        let markers = [AddressMarker(0xffff_0000_0000_0000, "Linear Mapping start"),
                       AddressMarker(0xffff_6000_0000_0000, "Linear Mapping end"),
                       AddressMarker(0xffff_6000_0000_0000, "Kasan shadow start"),
                       AddressMarker(0xffff_8000_0000_0000, "Kasan shadow end")]
        let (text, report) = arm64Text(arch: arch, memory: mem, root: root, markers: markers)
        #expect(text == """
            ---[ Linear Mapping start ]---
            0xffff000000000000-0xffff600000000000          96T PGD
            ---[ Linear Mapping end ]---
            ---[ Kasan shadow start ]---
            0xffff600000000000-0xffff800000000000          32T PTE       ro NX SHD AF            UXN    MEM/NORMAL
            ---[ Kasan shadow end ]---
            0xffff800000000000-0x0000000000000000         128T PGD

            """)
        #expect(report.tablesRead <= 4)
        #expect(report.problems.isEmpty)

        var t = FactTable()
        ARM64Port.detectKASAN(&t, tables: PageTables(arch: arch, memory: mem), root: root, vaBits: 48)
        #expect(t["kasan"]?.value == 1)
    }

    @Test("no KASAN is detected where the shadow region is unmapped")
    func noShadow() throws {
        let (b, root, _) = chain()
        var t = FactTable()
        ARM64Port.detectKASAN(&t, tables: PageTables(arch: arch, memory: try b.memory()), root: root, vaBits: 48)
        #expect(t["kasan"]?.value == 0)
    }

    @Test("reserved encodings are walked as the kernel's predicates say, without problems")
    func reserved() throws {
        var (b, root, pte) = chain()
        b.set(root, 300, 0x4000_0001)           // block type at the top (reserved for 4K L0): p4d_bad, a hole
        b.set(root, 301, 0x4000_0002)           // table bit without valid at the top: still descended by the kernel
        b.set(pte, 0, 0x4100_0000 | 0x701)      // type 01 at the last level (reserved): printed as BLK
        let mem = try b.memory()
        let (text, report) = arm64Text(arch: arch, memory: mem, root: root, markers: [AddressMarker(0xffff_0000_0000_0000, "L")])
        #expect(report.problems.isEmpty)
        #expect(text.contains("0xffff800000000000-0xffff800000001000           4K PTE       RW x  SHD AF        BLK        MEM/NORMAL"))
    }

    @Test("a table descriptor at the last level, and tables pointing back at the root, never loop")
    func loops() throws {
        var (b, root, pte) = chain()
        b.set(pte, 5, B.table(root))             // page descriptor (type 11) naming the root: a leaf
        b.set(root, 257, B.table(root))          // the root as its own pud
        let (text, report) = arm64Text(arch: arch, memory: try b.memory(), root: root, markers: [AddressMarker(0xffff_0000_0000_0000, "L")])
        #expect(report.problems.isEmpty)
        #expect(report.tablesRead < 64)
        #expect(text.split(separator: "\n").count < 64)
    }

    @Test("a table outside the image is a walk problem, not a crash")
    func outside() throws {
        var (b, root, _) = chain()
        b.set(root, 400, B.table(0x7fff_0000_0000))
        let (_, report) = arm64Text(arch: arch, memory: try b.memory(), root: root, markers: [AddressMarker(0xffff_0000_0000_0000, "L")])
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.description.contains("outside the image's memory") == true)
    }

    @Test("with 52-bit PA, OA[51:48] sends a table beyond the dump: a walk problem")
    func pa52Outside() throws {
        let a = ARM64(pageSize: 65536, vaBits: 52, pa52: true)!
        var b = B(arch: a)
        let root = b.newTable(), pmd = b.newTable()
        b.set(root, 1023, B.table(pmd) | 0x1000)   // OA[48] set: 2^48 beyond the tables
        let (_, report) = arm64Text(arch: a, memory: try b.memory(), root: root, markers: [AddressMarker(0xfff0_0000_0000_0000, "L")])
        #expect(report.problems.first?.tablePA == PhysicalAddress(pmd.rawValue | (1 << 48)))
    }
}

@Suite("arm64 bad input")
struct ARM64BadInputTests {
    typealias B = ARM64TableBuilder

    func image(_ b: B, vmcoreinfo: String?) throws -> Image {
        var img = Image(format: "test", memory: try b.memory(), arch: .arm64)
        if let vmcoreinfo { img.vmcoreinfo = try VMCoreInfo(text: vmcoreinfo) }
        return img
    }

    func fourK() -> (B, PhysicalAddress) {
        var b = B(arch: ARM64(pageSize: 4096, vaBits: 48)!)
        let root = b.newTable(), pud = b.newTable()
        b.set(root, 0, B.table(pud))
        b.set(pud, 0, 0x4000_0000 | B.kernelRW & ~2)
        return (b, root)
    }

    @Test("--page-size that VMCOREINFO contradicts")
    func pageSizeContradiction() throws {
        let (b, root) = fourK()
        let img = try image(b, vmcoreinfo: "PAGESIZE=4096\nNUMBER(VA_BITS)=48\n")
        #expect(throws: ImageError.contradiction("--page-size 65536 contradicts the dump: VMCOREINFO PAGESIZE=4096")) {
            _ = try PlatformResolver.resolve(image: img, options: Options(root: root, pageSize: 65536))
        }
    }

    @Test("--va-bits that VMCOREINFO contradicts")
    func vaContradiction() throws {
        let (b, root) = fourK()
        let img = try image(b, vmcoreinfo: "PAGESIZE=4096\nNUMBER(VA_BITS)=48\n")
        #expect(throws: ImageError.self) { _ = try PlatformResolver.resolve(image: img, options: Options(root: root, vaBits: 39)) }
    }

    @Test("64K pages on a 4K dump without VMCOREINFO: the top-level table does not decode")
    func granuleDoesNotDecode() throws {
        let (b, root) = fourK()
        let img = try image(b, vmcoreinfo: nil)
        do {
            _ = try PlatformResolver.resolve(image: img, options: Options(root: root, pageSize: 65536, vaBits: 48))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("does not decode as 64K pages with 48-bit VA"))
        }
    }

    @Test("a combination 6.1 does not build, an empty root, no root at all")
    func others() throws {
        let (b, root) = fourK()
        let img = try image(b, vmcoreinfo: nil)
        #expect(throws: ImageError.self) {
            _ = try PlatformResolver.resolve(image: img, options: Options(root: root, pageSize: 4096, vaBits: 42))
        }
        #expect(throws: ImageError.self) {
            _ = try PlatformResolver.resolve(image: img, options: Options(root: root + 0x2000, pageSize: 4096, vaBits: 48))
        }
        #expect(throws: ImageError.self) {
            _ = try PlatformResolver.resolve(image: img, options: Options(pageSize: 4096, vaBits: 48))
        }
        #expect(throws: ImageError.self) { _ = try PlatformResolver.resolve(image: img, options: Options(root: root)) }
    }

    @Test("flags alone describe a dump without VMCOREINFO")
    func flagsOnly() throws {
        let (b, root) = fourK()
        let img = try image(b, vmcoreinfo: nil)
        let p = try PlatformResolver.resolve(image: img, options: Options(root: root, pageSize: 4096, vaBits: 48))
        #expect(p.levels.value == 4)
        #expect(p.layout.markers.first?.start == 0xffff_0000_0000_0000)
        #expect(p.pageSize.source == .flag("--page-size"))
    }
}
