import PTDumpCore
#if canImport(Glibc)
import Glibc
#endif

/// The target this process fuzzes (`PTDUMP_FUZZ_TARGET`, default `image`).
nonisolated(unsafe) private var target = FuzzTarget.image

@_cdecl("LLVMFuzzerTestOneInput")
public func ptdumpFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    target.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")   // from libclang_rt.fuzzer, linked by -sanitize=fuzzer
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ cb: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt
#endif

/// libFuzzer driver for `FuzzTarget`s. Built with `-sanitize=fuzzer,address -DFUZZING` it
/// fuzzes; a plain build replays the files named on the command line (a crash reproducer).
@main enum PTDumpFuzz {
    static func main() {
        if let name = getenv("PTDUMP_FUZZ_TARGET").map({ String(cString: $0) }) {
            guard let t = FuzzTarget(rawValue: name) else {
                print("ptdump-fuzz: unknown target \(name); one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
                exit(2)
            }
            target = t
        }
        if CommandLine.arguments.count == 3 && CommandLine.arguments[1] == "--seeds" {
            do { try Seeds.write(to: CommandLine.arguments[2]) } catch {
                print("ptdump-fuzz: \(error)")
                exit(2)
            }
            return
        }
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, ptdumpFuzzOneInput))
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let fp = fopen(path, "rb") else { continue }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true { let n = fread(&chunk, 1, chunk.count, fp); if n <= 0 { break }; bytes += chunk[0..<n] }
            fclose(fp)
            target.run(bytes)
            print("ok \(path) (\(bytes.count) bytes)")
        }
        #endif
    }
}
