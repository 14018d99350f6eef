import Core
import Foundation

/// One question's figures as they may be published in a view (a filter set): every count, share,
/// mean, median and ranking score through the territory's disclosure control, against what each
/// view with one filter less adds. The results page, its chart and table, and the aggregated CSV
/// all write what this says, so they agree and none of them can be subtracted from another. Pure.
public struct PublishedQuestion: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public let key: String
        public let cell: Disclosure.Cell
        /// Its share of the answers in percent, when both are shown.
        public let share: Double?
    }

    public struct Ranked: Sendable, Equatable {
        public let key: String
        public let first: Disclosure.Cell
        public let ranked: Disclosure.Cell
        /// Shown only when every place count it rests on is.
        public let score: Double?
    }

    public struct MatrixRow: Sendable, Equatable {
        public let key: String
        public let cells: [Disclosure.Cell]
        /// Shares of the row's answers, per point.
        public let shares: [Double?]
        public let mean: Double?
    }

    public let question: String
    public let answered: Disclosure.Cell
    /// The number of answers is hidden because it is small (not because of another view).
    public var answeredIsSmall = false
    /// Nothing but the number of answers (itself perhaps hidden) may be shown: too few answers, or
    /// a view with one filter less adds only a few.
    public let withheld: Bool
    /// Per choice, point, month or range (the ranges in `bins`, same order).
    public var lines: [Line] = []
    public var bins: [QuestionResult.Bin] = []
    public var mean: Double?
    public var median: Double?
    public var ranked: [Ranked] = []
    public var matrix: [MatrixRow] = []
    /// Some figure is hidden (besides the number of answers): the page says why.
    public var hasHidden: Bool {
        lines.contains { $0.cell.isHidden } || ranked.contains { $0.score == nil || $0.first.isHidden }
            || matrix.contains { $0.mean == nil }
    }
}

public enum Publication {
    /// The figures of `question` over the rows of `split` (the view) that may be published.
    /// `texts`: the question's typed answers (row, text), for a date or free-text question.
    public static func of(
        _ question: Question, in data: Dataset, split: Filter.Split, texts: [(row: Int, text: String)] = [],
        disclosure: Disclosure
    ) -> PublishedQuestion {
        var published = figures(question, in: data, split: split, texts: texts, disclosure: disclosure)
        if published.answered.isHidden {
            let answered =
                question.kind.isText
                ? overlap(split.rows, texts.map(\.row)) : answeredCount(question, data, split.rows, texts)
            published.answeredIsSmall = disclosure.isSmall(answered) || answered == 0
        }
        return published
    }

    static func answeredCount(
        _ question: Question, _ data: Dataset, _ rows: [Int], _ texts: [(row: Int, text: String)]
    ) -> Int {
        question.kind == .date
            ? Results.dates(texts, rows: rows, key: question.key).answered
            : Results.of(question, in: data, rows: rows).answered
    }

    static func figures(
        _ question: Question, in data: Dataset, split: Filter.Split, texts: [(row: Int, text: String)],
        disclosure: Disclosure
    ) -> PublishedQuestion {
        let rows = split.rows, others = split.differences
        switch question.kind {
        case .shortText, .longText:
            let n = overlap(rows, texts.map(\.row))
            let line = disclosure.line(
                [n], differences: others.map { Disclosure.Difference(counts: [overlap($0, texts.map(\.row))]) })
            return PublishedQuestion(question: question.key, answered: line.cell(0), withheld: line.withheld)
        case .date:
            let here = Results.dates(texts, rows: rows, key: question.key)
            let added = others.map { Results.dates(texts, rows: $0, key: question.key) }
            let counts = here.lines.map(\.count)
            let line = disclosure.line(
                counts, total: here.answered,
                differences: added.map { result in
                    let byKey = Dictionary(result.lines.map { ($0.key, $0.count) }, uniquingKeysWith: +)
                    return Disclosure.Difference(
                        counts: here.lines.map { byKey[$0.key] ?? 0 }, total: result.answered)
                })
            var published = PublishedQuestion(
                question: question.key, answered: answeredCell(line), withheld: line.withheld)
            if !line.withheld { published.lines = lines(here.lines.map(\.key), line) }
            return published
        case .ranking:
            return ranking(question, in: data, split: split, disclosure: disclosure)
        case .matrix:
            let here = Results.of(question, in: data, rows: rows)
            let added = others.map { Results.of(question, in: data, rows: $0) }
            let answered = disclosure.line(
                [here.answered], differences: added.map { Disclosure.Difference(counts: [$0.answered]) })
            var published = PublishedQuestion(
                question: question.key, answered: answered.cell(0), withheld: answered.withheld)
            guard !answered.withheld else { return published }
            published.matrix = here.matrix.enumerated().map { i, row in
                let line = disclosure.line(
                    row.counts, total: row.answered,
                    differences: added.map {
                        Disclosure.Difference(counts: $0.matrix[i].counts, total: $0.matrix[i].answered)
                    })
                return PublishedQuestion.MatrixRow(
                    key: row.key, cells: line.cells, shares: row.counts.indices.map(line.share),
                    mean: line.complete ? row.mean : nil)
            }
            return published
        case .number:
            let here = Results.of(question, in: data, rows: rows)
            let column = data.columns[question.key]
            let added = others.map { extra -> Disclosure.Difference in
                let values = column.map { c in extra.map { c.numbers[$0] }.filter { !$0.isNaN } } ?? []
                return Disclosure.Difference(counts: count(values, into: here.bins), total: values.count)
            }
            let line = disclosure.line(here.bins.map(\.count), total: here.answered, differences: added)
            var published = PublishedQuestion(
                question: question.key, answered: answeredCell(line), withheld: line.withheld)
            guard !line.withheld else { return published }
            published.bins = here.bins
            published.lines = lines(here.bins.map { _ in "" }, line)
            if line.complete { published.mean = here.mean; published.median = here.median }
            return published
        case .single, .commune, .agreement, .scale, .multiple:
            let here = Results.of(question, in: data, rows: rows)
            let added = others.map { Results.of(question, in: data, rows: $0) }
            let line = disclosure.line(
                here.lines.map(\.count), total: here.answered, partition: question.kind != .multiple,
                differences: added.map { result in
                    let byKey = Dictionary(result.lines.map { ($0.key, $0.count) }, uniquingKeysWith: +)
                    return Disclosure.Difference(counts: here.lines.map { byKey[$0.key] ?? 0 }, total: result.answered)
                })
            var published = PublishedQuestion(
                question: question.key, answered: answeredCell(line), withheld: line.withheld)
            guard !line.withheld else { return published }
            published.lines = lines(here.lines.map(\.key), line)
            if line.complete { published.mean = here.mean; published.median = here.median }
            return published
        }
    }

    /// A ranking is a table of choices × places whose row totals (how many ranked a choice) and
    /// column totals (how many filled a place) can be known: both directions are protected, and
    /// a choice's score, which with its first places and total gives every place, is shown only
    /// when all its places are.
    static func ranking(
        _ question: Question, in data: Dataset, split: Filter.Split, disclosure: Disclosure
    ) -> PublishedQuestion {
        let here = Results.of(question, in: data, rows: split.rows)
        let added = split.differences.map { Results.of(question, in: data, rows: $0) }
        let answered = disclosure.line(
            [here.answered], differences: added.map { Disclosure.Difference(counts: [$0.answered]) })
        var published = PublishedQuestion(
            question: question.key, answered: answered.cell(0), withheld: answered.withheld)
        guard !answered.withheld else { return published }
        let depth = here.ranked.first?.places.count ?? 0
        let cells = here.ranked.map(\.places)
        let differences = added.map { result in
            let byKey = Dictionary(result.ranked.map { ($0.key, $0.places) }, uniquingKeysWith: { a, _ in a })
            return here.ranked.map { byKey[$0.key] ?? [Int](repeating: 0, count: depth) }
        }
        let hidden = disclosure.table(cells, linked: Set(depth > 1 ? Array(1..<depth) : []), differences: differences)
        published.ranked = here.ranked.enumerated().map { i, item in
            let totals = added.map { result in result.ranked.first { $0.key == item.key }?.ranked ?? 0 }
            let total = disclosure.line(
                [item.ranked], differences: totals.map { Disclosure.Difference(counts: [$0]) })
            let complete = !hidden[i].contains(true) && total.totalShown
            return PublishedQuestion.Ranked(
                key: item.key, first: depth > 0 && !hidden[i][0] ? .shown(item.first) : .hidden,
                ranked: total.cell(0), score: complete ? item.score : nil)
        }
        return published
    }

    /// The number of answers: hidden with the line when it is withheld.
    static func answeredCell(_ line: Disclosure.Line) -> Disclosure.Cell {
        line.totalShown ? .shown(line.total) : .hidden
    }

    static func lines(_ keys: [String], _ line: Disclosure.Line) -> [PublishedQuestion.Line] {
        keys.enumerated().map { i, key in PublishedQuestion.Line(key: key, cell: line.cell(i), share: line.share(i)) }
    }

    /// How many values fall in each of `bins` (as `Results.bins` drew them); values outside all
    /// of them are left out.
    static func count(_ values: [Double], into bins: [QuestionResult.Bin]) -> [Int] {
        var counts = [Int](repeating: 0, count: bins.count)
        for v in values {
            if let i = bins.firstIndex(where: { bin in
                v >= bin.lower && (v < bin.upper || ((bin.closed || bin.lower == bin.upper) && v <= bin.upper))
            }) {
                counts[i] += 1
            }
        }
        return counts
    }

    /// How many of `b` are in `a` (both ascending).
    static func overlap(_ a: [Int], _ b: [Int]) -> Int {
        var i = 0, j = 0, n = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] { n += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return n
    }
}
