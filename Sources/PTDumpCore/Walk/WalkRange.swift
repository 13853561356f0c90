/// A closed range of virtual addresses to walk.
public struct WalkRange: Sendable, Equatable {
    public var first: VirtualAddress
    public var last: VirtualAddress
    public init(first: VirtualAddress, last: VirtualAddress) {
        self.first = first
        self.last = last
    }
}
