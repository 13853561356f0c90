/// Picks the architecture and hands the image to its resolver.
public enum PlatformResolver {
    /// The platform of `image` under `options`.
    public static func resolve(image: Image, options: Options) throws(ImageError) -> Platform {
        let noteArch = image.noteValue("arch").flatMap(ArchKind.init(rawValue:))
        guard let arch = image.arch ?? noteArch ?? options.arch else {
            throw .missingFact("the image does not say its architecture; pass --arch x86_64|arm64")
        }
        if let forced = options.arch, forced != arch {
            throw .contradiction("--arch \(forced.rawValue) contradicts the image, which is \(arch.rawValue)")
        }
        switch arch {
        case .x86_64: return try X86Platform.resolve(image: image, options: options)
        case .arm64: return try ARM64Platform.resolve(image: image, options: options)
        }
    }
}
