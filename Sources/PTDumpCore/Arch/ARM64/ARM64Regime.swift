/// An arm64 stage-1 translation regime: which exception level the tables serve, and so what
/// the descriptor bits mean (Arm ARM D8.4: AP[1] and UXN/PXN in two-range regimes, XN alone
/// at EL2 without VHE and at EL3; nG only where there are ASIDs).
public enum ARM64Regime: String, Sendable, CaseIterable {
    /// EL1&0: TTBR0_EL1 (low half) and TTBR1_EL1 (high half).
    case el1
    /// EL2 without VHE: TTBR0_EL2 only, one VA range from 0.
    case el2
    /// EL2&0 with VHE (HCR_EL2.E2H=1): like EL1&0.
    case el2VHE = "el2-vhe"
    /// EL3: TTBR0_EL3 only, one VA range from 0.
    case el3

    /// `--regime` spellings.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "el1", "el1&0", "el10": self = .el1
        case "el2": self = .el2
        case "el2-vhe", "el2&0", "el20", "vhe": self = .el2VHE
        case "el3": self = .el3
        default: return nil
        }
    }

    /// True when the regime has a low and a high VA range (TTBR0 and TTBR1).
    public var hasTwoRanges: Bool { self == .el1 || self == .el2VHE }

    /// How the regime is named in output (`EL1&0`, `EL2`, `EL2&0`, `EL3`).
    public var displayName: String {
        switch self {
        case .el1: return "EL1&0"
        case .el2: return "EL2"
        case .el2VHE: return "EL2&0"
        case .el3: return "EL3"
        }
    }
}
