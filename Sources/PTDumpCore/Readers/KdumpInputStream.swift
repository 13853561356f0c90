#if canImport(Glibc)
import Glibc
#endif

/// Sequential reading of an input that may be a file or a pipe, for the inputs libkdumpfile
/// cannot take as they are (a flattened file, anything not seekable). On a file it reads with
/// `pread`, on a pipe with `read`; copies go through a 1 MiB buffer.
struct KdumpInputStream {
    let fd: Int32
    let seekable: Bool
    /// Bytes given out so far (the offset in a file).
    private(set) var position: UInt64 = 0
    /// Bytes given back by `pushBack`, read before the input (pipes only).
    private var pending: [UInt8] = []

    init(fd: Int32, seekable: Bool) {
        self.fd = fd
        self.seekable = seekable
    }

    /// Up to `count` bytes; fewer only at the end of the input (or on a read error).
    mutating func read(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var got = min(count, pending.count)
        if got > 0 {
            out.replaceSubrange(0..<got, with: pending[0..<got])
            pending.removeFirst(got)
            position += UInt64(got)
        }
        let fromPending = got
        while got < count {
            let n = out.withUnsafeMutableBytes { buf -> Int in
                let p = buf.baseAddress! + got
                return seekable ? pread(fd, p, count - got, off_t(position) + off_t(got - fromPending)) : Glibc.read(fd, p, count - got)
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        position += UInt64(got - fromPending)
        out.removeLast(count - got)
        return out
    }

    /// Makes `bytes` the next ones `read` returns (for a pipe, whose bytes cannot be read twice).
    mutating func pushBack(_ bytes: [UInt8]) {
        pending = bytes + pending
        position -= UInt64(bytes.count)
    }

    /// Copies the next `count` bytes into `out` at `offset`. Returns the number copied (fewer at
    /// the end of the input), or `UInt64.max` when writing failed (`errno` set).
    mutating func copy(_ count: UInt64, to out: Int32, at offset: UInt64) -> UInt64 {
        var done: UInt64 = 0
        let chunk = 1 << 20
        while done < count {
            let bytes = read(Int(min(count - done, UInt64(chunk))))
            if bytes.isEmpty { break }
            guard Self.write(bytes, to: out, at: offset + done) else { return UInt64.max }
            done += UInt64(bytes.count)
        }
        return done
    }

    /// Writes all of `bytes` to `fd` at `offset`; false when writing failed (`errno` set).
    static func write(_ bytes: [UInt8], to fd: Int32, at offset: UInt64) -> Bool {
        var written = 0
        while written < bytes.count {
            let w = bytes.withUnsafeBytes { buf in
                pwrite(fd, buf.baseAddress! + written, bytes.count - written, off_t(offset) + off_t(written))
            }
            if w < 0 && errno == EINTR { continue }
            if w <= 0 { return false }
            written += w
        }
        return true
    }

    /// Copies `prefix` and then everything left of the input into a new unlinked temporary file.
    mutating func spool(prefix: [UInt8], name: String) throws(ImageError) -> Int32 {
        let out = try Self.temporaryFile()
        let ok = Self.write(prefix, to: out, at: 0)
        guard ok, copy(UInt64.max, to: out, at: UInt64(prefix.count)) != UInt64.max else {
            let why = String(cString: strerror(errno))
            close(out)
            throw .other("\(name): cannot copy the input into a temporary file: \(why)")
        }
        return out
    }

    /// A new read-write file with no name, in `$TMPDIR` (default /tmp); it disappears when closed.
    static func temporaryFile() throws(ImageError) -> Int32 {
        var dir = "/tmp"
        if let t = getenv("TMPDIR"), t.pointee != 0 { dir = String(cString: t) }
        // O_TMPFILE (Linux 3.11) is not imported into Swift (_GNU_SOURCE); its value is
        // __O_TMPFILE | O_DIRECTORY on x86_64 and arm64 alike.
        let oTmpfile: Int32 = 0o20000000 | O_DIRECTORY
        let fd = open(dir, oTmpfile | O_RDWR | O_CLOEXEC, 0o600)
        if fd >= 0 { return fd }
        var template = Array((dir + "/ptdump-kdump-XXXXXX").utf8CString)
        let fd2 = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd2 >= 0 else {
            throw .other("cannot create a temporary file in \(dir) (set TMPDIR): \(String(cString: strerror(errno)))")
        }
        _ = fcntl(fd2, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return fd2
    }
}
