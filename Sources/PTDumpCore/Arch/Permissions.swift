/// What a mapping allows, in architecture-neutral words (JSON, `--walk`).
public struct Permissions: Sendable, Equatable {
    public var present: Bool
    public var user: Bool
    public var write: Bool
    /// Executable by the kernel.
    public var execute: Bool
    /// Executable from user mode (arm64 separates it; x86 uses `execute`).
    public var userExecute: Bool

    public init(present: Bool, user: Bool, write: Bool, execute: Bool, userExecute: Bool) {
        self.present = present
        self.user = user
        self.write = write
        self.execute = execute
        self.userExecute = userExecute
    }
}
