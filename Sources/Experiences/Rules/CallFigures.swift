import Core

/// The figures of a call: submissions (drafts excluded) and the people they declare, by status,
/// context, level of engagement and region. Pure: the page decides what it may publish.
public struct CallFigures: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public let status: String, context: String?, level: String?, region: String?, people: Int?
        public init(status: String, context: String?, level: String?, region: String?, people: Int?) {
            self.status = status; self.context = context; self.level = level; self.region = region; self.people = people
        }
    }
    public struct Counts: Sendable, Equatable {
        public var submissions = 0
        public var people = 0
        public init() {}
    }

    public private(set) var total = 0
    public private(set) var byStatus: [String: Counts] = [:]
    public private(set) var byContext: [String: Counts] = [:]
    public private(set) var byLevel: [String: Counts] = [:]
    public private(set) var byRegion: [String: Counts] = [:]

    /// The people declared by all the submissions.
    public private(set) var people = 0

    public init(rows: [Row]) {
        for row in rows where row.status != ExperienceStatus.draft.rawValue {
            total += 1
            people += row.people ?? 0
            func add(_ table: inout [String: Counts], _ key: String?) {
                guard let key else { return }
                table[key, default: Counts()].submissions += 1
                table[key, default: Counts()].people += row.people ?? 0
            }
            add(&byStatus, row.status)
            add(&byContext, row.context)
            add(&byLevel, row.level)
            add(&byRegion, row.region)
        }
    }

    /// One line of a published table: its submissions, and the people it declares as the
    /// disclosure control lets them be shown.
    public struct Line: Sendable, Equatable {
        public let label: String
        public let submissions: Int
        public let people: Disclosure.Cell
    }

    /// A table's lines in the order of `keys`, with a last line `unsaid` for the submissions that
    /// gave no value there (when there are any). The lines' people add up to all the people
    /// declared, which the other tables give away: a small count is hidden with the next
    /// smallest, so that subtracting cannot bring it back (docs/PRIVACY.md).
    public func lines(
        _ keys: [(key: String, label: String)], of table: [String: Counts], unsaid: String,
        disclosure: Disclosure = .standard
    ) -> [Line] {
        var entries = keys.map { (label: $0.label, counts: table[$0.key] ?? Counts()) }
        var rest = Counts()
        rest.submissions = total - entries.reduce(0) { $0 + $1.counts.submissions }
        rest.people = people - entries.reduce(0) { $0 + $1.counts.people }
        if rest.submissions > 0 { entries.append((unsaid, rest)) }
        let published = disclosure.line(entries.map(\.counts.people), total: people)
        return entries.indices.map {
            Line(label: entries[$0].label, submissions: entries[$0].counts.submissions, people: published.cell($0))
        }
    }
}
