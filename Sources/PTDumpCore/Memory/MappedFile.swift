#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only bytes of an input: a private `mmap` of a file, or an owned in-memory buffer
/// (tests, the builder). Pages are faulted in only when read, so a dump is never read whole.
public final class MappedFile: @unchecked Sendable {
    /// First byte.
    public let base: UnsafeRawPointer
    /// Number of bytes.
    public let count: Int
    private let owned: Bool

    /// Maps `path` read-only.
    public init(path: String) throws(ImageError) {
        // Looked at before opening: opening a FIFO with no writer would block forever.
        var pre = stat()
        if stat(path, &pre) == 0 {
            switch pre.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw .cannotOpen("is a directory")
            case S_IFIFO: throw .cannotOpen("is a pipe or FIFO, not a file: save the image to a file first")
            case S_IFCHR, S_IFBLK: throw .cannotOpen("is a device, not a file: copy the image to a file first")
            default: throw .cannotOpen("is not a regular file")
            }
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .cannotOpen(String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .cannotOpen(String(cString: strerror(errno))) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw .cannotOpen("is a directory") }
        guard st.st_size > 0, let size = Int(exactly: st.st_size) else { throw .empty }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
              p != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw .cannotOpen("mmap: " + String(cString: strerror(errno)))
        }
        base = UnsafeRawPointer(p)
        count = size
        owned = false
    }

    /// Copies `bytes` into an owned buffer.
    public init(bytes: [UInt8]) {
        let buf = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 4096)
        bytes.withUnsafeBytes { src in
            if let s = src.baseAddress { buf.copyMemory(from: s, byteCount: bytes.count) }
        }
        base = UnsafeRawPointer(buf)
        count = bytes.count
        owned = true
    }

    deinit {
        if owned { UnsafeMutableRawPointer(mutating: base).deallocate() }
        else { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// Little-endian 64-bit value at `offset`, or nil when out of range.
    @inline(__always)
    public func u64(at offset: Int) -> UInt64? {
        guard offset >= 0, offset <= count &- 8 else { return nil }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Bytes `[offset, offset+length)`, or nil when out of range.
    public func bytes(at offset: Int, length: Int) -> [UInt8]? {
        guard offset >= 0, length >= 0, offset <= count - length else { return nil }
        return Array(UnsafeRawBufferPointer(start: base + offset, count: length))
    }
}
