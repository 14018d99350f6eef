import Core

/// What an event's figures page may show (issue #15, docs/PRIVACY.md), under the territory's
/// disclosure control. Pure.
///
/// The three participation figures — registered R, attended A, walk-ins W — give away three
/// hidden counts: registered people who came (A − W), registered people who did not (R − A + W)
/// and walk-ins (W). Each is shown only when it is not small; then walk-ins, and if need be
/// attendance, are hidden while a reader who enumerates every completion of the page could pin a
/// small one of the three (`pins`: a few thousand steps for an event of a hundred). The people who
/// came, by commune and by audience, are lines adding up to A: a small cell is hidden with the
/// next smallest, and nothing is shown of them when A is not.
public struct EventFigureCells: Sendable, Equatable {
    public let registered: Disclosure.Cell
    public let attended: Disclosure.Cell
    public let walkIns: Disclosure.Cell
    public let waiting: Disclosure.Cell
    public let byCommune: [(key: String, cell: Disclosure.Cell)]
    public let byAudience: [(key: String, cell: Disclosure.Cell)]

    public init(
        registered: Int, attended: Int, walkIns: Int, waiting: Int, byCommune: [String: Int],
        byAudience: [String: Int], disclosure: Disclosure
    ) {
        var showR = !disclosure.isSmall(registered)
        var showA = !disclosure.isSmall(attended)
        var showW = !disclosure.isSmall(walkIns)
        // Walk-ins go first, then attendance, until nothing small can be pinned.
        let figures = (registered, attended, walkIns)
        if Self.pins(figures, shown: (showR, showA, showW), disclosure) { showW = false }
        if Self.pins(figures, shown: (showR, showA, showW), disclosure) { showA = false }
        if Self.pins(figures, shown: (showR, showA, showW), disclosure) { showR = false }
        self.registered = showR ? .shown(registered) : .hidden
        self.attended = showA ? .shown(attended) : .hidden
        self.walkIns = showW ? .shown(walkIns) : .hidden
        self.waiting = disclosure.count(waiting)
        func line(_ counts: [String: Int]) -> [(key: String, cell: Disclosure.Cell)] {
            let keys = counts.keys.sorted()
            let published = disclosure.line(keys.map { counts[$0] ?? 0 }, total: attended)
            return keys.indices.map { (keys[$0], showA ? published.cell($0) : .hidden) }
        }
        self.byCommune = line(byCommune)
        self.byAudience = line(byAudience)
    }

    /// Whether showing these of (registered, attended, walk-ins) pins a small count of the
    /// registered who came, those who did not, or the walk-ins: every completion consistent with
    /// the page is enumerated, for a reader told even whether each hidden figure is small.
    static func pins(
        _ figures: (r: Int, a: Int, w: Int), shown: (r: Bool, a: Bool, w: Bool), _ disclosure: Disclosure
    ) -> Bool {
        let t = disclosure.threshold
        let bound = max(figures.r, figures.a, figures.w) + t
        var came = Set<Int>(), noShows = Set<Int>(), walkIns = Set<Int>()
        func fits(_ shownHere: Bool, _ value: Int, _ truth: Int) -> Bool {
            shownHere ? value == truth : disclosure.isSmall(value) == disclosure.isSmall(truth)
        }
        for z in shown.w ? [figures.w] : Array(0...bound) where fits(shown.w, z, figures.w) {
            let xs = shown.a ? (figures.a >= z ? [figures.a - z] : []) : Array(0...bound)
            for x in xs where fits(shown.a, x + z, figures.a) {
                // Those who did not come: fixed by R when it is shown; else any count keeping R
                // small (a few values), or, R hidden though large, any count at all (two stand for it).
                let ys: [Int] =
                    shown.r
                    ? (figures.r >= x ? [figures.r - x] : [])
                    : disclosure.isSmall(figures.r) ? (x < t ? Array(max(0, 1 - x)...(t - 1 - x)) : []) : [t, t + 1]
                for y in ys where fits(shown.r, x + y, figures.r) {
                    came.insert(x); noShows.insert(y); walkIns.insert(z)
                }
            }
        }
        return [came, noShows, walkIns].contains { $0.count == 1 && disclosure.isSmall($0.first ?? 0) }
    }

    public static func == (a: EventFigureCells, b: EventFigureCells) -> Bool {
        a.registered == b.registered && a.attended == b.attended && a.walkIns == b.walkIns
            && a.waiting == b.waiting && a.byCommune.map(\.key) == b.byCommune.map(\.key)
            && a.byCommune.map(\.cell) == b.byCommune.map(\.cell) && a.byAudience.map(\.key) == b.byAudience.map(\.key)
            && a.byAudience.map(\.cell) == b.byAudience.map(\.cell)
    }
}

/// Live results (polls and rankings) under the disclosure control: what the organiser's page,
/// the projector and the after-event page show. Pure.
public enum LiveFigures {
    /// A poll's published figures: its total of votes, and each option's votes and share.
    public struct Poll: Sendable, Equatable {
        public let total: Disclosure.Cell
        public let options: [Disclosure.Cell]
        /// Each option's share of the votes in percent, rounded as a spreadsheet does; nil when hidden.
        public let shares: [Int?]
    }

    /// `votes` per option add up to the total shown, so a small one is hidden with the next
    /// smallest. `participants`: how many answered a multiple-choice poll (several votes each);
    /// when they are fewer than the threshold nothing is shown.
    public static func poll(votes: [Int], participants: Int? = nil, disclosure: Disclosure) -> Poll {
        let total = votes.reduce(0, +)
        if total == 0 {
            return Poll(total: .shown(0), options: votes.map { _ in .shown(0) }, shares: votes.map { _ in nil })
        }
        let line = disclosure.line(votes, total: total)
        if let participants, disclosure.isSmall(participants) {
            return Poll(total: .hidden, options: votes.map { _ in .hidden }, shares: votes.map { _ in nil })
        }
        return Poll(
            total: line.totalShown ? .shown(total) : .hidden,
            options: votes.indices.map { line.cell($0) },
            shares: votes.indices.map { i in
                line.share(i).map { Int(Rounding.halfAwayFromZero($0, digits: 0)) }
            })
    }

    /// One option of a ranking as published: its points only when every place it was given is
    /// shown (points, first places and mentions together give every place).
    public struct Ranked: Sendable, Equatable {
        public let option: Int
        public let points: Int?
        public let firsts: Disclosure.Cell
        public let mentions: Disclosure.Cell
    }

    /// A ranking is a table of options × places (1st, 2nd, 3rd) whose row totals (mentions) and
    /// column totals (participants) are known: both directions are protected, places 2 and 3 go
    /// together, and nothing is shown when fewer than the threshold took part.
    public static func ranking(
        _ scores: [LiveRules.Score], counts: [LiveRules.RankCount], participants: Int, disclosure: Disclosure
    ) -> [Ranked] {
        guard !disclosure.isSmall(participants) else {
            return scores.map { Ranked(option: $0.option, points: nil, firsts: .hidden, mentions: .hidden) }
        }
        let places = scores.map { score in
            (1...LiveRules.rankSize).map { rank in
                counts.first { $0.option == score.option && $0.rank == rank }?.count ?? 0
            }
        }
        let hidden = disclosure.table(places, linked: Set(1..<LiveRules.rankSize))
        return scores.enumerated().map { i, score in
            let mentions = disclosure.count(score.mentions)
            return Ranked(
                option: score.option, points: hidden[i].contains(true) || mentions.isHidden ? nil : score.points,
                firsts: hidden[i][0] ? .hidden : .shown(score.firsts), mentions: mentions)
        }
    }
}
