#if canImport(Glibc)
import Glibc
#endif

/// One file of a kdump-compressed dump (the whole dump, or one part of a split set), opened
/// and with its header read. The descriptor is what libkdumpfile reads: the file itself when it
/// is a regular kdump-compressed file, else an unlinked temporary copy (a flattened file
/// rearranged, or a pipe's contents).
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
        if head.isEmpty {
            close(inFD)
            throw .empty
        }
        do throws(ImageError) {
            if FlattenedDump.recognizes(head) {
                // From byte 0 again: a file is read anew, a pipe gets its first bytes back.
                if regular { input = KdumpInputStream(fd: inFD, seekable: true) } else { input.pushBack(head) }
                fd = try FlattenedDump.rearrange(&input, name: path)
                flattened = true
            } else if !regular {
                fd = try input.spool(prefix: head, name: path)
                spooled = true
            }
        } catch {
            close(inFD)
            throw error
        }
        if fd != inFD { close(inFD) }
        var st2 = stat()
        _ = fstat(fd, &st2)
        let fileSize = UInt64(max(0, st2.st_size))
        self.fd = fd
        size = fileSize
        wasFlattened = flattened
        wasSpooled = spooled
        do throws(ImageError) {
            let first = Self.read(fd: fd, at: 0, count: 8)
            if first.starts(with: [0x7f, 0x45, 0x4c, 0x46]) {
                throw ImageError.unknownFormat(flattened
                    ? "\(path) is a flattened ELF dump (makedumpfile -F -E); rearrange it with `makedumpfile -R out.elf < \(path)` and read out.elf"
                    : "\(path) is an ELF dump, not kdump-compressed")
            }
            header = try DiskDumpHeader(name: path, fileSize: fileSize) { Self.read(fd: fd, at: $0, count: $1) }
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    func read(at offset: UInt64, count: Int) -> [UInt8] {
        Self.read(fd: fd, at: offset, count: count)
    }

    private static func read(fd: Int32, at offset: UInt64, count: Int) -> [UInt8] {
        guard count > 0, offset <= UInt64(Int64.max) else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, count - got, off_t(offset) + off_t(got)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        out.removeLast(count - got)
        return out
    }
}
