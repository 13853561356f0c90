/// One field of a kernel variable, located as data: the variable's symbol and the field's byte
/// offset in each layout the structure can have (members before it depend on configuration
/// options). A release keeps its own offsets in its profile; nothing else knows them.
///
/// A layout is used only when the configuration allows it (an option it names is known to
/// differ rules it out) and its `witness` — a neighbouring field whose values are known — holds
/// one of the expected values, so a wrong layout is refused rather than read.
public struct KernelVariableField: Sendable {
    /// One layout of the structure.
    public struct Layout: Sendable {
        /// The configuration options that select this layout (`X86_VMX_FEATURE_NAMES` → true).
        public var options: [String: Bool]
        /// Byte offset of the field from the symbol.
        public var offset: Int
        /// Byte offset of a one-byte neighbour and the values it may hold in this layout.
        public var witnessOffset: Int
        public var witnessValues: [UInt8]

        public init(options: [String: Bool], offset: Int, witnessOffset: Int, witnessValues: [UInt8]) {
            self.options = options
            self.offset = offset
            self.witnessOffset = witnessOffset
            self.witnessValues = witnessValues
        }
    }

    /// The variable (`boot_cpu_data`).
    public var symbol: String
    /// The field, for messages (`x86_phys_bits`).
    public var field: String
    /// The field is one unsigned byte.
    public var layouts: [Layout]
    /// Values the field can hold; anything else means the read went wrong.
    public var valid: ClosedRange<UInt64>
    /// Options under which no offset can be known (structure layout randomisation).
    public var unknowableWith: [String]

    public init(symbol: String, field: String, layouts: [Layout], valid: ClosedRange<UInt64>, unknowableWith: [String] = []) {
        self.symbol = symbol
        self.field = field
        self.layouts = layouts
        self.valid = valid
        self.unknowableWith = unknowableWith
    }

    /// `symbol.field`.
    public var name: String { "\(symbol).\(field)" }
}

/// Why a kernel variable could not be read, in words.
public struct KernelVariableError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
