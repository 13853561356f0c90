/// Opens an input and picks its reader from the bytes, never from the name.
public enum ImageLoader {
    /// Loads `path`; `options` supply what a raw dump cannot say.
    public static func load(path: String, options: Options = Options()) throws(ImageError) -> Image {
        try load(file: try MappedFile(path: path), options: options) { () throws(ImageError) in try ElfFile(path: path) }
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
