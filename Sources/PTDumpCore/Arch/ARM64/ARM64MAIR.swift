/// A `MAIR_ELx` value: eight attribute bytes, one per `AttrIndx` of a stage-1 descriptor
/// (Arm ARM D8.5.2, `MAIR_EL1`). Decodes each into the memory type's name.
public struct ARM64MAIR: Sendable, Equatable {
    /// The register value.
    public let rawValue: UInt64

    /// Linux's `MAIR_EL1_SET` (`arch/arm64/mm/proc.S`): `MT_NORMAL` 0xff, `MT_NORMAL_TAGGED`
    /// 0xff, `MT_NORMAL_NC` 0x44, `MT_DEVICE_nGnRnE` 0x00, `MT_DEVICE_nGnRE` 0x04.
    public static let linuxDefault = ARM64MAIR(unchecked: 0x0000_0004_0044_ffff)

    private init(unchecked v: UInt64) { rawValue = v }

    /// `value`, or an error naming the first attribute byte whose encoding the architecture
    /// reserves (Device with bits [1:0] of 0b1x, Normal with an inner nibble of 0 other than
    /// the FEAT_MTE and FEAT_XS forms 0xf0, 0x40, 0xa0).
    /// `what` names the value's origin in the message (`--mair`, `symbol mair_el3`).
    public init(validating value: UInt64, what: String = "--mair") throws(ImageError) {
        for i in 0..<8 {
            let a = UInt8(truncatingIfNeeded: value >> UInt64(8 * i))
            if let why = Self.reservedReason(a) {
                throw .contradiction("\(what) \(hex(value)): Attr\(i) is \(Self.byteHex(a)), \(why)")
            }
        }
        rawValue = value
    }

    /// Attribute byte `index` (0…7).
    public func attribute(_ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: rawValue >> UInt64(8 * (index & 7))) }

    /// The memory type of `AttrIndx` `index`, by name.
    public func name(index: Int) -> String { Self.name(attribute(index)) }

    /// Why attribute byte `a` is a reserved encoding, or nil.
    static func reservedReason(_ a: UInt8) -> String? {
        let outer = a >> 4, inner = a & 0xf
        if outer == 0 {
            return a & 0x2 != 0 ? "a reserved Device encoding (0b0000dd1x)" : nil
        }
        if inner == 0 && ![0xf0, 0x40, 0xa0].contains(a) {
            return "a reserved Normal encoding (inner attributes 0b0000)"
        }
        return nil
    }

    /// The name of attribute byte `a` (valid or not).
    public static func name(_ a: UInt8) -> String {
        let outer = a >> 4, inner = a & 0xf
        if outer == 0 {
            let kind = ["Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE"][Int(a >> 2) & 3]
            if a & 3 == 1 { return kind + "-XS0" }          // FEAT_XS
            return a & 3 == 0 ? kind : "reserved(\(byteHex(a)))"
        }
        switch a {
        case 0xf0: return "Normal-Tagged"                    // FEAT_MTE2
        case 0x40: return "Normal-NC-XS0"                    // FEAT_XS
        case 0xa0: return "Normal-WT-XS0"                    // FEAT_XS
        default: break
        }
        guard inner != 0 else { return "reserved(\(byteHex(a)))" }
        let i = cacheability(inner), o = cacheability(outer)
        return i == o ? "Normal-\(i)" : "Normal-i\(i)-o\(o)"
    }

    /// One nibble of a Normal attribute: WB, WT or NC (transient forms named -T).
    static func cacheability(_ n: UInt8) -> String {
        if n == 0b0100 { return "NC" }
        switch n >> 2 {
        case 0b00: return "WT-T"
        case 0b01: return "WB-T"
        case 0b10: return "WT"
        default: return "WB"
        }
    }

    static func byteHex(_ a: UInt8) -> String {
        "0x" + (a < 16 ? "0" : "") + String(a, radix: 16)
    }
}
