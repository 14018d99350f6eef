import Foundation
import Stats

/// The cross-analysis (recoupement) of a users' and a professionals' questionnaire on their
/// shared themes. Pure: it reads two datasets and gives the figures and the sentences.
public enum CrossAnalysis {
    /// A theme's priority score (0–100) in one group, and the answers it rests on (the smallest
    /// count of its measures).
    public struct Score: Sendable, Equatable {
        public let theme: String
        public let score: Double
        public let answers: Int
        public let measures: Int
    }

    /// Priority scores per theme of one questionnaire over some rows. Each scale, matrix row or
    /// ranking of themes tagged with a theme is one measure on 0–100: agreement (p−1)/4×100,
    /// 0–10 × 10, a ranked theme (N−place+1)/N×100 (0 when not ranked); a reverse-scored item
    /// counts 100 minus that, so that satisfaction and problem wordings compare like with like.
    /// The theme's score is the mean of its measures.
    public static func scores(definition: Definition, data: Dataset, rows: [Int]) -> [Score] {
        scores(definition: definition, data: data, split: Filter.Split(rows: rows), disclosure: nil)
    }

    /// The same, with only the measures the disclosure control lets the results page publish in
    /// this view (a mean or a score resting on a hidden count is left out, so the theme's score
    /// cannot be solved for it). A theme all of whose measures are left out has no measure (and is
    /// listed among the hidden themes).
    public static func scores(
        definition: Definition, data: Dataset, split: Filter.Split, disclosure: Disclosure?
    ) -> [Score] {
        let rows = split.rows
        var measures: [String: [(value: Double, n: Int)]] = [:]
        var seen: Set<String> = []
        func published(_ question: Question) -> PublishedQuestion? {
            disclosure.map { Publication.of(question, in: data, split: split, disclosure: $0) }
        }
        for question in definition.questions {
            switch question.kind {
            case .agreement, .scale:
                guard let theme = question.theme, let column = data.columns[question.key] else { continue }
                seen.insert(theme)
                func measure(_ mean: Double) -> Double {
                    question.kind == .agreement ? (mean - 1) / 4 * 100 : mean * 10
                }
                if let p = published(question) {
                    // The published mean itself: one pass over the rows, the one the page made.
                    guard let mean = p.mean, case .shown(let n) = p.answered, n > 0 else { continue }
                    measures[theme, default: []].append((priority(measure(mean), of: question), n))
                    continue
                }
                var sum = 0.0, n = 0
                for r in rows {
                    let p = column.codes[r]
                    guard p >= 0 else { continue }
                    sum += Double(p)
                    n += 1
                }
                if n > 0 { measures[theme, default: []].append((priority(measure(sum / Double(n)), of: question), n)) }
            case .matrix:
                guard let theme = question.theme else { continue }
                seen.insert(theme)
                if let shown = published(question) {
                    for row in shown.matrix {
                        guard let mean = row.mean else { continue }
                        let n = row.cells.reduce(0) { $0 + ($1.value ?? 0) }
                        measures[theme, default: []].append((priority((mean - 1) / 4 * 100, of: question), n))
                    }
                    continue
                }
                for row in Results.of(question, in: data, rows: rows).matrix {
                    if let mean = row.mean {
                        measures[theme, default: []].append(
                            (priority((mean - 1) / 4 * 100, of: question), row.answered))
                    }
                }
            case .ranking:
                guard question.choices.contains(where: { $0.theme != nil }) else { continue }
                if let shown = published(question) {
                    if shown.answered == .shown(0) { continue }
                    guard case .shown(let n) = shown.answered else {
                        for choice in question.choices { if let theme = choice.theme { seen.insert(theme) } }
                        continue
                    }
                    for item in shown.ranked {
                        guard let theme = question.choice(item.key)?.theme else { continue }
                        seen.insert(theme)
                        if let score = item.score { measures[theme, default: []].append((score, n)) }
                    }
                    continue
                }
                let result = Results.of(question, in: data, rows: rows)
                guard result.answered > 0 else { continue }
                for item in result.ranked {
                    guard let theme = question.choice(item.key)?.theme else { continue }
                    seen.insert(theme)
                    measures[theme, default: []].append((item.score, result.answered))
                }
            default: continue
            }
        }
        var scores = measures.map { theme, list in
            Score(
                theme: theme, score: list.map(\.value).reduce(0, +) / Double(list.count),
                answers: list.map(\.n).min() ?? 0, measures: list.count)
        }
        for theme in seen where measures[theme] == nil && disclosure != nil {
            scores.append(Score(theme: theme, score: 0, answers: 0, measures: 0))
        }
        return scores.sorted { $0.score != $1.score ? $0.score > $1.score : $0.theme < $1.theme }
    }

    /// A measure on 0–100 read as a priority: as it is, or turned round (100 − score) for a
    /// reverse-scored item, where a high answer means satisfaction.
    public static func priority(_ score: Double, of question: Question) -> Double {
        question.isReverseScored ? 100 - score : score
    }

    /// The items of a definition that count in the cross-analysis turned round: reverse-scored
    /// scales, matrices and agreement items of a theme, in the questionnaire's order.
    public static func reversedItems(of definition: Definition) -> [Question] {
        definition.questions.filter { $0.theme != nil && $0.isReverseScored }
    }

    /// Ranks (1 = first) of values, highest first; ties share the mean of their places.
    public static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] > values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, values[order[j + 1]] == values[order[i]] { j += 1 }
            let mean = Double(i + j + 2) / 2
            for k in i...j { ranks[order[k]] = mean }
            i = j + 1
        }
        return ranks
    }

    /// Spearman's rank correlation of two paired series (Pearson's r of their ranks, which
    /// handles ties); nil under 3 pairs or when a series has no spread.
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double? {
        guard a.count == b.count, a.count >= 3 else { return nil }
        let ra = ranks(a), rb = ranks(b)
        let n = Double(a.count)
        let ma = ra.reduce(0, +) / n, mb = rb.reduce(0, +) / n
        var cov = 0.0, va = 0.0, vb = 0.0
        for i in ra.indices {
            cov += (ra[i] - ma) * (rb[i] - mb)
            va += (ra[i] - ma) * (ra[i] - ma)
            vb += (rb[i] - mb) * (rb[i] - mb)
        }
        guard va > 0, vb > 0 else { return nil }
        return cov / (va * vb).squareRoot()
    }

    public struct Row: Sendable, Equatable {
        public let theme: String
        public let users: Score
        public let professionals: Score
        public let usersRank: Double
        public let professionalsRank: Double
        /// Professionals' rank minus users' rank: positive when users put the theme higher.
        public var gap: Double { professionalsRank - usersRank }
        public var combined: Double { (users.score + professionals.score) / 2 }
    }

    public struct Comparison: Sendable, Equatable {
        public let rows: [Row]
        public let rho: Double?
        /// Themes users put in their first third and professionals in their last, and the reverse.
        public let usersFirst: [Row]
        public let professionalsFirst: [Row]
        /// Themes left out because one group's score rests on fewer than 5 answers.
        public let hidden: [String]
        public var themeCount: Int { rows.count }
    }

    /// Compares the groups on the themes both measured with at least 5 answers each.
    public static func compare(users: [Score], professionals: [Score]) -> Comparison {
        let pro = Dictionary(uniqueKeysWithValues: professionals.map { ($0.theme, $0) })
        var shared: [(Score, Score)] = []
        var hidden: [String] = []
        for u in users {
            guard let p = pro[u.theme] else { continue }
            if Results.publishable(u.answers), Results.publishable(p.answers) {
                shared.append((u, p))
            } else {
                hidden.append(u.theme)
            }
        }
        let ur = ranks(shared.map(\.0.score)), pr = ranks(shared.map(\.1.score))
        let rows = shared.indices.map {
            Row(
                theme: shared[$0].0.theme, users: shared[$0].0, professionals: shared[$0].1, usersRank: ur[$0],
                professionalsRank: pr[$0])
        }
        .sorted { $0.combined != $1.combined ? $0.combined > $1.combined : $0.theme < $1.theme }
        let n = Double(rows.count)
        let third = (n / 3).rounded(.up)
        let usersFirst = rows.filter { $0.usersRank <= third && $0.professionalsRank > n - third }
        let professionalsFirst = rows.filter { $0.professionalsRank <= third && $0.usersRank > n - third }
        return Comparison(
            rows: rows, rho: spearman(shared.map(\.0.score), shared.map(\.1.score)),
            usersFirst: n >= 3 ? usersFirst : [], professionalsFirst: n >= 3 ? professionalsFirst : [],
            hidden: hidden.sorted())
    }

    /// How strong an agreement rho describes, in plain words.
    public static func strength(_ rho: Double) -> (fr: String, en: String) {
        switch rho {
        case 0.7...: ("forte concordance", "strong agreement")
        case 0.4..<0.7: ("concordance moyenne", "moderate agreement")
        case 0.1..<0.4: ("faible concordance", "weak agreement")
        case -0.1..<0.1: ("aucune concordance", "no agreement")
        default: ("classements opposés", "opposite rankings")
        }
    }
}

/// Targets of a wave spread over communes in proportion to their population (largest remainder,
/// so the parts add up to the total exactly).
public enum Targets {
    public static func proportional(total: Int, populations: [(code: String, population: Int)]) -> [String: Int] {
        let sum = populations.reduce(0) { $0 + max(0, $1.population) }
        guard total > 0, sum > 0 else { return Dictionary(uniqueKeysWithValues: populations.map { ($0.code, 0) }) }
        var parts = populations.map { item -> (code: String, whole: Int, rest: Double) in
            let exact = Double(total) * Double(max(0, item.population)) / Double(sum)
            return (item.code, Int(exact), exact - Double(Int(exact)))
        }
        var left = total - parts.reduce(0) { $0 + $1.whole }
        for i in parts.indices.sorted(by: {
            parts[$0].rest != parts[$1].rest ? parts[$0].rest > parts[$1].rest : parts[$0].code < parts[$1].code
        }) where left > 0 {
            parts[i].whole += 1
            left -= 1
        }
        return Dictionary(uniqueKeysWithValues: parts.map { ($0.code, $0.whole) })
    }

    /// Answers per 1,000 inhabitants.
    public static func perThousand(_ answers: Int, population: Int) -> Double? {
        population > 0 ? Double(answers) * 1000 / Double(population) : nil
    }

    /// Reads override lines "INSEE code or commune name ; number" (blank lines skipped).
    public static func parseOverrides(
        _ text: String, communes: [(code: String, name: String)]
    ) -> (values: [String: Int], error: String?) {
        var out: [String: Int] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let parts = line.split(separator: ";", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let value = Int(parts[1]), value >= 0 else {
                return ([:], "Ligne \(n + 1) : écrivez « commune ; nombre », par exemple « Vitré ; 120 ».")
            }
            guard
                let commune = communes.first(where: {
                    $0.code == parts[0]
                        || $0.name.compare(parts[0], options: [.caseInsensitive, .diacriticInsensitive]) == .orderedSame
                })
            else {
                return ([:], "Ligne \(n + 1) : « \(parts[0]) » n'est pas une commune du territoire.")
            }
            out[commune.code] = value
        }
        return (out, nil)
    }
}
