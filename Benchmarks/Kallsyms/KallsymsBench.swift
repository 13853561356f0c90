import PTDumpCore
#if canImport(Glibc)
import Glibc
#endif

/// Times the kallsyms decode of each dump given (best of 20): the kernel's own table read
/// through the dump's page tables, names expanded, addresses computed.
///
///     swift build -c release --product ptdump-kallsyms-bench
///     .build/release/ptdump-kallsyms-bench vmcore.elf ...
@main enum KallsymsBench {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            do {
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
                print("\(path): \(count) symbols, best \(us / 1000).\(String(us % 1000 + 1000).dropFirst()) ms, \(ns) ns/symbol")
            } catch {
                print("\(path): \(error)")
            }
        }
    }
}
