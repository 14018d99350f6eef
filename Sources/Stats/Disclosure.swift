import Foundation

/// Statistical disclosure control: what of a table may be published so that no figure about
/// fewer than `threshold` people can be read, directly or worked out by subtracting published
/// figures. Every output that publishes a figure (pages, charts, CSV) asks this module. Pure.
///
/// The rules, in order (docs/PRIVACY.md says why):
/// - **primary suppression**: a count from 1 to `threshold − 1` is hidden (zero describes nobody);
/// - **differencing**: a view computed on a subset of an already publishable view (the same
///   filters less one) hides a cell whose difference with that view is small, and the whole
///   line when their totals differ by a small count;
/// - **secondary suppression**: in a line whose total is known, hidden cells are never alone and
///   never add up to less than the threshold: the smallest visible non-zero cells are hidden
///   with them (in a two-way table, along rows and along columns, until nothing changes);
/// - **statistics that rest on hidden cells** (a mean, a median, a ranking score) are hidden.
public struct Disclosure: Sendable, Equatable, Hashable {
    /// No figure about fewer than this many people. The platform's default is 5.
    public let threshold: Int

    public init(threshold: Int) { self.threshold = max(2, threshold) }

    /// The platform's default: nothing about fewer than 5 people.
    public static let standard = Disclosure(threshold: 5)
    /// The rule of French health-data bodies (SNDS, CNIL guidance on health data): nothing about
    /// fewer than 11 people. One setting away (`AGORA_DISCLOSURE_THRESHOLD=11`).
    public static let healthData = Disclosure(threshold: 11)

    /// Whether a count describes too few people to be published: 1 to `threshold − 1`.
    public func isSmall(_ n: Int) -> Bool { n > 0 && n < threshold }

    /// A count standing alone (no other figure of the same line is published beside it).
    public func count(_ n: Int) -> Cell { isSmall(n) ? .hidden : .shown(n) }

    /// A published figure: the count, or hidden ("moins de 5").
    public enum Cell: Sendable, Equatable, Hashable {
        case shown(Int)
        case hidden

        public var value: Int? { if case .shown(let n) = self { n } else { nil } }
        public var isHidden: Bool { self == .hidden }
    }

    /// A line of counts as it may be published.
    public struct Line: Sendable, Equatable {
        public let counts: [Int]
        public let hidden: [Bool]
        public let total: Int
        /// Whether the total itself may be published.
        public let totalShown: Bool

        public var cells: [Cell] { counts.indices.map { hidden[$0] ? .hidden : .shown(counts[$0]) } }
        /// Every cell and the total shown: statistics computed from the line (a mean, a median, a
        /// share of each cell) cannot be solved for a hidden cell.
        public var complete: Bool { totalShown && !hidden.contains(true) }
        /// Nothing of the line is shown at all (its total is small, or too close to a parent's).
        public var withheld: Bool { !totalShown }

        public func cell(_ i: Int) -> Cell { hidden[i] ? .hidden : .shown(counts[i]) }

        /// A cell's share of the total in percent, when both are shown.
        public func share(_ i: Int) -> Double? {
            guard totalShown, !hidden[i], total > 0 else { return nil }
            return Double(counts[i]) * 100 / Double(total)
        }
    }

    /// A line of counts whose total is published. `partition`: the cells add up to the total (one
    /// answer per person), so a hidden cell could be solved from the others: secondary suppression
    /// applies. Not for several answers per person (a multiple-choice question), where the cells
    /// overlap and only primary suppression and differencing apply. `differences`: the same line
    /// over the people that each larger view (the same filters less one) adds to this one.
    public func line(
        _ counts: [Int], total: Int? = nil, partition: Bool = true, differences: [Difference] = []
    ) -> Line {
        let total = total ?? counts.reduce(0, +)
        var hidden = counts.map(isSmall)
        var totalShown = !isSmall(total) && total > 0
        for difference in differences {
            if isSmall(difference.total) { totalShown = false }
            for i in counts.indices where i < difference.counts.count && isSmall(difference.counts[i]) {
                hidden[i] = true
            }
        }
        guard totalShown else {
            return Line(counts: counts, hidden: counts.map { _ in true }, total: total, totalShown: false)
        }
        if partition { secondary(counts, hidden: &hidden, indices: Array(counts.indices)) }
        return Line(counts: counts, hidden: hidden, total: total, totalShown: true)
    }

    /// What a larger view adds to a line: the same cells (same categories, same order) and total
    /// over the people in that view and not in this one.
    public struct Difference: Sendable, Equatable {
        public let counts: [Int]
        public let total: Int
        public init(counts: [Int], total: Int? = nil) {
            self.counts = counts
            self.total = total ?? counts.reduce(0, +)
        }
    }

    /// Within the cells `indices` of a line whose total is known: hides the smallest visible
    /// non-zero cell until the hidden cells are none, or at least two adding up to the threshold.
    /// Returns whether anything was hidden.
    @discardableResult
    func secondary(_ counts: [Int], hidden: inout [Bool], indices: [Int]) -> Bool {
        var changed = false
        while true {
            let hiddenHere = indices.filter { hidden[$0] }
            let sum = hiddenHere.reduce(0) { $0 + counts[$1] }
            if hiddenHere.isEmpty || (hiddenHere.count >= 2 && sum >= threshold) { return changed }
            let candidates = indices.filter { !hidden[$0] && counts[$0] > 0 }
            guard let next = candidates.min(by: { counts[$0] < counts[$1] }) else { return changed }
            hidden[next] = true
            changed = true
        }
    }

    /// A two-way table (rows × columns) whose row totals and column totals are all known (or may
    /// be): secondary suppression along every row and every column until nothing changes.
    /// `linked`: per row, columns shown or hidden together (a statistic that reveals them all,
    /// like a ranking score that with the first places and the total gives every place).
    /// `differences`: the same table over what each larger view adds (a small cell there hides
    /// the cell here).
    public func table(_ cells: [[Int]], linked: Set<Int> = [], differences: [[[Int]]] = []) -> [[Bool]] {
        let rows = cells.count, columns = cells.first?.count ?? 0
        var hidden = cells.map { $0.map(isSmall) }
        for difference in differences {
            for r in 0..<min(rows, difference.count) {
                for c in 0..<min(columns, difference[r].count) where isSmall(difference[r][c]) { hidden[r][c] = true }
            }
        }
        var changed = true
        func link(_ r: Int) {
            if linked.contains(where: { hidden[r][$0] }) {
                for c in linked where !hidden[r][c] { hidden[r][c] = true; changed = true }
            }
        }
        while changed {
            changed = false
            for r in 0..<rows {
                link(r)
                if secondary(cells[r], hidden: &hidden[r], indices: Array(0..<columns)) { changed = true }
                link(r)
            }
            for c in 0..<columns {
                let column = (0..<rows).map { cells[$0][c] }
                var h = (0..<rows).map { hidden[$0][c] }
                if secondary(column, hidden: &h, indices: Array(0..<rows)) {
                    for r in 0..<rows where h[r] != hidden[r][c] { hidden[r][c] = h[r]; link(r) }
                    changed = true
                }
            }
        }
        return hidden
    }

    /// A view (a filter set) may be published only when it counts at least the threshold and
    /// each view with one filter less adds none or at least the threshold (`differences`).
    public func view(population: Int, differences: [Int] = []) -> ViewCheck {
        if population < threshold { return .tooFew }
        if differences.contains(where: isSmall) { return .tooClose }
        return .publishable
    }

    public enum ViewCheck: Sendable, Equatable {
        case publishable
        /// Fewer people than the threshold match.
        case tooFew
        /// Removing one of the filters adds 1 to `threshold − 1` people: subtracting the two
        /// views would describe them.
        case tooClose
    }
}

/// Rounding as a spreadsheet does: half away from zero (31,25 → 31,3), with the tiny error of a
/// binary fraction forgiven (0,15 is stored as 0,1499999… and still rounds to 0,2).
public enum Rounding {
    public static func halfAwayFromZero(_ value: Double, digits: Int) -> Double {
        guard value.isFinite else { return value }
        var scale = 1.0
        for _ in 0..<max(0, digits) { scale *= 10 }
        let scaled = value * scale
        let nudged = scaled + (scaled >= 0 ? 1 : -1) * abs(scaled) * 1e-12
        return nudged.rounded(.toNearestOrAwayFromZero) / scale
    }

    /// The figure with exactly `digits` decimals, a point as separator: "31.3", "-0.5", "12".
    public static func text(_ value: Double, digits: Int) -> String {
        let rounded = halfAwayFromZero(value, digits: digits)
        var text = String(format: "%.\(max(0, digits))f", rounded)
        if text.hasPrefix("-"), Double(text) == 0 { text.removeFirst() }
        return text
    }
}
