/// Names kernel addresses (`(symbol+0xoff)`) for `--check-wx` findings, from whichever symbol
/// source was found (`KernelSymbolSource`); names nothing when there is none.
public struct Symbolizer {
    private let symbols: KernelSymbols?

    public init(symbols: KernelSymbols?) { self.symbols = symbols }

    /// A System.map's symbols, shifted by KASLR's offset.
    public init(map: SystemMap?, kernelOffset: UInt64) {
        symbols = map.map { KernelSymbols(map: $0, kernelOffset: kernelOffset, source: .flag("--system-map")) }
    }

    /// `(name+0xoff)` for the closest symbol at or below `va`, within 16 MiB.
    public func describe(_ va: VirtualAddress) -> String? { symbols?.describe(va).map { "(\($0))" } }
}
