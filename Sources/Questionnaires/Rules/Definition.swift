import Core
import Foundation

/// Who a questionnaire speaks to. "Tous" asks each respondent which group they answer for.
public enum QAudience: String, Codable, Sendable, CaseIterable {
    case users = "usagers"
    case professionals = "professionnels"
    case all = "tous"

    public var label: Text {
        switch self {
        case .users: Text("Usagers et habitants", "Users and residents")
        case .professionals: Text("Professionnels", "Professionals")
        case .all: Text("Tous publics", "Everyone")
        }
    }
}

/// How an answer reached the platform.
public enum Channel: String, Codable, Sendable, CaseIterable {
    case online = "en-ligne"
    case paper = "papier"
    case tablet = "tablette"
    case phone = "telephone"
    case inPerson = "en-personne"

    public var label: Text {
        switch self {
        case .online: Text("En ligne", "Online")
        case .paper: Text("Papier", "Paper")
        case .tablet: Text("Tablette", "Tablet")
        case .phone: Text("Téléphone", "Phone")
        case .inPerson: Text("En personne", "In person")
        }
    }
}

public enum QStatus: String, Sendable, CaseIterable, Codable {
    case draft, published, closed
    public var label: Text {
        switch self {
        case .draft: Text("Brouillon", "Draft")
        case .published: Text("Ouvert aux réponses", "Open for answers")
        case .closed: Text("Clos", "Closed")
        }
    }
}

public enum QuestionKind: String, Codable, Sendable, CaseIterable {
    case single, multiple, agreement, scale, ranking, number
    case shortText = "short_text", longText = "long_text", date, commune, matrix

    public var label: Text {
        switch self {
        case .single: Text("Choix unique", "Single choice")
        case .multiple: Text("Choix multiple", "Multiple choice")
        case .agreement: Text("Échelle d'accord (5 points)", "Agreement scale (5 points)")
        case .scale: Text("Note de 0 à 10", "Scale from 0 to 10")
        case .ranking: Text("Classement", "Ranking")
        case .number: Text("Nombre", "Number")
        case .shortText: Text("Texte court", "Short text")
        case .longText: Text("Texte long", "Long text")
        case .date: Text("Date", "Date")
        case .commune: Text("Commune", "Commune")
        case .matrix: Text("Tableau (lignes × échelle d'accord)", "Matrix (rows × agreement scale)")
        }
    }

    /// Kinds whose choices are typed by the builder.
    public var hasChoices: Bool { [.single, .multiple, .ranking].contains(self) }
    /// Kinds whose answer is a point on a scale, which a high score may mean satisfaction on.
    public var canBeReverseScored: Bool { [.agreement, .scale, .matrix].contains(self) }
    /// Kinds answered with free text (read and coded by hand, never charted).
    public var isText: Bool { self == .shortText || self == .longText }
}

/// The five points of the agreement scale, 1 (not at all) to 5 (completely).
public enum Agreement {
    public static let points: [Text] = [
        Text("Pas du tout d'accord", "Strongly disagree"), Text("Plutôt pas d'accord", "Disagree"),
        Text("Ni d'accord ni pas d'accord", "Neither agree nor disagree"), Text("Plutôt d'accord", "Agree"),
        Text("Tout à fait d'accord", "Strongly agree"),
    ]
}

public struct Choice: Codable, Sendable, Equatable {
    public var key: String
    public var label: String
    /// For a ranking of themes: the theme this choice stands for.
    public var theme: String?
    public init(key: String, label: String, theme: String? = nil) {
        self.key = key; self.label = label; self.theme = theme
    }
}

/// "Show this question when that question's answer is X" (X a choice key, or a scale point).
public struct Condition: Codable, Sendable, Equatable {
    public var question: String
    public var equals: String
    public init(question: String, equals: String) { self.question = question; self.equals = equals }
}

public struct Question: Codable, Sendable, Equatable {
    /// Stable across versions: answers of every version are analysed together by key.
    public var key: String
    public var kind: QuestionKind
    public var label: String
    public var help: String
    public var required: Bool
    public var choices: [Choice]
    /// The rows of a matrix.
    public var rows: [Choice]
    /// Multiple choice: the most choices; ranking: how many to order (top N).
    public var maxChoices: Int?
    public var minValue: Double?
    public var maxValue: Double?
    public var condition: Condition?
    public var theme: String?
    /// Profile questions (commune, age band, audience…) describe the respondent and filter results.
    public var profile: Bool
    /// "Score inversé": on this scale, matrix or agreement item a high answer means satisfaction,
    /// not a problem ("J'obtiens un rendez-vous dans un délai raisonnable"), so the cross-analysis
    /// turns it round before it ranks themes by priority. Absent (nil) in the stored JSON when
    /// false, so definitions saved before the option read the same.
    public var reverseScored: Bool?

    /// Whether the cross-analysis turns this question's scores round.
    public var isReverseScored: Bool { reverseScored == true && kind.canBeReverseScored }

    public init(
        key: String, kind: QuestionKind, label: String, help: String = "", required: Bool = false,
        choices: [Choice] = [],
        rows: [Choice] = [], maxChoices: Int? = nil, minValue: Double? = nil, maxValue: Double? = nil,
        condition: Condition? = nil, theme: String? = nil, profile: Bool = false, reverseScored: Bool = false
    ) {
        self.key = key; self.kind = kind; self.label = label; self.help = help; self.required = required
        self.choices = choices; self.rows = rows; self.maxChoices = maxChoices; self.minValue = minValue;
        self.maxValue = maxValue
        self.condition = condition; self.theme = theme; self.profile = profile
        self.reverseScored = reverseScored ? true : nil
    }

    /// How many places a ranking asks for.
    public var rankCount: Int { min(max(1, maxChoices ?? choices.count), choices.count) }

    public func choice(_ key: String) -> Choice? { choices.first { $0.key == key } }
}

public struct Section: Codable, Sendable, Equatable {
    public var key: String
    public var title: String
    public var questions: [Question]
    public init(key: String, title: String, questions: [Question] = []) {
        self.key = key; self.title = title; self.questions = questions
    }
}

/// A questionnaire's content in one version: sections of questions. Stored as JSON.
public struct Definition: Codable, Sendable, Equatable {
    public var sections: [Section]
    /// The next number for a question or section key (keys are never reused).
    public var nextKey: Int

    public init(sections: [Section] = [], nextKey: Int = 1) { self.sections = sections; self.nextKey = nextKey }

    public var questions: [Question] { sections.flatMap(\.questions) }
    public func question(_ key: String) -> Question? { questions.first { $0.key == key } }

    public mutating func newKey(_ prefix: String) -> String {
        defer { nextKey += 1 }
        return prefix + String(nextKey)
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func decode(_ text: String) -> Definition {
        (try? JSONDecoder().decode(Definition.self, from: Data(text.utf8))) ?? Definition()
    }

    /// Moves a question one place up or down, across sections when at the edge of one. A move
    /// that would put a question before the one its display condition tests (or the reverse) is
    /// refused: nothing moves and the conflict is returned.
    public mutating func move(question key: String, up: Bool) -> OrderConflict? {
        guard let s = sections.firstIndex(where: { $0.questions.contains { $0.key == key } }),
            let q = sections[s].questions.firstIndex(where: { $0.key == key })
        else { return nil }
        var moved = self
        let target = up ? q - 1 : q + 1
        if moved.sections[s].questions.indices.contains(target) {
            moved.sections[s].questions.swapAt(q, target)
        } else if up, s > 0 {
            let item = moved.sections[s].questions.remove(at: q)
            moved.sections[s - 1].questions.append(item)
        } else if !up, s + 1 < sections.count {
            let item = moved.sections[s].questions.remove(at: q)
            moved.sections[s + 1].questions.insert(item, at: 0)
        }
        if let conflict = moved.newConflict(comparedWith: self) { return conflict }
        self = moved
        return nil
    }

    /// Moves a section one place up or down, refused like a question's move when it would break
    /// a display condition.
    public mutating func move(section key: String, up: Bool) -> OrderConflict? {
        guard let s = sections.firstIndex(where: { $0.key == key }) else { return nil }
        let target = up ? s - 1 : s + 1
        guard sections.indices.contains(target) else { return nil }
        var moved = self
        moved.sections.swapAt(s, target)
        if let conflict = moved.newConflict(comparedWith: self) { return conflict }
        self = moved
        return nil
    }

    /// A display condition that would test a question asked later: `question` depends on `dependsOn`.
    public struct OrderConflict: Error, Equatable, Sendable {
        public let question: String
        public let dependsOn: String
        public init(question: String, dependsOn: String) { self.question = question; self.dependsOn = dependsOn }
    }

    /// The display conditions that do not test a question asked before theirs (a later or an
    /// unknown question): such a question would never be asked.
    public func brokenConditions() -> [OrderConflict] {
        var seen = Set<String>()
        var out: [OrderConflict] = []
        for q in questions {
            if let condition = q.condition, !seen.contains(condition.question) {
                out.append(OrderConflict(question: q.key, dependsOn: condition.question))
            }
            seen.insert(q.key)
        }
        return out
    }

    /// The first broken condition of this definition that `before` did not have.
    func newConflict(comparedWith before: Definition) -> OrderConflict? {
        let old = before.brokenConditions()
        return brokenConditions().first { !old.contains($0) }
    }

    /// The questions whose display condition tests `key`.
    public func dependents(of key: String) -> [Question] { questions.filter { $0.condition?.question == key } }

    /// Removes a question and the display conditions that pointed at it.
    public mutating func remove(question key: String) {
        for s in sections.indices {
            sections[s].questions.removeAll { $0.key == key }
            for q in sections[s].questions.indices where sections[s].questions[q].condition?.question == key {
                sections[s].questions[q].condition = nil
            }
        }
    }

    /// Replaces a question (same key) or appends it to a section.
    public mutating func put(_ question: Question, inSection sectionKey: String) {
        for s in sections.indices {
            if let q = sections[s].questions.firstIndex(where: { $0.key == question.key }) {
                sections[s].questions[q] = question
                return
            }
        }
        if let s = sections.firstIndex(where: { $0.key == sectionKey }) { sections[s].questions.append(question) }
    }

    /// The definition once `question` is saved into `sectionKey`: replaced where it is when it
    /// stays in its section, else taken out of its old section (conditions untouched) and added
    /// at the end of the new one.
    public func saving(_ question: Question, inSection sectionKey: String) -> Definition {
        var out = self
        let current = sections.first { $0.questions.contains { $0.key == question.key } }?.key
        if let current, current != sectionKey, sections.contains(where: { $0.key == sectionKey }) {
            for s in out.sections.indices { out.sections[s].questions.removeAll { $0.key == question.key } }
        }
        out.put(question, inSection: sectionKey)
        return out
    }

    /// The questions asked before `key`: those a display condition may depend on.
    public func questions(before key: String?) -> [Question] {
        guard let key else { return questions }
        return Array(questions.prefix { $0.key != key })
    }

    /// The questions a display condition of question `key` (nil: a new one) may test once saved
    /// into `sectionKey` (nil or unknown: where it is now, or at the very end).
    public func questions(before key: String?, inSection sectionKey: String?) -> [Question] {
        let existing = key.flatMap { question($0) }
        guard let sectionKey, sections.contains(where: { $0.key == sectionKey }) else {
            return existing == nil ? questions : questions(before: key)
        }
        let placed = existing ?? Question(key: key ?? "_nouvelle", kind: .shortText, label: "")
        return saving(placed, inSection: sectionKey).questions(before: placed.key)
    }
}

/// What a display condition may test, as (value, label) pairs: the choices of a choice question,
/// the points of a scale.
public enum ConditionValues {
    public static func of(_ question: Question, lang: Lang) -> [(String, String)] {
        switch question.kind {
        case .single, .multiple: question.choices.map { ($0.key, $0.label) }
        case .agreement: Agreement.points.enumerated().map { (String($0.offset + 1), $0.element.in(lang)) }
        case .scale: (0...10).map { (String($0), String($0)) }
        default: []
        }
    }
}
