import Testing
@testable import PTDumpCore
#if canImport(Glibc)
import Glibc
#endif

/// The kernel release is read from the image and chooses a profile; releases without one of
/// their own use the nearest older profile and say so.
@Suite struct KernelProfileTests {
    @Test func releasesParseFromUname() {
        #expect(KernelRelease("6.1.0-26-amd64") == KernelRelease(6, 1))
        #expect(KernelRelease("6.12.118") == KernelRelease(6, 12))
        #expect(KernelRelease("6.1") == KernelRelease(6, 1))
        #expect(KernelRelease("5.10.0-rc1") == KernelRelease(5, 10))
        #expect(KernelRelease("linux") == nil)
        #expect(KernelRelease("6") == nil)
        #expect(KernelRelease(6, 1) < KernelRelease(6, 12))
    }

    @Test func selectionTakesTheNearestOlderProfileAndSaysSo() {
        let profiles = X86_64Port.profiles
        let (exact, none) = KernelProfile.select(from: profiles, release: KernelRelease(6, 1))
        #expect(exact.release == KernelRelease(6, 1) && none == nil)
        let (newer, note) = KernelProfile.select(from: profiles, release: KernelRelease(6, 5))
        #expect(newer.release == KernelRelease(6, 1))
        #expect(note?.contains("6.5") == true)
        let (unknown, silent) = KernelProfile.select(from: profiles, release: nil)
        #expect(unknown.release == profiles[0].release && silent == nil)
    }

    @Test func osreleaseChoosesTheProfileAndInfoSaysWhere() throws {
        let image = try ImageLoader.load(path: "\(repoRoot)/samples/arm64-4k-48/image.ptd")
        let p = try PlatformResolver.resolve(image: image, options: Options())
        #expect(p.profile.value.name == "Linux 6.1")
        #expect(p.profile.source.description.contains("OSRELEASE=6.1"))
        let forced = try PlatformResolver.resolve(image: image, options: { var o = Options(); o.kernelRelease = KernelRelease(6, 3); return o }())
        #expect(forced.profile.source.description.contains("--kernel-version"))
        #expect(forced.profile.source.description.contains("using Linux 6.1's layout"))
    }

    @Test func everyArchitectureHasAProfileAndABuilderMode() {
        for port in ArchitectureRegistry.ports {
            #expect(!port.profiles.isEmpty)
            #expect(!port.builderModes.isEmpty)
            #expect(ArchKind(elfMachine: port.elfMachine) == port.kind)
            #expect(ArchKind(rawValue: port.kind.rawValue.uppercased()) == port.kind)
        }
    }
}

/// The shape the code keeps: outside the architecture folders and the registry, no source file
/// names an architecture in code, and no kernel release is named outside the profile data.
@Suite struct CodeShapeTests {
    func sources() -> [(path: String, text: String)] {
        let root = "\(repoRoot)/Sources/PTDumpCore"
        var out: [(String, String)] = []
        func walk(_ dir: String) {
            guard let d = opendir(dir) else { return }
            defer { closedir(d) }
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name.hasPrefix(".") { continue }
                let path = dir + "/" + name
                if name.hasSuffix(".swift") { out.append((path, readRepoFile(String(path.dropFirst(repoRoot.count + 1))))) } else { walk(path) }
            }
        }
        walk(root)
        return out
    }

    /// Code lines (comments dropped).
    func code(_ text: String) -> [String] {
        text.split(separator: "\n").map { String($0.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? "") }
    }

    @Test func architecturesAreNamedOnlyInTheirFoldersAndTheRegistry() {
        let names = ["x86", "X86", "arm64", "ARM64", "aarch64", "amd64", "riscv", "RISCV", "Sv39", "Sv48", "Sv57"]
        var offenders: [String] = []
        for (path, text) in sources() where !path.contains("/Arch/X86_64/") && !path.contains("/Arch/ARM64/")
            && !path.contains("/Arch/RISCV64/")
            && !path.hasSuffix("/Arch/ArchitectureRegistry.swift") {
            for line in code(text) where names.contains(where: { line.contains($0) }) { offenders.append("\(path): \(line)") }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }

    @Test func kernelReleasesAreNamedOnlyInProfileData() {
        var offenders: [String] = []
        for (path, text) in sources() where !path.contains("Linux") {
            for line in code(text) where line.contains("6, 1)") || line.contains("\"6.1") { offenders.append("\(path): \(line)") }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }
}
