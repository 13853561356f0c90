/// Where a kernel keeps its compressed symbol table (`kernel/kallsyms.c`,
/// `scripts/kallsyms.c`): the arrays VMCOREINFO names (`SYMBOL(kallsyms_names)`, …, written
/// by Linux 6.0 and later), or that a search of the kernel image found.
public struct KallsymsLocation: Sendable, Equatable {
    /// How symbol addresses are stored.
    public enum AddressTable: Sendable, Equatable {
        /// `kallsyms_offsets[]` (32-bit) from `kallsyms_relative_base`
        /// (`CONFIG_KALLSYMS_BASE_RELATIVE`, every kernel since 6.11 and most before).
        case relative(offsets: VirtualAddress, base: VirtualAddress)
        /// `kallsyms_addresses[]`: one pointer-sized absolute address per symbol.
        case absolute(addresses: VirtualAddress)
    }

    /// `kallsyms_num_syms`.
    public var numSyms: VirtualAddress
    /// `kallsyms_names`: per symbol a length (one byte, or two with the top bit set) and that
    /// many token indexes.
    public var names: VirtualAddress
    /// `kallsyms_token_table`: 256 NUL-terminated tokens.
    public var tokenTable: VirtualAddress
    /// `kallsyms_token_index`: 256 16-bit offsets into the token table.
    public var tokenIndex: VirtualAddress
    public var addresses: AddressTable

    public init(numSyms: VirtualAddress, names: VirtualAddress, tokenTable: VirtualAddress, tokenIndex: VirtualAddress,
                addresses: AddressTable) {
        self.numSyms = numSyms
        self.names = names
        self.tokenTable = tokenTable
        self.tokenIndex = tokenIndex
        self.addresses = addresses
    }

    /// The location VMCOREINFO gives, or nil when it lacks any of the keys; `missing` names the
    /// first key absent.
    public init?(vmcoreinfo vi: VMCoreInfo) {
        guard let n = vi.symbol("kallsyms_num_syms"), let names = vi.symbol("kallsyms_names"),
              let tt = vi.symbol("kallsyms_token_table"), let ti = vi.symbol("kallsyms_token_index") else { return nil }
        let table: AddressTable
        if let off = vi.symbol("kallsyms_offsets"), let base = vi.symbol("kallsyms_relative_base") {
            table = .relative(offsets: VirtualAddress(off), base: VirtualAddress(base))
        } else if let abs = vi.symbol("kallsyms_addresses") {
            table = .absolute(addresses: VirtualAddress(abs))
        } else {
            return nil
        }
        self.init(numSyms: VirtualAddress(n), names: VirtualAddress(names), tokenTable: VirtualAddress(tt),
                  tokenIndex: VirtualAddress(ti), addresses: table)
    }

    /// The VMCOREINFO keys a kallsyms decode needs that `vi` lacks.
    public static func missingKeys(_ vi: VMCoreInfo) -> [String] {
        var keys = ["kallsyms_num_syms", "kallsyms_names", "kallsyms_token_table", "kallsyms_token_index"].filter { vi.symbol($0) == nil }
        if vi.symbol("kallsyms_addresses") == nil {
            keys += ["kallsyms_offsets", "kallsyms_relative_base"].filter { vi.symbol($0) == nil }
        }
        return keys.map { "SYMBOL(\($0))" }
    }
}
