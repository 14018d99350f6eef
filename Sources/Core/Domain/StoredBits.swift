/// A vocabulary stored as bits of one integer column (several values at once). Each case names
/// its bit position itself, so reordering, inserting or removing cases never changes what a
/// stored mask means; each room has a test that pins every case's position.
public protocol StoredBits: CaseIterable, Equatable, Sendable {
    /// The position of this case's bit in stored masks (0…62): written per case, never derived
    /// from the order of the cases, and never reused once a case is gone.
    var bitPosition: Int { get }
}

extension StoredBits {
    /// The value of this case's bit (`1 << bitPosition`).
    public var bit: Int { 1 << bitPosition }

    /// The mask of the given values.
    public static func mask(_ values: some Sequence<Self>) -> Int { values.reduce(0) { $0 | $1.bit } }

    /// The values of a stored mask, in the vocabulary's order (bits no case names are ignored).
    public static func from(mask: Int) -> [Self] { allCases.filter { mask & $0.bit != 0 } }
}
