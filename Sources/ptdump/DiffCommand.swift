import ArgumentParser
import Dispatch
import PTDumpCore
#if canImport(Glibc)
import Glibc
#endif

/// `--ignore` values: one category or a comma-separated list.
struct IgnoreArgument: ExpressibleByArgument {
    var categories: [AttributeCategory]

    init?(argument: String) {
        var cs: [AttributeCategory] = []
        for part in argument.split(separator: ",") {
            guard let c = AttributeCategory(rawValue: part.lowercased()) else { return nil }
            cs.append(c)
        }
        guard !cs.isEmpty else { return nil }
        categories = cs
    }

    static var allValueStrings: [String] { AttributeCategory.names }
}

/// `ptdump diff A B`: the semantic diff of two images' address spaces.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare the address spaces of two images range by range and print only what changed.",
        usage: "ptdump diff [<options>] <A> <B>",
        discussion: """
            A and B are any inputs ptdump reads; the options below apply to both (the modes --check-wx, --check-tables, --stats, --info, --walk and --save do not apply). Lines: '- ' mapped only in A, \
            '+ ' mapped only in B, '~ ' mapped in both but different (attributes, level, or with --phys the \
            physical address), each under its '@@ marker region @@'. Exit status: 0 identical, 1 different, \
            2 error.
            """)

    @OptionGroup var shared: PTDump

    @Option(help: ArgumentHelp("Do not report differences of this kind: \(AttributeCategory.names.joined(separator: ", ")) (repeat or comma-separate).", valueName: "KIND"))
    var ignore: [IgnoreArgument] = []

    @Flag(help: "Compare each marker region by offset from its start, matching regions by name (KASLR moves regions, not their contents).")
    var alignLayout = false

    func validate() throws {
        if shared.files.count != 2 { throw ValidationError("diff needs two images, A and B (got \(shared.files.count))") }
        if shared.checkWx || shared.checkTables || shared.stats || shared.info || shared.walk != nil || shared.save != nil {
            throw ValidationError("--check-wx, --check-tables, --stats, --info, --walk and --save do not apply to diff")
        }
        if let f = shared.format, f.name != "kernel", !f.isJSON {
            throw ValidationError("diff prints its own text or --format json")
        }
    }

    /// The image `file` and its platform; on an unusable input, one line on stderr and exit 2.
    func load(_ file: String) -> (Image, Platform, Options) {
        let options: Options, image: Image, platform: Platform
        do {
            options = try shared.makeOptions()
            image = try ImageLoader.load(path: file, otherParts: [], options: options)
            platform = try PlatformResolver.resolve(image: image, options: options)
        } catch {
            fail(file, error.description)
        }
        return (image, platform, options)
    }

    /// `--range`, or exit 2.
    func window(_ file: String) -> WalkRange? {
        guard let r = shared.range else { return nil }
        do { return try parseRange(r) } catch { fail(file, error.description) }
    }

    mutating func run() throws {
        let names = shared.files
        SignalGuard.install(file: names[0])
        let window = self.window(names[0])
        let loaded = names.map { load($0) }
        if loaded[0].1.arch.value != loaded[1].1.arch.value {
            fail(names[1], "is \(loaded[1].1.arch.value.rawValue) but \(names[0]) is \(loaded[0].1.arch.value.rawValue): nothing to compare")
        }
        // The two walks are independent: one thread each.
        let results = SnapshotSlots()
        let physical = shared.phys
        let maxRanges = shared.maxRanges ?? PageTableDump.defaultMaxRanges
        let maxRefs = shared.maxTableRefs ?? PageTableDump.defaultMaxTableReferences
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let (image, platform, _) = loaded[i]
            results.set(i, AddressSpaceSnapshot.take(platform: platform, memory: image.memory, physical: physical, window: window,
                                                     maxRanges: maxRanges, maxTableReferences: maxRefs))
        }
        var snapshots: [AddressSpaceSnapshot] = []
        for (i, file) in names.enumerated() {
            guard let s = results.get(i) else { fail(file, "the walk did not finish") }
            let (image, platform, options) = loaded[i]
            try Actions(file: file, image: image, platform: platform, options: options).finish(s.report)
            snapshots.append(s)
        }
        let settings = DiffSettings(ignore: Set(ignore.flatMap(\.categories)), physical: shared.phys, alignLayout: alignLayout)
        let entries = RangeDiff.compare(snapshots[0], snapshots[1], settings: settings)
        let out = TextOutput(fd: 1)
        let f = DiffFormatter(out: out, a: snapshots[0], b: snapshots[1], settings: settings)
        if shared.format?.isJSON == true { f.json(entries) } else { f.text(entries, nameA: names[0], nameB: names[1]) }
        out.flush()
        if let why = out.writeErrorDescription {
            printError("ptdump: \(names[0]): cannot write the output: \(why)")
            throw ExitCode(2)
        }
        if !entries.isEmpty { throw ExitCode(1) }
    }
}

/// The two snapshots, each written by its own thread.
final class SnapshotSlots: @unchecked Sendable {
    private var slots: [AddressSpaceSnapshot?] = [nil, nil]
    private let lock = PThreadMutex()

    func set(_ i: Int, _ s: AddressSpaceSnapshot) { lock.locked { slots[i] = s } }
    func get(_ i: Int) -> AddressSpaceSnapshot? { lock.locked { slots[i] } }
}

/// A pthread mutex.
final class PThreadMutex: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}

extension DiffCommand {
    /// Parses and runs `ptdump diff ARGS` (the root command's own `FILE` arguments would take
    /// the word `diff` as a file name, so `PTDump.main` routes it here), with the root's exit
    /// codes: 0 identical, 1 different, 2 usage error or unusable input.
    static func runAsSubcommand(_ arguments: [String]) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Glibc.exit(0)
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                print(PTDump.helpMessage(for: DiffCommand.self))
                Glibc.exit(0)
            }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            printError("ptdump diff: \(message) (see ptdump diff --help)")
            Glibc.exit(2)
        }
    }
}
