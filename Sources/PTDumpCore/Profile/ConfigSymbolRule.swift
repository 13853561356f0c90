/// How a kernel's symbols reveal one configuration option: the option is set exactly when the
/// symbol table has one of `symbols` (functions or data only that option builds, named from
/// the kernel's Makefiles and sources). Used when the configuration itself is not at hand.
public struct ConfigSymbolRule: Sendable {
    /// The option, without `CONFIG_`.
    public var option: String
    /// Any one of these present means the option is set (`y`).
    public var symbols: [String]
    /// The value when set (`y`, or a number for options such as a shadow offset).
    public var value: String

    public init(_ option: String, _ symbols: [String], value: String = "y") {
        self.option = option
        self.symbols = symbols
        self.value = value
    }
}
