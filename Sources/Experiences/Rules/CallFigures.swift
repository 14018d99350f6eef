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

    public init(rows: [Row]) {
        for row in rows where row.status != ExperienceStatus.draft.rawValue {
            total += 1
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
}
