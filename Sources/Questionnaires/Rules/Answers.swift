import Core
import Foundation

/// One validated answer. Stored as JSON in the response row (`Answers.json`).
public enum AnswerValue: Equatable, Sendable {
    case choice(String)
    case choices([String])
    case point(Int)
    case number(Double)
    case text(String)
    case ranking([String])
    case matrix([String: Int])

    var jsonObject: Any {
        switch self {
        case .choice(let v), .text(let v): v
        case .choices(let v), .ranking(let v): v
        case .point(let v): v
        case .number(let v): v
        case .matrix(let v): v
        }
    }

    /// Whether this answer "is" `value` for a display condition.
    func matches(_ value: String) -> Bool {
        switch self {
        case .choice(let v): v == value
        case .choices(let v): v.contains(value)
        case .point(let v): String(v) == value
        default: false
        }
    }
}

public typealias Answers = [String: AnswerValue]

public enum AnswerCodec {
    /// The answers as JSON with sorted keys, written by hand: Foundation's serializer (sorting
    /// through NSString) was 40 % of the time of saving an answer (docs/PERFORMANCE.md).
    public static func json(_ answers: Answers) -> String {
        var out = "{"
        for (index, key) in answers.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            string(key, into: &out)
            out += ":"
            switch answers[key]! {
            case .choice(let v), .text(let v): string(v, into: &out)
            case .point(let v): out += String(v)
            case .number(let v): out += NumberText.plain(v)
            case .choices(let list), .ranking(let list):
                out += "["
                for (i, item) in list.enumerated() { if i > 0 { out += "," }; string(item, into: &out) }
                out += "]"
            case .matrix(let points):
                out += "{"
                for (i, row) in points.keys.sorted().enumerated() {
                    if i > 0 { out += "," }
                    string(row, into: &out)
                    out += ":" + String(points[row]!)
                }
                out += "}"
            }
        }
        return out + "}"
    }

    /// A JSON string: quotes, backslashes and control characters escaped, the rest as is (UTF-8).
    static func string(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// Reads stored answers back, typed by the definition (unknown keys are dropped).
    public static func decode(_ text: String, definition: Definition) -> Answers {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            return [:]
        }
        var out: Answers = [:]
        for question in definition.questions {
            guard let raw = object[question.key] else { continue }
            if let value = value(raw, kind: question.kind) { out[question.key] = value }
        }
        return out
    }

    static func value(_ raw: Any, kind: QuestionKind) -> AnswerValue? {
        switch kind {
        case .single, .commune: (raw as? String).map(AnswerValue.choice)
        case .multiple: (raw as? [String]).map(AnswerValue.choices)
        case .ranking: (raw as? [String]).map(AnswerValue.ranking)
        case .agreement, .scale: (raw as? NSNumber).map { .point($0.intValue) }
        case .number: (raw as? NSNumber).map { .number($0.doubleValue) }
        case .shortText, .longText, .date: (raw as? String).map(AnswerValue.text)
        case .matrix:
            (raw as? [String: Any]).map { dict in .matrix(dict.compactMapValues { ($0 as? NSNumber)?.intValue }) }
        }
    }
}

/// The form of one answer as typed: single fields and `NAME[]` lists. Kept whole on error.
public struct TypedAnswers: Sendable, Equatable {
    public var fields: [String: String]
    public var lists: [String: [String]]
    public init(fields: [String: String] = [:], lists: [String: [String]] = [:]) {
        self.fields = fields; self.lists = lists
    }

    public func field(_ name: String) -> String { (fields[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
    public func list(_ name: String) -> [String] { lists[name + "[]"] ?? lists[name] ?? [] }

    /// The typed form as JSON, kept for "save and resume later".
    public func json() -> String {
        let object: [String: Any] = ["fields": fields, "lists": lists]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    public static func decode(_ text: String) -> TypedAnswers {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            return TypedAnswers()
        }
        return TypedAnswers(
            fields: object["fields"] as? [String: String] ?? [:], lists: object["lists"] as? [String: [String]] ?? [:])
    }

    /// The form that shows stored answers again (to edit an assisted entry, or in tests).
    public static func from(_ answers: Answers, definition: Definition) -> TypedAnswers {
        var typed = TypedAnswers()
        for question in definition.questions {
            guard let value = answers[question.key] else { continue }
            let key = question.key
            switch value {
            case .choice(let v), .text(let v): typed.fields[key] = v
            case .point(let v): typed.fields[key] = String(v)
            case .number(let v): typed.fields[key] = NumberText.plain(v)
            case .choices(let v): typed.lists[key + "[]"] = v
            case .ranking(let v): for (i, item) in v.enumerated() { typed.fields["\(key)-\(i + 1)"] = item }
            case .matrix(let v): for (row, point) in v { typed.fields["\(key)-\(row)"] = String(point) }
            }
        }
        return typed
    }
}

public enum NumberText {
    /// 12 → "12", 12.5 → "12.5".
    public static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// Reads "12", "12,5" or "12.5".
    public static func parse(_ text: String) -> Double? {
        let cleaned = text.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: " ", with: "")
        guard !cleaned.isEmpty, let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }

    /// A figure written the French way: 3,5; rounded as a spreadsheet does (31,25 → 31,3).
    public static func decimal(_ value: Double, digits: Int = 1, lang: Lang) -> String {
        let text = Rounding.text(value, digits: digits)
        return lang == .fr ? text.replacingOccurrences(of: ".", with: ",") : text
    }
}

/// Checks a typed answer against a questionnaire version. Pure: the answering page, assisted
/// entry and the CSV import all go through it, so a rule holds the same everywhere.
public struct AnswerValidator: Sendable {
    public let definition: Definition
    public let communes: [String: String]  // INSEE code → name
    public let lang: Lang

    public init(definition: Definition, communes: [String: String], lang: Lang) {
        self.definition = definition; self.communes = communes; self.lang = lang
    }

    func t(_ fr: String, _ en: String) -> String { lang == .fr ? fr : en }

    /// Whether a question is asked, given the answers before it.
    public static func isShown(_ question: Question, answers: Answers) -> Bool {
        guard let condition = question.condition else { return true }
        return answers[condition.question]?.matches(condition.equals) ?? false
    }

    /// The answers, or the errors keyed by question (nothing half-way).
    public func validate(_ typed: TypedAnswers) -> (answers: Answers, errors: FormErrors) {
        var answers: Answers = [:]
        var errors = FormErrors()
        for question in definition.questions {
            guard Self.isShown(question, answers: answers) else { continue }
            switch check(question, typed) {
            case .none:
                if question.required { errors.add(question.key, missing(question)) }
            case .value(let value): answers[question.key] = value
            case .error(let message): errors.add(question.key, message)
            }
        }
        return (errors.isEmpty ? answers : [:], errors)
    }

    enum Outcome { case none, value(AnswerValue), error(String) }

    /// The typed fields that belong to no question of this version (a tampered or outdated form),
    /// leaving aside the page's own fields `extra` (channel, wave…). Never ignored: the answer is refused.
    public func unknownFields(_ typed: TypedAnswers, extra: Set<String>) -> [String] {
        var fields = extra
        var lists = Set<String>()
        for q in definition.questions {
            switch q.kind {
            case .multiple: lists.insert(q.key)
            case .ranking:
                for place in stride(from: 1, through: q.rankCount, by: 1) { fields.insert("\(q.key)-\(place)") }
            case .matrix: for row in q.rows { fields.insert("\(q.key)-\(row.key)") }
            default: fields.insert(q.key)
            }
        }
        let unknown =
            typed.fields.keys.filter { !fields.contains($0) }
            + typed.lists.keys.filter { !lists.contains($0.hasSuffix("[]") ? String($0.dropLast(2)) : $0) }
        return unknown.sorted()
    }

    /// The message for answers to unknown questions.
    public func unknownMessage(_ names: [String]) -> String {
        let list = names.prefix(3).map { "« \($0) »" }.joined(separator: ", ")
        return t(
            "Le formulaire contient une réponse à une question qui n'existe pas dans ce questionnaire (\(list)) : rien n'a été enregistré. Rechargez la page puis vérifiez les réponses.",
            "The form holds an answer to a question this questionnaire does not have (\(list)): nothing was saved. Reload the page then check the answers."
        )
    }

    func missing(_ question: Question) -> String {
        switch question.kind {
        case .single, .agreement, .scale, .commune: t("Choisissez une réponse.", "Choose an answer.")
        case .multiple: t("Cochez au moins une réponse.", "Tick at least one answer.")
        case .ranking: t("Classez au moins votre premier choix.", "Rank at least your first choice.")
        case .matrix: t("Répondez pour chaque ligne.", "Answer every row.")
        default: t("Cette question est obligatoire.", "This question is required.")
        }
    }

    func check(_ question: Question, _ typed: TypedAnswers) -> Outcome {
        let key = question.key
        switch question.kind {
        case .single:
            let value = typed.field(key)
            if value.isEmpty { return .none }
            return question.choice(value) == nil
                ? .error(
                    t("Cette réponse ne fait pas partie des choix proposés.", "This answer is not one of the choices."))
                : .value(.choice(value))
        case .commune:
            let value = typed.field(key)
            if value.isEmpty { return .none }
            return communes[value] == nil
                ? .error(t("Choisissez une commune du territoire.", "Choose a commune of the territory."))
                : .value(.choice(value))
        case .multiple:
            let values = typed.list(key)
            if values.isEmpty { return .none }
            if values.contains(where: { question.choice($0) == nil }) {
                return .error(
                    t("Une réponse ne fait pas partie des choix proposés.", "An answer is not one of the choices."))
            }
            let unique = question.choices.map(\.key).filter(values.contains)
            if let max = question.maxChoices, unique.count > max {
                return .error(t("Cochez \(max) réponses au plus.", "Tick \(max) answers at most."))
            }
            return .value(.choices(unique))
        case .agreement, .scale:
            let value = typed.field(key)
            if value.isEmpty { return .none }
            let range = question.kind == .agreement ? 1...5 : 0...10
            guard let point = Int(value), range.contains(point) else {
                return .error(
                    t(
                        "Choisissez une valeur de \(range.lowerBound) à \(range.upperBound).",
                        "Choose a value from \(range.lowerBound) to \(range.upperBound)."))
            }
            return .value(.point(point))
        case .number:
            let value = typed.field(key)
            if value.isEmpty { return .none }
            guard let number = NumberText.parse(value) else {
                return .error(t("Indiquez un nombre, par exemple 12.", "Enter a number, e.g. 12."))
            }
            if let min = question.minValue, number < min { return .error(bounds(question)) }
            if let max = question.maxValue, number > max { return .error(bounds(question)) }
            return .value(.number(number))
        case .shortText, .longText:
            let value = typed.field(key)
            if value.isEmpty { return .none }
            let limit = question.kind == .shortText ? 200 : 4000
            if value.count > limit { return .error(t("\(limit) caractères au plus.", "\(limit) characters at most.")) }
            return .value(.text(value))
        case .date:
            let value = typed.field(key)
            if value.isEmpty { return .none }
            return TextRule.isDay(value)
                ? .value(.text(value))
                : .error(t("Indiquez une date valide, par exemple 2026-03-31.", "Enter a valid date, e.g. 2026-03-31."))
        case .ranking:
            var order: [String] = []
            var gap = false
            for place in 1...question.rankCount {
                let value = typed.field("\(key)-\(place)")
                if value.isEmpty { gap = true; continue }
                if gap {
                    return .error(
                        t(
                            "Remplissez les places dans l'ordre, sans en laisser une vide avant.",
                            "Fill the places in order, without an empty one before."))
                }
                guard question.choice(value) != nil else {
                    return .error(t("Un choix ne fait pas partie de la liste.", "A choice is not in the list."))
                }
                if order.contains(value) {
                    return .error(
                        t("Chaque choix ne peut être classé qu'une fois.", "Each choice can be ranked only once."))
                }
                order.append(value)
            }
            return order.isEmpty ? .none : .value(.ranking(order))
        case .matrix:
            var points: [String: Int] = [:]
            for row in question.rows {
                let value = typed.field("\(key)-\(row.key)")
                if value.isEmpty { continue }
                guard let point = Int(value), (1...5).contains(point) else {
                    return .error(
                        t(
                            "Choisissez une valeur de 1 à 5 pour « \(row.label) ».",
                            "Choose a value from 1 to 5 for “\(row.label)”."))
                }
                points[row.key] = point
            }
            if points.isEmpty { return .none }
            if question.required, points.count < question.rows.count { return .error(missing(question)) }
            return .value(.matrix(points))
        }
    }

    func bounds(_ question: Question) -> String {
        switch (question.minValue, question.maxValue) {
        case let (min?, max?):
            t(
                "Indiquez un nombre entre \(NumberText.plain(min)) et \(NumberText.plain(max)).",
                "Enter a number between \(NumberText.plain(min)) and \(NumberText.plain(max)).")
        case let (min?, nil):
            t(
                "Indiquez un nombre d'au moins \(NumberText.plain(min)).",
                "Enter a number of at least \(NumberText.plain(min)).")
        case let (nil, max?):
            t(
                "Indiquez un nombre d'au plus \(NumberText.plain(max)).",
                "Enter a number of at most \(NumberText.plain(max)).")
        default: t("Indiquez un nombre.", "Enter a number.")
        }
    }
}
