/// An `IA32_PAT` value: eight memory types, one per PAT index (PAT, PCD and PWT of an x86
/// entry, Intel SDM vol. 3 §13.12.3), named as the SDM names them.
public struct X86PAT: Sendable, Equatable {
    /// The MSR value.
    public let rawValue: UInt64

    /// The power-on (and reset) value: WB, WT, UC-, UC, WB, WT, UC-, UC.
    public static let powerOn = X86PAT(unchecked: 0x0007_0406_0007_0406)
    /// What Linux programs (`pat_bp_init`): WB, WC, UC-, UC, WB, WP, UC-, WT.
    public static let linux = X86PAT(unchecked: 0x0407_0506_0007_0106)

    private init(unchecked v: UInt64) { rawValue = v }

    /// `value`, or an error naming the first entry with a reserved type (2, 3, or bits 7:3 set).
    public init(validating value: UInt64, what: String = "--pat") throws(ImageError) {
        for i in 0..<8 {
            let t = (value >> UInt64(8 * i)) & 0xff
            if t > 7 || t == 2 || t == 3 {
                throw .contradiction("\(what) \(hex(value)): PA\(i) is \(hex(t)), a reserved memory type (0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC-)")
            }
        }
        rawValue = value
    }

    /// The memory type of PAT index `index` (0…7).
    public func name(index: Int) -> String {
        ["UC", "WC", "reserved2", "reserved3", "WT", "WP", "WB", "UC-"][Int((rawValue >> UInt64(8 * (index & 7))) & 7)]
    }

    /// The PAT index of a leaf: PAT (bit 7 of a 4K entry, bit 12 of a large one), PCD, PWT.
    public static func index(_ e: UInt64, large: Bool) -> Int {
        let pat: UInt64 = large ? (e >> 12) & 1 : (e >> 7) & 1
        let pcd: UInt64 = (e >> 4) & 1
        let pwt: UInt64 = (e >> 3) & 1
        return Int(truncatingIfNeeded: pat << 2 | pcd << 1 | pwt)
    }
}
