import Core
import Foundation

/// The three colleges of a consultative committee.
public enum College: String, Sendable, CaseIterable, Codable {
    case users = "usagers"
    case professionals = "professionnels"
    case decisionMakers = "decideurs"

    public var label: Text {
        switch self {
        case .users: Text("Collège des usagers", "Users' college")
        case .professionals: Text("Collège des professionnels", "Professionals' college")
        case .decisionMakers: Text("Collège des décideurs", "Decision makers' college")
        }
    }
    public var short: Text {
        switch self {
        case .users: Text("Usagers", "Users")
        case .professionals: Text("Professionnels", "Professionals")
        case .decisionMakers: Text("Décideurs", "Decision makers")
        }
    }
    /// How a member of this college who chose not to be named appears in public.
    public var anonymousName: Text {
        switch self {
        case .users: Text("Membre usager", "User member")
        case .professionals: Text("Membre professionnel", "Professional member")
        case .decisionMakers: Text("Membre décideur", "Decision-maker member")
        }
    }
}

public enum MemberFunction: String, Sendable, CaseIterable {
    case chair = "presidence"
    case secretary = "secretariat"
    case member = "membre"
    case guest = "invite"

    public var label: Text {
        switch self {
        case .chair: Text("Président·e", "Chair")
        case .secretary: Text("Secrétaire", "Secretary")
        case .member: Text("Membre", "Member")
        case .guest: Text("Invité·e (sans vote)", "Guest (no vote)")
        }
    }
    /// Guests speak but do not vote and do not count for the quorum.
    public var votes: Bool { self != .guest }
}

/// How a committee takes its decisions when it votes.
public enum DecisionRule: String, Sendable, CaseIterable {
    case majority = "majorite"
    case twoThirds = "deux-tiers"

    public var label: Text {
        switch self {
        case .majority: Text("À la majorité des voix exprimées", "By a majority of the votes cast")
        case .twoThirds: Text("Aux deux tiers des voix exprimées", "By two thirds of the votes cast")
        }
    }
}

public enum AttendanceStatus: String, Sendable, CaseIterable {
    case present
    case represented = "represente"
    case excused = "excuse"
    case absent

    public var label: Text {
        switch self {
        case .present: Text("Présent·e", "Present")
        case .represented: Text("Représenté·e", "Represented")
        case .excused: Text("Excusé·e", "Excused")
        case .absent: Text("Absent·e", "Absent")
        }
    }
    /// Present and represented members count for the quorum and may vote.
    public var counts: Bool { self == .present || self == .represented }
}

public enum VoteChoice: String, Sendable, CaseIterable {
    case yes = "pour"
    case no = "contre"
    case abstain = "abstention"

    public var label: Text {
        switch self {
        case .yes: Text("Pour", "For")
        case .no: Text("Contre", "Against")
        case .abstain: Text("Abstention", "Abstention")
        }
    }
}

/// Days written YYYY-MM-DD compare as text; these rules take "today" as an argument so that they
/// are tested without a clock.
public enum Mandate {
    public static func isActive(start: String, end: String, today: String) -> Bool { start <= today && today <= end }

    /// Whether a mandate ends within `days` days of `today` (and has not ended).
    public static func endsSoon(end: String, today: String, within days: Int = 60) -> Bool {
        guard today <= end, let limit = Day.adding(days, to: today) else { return false }
        return end <= limit
    }
}

/// Calendar arithmetic on YYYY-MM-DD days, in the Gregorian calendar.
public enum Day {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    public static func date(_ day: String) -> Date? {
        guard TextRule.isDay(day) else { return nil }
        let parts = day.split(separator: "-").compactMap { Int($0) }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 12))
    }

    public static func string(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    public static func adding(_ days: Int, to day: String) -> String? {
        date(day).flatMap { calendar.date(byAdding: .day, value: days, to: $0) }.map(string)
    }

    /// Today in Europe/Paris.
    public static func today(_ now: Date = Date()) -> String {
        var paris = Calendar(identifier: .gregorian)
        paris.timeZone = TimeZone(identifier: "Europe/Paris")!
        let parts = paris.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}

/// The balance between colleges: each college's share of the voting members, and the colleges
/// under the share the committee's rules set.
public struct CollegeBalance: Sendable, Equatable {
    public let counts: [College: Int]
    public let total: Int
    public let below: [College]

    public init(colleges: [College], minimumSharePercent: Int) {
        var counts: [College: Int] = [:]
        for college in colleges { counts[college, default: 0] += 1 }
        self.counts = counts
        total = colleges.count
        let total = self.total
        below = total == 0 ? [] : College.allCases.filter { (counts[$0] ?? 0) * 100 < minimumSharePercent * total }
    }

    public func sharePercent(_ college: College) -> Int {
        total == 0 ? 0 : Int((Double(counts[college] ?? 0) * 100 / Double(total)).rounded())
    }
}

public enum Quorum {
    /// The members needed for the quorum: `percent` of the voting members, rounded up.
    public static func required(votingMembers: Int, percent: Int) -> Int {
        (votingMembers * percent + 99) / 100
    }
}

/// Votes counted in total and per college. Abstentions are counted but not "cast".
public struct VoteTally: Sendable, Equatable {
    public struct Count: Sendable, Equatable {
        public var yes = 0, no = 0, abstain = 0
        public init(yes: Int = 0, no: Int = 0, abstain: Int = 0) {
            self.yes = yes; self.no = no; self.abstain = abstain
        }
        public var cast: Int { yes + no }
        public var total: Int { yes + no + abstain }
    }
    public var total = Count()
    public var byCollege: [College: Count] = [:]

    public init(_ votes: [(College, VoteChoice)]) {
        for (college, choice) in votes {
            switch choice {
            case .yes: total.yes += 1; byCollege[college, default: Count()].yes += 1
            case .no: total.no += 1; byCollege[college, default: Count()].no += 1
            case .abstain: total.abstain += 1; byCollege[college, default: Count()].abstain += 1
            }
        }
    }

    /// Whether the text is adopted under `rule`: more for than against (majority), or at least
    /// two thirds of the votes cast (two thirds); nothing is adopted without a vote for it.
    public func adopted(under rule: DecisionRule) -> Bool {
        guard total.yes > 0 else { return false }
        switch rule {
        case .majority: return total.yes > total.no
        case .twoThirds: return total.yes * 3 >= total.cast * 2
        }
    }
}

/// A draw by lot that anyone can check: the candidates are put in the order of their number,
/// shuffled by Fisher–Yates with the SplitMix64 generator started from the published seed, and
/// the first ones are drawn. With a balance (by commune or age band), the shuffled candidates are
/// taken in turn from each group (groups in alphabetical order), so that no group takes every
/// seat while another has candidates left.
public enum Draw {
    public struct Candidate: Sendable, Equatable {
        public let number: Int
        public let group: String?
        public init(number: Int, group: String? = nil) { self.number = number; self.group = group }
    }

    /// The generator of the draw (in Core: the questionnaires' demo simulates answers with it too).
    public typealias SplitMix64 = Core.SplitMix64

    /// The shuffled order of all candidates (the ones drawn come first).
    public static func order(_ candidates: [Candidate], seed: UInt64, balanced: Bool) -> [Int] {
        var list = candidates.sorted { $0.number < $1.number }
        var generator = SplitMix64(seed: seed)
        if list.count > 1 {
            for i in stride(from: list.count - 1, to: 0, by: -1) {
                list.swapAt(i, generator.below(i + 1))
            }
        }
        guard balanced else { return list.map(\.number) }
        var queues: [String: [Int]] = [:]
        for candidate in list { queues[candidate.group ?? "", default: []].append(candidate.number) }
        let groups = queues.keys.sorted()
        var out: [Int] = []
        var index = 0
        while out.count < list.count {
            for group in groups where index < queues[group]!.count { out.append(queues[group]![index]) }
            index += 1
        }
        return out
    }

    public static func draw(_ candidates: [Candidate], seats: Int, seed: UInt64, balanced: Bool) -> [Int] {
        Array(order(candidates, seed: seed, balanced: balanced).prefix(max(seats, 0)))
    }

    /// A fresh seed of 18 digits, drawn by the platform when the call opens (never typed by
    /// anyone: issue #16, attack 6).
    public static func freshSeed() -> String {
        String(UInt64.random(in: 100_000_000_000_000_000...999_999_999_999_999_999))
    }

    /// What the call publishes when it opens: the SHA-256 of its seed, in hexadecimal. Anyone
    /// checks it after the draw, e.g. `printf '%s' SEED | sha256sum`.
    public static func commitment(toSeed seed: String) -> String { Tokens.sha256Hex(seed) }

    /// Whether a revealed seed is the one the call committed to.
    public static func keeps(_ commitment: String, seed: String) -> Bool {
        Tokens.constantTimeEquals(commitment, Self.commitment(toSeed: seed))
    }
}

/// The addresses a decision or a strategy links to (proposals, actions, results): one per line,
/// each an address of the same territory. `parse` reads what a person typed (nil if a line is
/// not such an address); `shown` keeps, from what is stored, only what may be linked.
public enum TerritoryLinks {
    public static func parse(_ text: String, territory slug: String) -> [String]? {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        guard lines.allSatisfy({ valid($0, slug) }) else { return nil }
        return lines
    }

    public static func shown(_ stored: String?, territory slug: String) -> [String] {
        (stored ?? "").split(whereSeparator: \.isNewline).map(String.init).filter { valid($0, slug) }
    }

    static func valid(_ line: String, _ slug: String) -> Bool {
        line.hasPrefix("/\(slug)/") && !line.contains(" ") && line.count <= 200
    }
}
