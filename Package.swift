// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ptdump",
    products: [
        .executable(name: "ptdump", targets: ["ptdump"]),
        .library(name: "PTDumpCore", targets: ["PTDumpCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibElf",
            pkgConfig: "libelf",
            providers: [.apt(["libelf-dev"])]
        ),
        // makedumpfile's kdump-compressed dumps (zlib, lzo, snappy, zstd; split sets), read page by page.
        .systemLibrary(
            name: "CLibKdumpFile",
            pkgConfig: "libkdumpfile",
            providers: [.apt(["libkdumpfile-dev"])]
        ),
        // The system zlib: the kernel configuration a CONFIG_IKCONFIG kernel embeds is gzip'd.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // zlib (through libdeflate), LZO, snappy and zstd, for the pages of kdump-compressed
        // dumps. LZO, snappy and zstd are the libraries libkdumpfile links (libkdumpfile-dev
        // depends on their -dev packages); libdeflate inflates zlib pages twice as fast as zlib.
        .systemLibrary(
            name: "CDecompress",
            providers: [.apt(["libdeflate-dev", "liblzo2-dev", "libsnappy-dev", "libzstd-dev"])]
        ),
        .target(name: "PTDumpCore", dependencies: ["CLibElf", "CLibKdumpFile", "CZlib", "CDecompress"]),
        .executableTarget(
            name: "ptdump",
            dependencies: [
                "PTDumpCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The Swift runtime and standard library linked in: the dynamic linker then has
            // ~8 fewer libraries to load and relocate at every start (ptdump is a short-lived
            // command; start-up was most of its time on real dumps). libelf and libkdumpfile
            // stay shared system libraries.
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-l_FoundationCollections", "-l_FoundationCShims"])]
        ),
        .testTarget(name: "PTDumpCoreTests", dependencies: ["PTDumpCore"]),
        // libFuzzer driver (make fuzz-libfuzzer); a plain build replays crashers.
        .executableTarget(name: "ptdump-fuzz", dependencies: ["PTDumpCore"]),
        // Writes the synthetic images Benchmarks/bench.sh times.
        .executableTarget(name: "ptdump-synth", dependencies: ["PTDumpCore"], path: "Benchmarks/Synth"),
        // Times the kallsyms decode of real dumps (Benchmarks/Kallsyms).
        .executableTarget(name: "ptdump-kallsyms-bench", dependencies: ["PTDumpCore"], path: "Benchmarks/Kallsyms", exclude: ["README.md"]),
    ]
)
