import PTDumpCore
#if canImport(Glibc)
import Glibc
#endif

/// Times the kallsyms decode (best of 20): the kernel's own table read through the dump's page
/// tables, names expanded, addresses computed. For each dump given it times that dump's table;
/// with `--symbols N` it also writes, from the same dump's real tables, a distribution-sized
/// one of N symbols (see `SyntheticKallsyms`) and times that.
///
///     swift build -c release --product ptdump-kallsyms-bench
///     .build/release/ptdump-kallsyms-bench --symbols 90000 samples/x86_64-4level-6.12/image.ptd
@main enum KallsymsBench {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func time(_ path: String, label: String) throws {
        let image = try ImageLoader.load(path: path)
        let platform = try PlatformResolver.resolve(image: image, options: Options())
        var best = Double.infinity
        var count = 0
        for _ in 0..<20 {
            let t0 = now()
            let outcome = KernelSymbolSource.load(image: image, platform: platform, options: Options())
            best = min(best, now() - t0)
            count = outcome.symbols?.count ?? 0
        }
        let us = Int(best * 1e6), ns = Int(best * 1e9) / max(count, 1)
        print("\(label): \(count) symbols, best \(us / 1000).\(String(us % 1000 + 1000).dropFirst()) ms, \(ns) ns/symbol")
    }

    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        var synthetic: Int?
        if let i = args.firstIndex(of: "--symbols"), i + 1 < args.count, let n = Int(args[i + 1]), n > 0 {
            synthetic = n
            args.removeSubrange(i...i + 1)
        }
        for path in args {
            do {
                try time(path, label: path)
                if let n = synthetic {
                    let out = "/tmp/ptdump-kallsyms-bench-\(getpid()).ptd"
                    defer { unlink(out) }
                    try SyntheticKallsyms.write(from: path, symbols: n, to: out)
                    try time(out, label: "\(path) replicated to \(n)")
                }
            } catch {
                print("\(path): \(error)")
            }
        }
    }
}
