#if canImport(Glibc)
import Glibc
#endif

/// The line printed when the input file shrinks while it is mapped (the kernel then raises
/// SIGBUS on the next read of a vanished page): prepared before the walk, written by the
/// handler with async-signal-safe calls only.
nonisolated(unsafe) private var sigbusLine: UnsafeMutableBufferPointer<UInt8>?

/// Turns SIGBUS (and SIGSEGV from a vanished mapping) into one `ptdump: FILE: …` line and
/// exit status 2 instead of a crash.
enum SignalGuard {
    static func install(file: String) {
        let text = "ptdump: \(file): the file changed (it was truncated or replaced) while it was being read\n"
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.utf8.count)
        _ = buffer.initialize(from: text.utf8)
        sigbusLine = buffer
        signal(SIGBUS) { _ in
            if let b = sigbusLine { _ = write(2, b.baseAddress, b.count) }
            _exit(2)
        }
    }
}
