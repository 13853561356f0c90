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
        abstract: "Print the kernel page tables held in a memory dump exactly as Linux's ptdump does, and check them for W^X.",
        discussion: """
            Reads an ELF memory dump (QEMU dump-guest-memory, kdump /proc/vmcore, makedumpfile -E) or a \
            ptdump compact image. Exit status: 0 success, 1 --check-wx found W+X pages, 2 usage error or \
            unusable input.
            """,
        version: "0.1.0")

    @Argument(help: "The image: an ELF memory dump or a ptdump compact image.")
    var file: String

    @Flag(help: "Check for W+X mappings as CONFIG_DEBUG_WX does; exit 1 when any exist.")
    var checkWx = false

    @Flag(help: "Show what was detected (format, architecture, levels, root, layout) and where each fact came from.")
    var info = false

    @Option(help: ArgumentHelp("Write a compact image holding only the page tables walked.", valueName: "OUT"))
    var save: String?

    @Option(help: ArgumentHelp("Kernel .config of the dumped kernel: decides the configuration-dependent address markers.", valueName: "FILE"))
    var kernelConfig: String?

    @Option(help: ArgumentHelp("System.map of the dumped kernel: KASLR bases are read through it; W+X findings get symbols.", valueName: "FILE"))
    var systemMap: String?

    @Option(help: ArgumentHelp("Physical address of the top-level page table (overrides the image).", valueName: "PA"))
    var root: String?

    @Option(help: ArgumentHelp("Paging levels (x86_64: 4 or 5; arm64: must match the page and VA size).", valueName: "N"))
    var levels: Int?

    @Option(help: ArgumentHelp("arm64 page size: 4K, 16K or 64K (or 4096, 16384, 65536); overrides VMCOREINFO PAGESIZE.", valueName: "SIZE"))
    var pageSize: PageSizeArgument?

    @Option(help: ArgumentHelp("arm64 VA_BITS (4K: 39, 48; 16K: 36, 47, 48; 64K: 42, 48, 52); overrides VMCOREINFO.", valueName: "N"))
    var vaBits: Int?

    @Option(help: ArgumentHelp("Output format: x86 or arm64 text (default: the image's architecture).", valueName: "FORMAT"))
    var format: OutputFormat?

    mutating func run() throws {
        let file = self.file
        do {
            var options = Options()
            if let r = root {
                guard let v = parseAddress(r) else { throw ImageError.contradiction("--root \(r) is not an address") }
                options.root = v
            }
            options.levels = levels
            options.pageSize = pageSize?.bytes
            options.vaBits = vaBits
            if let path = kernelConfig { options.kernelConfig = KernelConfig(text: try readText(path, flag: "--kernel-config")) }
            if let path = systemMap { options.systemMap = try SystemMap(text: try readText(path, flag: "--system-map")) }

            let image = try ImageLoader.load(path: file)
            let platform = try PlatformResolver.resolve(image: image, options: options)

            if info {
                let out = TextOutput(fd: 1)
                InfoReport.write(image: image, platform: platform, out: out)
                out.flush()
                return
            }
            if let save {
                let report = try ImageSaver.save(to: save, image: image, platform: platform)
                try finish(report, file: file)
                return
            }
            if checkWx {
                let (results, report) = PageTableDump.checkWX(platform: platform, memory: image.memory)
                let out = TextOutput(fd: 1)
                let symbols = Symbolizer(map: options.systemMap, kernelOffset: image.vmcoreinfo?.kernelOffset ?? 0)
                var failed = false
                for result in results {
                    let header = result.header, checker = result.checker
                    if let header { out.write(header + "\n") }
                    for line in checker.findingLines(symbolize: symbols.describe) { out.write(line + "\n") }
                    out.write(checker.verdict + "\n")
                    failed = failed || !checker.passed
                }
                out.flush()
                try finish(report, file: file)
                if failed { throw ExitCode(1) }
                return
            }
            let report = PageTableDump.printText(platform: platform, memory: image.memory, style: format?.textStyle,
                                                 out: TextOutput(fd: 1))
            try finish(report, file: file)
        } catch let e as ImageError {
            fail(file, e.description)
        }
    }

    /// Names each unreadable table on stderr; exit 2 when there was any.
    func finish(_ report: WalkReport, file: String) throws {
        guard !report.problems.isEmpty else { return }
        for p in report.problems { printError("ptdump: \(file): \(p)") }
        throw ExitCode(2)
    }

    static func main() {
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

/// `--format` values.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case x86, arm64

    var textStyle: TextStyle {
        switch self {
        case .x86: return .x86
        case .arm64: return .arm64
        }
    }
}

/// `--page-size` values: bytes or with a K suffix.
struct PageSizeArgument: ExpressibleByArgument {
    var bytes: Int

    init?(argument: String) {
        switch argument.uppercased() {
        case "4096", "4K", "4KB": bytes = 4096
        case "16384", "16K", "16KB": bytes = 16384
        case "65536", "64K", "64KB": bytes = 65536
        default: return nil
        }
    }
}

/// Prints `ptdump: FILE: why` on stderr and exits 2.
func fail(_ file: String, _ why: String) -> Never {
    printError("ptdump: \(file): \(why)")
    Glibc.exit(2)
}

func printError(_ s: String) {
    let line = s + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

/// `0x…` hex or decimal.
func parseAddress(_ s: String) -> UInt64? {
    let t = s.replacingUnderscores()
    if t.hasPrefix("0x") || t.hasPrefix("0X") { return UInt64(t.dropFirst(2), radix: 16) }
    return UInt64(t)
}

extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}

/// Reads a small text file given by a flag.
func readText(_ path: String, flag: String) throws(ImageError) -> String {
    let f: MappedFile
    do { f = try MappedFile(path: path) } catch {
        if case .empty = error { return "" }
        throw ImageError.other("\(flag) \(path): \(error)")
    }
    return String(decoding: UnsafeRawBufferPointer(start: f.base, count: f.count), as: UTF8.self)
}
