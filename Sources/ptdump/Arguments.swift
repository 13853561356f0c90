import ArgumentParser
import PTDumpCore
#if canImport(Glibc)
import Glibc
#endif

/// `--format` values: `kernel` (the image's kernel text), `json`, or an architecture's text
/// by name (`x86`, `arm64`), which must be the image's.
struct OutputFormat: ExpressibleByArgument, Equatable {
    var name: String

    init?(argument: String) {
        let n = argument.lowercased()
        guard Self.allValueStrings.contains(n) else { return nil }
        name = n
    }

    var isJSON: Bool { name == "json" }

    var isGeneric: Bool { name == "generic" }

    static var allValueStrings: [String] { ["kernel", "json", "generic"] + ArchitectureRegistry.ports.map { $0.textFormatName } }
}

/// `--arch` values: a registered architecture's name or alias.
struct ArchArgument: ExpressibleByArgument {
    var kind: ArchKind

    init?(argument: String) {
        guard let port = ArchitectureRegistry.port(named: argument) else { return nil }
        kind = port.kind
    }

    static var allValueStrings: [String] { ArchitectureRegistry.names }
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

    static var allValueStrings: [String] { ["4K", "16K", "64K"] }
}

/// `0x…` hex or decimal, underscores allowed.
func parseAddress(_ s: String) -> UInt64? {
    let t = String(s.filter { $0 != "_" })
    if t.hasPrefix("0x") || t.hasPrefix("0X") { return UInt64(t.dropFirst(2), radix: 16) }
    return UInt64(t)
}

/// An address flag's value, or the error naming the flag.
func address(_ s: String, flag: String) throws(ImageError) -> UInt64 {
    guard let v = parseAddress(s) else { throw .contradiction("\(flag) \(s) is not an address") }
    return v
}

/// A physical-address flag's value.
func physical(_ s: String, flag: String) throws(ImageError) -> PhysicalAddress { PhysicalAddress(try address(s, flag: flag)) }

/// A virtual-address flag's value.
func virtual(_ s: String, flag: String) throws(ImageError) -> VirtualAddress { VirtualAddress(try address(s, flag: flag)) }

/// `--range START-END` (inclusive end).
func parseRange(_ s: String) throws(ImageError) -> WalkRange {
    let parts = s.split(separator: "-", maxSplits: 1).map(String.init)
    guard parts.count == 2, let a = parseAddress(parts[0]), let b = parseAddress(parts[1]) else {
        throw .contradiction("--range \(s): expected START-END, e.g. 0xffff888000000000-0xffff888040000000")
    }
    guard a <= b else { throw .contradiction("--range \(s): the end is before the start") }
    return WalkRange(first: VirtualAddress(a), last: VirtualAddress(b))
}

/// `a`, `a and b`, `a, b and c`.
func spokenList(_ items: [String], _ conjunction: String) -> String {
    guard items.count > 1, let last = items.last else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " \(conjunction) " + last
}

/// Reads a small text file given by a flag: a regular file, or a pipe (`<(zcat config.gz)`).
/// Opened without blocking, so a FIFO with no writer is an error, not a hang.
func readText(_ path: String, flag: String) throws(ImageError) -> String {
    var st = stat()
    guard stat(path, &st) == 0 else { throw .other("\(flag) \(path): \(String(cString: strerror(errno)))") }
    if st.st_mode & S_IFMT == S_IFDIR { throw .other("\(flag) \(path): is a directory") }
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw .other("\(flag) \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var waited = false
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n > 0 {
            bytes += chunk[0..<n]
            if bytes.count > 64 << 20 { throw .other("\(flag) \(path): larger than 64 MiB, not a \(flag.dropFirst(2))") }
        } else if n == 0 {
            break
        } else if errno == EAGAIN && !waited {
            // A pipe whose writer has not written yet: wait for it now that it is known to exist.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            waited = true
        } else if errno != EINTR {
            throw .other("\(flag) \(path): \(String(cString: strerror(errno)))")
        }
    }
    if bytes.isEmpty {
        throw .other("\(flag) \(path): empty\(st.st_mode & S_IFMT == S_IFIFO ? " (a FIFO with no writer?)" : "")")
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// `--vmlinux FILE`: the ELF file's symbol table.
func readSymbols(_ path: String) throws(ImageError) -> [ElfSymbol] {
    let elf: ElfFile
    do { elf = try ElfFile(path: path) } catch { throw .other("--vmlinux \(path): \(error)") }
    let (symbols, problem) = elf.symbolTable()
    if symbols.isEmpty { throw .other("--vmlinux \(path): \(problem ?? "no symbol table (a stripped file?)")") }
    return symbols
}

/// Prints `ptdump: FILE: why` on stderr and exits 2.
/// (A reason that already starts with the file's name, as a part of a split dump names itself,
/// is not prefixed twice.)
func fail(_ file: String, _ why: String) -> Never {
    let reason = why.hasPrefix(file + ": ") ? String(why.dropFirst(file.count + 2)) : why
    printError("ptdump: \(file): \(reason)")
    Glibc.exit(2)
}

/// One line on stdout.
func printLine(_ s: String) {
    let line = s + "\n"
    _ = line.withCString { write(1, $0, strlen($0)) }
}

/// One line on stderr.
func printError(_ s: String) {
    let line = s + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}
