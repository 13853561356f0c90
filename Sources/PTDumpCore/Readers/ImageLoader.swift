#if canImport(Glibc)
import Glibc
#endif

/// Opens an input and picks its reader from the bytes, never from the name.
public enum ImageLoader {
    /// Loads `path`; `options` supply what a raw dump cannot say. A kdump-compressed dump may
    /// be split over several files (`otherParts`), and may come through a pipe (`-` is
    /// standard input).
    public static func load(path: String, otherParts: [String] = [], options: Options = Options()) throws(ImageError) -> Image {
        if !otherParts.isEmpty || path == "-" || isPipe(path) {
            return try KdumpLoader.load(paths: [path == "-" ? "/dev/stdin" : path] + otherParts)
        }
        let file = try MappedFile(path: path)
        if KdumpFile.recognizes(file.bytes(at: 0, length: min(file.count, 16)) ?? []) {
            return try KdumpLoader.load(paths: [path])
        }
        return try load(file: file, options: options) { () throws(ImageError) in try ElfFile(path: path) }
    }

    /// True for a pipe this process already holds open (`<(…)`, `/dev/stdin`): only a
    /// kdump-compressed or flattened dump can come through one. A named FIFO is refused by
    /// `MappedFile` instead, since opening one with no writer would block forever.
    static func isPipe(_ path: String) -> Bool {
        var st = stat()
        let held = path.hasPrefix("/dev/fd/") || path.hasPrefix("/proc/self/fd/") || path == "/dev/stdin"
        return held && stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO
    }

    /// Loads an image held in memory (tests, fuzzing).
    public static func load(bytes: [UInt8], options: Options = Options()) throws(ImageError) -> Image {
        try load(file: MappedFile(bytes: bytes), options: options) { () throws(ImageError) in try ElfFile(copying: bytes) }
    }

    private static func load(file: MappedFile, options: Options,
                             elf: () throws(ImageError) -> ElfFile) throws(ImageError) -> Image {
        guard file.count >= 4 else { throw .unknownFormat("\(file.count) bytes is too short for any image") }
        let magic = file.bytes(at: 0, length: 4) ?? []
        if magic == [0x7f, 0x45, 0x4c, 0x46] {
            guard file.count >= 64 else { throw .malformedELF("truncated ELF header (\(file.count) of 64 bytes)") }
            return try ElfCoreLoader.load(elf: try elf(), file: file)
        }
        if options.arch == nil && options.root == nil {
            throw .unknownFormat("not an ELF file (for a raw physical dump pass --arch, --root and the paging flags)")
        }
        return try RawLoader.load(file: file, options: options)
    }
}
