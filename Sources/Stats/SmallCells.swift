/// A count standing alone, under the platform's default disclosure control (`Disclosure`): the
/// number, or `.suppressed` for 1 to 4 people. Figures that stand beside others in a line or a
/// table go through `Disclosure.line` / `Disclosure.table` instead, which also stop subtraction.
public enum SmallCells {
    public static let threshold = Disclosure.standard.threshold

    /// A count as it may be published: the number itself, or `.suppressed` when 1 to 4 people
    /// (zero is published: it describes nobody).
    public enum Published: Equatable, Sendable {
        case count(Int)
        case suppressed
    }

    public static func publish(_ count: Int, threshold: Int = threshold) -> Published {
        Disclosure(threshold: threshold).isSmall(count) ? .suppressed : .count(count)
    }

    /// A share in percent, published only when both the part and the whole may be.
    public static func share(_ part: Int, of whole: Int, threshold: Int = threshold) -> Double? {
        guard whole >= threshold, publish(part, threshold: threshold) != .suppressed, whole > 0 else { return nil }
        return Double(part) * 100 / Double(whole)
    }
}
