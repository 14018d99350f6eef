import Core
import Foundation
import Stats

/// The figures of one question over some rows: counts per value, and for scales the mean and
/// median. Raw counts; what may be shown is decided by `SmallCells` where they are displayed.
public struct QuestionResult: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public let key: String
        public let count: Int
        public init(key: String, count: Int) { self.key = key; self.count = count }
    }

    /// For a ranking: per choice, how often first, how often ranked, and its mean score (0–100).
    public struct Ranked: Sendable, Equatable {
        public let key: String
        public let first: Int
        public let ranked: Int
        public let score: Double
        /// How many put it at each place (index 0 = first): the cells its score rests on.
        public var places: [Int] = []
    }

    /// For a matrix: per row, the counts per point and the mean.
    public struct MatrixRow: Sendable, Equatable {
        public let key: String
        public let counts: [Int]  // index 0 = point 1
        public let answered: Int
        public let mean: Double?
    }

    /// For a number: how many answers fall in each range (at most 8 ranges of a round width).
    public struct Bin: Sendable, Equatable {
        public let lower: Double
        public let upper: Double
        public let count: Int
        /// Decimals: the last range includes its upper bound; the others stop just before it.
        public let closed: Bool
        /// Whole numbers only: ranges read "10 à 19" (`upper` is the next range's first number).
        public let whole: Bool

        /// "10 à 19", "de 2,5 à moins de 5", "7".
        public func label(_ lang: Lang) -> String {
            let a = Results.figure(lower, lang: lang), b = Results.figure(upper, lang: lang)
            if whole {
                return upper - 1 == lower
                    ? a : a + (lang == .fr ? " à " : " to ") + Results.figure(upper - 1, lang: lang)
            }
            if lower == upper { return a }
            return closed
                ? (lang == .fr ? "de \(a) à \(b)" : "from \(a) to \(b)")
                : (lang == .fr ? "de \(a) à moins de \(b)" : "from \(a) to under \(b)")
        }
    }

    public let question: String
    /// People who answered this question among the rows counted.
    public let answered: Int
    public var lines: [Line] = []
    public var mean: Double?
    public var median: Double?
    public var ranked: [Ranked] = []
    public var matrix: [MatrixRow] = []
    /// Numbers: the distribution; dates: `lines` hold counts by month ("2026-03") or by year.
    public var bins: [Bin] = []
}

public enum Results {
    /// Figures of `question` over `rows` of `data`. Lines follow the definition's order, then any
    /// value only older versions had.
    public static func of(_ question: Question, in data: Dataset, rows: [Int]) -> QuestionResult {
        guard let column = data.columns[question.key] else {
            return QuestionResult(question: question.key, answered: 0)
        }
        switch question.kind {
        case .single, .commune:
            var counts = [Int](repeating: 0, count: column.keys.count)
            var answered = 0
            for r in rows { let c = column.codes[r]; if c >= 0 { counts[Int(c)] += 1; answered += 1 } }
            let order = ordered(question.kind == .commune ? column.keys : question.choices.map(\.key), column: column)
            var result = QuestionResult(question: question.key, answered: answered)
            result.lines = order.map {
                QuestionResult.Line(key: $0, count: column.code(of: $0).map { counts[Int($0)] } ?? 0)
            }
            if question.kind == .commune { result.lines.sort { $0.count > $1.count } }
            return result
        case .agreement, .scale:
            let range = question.kind == .agreement ? 1...5 : 0...10
            var counts = [Int](repeating: 0, count: range.upperBound + 1)
            var answered = 0, sum = 0
            for r in rows {
                let c = Int(column.codes[r]); if range.contains(c) { counts[c] += 1; answered += 1; sum += c }
            }
            var result = QuestionResult(question: question.key, answered: answered)
            result.lines = range.map { QuestionResult.Line(key: String($0), count: counts[$0]) }
            if answered > 0 {
                result.mean = Double(sum) / Double(answered)
                result.median = medianOfCounts(counts, total: answered)
            }
            return result
        case .multiple:
            var counts = [Int](repeating: 0, count: 64)
            var answered = 0
            for r in rows {
                var mask = column.masks[r]
                if mask != 0 { answered += 1 }
                while mask != 0 {
                    let bit = mask.trailingZeroBitCount
                    counts[bit] += 1
                    mask &= mask - 1
                }
            }
            var result = QuestionResult(question: question.key, answered: answered)
            result.lines = ordered(question.choices.map(\.key), column: column).map { key in
                QuestionResult.Line(key: key, count: column.code(of: key).map { $0 < 64 ? counts[Int($0)] : 0 } ?? 0)
            }
            return result
        case .number:
            var values: [Double] = []
            for r in rows { let v = column.numbers[r]; if !v.isNaN { values.append(v) } }
            var result = QuestionResult(question: question.key, answered: values.count)
            if !values.isEmpty {
                result.mean = values.reduce(0, +) / Double(values.count)
                values.sort()
                let n = values.count
                result.median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
                result.bins = bins(values)
            }
            return result
        case .ranking:
            let places = column.places.count
            var first = [Int](repeating: 0, count: column.keys.count)
            var ranked = first
            var points = [Double](repeating: 0, count: column.keys.count)
            var byPlace = [[Int]](repeating: [Int](repeating: 0, count: places), count: column.keys.count)
            var answered = 0
            let depth = Double(max(1, question.rankCount))
            for r in rows where column.codes[r] >= 0 {
                answered += 1
                for p in 0..<places {
                    let c = column.places[p][r]
                    guard c >= 0 else { continue }
                    if p == 0 { first[Int(c)] += 1 }
                    ranked[Int(c)] += 1
                    byPlace[Int(c)][p] += 1
                    points[Int(c)] += max(0, depth - Double(p)) / depth * 100
                }
            }
            var result = QuestionResult(question: question.key, answered: answered)
            result.ranked = ordered(question.choices.map(\.key), column: column).map { key in
                guard let c = column.code(of: key).map(Int.init) else {
                    return QuestionResult.Ranked(
                        key: key, first: 0, ranked: 0, score: 0, places: [Int](repeating: 0, count: places))
                }
                return QuestionResult.Ranked(
                    key: key, first: first[c], ranked: ranked[c],
                    score: answered > 0 ? points[c] / Double(answered) : 0,
                    places: byPlace[c])
            }.sorted { $0.score > $1.score }
            return result
        case .matrix:
            var answered = 0
            for r in rows where column.codes[r] >= 0 { answered += 1 }
            var result = QuestionResult(question: question.key, answered: answered)
            result.matrix = ordered(question.rows.map(\.key), column: column).map { key in
                var counts = [Int](repeating: 0, count: 5)
                var n = 0, sum = 0
                if let c = column.code(of: key).map(Int.init), c < column.places.count {
                    for r in rows {
                        let p = Int(column.places[c][r]);
                        if (1...5).contains(p) { counts[p - 1] += 1; n += 1; sum += p }
                    }
                }
                return QuestionResult.MatrixRow(
                    key: key, counts: counts, answered: n, mean: n > 0 ? Double(sum) / Double(n) : nil)
            }
            return result
        case .shortText, .longText, .date:
            return QuestionResult(question: question.key, answered: 0)
        }
    }

    /// The distribution of numbers in at most `maxBins` ranges of a round width (1, 2, 2.5 or 5
    /// times a power of ten), starting at a multiple of that width.
    public static func bins(_ values: [Double], maxBins: Int = 8) -> [QuestionResult.Bin] {
        guard let lo = values.min(), let hi = values.max() else { return [] }
        let whole = values.allSatisfy { $0 == $0.rounded() }
        if lo == hi {
            return [
                QuestionResult.Bin(
                    lower: lo, upper: whole ? lo + 1 : hi, count: values.count, closed: true, whole: whole)
            ]
        }
        var step = niceStep((hi - lo) / Double(maxBins))
        var start = 0.0, count = 0
        while true {
            if whole { step = max(1, step.rounded(.up)) }
            start = (lo / step).rounded(.down) * step
            // Whole numbers: ranges of `step` numbers, the largest in the last; decimals: the last range is closed.
            count =
                whole
                ? Int(((hi - start) / step + 1e-9).rounded(.down)) + 1
                : max(1, Int(((hi - start) / step - 1e-9).rounded(.up)))
            if count <= maxBins { break }
            step = niceStep(step * 1.01)
        }
        var counts = [Int](repeating: 0, count: count)
        for v in values { counts[min(count - 1, max(0, Int(((v - start) / step + 1e-9).rounded(.down))))] += 1 }
        func edge(_ i: Int) -> Double { ((start + Double(i) * step) * 1e9).rounded() / 1e9 }
        return (0..<count).map {
            QuestionResult.Bin(
                lower: edge($0), upper: edge($0 + 1), count: counts[$0], closed: !whole && $0 == count - 1, whole: whole
            )
        }
    }

    /// The smallest round width (1, 2, 2.5, 5 × 10ⁿ) at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 2.5, 5, 10] where m * power >= raw * (1 - 1e-12) { return m * power }
        return 10 * power
    }

    /// A figure as written in a range: 12, 2,5 (French) or 2.5.
    static func figure(_ value: Double, lang: Lang) -> String {
        let text = NumberText.plain(value)
        return lang == .fr ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// Date answers (YYYY-MM-DD) among `rows`: counts by month ("2026-03"), every month from the
    /// first to the last; by year ("1980") when they span more than three years.
    public static func dates(_ items: [(row: Int, text: String)], rows: [Int], key: String) -> QuestionResult {
        var days: [String] = []
        var i = 0, j = 0
        while i < rows.count, j < items.count {
            if rows[i] == items[j].row {
                days.append(items[j].text); i += 1; j += 1
            } else if rows[i] < items[j].row {
                i += 1
            } else {
                j += 1
            }
        }
        var result = QuestionResult(question: key, answered: days.count)
        let months = days.compactMap { day -> Int? in
            let parts = day.split(separator: "-")
            guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else {
                return nil
            }
            return y * 12 + m - 1
        }
        guard let first = months.min(), let last = months.max() else { return result }
        var counts: [Int: Int] = [:]
        if last - first < 36 {
            for m in months { counts[m, default: 0] += 1 }
            result.lines = (first...last).map {
                QuestionResult.Line(key: String(format: "%04d-%02d", $0 / 12, $0 % 12 + 1), count: counts[$0] ?? 0)
            }
        } else {
            for m in months { counts[m / 12, default: 0] += 1 }
            let years = counts.keys.sorted()
            let span = years.last! - years.first!
            result.lines = (span <= 60 ? Array(years.first!...years.last!) : years).map {
                QuestionResult.Line(key: String(format: "%04d", $0), count: counts[$0] ?? 0)
            }
        }
        return result
    }

    /// "mars 2026" for "2026-03", the year itself for "1980".
    public static func periodLabel(_ key: String, lang: Lang) -> String {
        let parts = key.split(separator: "-")
        guard parts.count == 2, let m = Int(parts[1]), (1...12).contains(m) else { return key }
        return DateText.monthName(m, lang: lang) + " " + parts[0]
    }

    /// The definition's keys first, then keys only older versions had.
    static func ordered(_ current: [String], column: Dataset.Column) -> [String] {
        let known = Set(current)
        return current + column.keys.filter { !known.contains($0) }
    }

    /// The median of values given as counts per value (index = value).
    public static func medianOfCounts(_ counts: [Int], total: Int) -> Double? {
        guard total > 0 else { return nil }
        func value(at rank: Int) -> Int {
            var seen = 0
            for (v, c) in counts.enumerated() { seen += c; if seen > rank { return v } }
            return counts.count - 1
        }
        return total % 2 == 1
            ? Double(value(at: total / 2)) : Double(value(at: total / 2 - 1) + value(at: total / 2)) / 2
    }

    /// A statistic may be published only when it rests on at least `SmallCells.threshold` answers.
    public static func publishable(_ answered: Int) -> Bool { answered >= SmallCells.threshold }
}
