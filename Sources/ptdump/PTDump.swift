import ArgumentParser
import PTDumpCore
#if canImport(Glibc)
import Glibc
#endif

/// The `ptdump` command: argument parsing and wiring only.
@main
struct PTDump: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ptdump",
        abstract: "Print the kernel page tables held in a memory image exactly as Linux's ptdump does, and check them for W^X.",
        usage: """
            ptdump [<options>] <FILE> ...
              ptdump diff [<options>] <A> <B>
            """,
        discussion: """
            Reads ELF memory dumps (QEMU dump-guest-memory, kdump /proc/vmcore, makedumpfile -E), ptdump \
            compact images, ELF executables with built-in tables (firmware, vmlinux) and raw physical \
            dumps, for \(spokenList(ArchitectureRegistry.names, "and")). Exit status: 0 success, 1 --check-wx found W+X pages, 2 usage \
            error or unusable input (diff: 0 identical, 1 different).

            'ptdump diff A B' compares two images range by range: see 'ptdump diff --help'.
            """,
        version: version,
        // Listed for --help and the completion scripts; `main` routes a first word `diff` here.
        subcommands: [DiffCommand.self])

    /// The release, printed by `--version`.
    static let version = "0.1.0"

    @Argument(help: ArgumentHelp("The image: an ELF or kdump-compressed memory dump (every part of a split one; - for standard input), a ptdump compact image, an ELF executable or a raw physical dump.", valueName: "FILE"))
    var files: [String]

    var file: String { files.first ?? "-" }

    @Flag(help: "Check for W+X mappings as CONFIG_DEBUG_WX does; exit 1 when any exist.")
    var checkWx = false

    @Flag(help: "Check the page tables' hygiene (empty or shared tables, reserved bits, leaves outside memory, contiguous hints, break-before-make evidence); exit 1 when any finding.")
    var checkTables = false

    @Flag(help: "Print statistics of the page tables: tables and entries per level, the memory they hold, shared tables, pages and blocks mapped per region.")
    var stats = false

    @Flag(help: "Show what was detected (format, architecture, levels, root, layout) and where each fact came from.")
    var info = false

    @Option(help: ArgumentHelp("Translate one virtual address level by level.", valueName: "VA"))
    var walk: String?

    @Option(help: ArgumentHelp("Output format: kernel (the image's kernel text, the default for Linux), generic (one line per mapped range with its physical address, size, level and attributes by name; the default for firmware, hypervisor and stage-2 tables), json, or the kernel text named by architecture (x86, arm64), which must be the image's.", valueName: "FORMAT"))
    var format: OutputFormat?

    @Flag(help: "Append each range's physical start address; ranges also break where physical contiguity breaks.")
    var phys = false

    @Option(help: ArgumentHelp("Walk only the virtual addresses START-END (inclusive, hex).", valueName: "START-END"))
    var range: String?

    @Option(help: ArgumentHelp("Write a compact image holding only the page tables walked.", valueName: "OUT"))
    var save: String?

    @Option(help: ArgumentHelp("Kernel .config of the dumped kernel: decides the configuration-dependent address markers.", valueName: "FILE"))
    var kernelConfig: String?

    @Option(help: ArgumentHelp("System.map of the dumped kernel: KASLR bases are read through it; W+X findings get symbols.", valueName: "FILE"))
    var systemMap: String?

    @Option(help: ArgumentHelp("vmlinux of the dumped kernel: its ELF symbol table names addresses (instead of the dump's own kallsyms).", valueName: "FILE"))
    var vmlinux: String?

    @Flag(help: "Add the kernel symbol at each mapped range's start: a trailing column in the text, a \"symbol\" key in JSON.")
    var symbols = false

    @Flag(help: "Print the kernel's symbol table (address, type, name), decoded from the dump's kallsyms (or --system-map, --vmlinux).")
    var listSymbols = false

    @Option(help: ArgumentHelp("Architecture, for inputs that do not say it (raw dumps): \(spokenList(ArchitectureRegistry.names, "or")).", valueName: "ARCH"))
    var arch: ArchArgument?

    @Option(help: ArgumentHelp("Physical address of the root page table (overrides the image).", valueName: "PA"))
    var root: String?

    @Option(help: ArgumentHelp("Root page table is this symbol of an ELF executable (e.g. level3_kernel_pgt).", valueName: "NAME"))
    var rootSymbol: String?

    @Option(help: ArgumentHelp("Level of the root table when it is not the top: pgd, p4d, pud, pmd or pte.", valueName: "LEVEL"))
    var rootLevel: String?

    @Option(help: ArgumentHelp("Virtual address the root table's first entry maps (with --root-level).", valueName: "VA"))
    var vaBase: String?

    @Option(help: ArgumentHelp("Physical address of a raw dump's first byte (default 0).", valueName: "PA"))
    var base: String?

    @Option(help: ArgumentHelp("Paging levels (\(ArchitectureRegistry.ports.map { "\($0.kind): \($0.levelsHelp)" }.joined(separator: "; "))).", valueName: "N"))
    var levels: Int?

    @Option(help: ArgumentHelp("arm64 page size: 4K, 16K or 64K (or 4096, 16384, 65536); overrides VMCOREINFO PAGESIZE.", valueName: "SIZE"))
    var pageSize: PageSizeArgument?

    @Option(help: ArgumentHelp("arm64 VA_BITS (4K: 39, 48; 16K: 36, 47, 48; 64K: 42, 48, 52); overrides VMCOREINFO.", valueName: "N"))
    var vaBits: Int?

    @Flag(help: "arm64: the root is a TTBR0 table (the low half, VAs from 0): firmware, boot loaders, EL2/EL3 code, user space.")
    var ttbr0 = false

    @Flag(help: "arm64: the root is a TTBR1 table (the high half, VAs up to 2^64), as a Linux kernel's is.")
    var ttbr1 = false

    @Option(help: ArgumentHelp("arm64 translation regime: el1 (EL1&0, the default), el2 (without VHE: one VA range, XN only), el2-vhe (EL2&0, like EL1&0) or el3 (one VA range, XN only).", valueName: "REGIME"))
    var regime: String?

    @Option(help: ArgumentHelp("arm64 MAIR_ELx value naming the memory type of each AttrIndx (Device-nGnRnE … Normal-WB); default: a mair_elN symbol of the image, Linux's MAIR_EL1 for a Linux dump, else AttrIndx=N is shown.", valueName: "VALUE"))
    var mair: String?

    @Flag(help: "The root is a second-stage table: arm64 VTTBR_EL2 (guest IPA to host PA, printed as KVM's stage-2 ptdump does; --ipa-bits), or x86_64 EPT (--levels 4|5, the generic format).")
    var stage2 = false

    @Option(help: ArgumentHelp("Bits of guest-physical address a --stage2 table translates (64 - VTCR_EL2.T0SZ).", valueName: "N"))
    var ipaBits: Int?

    @Option(help: ArgumentHelp("x86 IA32_PAT value naming the memory type of each PAT index (PAT, PCD, PWT) in --format generic, for --levels 3 (32-bit PAE) and --levels 2 (32-bit legacy paging); default: the power-on value (Linux's for a Linux dump).", valueName: "VALUE"))
    var pat: String?

    @Flag(help: "Print (or --check-wx) the user half of a process's tables: x86_64 from --root or CR3 in the QEMU CPU note (with PTI, the user PGD at root + 4K), in the kernel text; arm64 from --root (TTBR0_EL1), as --ttbr0.")
    var user = false

    @Option(help: ArgumentHelp("With --check-wx: a known, accepted W+X exception, START-END (inclusive) or a symbol; findings it covers are reported as allowed and not counted. Repeatable.", valueName: "RANGE|SYMBOL"))
    var allowWx: [String] = []

    @Option(help: ArgumentHelp("The machine's physical-address width (x86 MAXPHYADDR, 32 to 52) for --check-tables' reserved-bits check, --info and --save; default: a compact image's record, else the kernel's boot_cpu_data.x86_phys_bits read through its symbols.", valueName: "N"))
    var physBits: Int?

    @Option(help: ArgumentHelp("Kernel release whose text and layout to reproduce (e.g. 6.1), when the image does not say it (VMCOREINFO OSRELEASE).", valueName: "X.Y"))
    var kernelVersion: String?

    @Option(help: ArgumentHelp("Stop with exit status 2 after N ranges (default \(PageTableDump.defaultMaxRanges)): bounds the work on hostile tables.", valueName: "N"))
    var maxRanges: Int?

    @Option(help: ArgumentHelp("Stop with exit status 2 when one page table is pointed at more than N times (default \(PageTableDump.defaultMaxTableReferences)).", valueName: "N"))
    var maxTableRefs: Int?

    func validate() throws {
        if files.isEmpty { throw ValidationError("no image given") }
        if let m = maxRanges, m < 1 { throw ValidationError("--max-ranges must be at least 1") }
        if let m = maxTableRefs, m < 1 { throw ValidationError("--max-table-refs must be at least 1") }
        let modes = [checkWx, info, walk != nil, save != nil, checkTables, stats, listSymbols].filter { $0 }.count
        if modes > 1 { throw ValidationError("--check-wx, --check-tables, --stats, --info, --walk, --save and --list-symbols are different modes: pass one") }
        if symbols && (info || walk != nil || save != nil || listSymbols || checkTables || stats) {
            throw ValidationError("--symbols applies to the printed tables and --check-wx")
        }
        if phys && format == nil && checkWx { throw ValidationError("--phys does not apply to --check-wx") }
        if ttbr0 && ttbr1 { throw ValidationError("--ttbr0 and --ttbr1 name different halves: pass one") }
        if !allowWx.isEmpty && !checkWx { throw ValidationError("--allow-wx applies to --check-wx") }
        if physBits != nil && !(checkTables || info || save != nil) {
            throw ValidationError("--phys-bits applies to --check-tables, --info and --save")
        }
    }

    mutating func run() throws {
        let file = self.file
        SignalGuard.install(file: file)
        do {
            let options = try makeOptions()
            let image = try ImageLoader.load(path: file, otherParts: Array(files.dropFirst()), options: options)
            var platform = try PlatformResolver.resolve(image: image, options: options)
            var window: WalkRange?
            if let r = range { window = try parseRange(r) }
            // Without --kernel-config or the kernel's marker table, the dump's own configuration
            // (embedded, or inferred from its symbols) decides what would be defaults.
            var symbolOutcome: KernelSymbolSource.Outcome?
            var configOutcome: KernelConfigSource.Outcome?
            if let (p, c) = try DumpConfiguration.resolveWithDumpConfig(image: image, platform: platform, options: options, symbols: {
                let s = KernelSymbolSource.load(image: image, platform: platform, options: options)
                symbolOutcome = s
                return s.symbols
            }) {
                platform = p
                configOutcome = c
            }
            let action = Actions(file: file, image: image, platform: platform, options: options,
                                 cachedSymbols: symbolOutcome, dumpConfig: configOutcome)
            if info { return try action.info() }
            if let walk { return try action.walk(try virtual(walk, flag: "--walk")) }
            if let save { return try action.save(to: save) }
            if listSymbols { return try action.listSymbols() }
            if let f = format, !f.isJSON, !f.isGeneric, f.name != "kernel", f.name != platform.architecture.textStyle.name {
                throw ImageError.contradiction("--format \(f.name) is another architecture's text; this image is \(platform.arch.value) (use --format kernel or json)")
            }
            if let f = format, !f.isJSON, !f.isGeneric, !platform.linuxKernel {
                throw ImageError.contradiction("--format \(f.name): these are not a Linux kernel's tables (\(platform.translationName ?? "")), which the kernel text cannot show; use --format generic or json")
            }
            var dump = DumpOptions(json: format?.isJSON == true, physical: phys, window: window)
            dump.generic = format?.isGeneric == true || (format == nil && !platform.linuxKernel) || (format?.isJSON == true && !platform.linuxKernel)
            dump.maxRanges = maxRanges ?? PageTableDump.defaultMaxRanges
            dump.maxTableReferences = maxTableRefs ?? PageTableDump.defaultMaxTableReferences
            if checkTables { return try action.checkTables(json: format?.isJSON == true, window: window, limits: dump) }
            if stats { return try action.stats(json: format?.isJSON == true, window: window) }
            if checkWx {
                let allowance = try WXAllowance.resolve(allowWx, image: image, systemMap: options.systemMap)
                return try action.checkWX(json: format?.isJSON == true, window: window, limits: dump, allowance: allowance)
            }
            if symbols { return try action.printWithSymbols(dump) }
            try action.print(dump)
        } catch let e as ImageError {
            fail(file, e.description)
        }
    }

    /// The user's facts as library options.
    func makeOptions() throws(ImageError) -> Options {
        var o = Options()
        if let r = root { o.root = try physical(r, flag: "--root") }
        o.rootSymbol = rootSymbol
        o.rootLevel = rootLevel
        if let v = vaBase { o.vaBase = try virtual(v, flag: "--va-base") }
        if let b = base { o.rawBase = try physical(b, flag: "--base") }
        if let k = kernelVersion {
            guard let r = KernelRelease(k) else { throw .contradiction("--kernel-version \(k): expected a release such as 6.1") }
            o.kernelRelease = r
        }
        o.arch = arch?.kind
        o.levels = levels
        o.pageSize = pageSize?.bytes
        o.vaBits = vaBits
        if ttbr0 { o.translation.half = .low }
        if ttbr1 { o.translation.half = .high }
        o.translation.regime = regime
        o.translation.stage2 = stage2
        o.translation.user = user
        if let v = pat { o.translation.pageAttributeTable = try address(v, flag: "--pat") }
        o.translation.inputAddressBits = ipaBits
        o.physicalAddressBits = physBits
        if let m = mair { o.translation.memoryAttributes = try address(m, flag: "--mair") }
        if let path = kernelConfig { o.kernelConfig = KernelConfig(text: try readText(path, flag: "--kernel-config")) }
        if let path = systemMap { o.systemMap = try SystemMap(text: try readText(path, flag: "--system-map")) }
        if let path = vmlinux { o.vmlinuxSymbols = try readSymbols(path) }
        return o
    }

    static func main() {
        // `--version` alone needs nothing the parser builds (it reflects over every option and
        // evaluates their help): answered first, a version check costs only the process start.
        if CommandLine.arguments.count == 2 && CommandLine.arguments[1] == "--version" {
            printLine(version)
            Glibc.exit(0)
        }
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "diff" { DiffCommand.runAsSubcommand(Array(arguments.dropFirst())) }
        // `ptdump help diff`, as the help text suggests (`help` alone, unless a file has that name).
        if arguments == ["help", "diff"] || (arguments == ["help"] && access("help", F_OK) != 0) {
            print(arguments.count == 2 ? helpMessage(for: DiffCommand.self) : helpMessage())
            Glibc.exit(0)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            let status = exitCode(for: error)
            if status == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            printError("ptdump: \(message) (see ptdump --help)")
            Glibc.exit(2)
        }
    }
}
