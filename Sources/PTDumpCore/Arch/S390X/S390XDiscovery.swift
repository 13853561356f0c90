/// What an s390x dump says about the kernel's address space beyond its tables: the kernel
/// ASCE in the CPU notes, the lowcore, the kernel's own variables (6.1 runs the kernel in the
/// identity mapping, so a symbol's address is its physical address) and the boot command
/// line. Every read is bounds-checked and every search bounded.
enum S390XDiscovery {
    /// `NT_S390_CTRS`: the 16 control registers, big-endian.
    static let controlRegistersNote: UInt32 = 0x304
    /// `NT_S390_PREFIX`: the prefix register (where the CPU's lowcore is).
    static let prefixNote: UInt32 = 0x305
    /// `struct lowcore` offsets: `kernel_asce`, and the absolute `vmcore_info`.
    static let kernelASCEOffset: UInt64 = 0x388
    static let vmcoreInfoPointer: UInt64 = 0xe0c
    /// `PARMAREA` + `COMMAND_LINE`: where the boot loader leaves the command line.
    static let commandLine: UInt64 = 0x10480
    /// `COMMAND_LINE_SIZE` default.
    static let commandLineSize = 4096

    /// A big-endian 64-bit value at byte `offset` of `bytes`, nil when it does not fit.
    static func word(_ bytes: [UInt8], _ offset: Int) -> UInt64? {
        guard offset >= 0, offset + 8 <= bytes.count else { return nil }
        return (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[offset + $1]) }
    }

    /// The kernel ASCE of the first CPU: control register 13 (the home space, which Linux
    /// loads with the kernel ASCE and never changes) from `NT_S390_CTRS`, else
    /// `lowcore.kernel_asce` at the prefix from `NT_S390_PREFIX`.
    static func kernelASCE(_ image: Image) -> Fact<UInt64>? {
        let linux = image.cpuNotes.filter { $0.name == "LINUX" }
        if let ctrs = linux.first(where: { $0.type == controlRegistersNote }), let cr13 = word(ctrs.desc, 13 * 8), cr13 != 0 {
            return Fact(cr13, FactSource("CPU note NT_S390_CTRS: control register 13 (the kernel ASCE)"))
        }
        if let prefix = linux.first(where: { $0.type == prefixNote }), prefix.desc.count >= 4 {
            let pa = UInt64(prefix.desc[0]) << 24 | UInt64(prefix.desc[1]) << 16 | UInt64(prefix.desc[2]) << 8 | UInt64(prefix.desc[3])
            if let v = try? image.memory.u64(PhysicalAddress(pa &+ kernelASCEOffset), byteOrder: .big), v != 0 {
                return Fact(v, .memory("\(hex(pa &+ kernelASCEOffset)): lowcore.kernel_asce (prefix \(hex(pa)) from NT_S390_PREFIX)"))
            }
        }
        return nil
    }

    /// The 64-bit big-endian variable at `SYMBOL(name)` (identity-mapped).
    static func variable(_ memory: any PhysicalMemory, _ vi: VMCoreInfo?, _ name: String) -> (value: UInt64, pa: UInt64)? {
        guard let sym = vi?.symbol(name), let v = try? memory.u64(PhysicalAddress(sym), byteOrder: .big) else { return nil }
        return (v, sym)
    }

    /// The boot command line the loader left at `PARMAREA + COMMAND_LINE`, when it is text.
    static func commandLine(_ memory: any PhysicalMemory) -> String? {
        guard let bytes = try? memory.read(PhysicalAddress(commandLine), length: commandLineSize) else { return nil }
        let text = bytes.prefix { $0 != 0 }
        guard !text.isEmpty, text.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        return String(decoding: text, as: UTF8.self)
    }

    /// `memparse`: a number (decimal, 0x hex or 0 octal) with an optional K/M/G/T/P/E suffix.
    static func memparse(_ s: Substring) -> UInt64? {
        var digits = s
        var shift: UInt64 = 0
        if let last = digits.last, let i = "KMGTPE".firstIndex(of: Character(last.uppercased())) {
            shift = 10 * UInt64("KMGTPE".distance(from: "KMGTPE".startIndex, to: i) + 1)
            digits = digits.dropLast()
        }
        let value: UInt64?
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { value = UInt64(digits.dropFirst(2), radix: 16) }
        else if digits.count > 1 && digits.hasPrefix("0") { value = UInt64(digits.dropFirst(), radix: 8) }
        else { value = UInt64(digits) }
        guard let v = value, shift == 0 || v <= UInt64.max >> shift else { return nil }
        return v << shift
    }

    /// `vmalloc=` of a command line, rounded up to a page as `parse_boot_command_line` does.
    static func vmallocParameter(_ line: String) -> UInt64? {
        for word in line.split(separator: " ") where word.hasPrefix("vmalloc=") {
            guard let v = memparse(word.dropFirst(8)), v <= UInt64.max - 4095 else { return nil }
            return (v + 4095) & ~4095
        }
        return nil
    }

    /// `_end` from `init_mm`, which `setup_initial_init_mm(_text, _etext, _edata, _end)` fills:
    /// `start_code, end_code, start_data, end_data, start_brk, brk` are consecutive words, with
    /// `start_data` and `start_brk` left 0 and `start_code` equal to `_stext`. Searched 8-aligned
    /// in the first 64 MiB of the kernel image; every hit must agree.
    static func kernelEnd(_ memory: any PhysicalMemory, stext: UInt64) -> (end: UInt64, at: UInt64)? {
        var hits: [(UInt64, UInt64)] = []
        var pa = stext & ~4095
        let limit = stext &+ (64 << 20)
        while pa < limit {
            guard let bytes = (try? memory.read(PhysicalAddress(pa), length: 4096 + 40)) ?? (try? memory.read(PhysicalAddress(pa), length: 4096)) else {
                pa &+= 4096
                continue
            }
            var o = 0
            while o < 4096 {
                if word(bytes, o) == stext, let w1 = word(bytes, o + 8), word(bytes, o + 16) == 0, let w3 = word(bytes, o + 24),
                   word(bytes, o + 32) == 0, let w5 = word(bytes, o + 40),
                   stext < w1, w1 <= w3, w3 <= w5, w5 - stext < 1 << 30, w5 & 4095 == 0 {
                    hits.append((w5, pa &+ UInt64(o)))
                }
                o += 8
            }
            pa &+= 4096
        }
        guard let first = hits.first, hits.allSatisfy({ $0.0 == first.0 }) else { return nil }
        return first
    }
}
