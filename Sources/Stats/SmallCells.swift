/// Small-cell suppression: no published figure may describe fewer than `threshold` people.
public enum SmallCells {
    public static let threshold = 5

    /// A count as it may be published: the number itself, or `.suppressed` when 1 to 4 people
    /// (zero is published: it describes nobody).
    public enum Published: Equatable, Sendable {
        case count(Int)
        case suppressed
    }

    public static func publish(_ count: Int, threshold: Int = threshold) -> Published {
        (1..<threshold).contains(count) ? .suppressed : .count(count)
    }

    /// A share in percent, published only when both the part and the whole may be.
    public static func share(_ part: Int, of whole: Int, threshold: Int = threshold) -> Double? {
        guard whole >= threshold, publish(part, threshold: threshold) != .suppressed, whole > 0 else { return nil }
        return Double(part) * 100 / Double(whole)
    }
}
