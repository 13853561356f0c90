import Testing
import PTDumpCore

@Suite struct VMCoreInfoTests {
    @Test func parsesKernelNumberConventions() throws {
        let vi = try VMCoreInfo(text: "OSRELEASE=6.1.192\nPAGESIZE=4096\nSYMBOL(init_top_pgt)=ffffffff8181d000\nNUMBER(phys_base)=-811597824\nNUMBER(VA_BITS)=48\nNUMBER(kimage_voffset)=0xffff7fffc7e00000\nKERNELOFFSET=1e000000\n\0\0")
        #expect(vi.symbol("init_top_pgt") == 0xffff_ffff_8181_d000)
        #expect(vi.number("phys_base") == -811_597_824)
        #expect(vi.number("kimage_voffset") == Int64(bitPattern: 0xffff_7fff_c7e0_0000))
        #expect(vi.kernelOffset == 0x1e00_0000)
        #expect(vi.pageSize == 4096)
        #expect(vi.value("OSRELEASE") == "6.1.192")
    }

    @Test(arguments: ["no equals sign here", "SYMBOL(x)=not-hex", "NUMBER(y)=twelve", "KERNELOFFSET=qq"])
    func rejectsMalformedLines(_ line: String) {
        #expect(throws: ImageError.self) { try VMCoreInfo(text: "OSRELEASE=6.1\n\(line)\n") }
    }

    @Test func qemuCPUState() {
        var desc = [UInt8](repeating: 0, count: 440)
        desc[416] = 0x00; desc[417] = 0x70; desc[418] = 0x22             // CR3 0x227000
        desc[425] = 0x10                                                  // CR4 bit 12: LA57
        let s = QEMUCPUState(desc: desc)
        #expect(s?.cr3 == 0x22_7000)
        #expect(s?.la57 == true)
        #expect(QEMUCPUState(desc: [UInt8](repeating: 0, count: 100)) == nil)
    }
}
