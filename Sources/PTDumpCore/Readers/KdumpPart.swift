#if canImport(Glibc)
import Glibc
#endif

/// One file of a kdump-compressed dump (the whole dump, or one part of a split set), opened
/// and with its header read. The descriptor is what libkdumpfile reads: the file itself when it
/// is a regular kdump-compressed file; for a flattened file, a sparse temporary file holding
/// only its header, notes and bitmaps (page data are read from the flattened file through its
/// index); else an unlinked temporary copy (a pipe's contents, or a flattened stream rearranged).
final class KdumpPart {
    /// The path as given, for messages.
    let name: String
    let fd: Int32
    let size: UInt64
    let header: DiskDumpHeader
    /// The input was in makedumpfile's flattened format and was rearranged.
    let wasFlattened: Bool
    /// The input was not a regular file (a pipe) and was copied.
    let wasSpooled: Bool
    /// Bytes written into a temporary file to open this part: a pipe's whole content, a
    /// rearranged flattened stream, or only the header and bitmaps of a flattened file read in
    /// place; 0 for a kdump-compressed file.
    let copiedBytes: UInt64
    /// A flattened file read in place: its records, and the flattened file itself.
    private let flattened: (index: FlattenedIndex, fd: Int32)?

    init(path: String) throws(ImageError) {
        name = path
        let inFD = open(path, O_RDONLY | O_CLOEXEC)
        guard inFD >= 0 else { throw .cannotOpen("\(path): \(String(cString: strerror(errno)))") }
        var st = stat()
        guard fstat(inFD, &st) == 0 else {
            let why = String(cString: strerror(errno))
            close(inFD)
            throw .cannotOpen("\(path): \(why)")
        }
        if st.st_mode & S_IFMT == S_IFDIR {
            close(inFD)
            throw .cannotOpen("\(path): is a directory")
        }
        let regular = st.st_mode & S_IFMT == S_IFREG
        var input = KdumpInputStream(fd: inFD, seekable: regular)
        let head = input.read(16)
        var fd = inFD
        var flattened = false, spooled = false
        var inPlace: (index: FlattenedIndex, fd: Int32)?
        var metadataBytes: UInt64 = 0
        if head.isEmpty {
            close(inFD)
            throw .empty
        }
        do throws(ImageError) {
            if FlattenedDump.recognizes(head) {
                flattened = true
                if regular, let index = try FlattenedIndex.build(fd: inFD, fileSize: UInt64(max(0, st.st_size)), name: path) {
                    if let elf = Self.elfDump(index.read(fd: inFD, at: 0, count: 8), path: path, flattened: true) { throw elf }
                    (fd, metadataBytes) = try index.metadataFile(fd: inFD, ranges: try Self.metadataRanges(index, fd: inFD, name: path), name: path)
                    inPlace = (index, inFD)
                } else {
                    // From byte 0 again: a file is read anew, a pipe gets its first bytes back.
                    if regular { input = KdumpInputStream(fd: inFD, seekable: true) } else { input.pushBack(head) }
                    fd = try FlattenedDump.rearrange(&input, name: path)
                }
            } else if !regular {
                fd = try input.spool(prefix: head, name: path)
                spooled = true
            }
        } catch {
            close(inFD)
            throw error
        }
        if fd != inFD && inPlace == nil { close(inFD) }
        var st2 = stat()
        _ = fstat(fd, &st2)
        let fileSize = inPlace?.index.size ?? UInt64(max(0, st2.st_size))
        self.fd = fd
        size = fileSize
        wasFlattened = flattened
        wasSpooled = spooled
        self.flattened = inPlace
        copiedBytes = inPlace != nil ? metadataBytes : fd == inFD ? 0 : UInt64(max(0, st2.st_size))
        let read = { (offset: UInt64, count: Int) -> [UInt8] in
            inPlace.map { $0.index.read(fd: $0.fd, at: offset, count: count) } ?? Self.read(fd: fd, at: offset, count: count)
        }
        do throws(ImageError) {
            if let elf = Self.elfDump(read(0, 8), path: path, flattened: flattened) { throw elf }
            header = try DiskDumpHeader(name: path, fileSize: fileSize, read: read)
        } catch {
            close(fd)
            if let f = inPlace { close(f.fd) }
            throw error
        }
    }

    deinit {
        close(fd)
        if let f = flattened { close(f.fd) }
    }

    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    func read(at offset: UInt64, count: Int) -> [UInt8] {
        if let f = flattened { return f.index.read(fd: f.fd, at: offset, count: count) }
        return Self.read(fd: fd, at: offset, count: count)
    }

    /// The error for a file whose content is an ELF dump after all, or nil.
    private static func elfDump(_ first: [UInt8], path: String, flattened: Bool) -> ImageError? {
        guard first.starts(with: [0x7f, 0x45, 0x4c, 0x46]) else { return nil }
        return .unknownFormat(flattened
            ? "\(path) is a flattened ELF dump (makedumpfile -F -E); rearrange it with `makedumpfile -R out.elf < \(path)` and read out.elf"
            : "\(path) is an ELF dump, not kdump-compressed")
    }

    /// What libkdumpfile reads of a flattened file's content when it opens it: the header
    /// block, the sub-header with VMCOREINFO and the notes, and both bitmaps (it reads the page
    /// descriptors and data only for pages, which `KdumpFile` reads itself). Offsets as the
    /// header says, clamped to the file; a damaged header is refused later, by `DiskDumpHeader`.
    private static func metadataRanges(_ index: FlattenedIndex, fd: Int32, name: String) throws(ImageError) -> [Range<UInt64>] {
        let header = try DiskDumpHeader(name: name, fileSize: index.size) { index.read(fd: fd, at: $0, count: $1) }
        let clamp = { (start: UInt64, size: UInt64) -> Range<UInt64> in
            let s = min(start, index.size)
            return s..<(s + min(size, index.size - s))
        }
        var ranges = [clamp(0, header.bitmapsEnd)]
        for r in [header.vmcoreinfo, header.notes, header.eraseinfo] {
            if let r { ranges.append(clamp(r.offset, r.size)) }
        }
        return ranges
    }

    /// Up to `count` bytes at `offset` of the file open as `fd` (fewer at its end).
    static func read(fd: Int32, at offset: UInt64, count: Int) -> [UInt8] {
        guard count > 0, offset <= UInt64(Int64.max) else { return [] }
        // Not zero-filled first: only the bytes pread delivered are kept.
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var got = 0
            while got < count, let base = buffer.baseAddress {
                let n = pread(fd, base + got, count - got, off_t(offset) + off_t(got))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                got += n
            }
            initialized = got
        }
    }
}
