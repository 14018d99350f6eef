import Core
import Foundation

/// The checked values of the forms of the committees room. Each `validate` reports every problem
/// by field, in French or English, and returns nothing to save unless all is right.
public struct CommitteeInput: Sendable, Equatable {
    public var name: String
    public var purpose: String
    public var themes: [Theme]
    public var communes: [String]
    public var quorumPercent: Int
    public var rule: DecisionRule
    public var voteWithoutQuorum: Bool
    public var minimumSharePercent: Int

    public static func validate(
        fields: [String: String], multi: [String: [String]], allowedCommunes: Set<String>,
        themes themeList: ThemeList = .builtin, lang: Lang
    )
        -> Result<CommitteeInput, FormErrorsBox>
    {
        var errors = FormErrors()
        let name = TextRule.required(
            fields, "name", maxLength: 120, errors: &errors, lang: lang,
            missing: Text("Donnez un nom à l'instance.", "Give the committee a name."))
        let purpose = TextRule.required(
            fields, "purpose", maxLength: 3000, errors: &errors, lang: lang,
            missing: Text(
                "Dites en quelques phrases à quoi sert l'instance.", "Say in a few sentences what the committee is for."
            ))
        let rawThemes = multi["themes"] ?? []
        let themes = rawThemes.compactMap(themeList.find)
        if themes.count != rawThemes.count {
            errors.add("themes", Text("Choisissez les thèmes dans la liste.", "Choose themes from the list.").in(lang))
        }
        let communes = Array(Set((multi["communes"] ?? []).filter { !$0.isEmpty })).sorted()
        if communes.contains(where: { !allowedCommunes.contains($0) }) {
            errors.add(
                "communes",
                Text("Choisissez les communes dans la liste.", "Choose municipalities from the list.").in(lang))
        }
        let quorum = Int((fields["quorum"] ?? "").trimmingCharacters(in: .whitespaces))
        if quorum == nil || !(1...100).contains(quorum!) {
            errors.add(
                "quorum",
                Text("Indiquez un pourcentage entre 1 et 100.", "Enter a percentage between 1 and 100.").in(lang))
        }
        let rule = DecisionRule(rawValue: fields["rule"] ?? "")
        if rule == nil {
            errors.add("rule", Text("Choisissez une règle de décision.", "Choose a decision rule.").in(lang))
        }
        let share = Int((fields["min_share"] ?? "").trimmingCharacters(in: .whitespaces))
        if share == nil || !(0...33).contains(share!) {
            errors.add(
                "min_share",
                Text("Indiquez un pourcentage entre 0 et 33.", "Enter a percentage between 0 and 33.").in(lang))
        }
        guard errors.isEmpty, let quorum, let rule, let share else { return .failure(FormErrorsBox(errors)) }
        return .success(
            CommitteeInput(
                name: name, purpose: purpose, themes: themes, communes: communes, quorumPercent: quorum, rule: rule,
                voteWithoutQuorum: fields["vote_without_quorum"] == "oui", minimumSharePercent: share))
    }
}

/// A seat given to a person: college, function and mandate.
public struct MemberInput: Sendable, Equatable {
    public var email: String
    public var college: College
    public var function: MemberFunction
    public var start: String
    public var end: String
    public var substituteOf: Int?
    public var named: Bool

    public static func validate(fields: [String: String], lang: Lang) -> Result<MemberInput, FormErrorsBox> {
        var errors = FormErrors()
        let email = TextRule.required(
            fields, "email", maxLength: 254, errors: &errors, lang: lang,
            missing: Text(
                "Indiquez l'adresse e-mail du compte de la personne.",
                "Enter the e-mail address of the person's account.")
        ).lowercased()
        var terms = MandateTerms.validate(fields: fields, errors: &errors, lang: lang)
        let college = College(rawValue: fields["college"] ?? "")
        if college == nil { errors.add("college", Text("Choisissez un collège.", "Choose a college.").in(lang)) }
        let function = MemberFunction(rawValue: fields["function"] ?? "")
        if function == nil { errors.add("function", Text("Choisissez une fonction.", "Choose a function.").in(lang)) }
        var substitute: Int?
        if let raw = fields["substitute_of"], !raw.isEmpty {
            substitute = Int(raw)
            if substitute == nil {
                errors.add(
                    "substitute_of",
                    Text("Choisissez le ou la titulaire dans la liste.", "Choose the titular member from the list.").in(
                        lang))
            }
        }
        guard errors.isEmpty, let college, let function, let mandate = terms.take() else {
            return .failure(FormErrorsBox(errors))
        }
        // Only users may choose not to be named in public.
        let named = college != .users || fields["named"] == "oui"
        return .success(
            MemberInput(
                email: email, college: college, function: function, start: mandate.start, end: mandate.end,
                substituteOf: substitute, named: named))
    }
}

/// A mandate's first and last days: both real days, the end after the start, six years at most.
public struct MandateTerms: Sendable, Equatable {
    public var start: String
    public var end: String
    private var valid: Bool

    mutating func take() -> (start: String, end: String)? { valid ? (start, end) : nil }

    public static func validate(fields: [String: String], errors: inout FormErrors, lang: Lang) -> MandateTerms {
        let start = TextRule.optionalDay(fields, "mandate_start", errors: &errors, lang: lang)
        let end = TextRule.optionalDay(fields, "mandate_end", errors: &errors, lang: lang)
        if start == nil, errors["mandate_start"] == nil {
            errors.add(
                "mandate_start",
                Text("Indiquez le premier jour du mandat.", "Enter the first day of the mandate.").in(lang))
        }
        if end == nil, errors["mandate_end"] == nil {
            errors.add(
                "mandate_end",
                Text("Indiquez le dernier jour du mandat.", "Enter the last day of the mandate.").in(lang))
        }
        guard let start, let end else { return MandateTerms(start: "", end: "", valid: false) }
        if end <= start {
            errors.add(
                "mandate_end",
                Text("Le mandat doit finir après son début.", "The mandate must end after it starts.").in(lang))
            return MandateTerms(start: start, end: end, valid: false)
        }
        if let limit = Day.adding(6 * 366, to: start), end > limit {
            errors.add(
                "mandate_end", Text("Un mandat dure six ans au plus.", "A mandate lasts six years at most.").in(lang))
            return MandateTerms(start: start, end: end, valid: false)
        }
        return MandateTerms(start: start, end: end, valid: true)
    }
}

/// A call for candidates: who may apply (one college), until when, for how many seats.
public struct CallInput: Sendable, Equatable {
    public var title: String
    public var body: String
    public var college: College
    public var closesOn: String
    public var seats: Int

    public static func validate(fields: [String: String], today: String, lang: Lang) -> Result<CallInput, FormErrorsBox>
    {
        var errors = FormErrors()
        let title = TextRule.required(
            fields, "title", maxLength: 160, errors: &errors, lang: lang,
            missing: Text("Donnez un titre à l'appel.", "Give the call a title."))
        let body = TextRule.required(
            fields, "body", maxLength: 3000, errors: &errors, lang: lang,
            missing: Text(
                "Expliquez qui peut candidater et ce qu'on attend des membres.",
                "Explain who may apply and what members do."))
        let college = College(rawValue: fields["call_college"] ?? "")
        if college == nil {
            errors.add("call_college", Text("Choisissez le collège concerné.", "Choose the college.").in(lang))
        }
        let closes = TextRule.optionalDay(fields, "closes_on", errors: &errors, lang: lang)
        if closes == nil, errors["closes_on"] == nil {
            errors.add(
                "closes_on", Text("Indiquez la date limite des candidatures.", "Enter the closing date.").in(lang))
        } else if let closes, closes < today {
            errors.add(
                "closes_on", Text("La date limite est déjà passée.", "The closing date has already passed.").in(lang))
        }
        let seats = Int((fields["seats"] ?? "").trimmingCharacters(in: .whitespaces))
        if seats == nil || !(1...30).contains(seats!) {
            errors.add(
                "seats",
                Text("Indiquez un nombre de sièges entre 1 et 30.", "Enter a number of seats between 1 and 30.").in(
                    lang))
        }
        guard errors.isEmpty, let college, let closes, let seats else { return .failure(FormErrorsBox(errors)) }
        return .success(CallInput(title: title, body: body, college: college, closesOn: closes, seats: seats))
    }
}

/// A meeting: a day, start and end times (Europe/Paris), a place or a link (or both), and an
/// agenda of one item per line.
public struct MeetingInput: Sendable, Equatable {
    public var startsAt: Date
    public var endsAt: Date
    public var place: String?
    public var link: String?
    public var agenda: [String]

    public static func validate(
        fields: [String: String], now: Date = Date(), lang: Lang
    ) -> Result<MeetingInput, FormErrorsBox> {
        var errors = FormErrors()
        let day = TextRule.optionalDay(fields, "day", errors: &errors, lang: lang)
        if day == nil, errors["day"] == nil {
            errors.add("day", Text("Indiquez le jour de la séance.", "Enter the day of the meeting.").in(lang))
        }
        let start = ClockTime.parse(fields["start"] ?? "")
        if start == nil {
            errors.add(
                "start",
                Text("Indiquez l'heure de début, par exemple 18:30.", "Enter the start time, e.g. 18:30.").in(lang))
        }
        let end = ClockTime.parse(fields["end"] ?? "")
        if end == nil {
            errors.add(
                "end", Text("Indiquez l'heure de fin, par exemple 20:00.", "Enter the end time, e.g. 20:00.").in(lang))
        }
        let place = TextRule.optional(fields, "place", maxLength: 300, errors: &errors, lang: lang)
        let link = TextRule.optional(fields, "link", maxLength: 500, errors: &errors, lang: lang)
        if let link, !(link.hasPrefix("https://") && link.count > 10 && !link.contains(" ")) {
            errors.add(
                "link",
                Text("Indiquez un lien qui commence par https://", "Enter a link starting with https://").in(lang))
        }
        if place == nil, link == nil, errors["place"] == nil, errors["link"] == nil {
            errors.add(
                "place",
                Text(
                    "Indiquez un lieu ou un lien de visioconférence (ou les deux).",
                    "Enter a place or a video link (or both)."
                ).in(lang))
        }
        let agenda = (fields["agenda"] ?? "").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if agenda.isEmpty {
            errors.add(
                "agenda",
                Text("Écrivez l'ordre du jour : un point par ligne.", "Write the agenda: one item per line.").in(lang))
        } else if agenda.count > 30 || agenda.contains(where: { $0.count > 300 }) {
            errors.add(
                "agenda",
                Text(
                    "30 points au plus, de 300 caractères chacun au plus.",
                    "30 items at most, 300 characters each at most."
                ).in(lang))
        }
        guard errors.isEmpty, let day, let start, let end,
            let startsAt = ClockTime.date(day: day, time: start), let endsAt = ClockTime.date(day: day, time: end)
        else { return .failure(FormErrorsBox(errors)) }
        if endsAt <= startsAt {
            errors.add(
                "end", Text("La séance doit finir après son début.", "The meeting must end after it starts.").in(lang))
        }
        if startsAt < now.addingTimeInterval(-86_400 * 366) {
            errors.add("day", Text("Cette date est trop ancienne.", "This date is too far in the past.").in(lang))
        }
        guard errors.isEmpty else { return .failure(FormErrorsBox(errors)) }
        return .success(MeetingInput(startsAt: startsAt, endsAt: endsAt, place: place, link: link, agenda: agenda))
    }
}

/// "18:30" (or "18h30", "18 h") read as minutes after midnight, and a day and time in
/// Europe/Paris turned into an instant (summer and winter time handled by the calendar).
public enum ClockTime {
    public static func parse(_ text: String) -> Int? {
        let cleaned = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "")
        let parts = cleaned.split(separator: cleaned.contains(":") ? ":" : "h", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let hours = Int(parts[0]), (0...23).contains(hours) else { return nil }
        let minutes = parts.count == 2 ? (parts[1].isEmpty ? 0 : Int(parts[1])) : 0
        guard let minutes, (0...59).contains(minutes), parts.count == 2 || !cleaned.contains(":") else { return nil }
        return hours * 60 + minutes
    }

    public static func date(day: String, time minutes: Int) -> Date? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar.date(
            from: DateComponents(
                year: parts[0], month: parts[1], day: parts[2], hour: minutes / 60, minute: minutes % 60))
    }

    /// "18 h 30" in Europe/Paris.
    public static func text(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%d h %02d", parts.hour!, parts.minute!)
    }
}
