import Core
import Foundation

/// Where a submission stands. Drafts belong to their authors; the rest is the review.
public enum ExperienceStatus: String, Sendable, CaseIterable, Codable {
    case draft
    case submitted
    case underReview = "under_review"
    case moreInfo = "more_info"
    case remarkable
    case notSelected = "not_selected"
    case published

    public var label: Text {
        switch self {
        case .draft: Text("Brouillon", "Draft")
        case .submitted: Text("Envoyée", "Submitted")
        case .underReview: Text("En cours d'évaluation", "Under review")
        case .moreInfo: Text("Précisions demandées", "More information needed")
        case .remarkable: Text("Retenue comme remarquable", "Selected as remarkable")
        case .notSelected: Text("Non retenue", "Not selected")
        case .published: Text("Publiée au catalogue", "Published in the catalogue")
        }
    }

    /// Where the organisers may move a submission from here (drafts are sent by their authors,
    /// and an answer to a request for information puts it back under review by itself).
    public var next: [ExperienceStatus] {
        switch self {
        case .draft: []
        case .submitted: [.underReview, .moreInfo]
        case .underReview: [.moreInfo, .remarkable, .notSelected]
        case .moreInfo: [.underReview]
        case .remarkable, .notSelected: [.underReview, .published]
        case .published: []
        }
    }

    /// Reviewers may score it.
    public var isOpenToReview: Bool { [.submitted, .underReview, .moreInfo].contains(self) }
    /// Its authors may still change the text.
    public var authorsMayEdit: Bool { self == .draft || self == .moreInfo }

    public static func transition(from: ExperienceStatus, to: ExperienceStatus) -> Bool { from.next.contains(to) }

    /// What a move does to the "remarkable" mark: publishing keeps what the selection said,
    /// selecting as remarkable sets it, not selecting clears it; other moves leave it (nil).
    public static func marksRemarkable(from: ExperienceStatus, to: ExperienceStatus) -> Bool? {
        switch to {
        case .published: from == .remarkable
        case .remarkable: true
        case .notSelected: false
        default: nil
        }
    }
}

/// The window of a call: open from the first day (00:00) to the last day (23:59:59) inclusive,
/// both in Europe/Paris whatever the server's time zone.
public struct CallWindow: Sendable, Equatable {
    public let opensOn: Day
    public let closesOn: Day

    public init(opensOn: Day, closesOn: Day) { self.opensOn = opensOn; self.closesOn = closesOn }

    public enum State: Equatable, Sendable { case notYetOpen, open(daysLeft: Int), closed }

    public func state(at now: Date) -> State {
        let today = Day(now)
        if today < opensOn { return .notYetOpen }
        if today > closesOn { return .closed }
        return .open(daysLeft: today.days(to: closesOn))
    }

    public func isOpen(at now: Date) -> Bool {
        if case .open = state(at: now) { return true }
        return false
    }

    /// "Plus que 3 jours", "Dernier jour", "Clos depuis le 31 mai 2019"…
    public func sentence(at now: Date, lang: Lang) -> String {
        switch state(at: now) {
        case .notYetOpen:
            return Text("Ouvre le \(opensOn.text(.fr))", "Opens on \(opensOn.text(.en))").in(lang)
        case .open(let days) where days == 0:
            return Text(
                "Dernier jour pour participer : jusqu'à ce soir minuit (heure de Paris)",
                "Last day to take part: until midnight tonight (Paris time)"
            ).in(lang)
        case .open(let days):
            return Text(
                "Encore \(days) jour\(days > 1 ? "s" : "") pour participer, jusqu'au \(closesOn.text(.fr)) inclus",
                "\(days) day\(days > 1 ? "s" : "") left to take part, until \(closesOn.text(.en)) included"
            ).in(lang)
        case .closed:
            return Text("Appel clos depuis le \(closesOn.text(.fr))", "Call closed on \(closesOn.text(.en))").in(lang)
        }
    }
}

/// A calendar day in Europe/Paris, stored as "YYYY-MM-DD".
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    static let paris: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar
    }()

    public init(_ date: Date) {
        let parts = Self.paris.dateComponents([.year, .month, .day], from: date)
        year = parts.year!; month = parts.month!; day = parts.day!
    }

    /// "2019-05-31" (a real date, years 2000 to 2100), else nil.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]),
            let d = Int(parts[2]),
            (2000...2100).contains(y), (1...12).contains(m), (1...31).contains(d),
            let date = Self.paris.date(from: DateComponents(year: y, month: m, day: d)),
            Self.paris.component(.day, from: date) == d
        else { return nil }
        year = y; month = m; day = d
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }
    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// Midnight at the start of the day, in Paris.
    public var start: Date { Self.paris.date(from: DateComponents(year: year, month: month, day: day))! }

    public func days(to other: Day) -> Int { Self.paris.dateComponents([.day], from: start, to: other.start).day ?? 0 }

    public func text(_ lang: Lang) -> String { DateText.day(start.addingTimeInterval(12 * 3600), lang: lang) }
}

/// Who may answer a call.
public enum CallAudience: String, Sendable, CaseIterable, Codable {
    case anyone = "tous"
    case members = "membres"

    public var label: Text {
        switch self {
        case .anyone: Text("Toute personne ayant un compte", "Anyone with an account")
        case .members: Text("Les membres du territoire seulement", "Members of the territory only")
        }
    }
}

/// The checked values of the submission form. A draft needs only a title; sending needs all.
public struct ExperienceInput: Sendable, Equatable {
    public var title = ""
    public var summary = ""
    public var context: ExperienceContext?
    public var level: EngagementLevel?
    public var participants: [Participant] = []
    public var participantCount: Int?
    public var objectives = ""
    public var actions = ""
    public var results = ""
    public var evaluation = ""
    public var lessons = ""
    public var region: Region?
    public var place = ""
    public var startYear: Int?
    public var endYear: Int?
    public var themes: [ExperienceTheme] = []
    public var populations: [Population] = []
    public var contactName = ""
    public var contactEmail = ""
    public var contactPublic = false

    public static let titleMax = 150
    public static let summaryMax = 1000
    public static let textMax = 6000

    public init() {}

    /// The long text fields, with their labels and what a missing one is told.
    public static let texts: [(key: String, label: Text, missing: Text)] = [
        (
            "objectives", Text("Objectifs", "Objectives"),
            Text("Dites quels étaient les objectifs.", "Say what the objectives were.")
        ),
        (
            "actions", Text("Ce qui a été fait", "What was done"),
            Text("Décrivez ce qui a été fait.", "Describe what was done.")
        ),
        (
            "results", Text("Résultats", "Results"),
            Text("Dites quels ont été les résultats.", "Say what the results were.")
        ),
        (
            "evaluation", Text("Comment les résultats ont été évalués", "How the results were evaluated"),
            Text(
                "Dites comment les résultats ont été évalués (même simplement).",
                "Say how the results were evaluated (even simply).")
        ),
        (
            "lessons", Text("Difficultés et enseignements", "Difficulties and lessons"),
            Text(
                "Dites quelles difficultés vous avez rencontrées et ce que vous en retenez.",
                "Say which difficulties you met and what you learned.")
        ),
    ]

    public static func validate(
        fields: [String: String], multi: [String: [String]], sending: Bool, currentYear: Int, lang: Lang
    )
        -> Result<ExperienceInput, FormErrorsBox>
    {
        var errors = FormErrors()
        var input = ExperienceInput()
        func text(_ key: String) -> String { (fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func needed(_ key: String, _ value: String, max: Int, missing: Text) {
            if value.count > max {
                errors.add(key, Text("\(max) caractères au plus.", "\(max) characters at most.").in(lang))
            } else if sending, value.isEmpty {
                errors.add(key, missing.in(lang))
            }
        }
        input.title = TextRule.required(
            fields, "title", maxLength: titleMax, errors: &errors, lang: lang,
            missing: Text("Donnez un titre à votre expérience.", "Give your experience a title."))
        input.summary = text("summary")
        needed(
            "summary", input.summary, max: summaryMax,
            missing: Text("Résumez l'expérience en quelques lignes.", "Summarise the experience in a few lines."))
        func choice<T: RawRepresentable>(_ key: String, _ type: T.Type, missing: Text) -> T?
        where T.RawValue == String {
            let raw = text(key)
            if raw.isEmpty {
                if sending { errors.add(key, missing.in(lang)) }
                return nil
            }
            guard let value = T(rawValue: raw) else {
                errors.add(key, Text("Choisissez dans la liste.", "Choose from the list.").in(lang))
                return nil
            }
            return value
        }
        input.context = choice(
            "context", ExperienceContext.self,
            missing: Text("Choisissez le contexte de l'expérience.", "Choose the context of the experience."))
        input.level = choice(
            "level", EngagementLevel.self,
            missing: Text("Choisissez le niveau d'engagement.", "Choose the level of engagement."))
        func many<T: RawRepresentable>(_ key: String, _ type: T.Type) -> [T] where T.RawValue == String {
            let raw = (multi[key] ?? []).filter { !$0.isEmpty }
            let values = raw.compactMap(T.init(rawValue:))
            if values.count != raw.count {
                errors.add(key, Text("Choisissez dans la liste.", "Choose from the list.").in(lang))
            }
            return values
        }
        input.participants = many("participants", Participant.self)
        if sending, errors["participants"] == nil, input.participants.isEmpty {
            errors.add(
                "participants",
                Text("Dites qui a pris part à l'expérience.", "Say who took part in the experience.").in(lang))
        }
        let count = text("participant_count")
        if !count.isEmpty {
            if let n = Int(count.filter { !$0.isWhitespace && $0 != "\u{202F}" && $0 != "\u{A0}" }),
                (1...10_000_000).contains(n)
            {
                input.participantCount = n
            } else {
                errors.add(
                    "participant_count",
                    Text("Écrivez un nombre de personnes, par exemple 40.", "Write a number of people, for example 40.")
                        .in(lang))
            }
        }
        for item in texts {
            let value = text(item.key)
            needed(item.key, value, max: textMax, missing: item.missing)
            switch item.key {
            case "objectives": input.objectives = value
            case "actions": input.actions = value
            case "results": input.results = value
            case "evaluation": input.evaluation = value
            default: input.lessons = value
            }
        }
        input.region = choice("region", Region.self, missing: Text("Choisissez la région.", "Choose the region."))
        input.place = text("place")
        if input.place.count > 120 {
            errors.add("place", Text("120 caractères au plus.", "120 characters at most.").in(lang))
        }
        func year(_ key: String, required: Bool) -> Int? {
            let raw = text(key)
            if raw.isEmpty {
                if required, sending {
                    errors.add(
                        key,
                        Text(
                            "Indiquez l'année de début, par exemple 2018.", "Give the starting year, for example 2018."
                        ).in(lang))
                }
                return nil
            }
            guard let value = Int(raw), (1950...currentYear).contains(value) else {
                errors.add(
                    key,
                    Text(
                        "Écrivez une année entre 1950 et \(currentYear).",
                        "Write a year between 1950 and \(currentYear)."
                    ).in(lang))
                return nil
            }
            return value
        }
        input.startYear = year("start_year", required: true)
        input.endYear = year("end_year", required: false)
        if let start = input.startYear, let end = input.endYear, end < start {
            errors.add(
                "end_year",
                Text(
                    "L'année de fin ne peut pas précéder l'année de début.",
                    "The end year cannot come before the start year."
                ).in(lang))
        }
        input.themes = many("themes", ExperienceTheme.self)
        if sending, errors["themes"] == nil, input.themes.isEmpty {
            errors.add("themes", Text("Choisissez au moins un thème.", "Choose at least one theme.").in(lang))
        }
        input.populations = many("populations", Population.self)
        input.contactName = text("contact_name")
        needed(
            "contact_name", input.contactName, max: 120,
            missing: Text("Indiquez une personne à contacter.", "Give a contact person."))
        input.contactEmail = EmailAddress.normalize(fields["contact_email"] ?? "")
        if !input.contactEmail.isEmpty, !EmailAddress.isValid(input.contactEmail) {
            errors.add(
                "contact_email",
                Text(
                    "Écrivez une adresse e-mail complète, par exemple nom@exemple.fr.",
                    "Write a full e-mail address, e.g. name@example.org."
                ).in(lang))
        } else if sending, input.contactEmail.isEmpty {
            errors.add(
                "contact_email",
                Text("Indiquez l'adresse e-mail du contact.", "Give the contact's e-mail address.").in(lang))
        }
        input.contactPublic = fields["contact_public"] == "on"
        guard errors.isEmpty else { return .failure(FormErrorsBox(errors)) }
        return .success(input)
    }
}

/// A message to the authors (a request for information) or their answer.
public enum MessageRule {
    public static func validate(_ raw: String?, lang: Lang, missing: Text) -> Result<String, FormErrorsBox> {
        var errors = FormErrors()
        let text = TextRule.required(
            ["message": raw ?? ""], "message", maxLength: 4000, errors: &errors, lang: lang, missing: missing)
        return errors.isEmpty ? .success(text) : .failure(FormErrorsBox(errors))
    }
}

/// A URL segment from a title: "Café des aidants à Vitré" → "cafe-des-aidants-a-vitre".
public enum Slug {
    public static func of(_ title: String) -> String {
        let folded = title.folding(
            options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR")
        ).lowercased()
        var out = ""
        var dash = false
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                out.unicodeScalars.append(scalar); dash = false
            } else if !dash, !out.isEmpty {
                out += "-"; dash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return String(out.prefix(60)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    /// The id at the start of "12-cafe-des-aidants" (the words may change, the id does not).
    public static func id(_ segment: String?) -> Int? {
        guard let segment else { return nil }
        let digits = segment.prefix { $0.isASCII && $0.isNumber }
        guard segment.count == digits.count || segment.dropFirst(digits.count).first == "-" else { return nil }
        return PathID.parse(digits)
    }
}
