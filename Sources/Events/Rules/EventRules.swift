import Core
import Foundation

public enum EventKind: String, Sendable, CaseIterable, Codable {
    case forum
    case workshop = "atelier"
    case publicMeeting = "reunion-publique"
    case training = "formation"

    public var label: Text {
        switch self {
        case .forum: Text("Forum", "Forum")
        case .workshop: Text("Atelier participatif", "Participatory workshop")
        case .publicMeeting: Text("Réunion publique", "Public meeting")
        case .training: Text("Session de formation", "Training session")
        }
    }
}

/// Draft, published, cancelled are stored; "past" is read from the end time.
public enum EventStatus: String, Sendable, CaseIterable, Codable {
    case draft, published, cancelled

    public var label: Text {
        switch self {
        case .draft: Text("Brouillon", "Draft")
        case .published: Text("Publié", "Published")
        case .cancelled: Text("Annulé", "Cancelled")
        }
    }
}

/// Where a registration stands: a seat, or a place on the waiting list (in the order of ids).
public enum RegistrationStatus: String, Sendable, CaseIterable, Codable {
    case registered
    case waiting

    public var label: Text {
        switch self {
        case .registered: Text("Inscrit·e", "Registered")
        case .waiting: Text("Sur la liste d'attente", "On the waiting list")
        }
    }
}

/// What a place offers to people with a disability or without transport; stored as a bit mask.
public enum AccessFeature: String, Sendable, CaseIterable, StoredBits {
    case stepFree = "plain-pied"
    case hearingLoop = "boucle-magnetique"
    case signLanguage = "lsf"
    case easyRead = "falc"
    case transport = "transport"

    /// Stored in `events.access_mask`: never change a position.
    public var bitPosition: Int {
        switch self {
        case .stepFree: 0
        case .hearingLoop: 1
        case .signLanguage: 2
        case .easyRead: 3
        case .transport: 4
        }
    }
    public var label: Text {
        switch self {
        case .stepFree: Text("Accès de plain-pied (fauteuil roulant)", "Step-free access (wheelchair)")
        case .hearingLoop: Text("Boucle magnétique", "Hearing loop")
        case .signLanguage: Text("Interprète en langue des signes (LSF)", "Sign-language interpreter")
        case .easyRead: Text("Documents faciles à lire et à comprendre (FALC)", "Easy-to-read material")
        case .transport: Text("Aide au transport", "Transport help")
        }
    }
}

/// Who may organise: coordinators and administrators every event of their territory; patient
/// partners the workshops they created.
public enum EventsPolicy {
    public static let staff: Set<Role> = [.coordinator, .admin]
    public static let creators: Set<Role> = [.coordinator, .admin, .patientPartner]
    /// People who register someone else (a person without e-mail, by phone).
    public static let registerOthers: Set<Role> = [.coordinator, .admin, .patientPartner]

    public static func manages(rolesHere: Set<Role>, viewerID: Int?, createdBy: Int?, kind: EventKind) -> Bool {
        if !rolesHere.isDisjoint(with: staff) { return true }
        return rolesHere.contains(.patientPartner) && kind == .workshop && viewerID != nil && viewerID == createdBy
    }

    /// What a person does with an event (or in the agenda, for `create`).
    public enum Action: Sendable, CaseIterable {
        /// Open a new event (the kinds offered depend on the roles: `kinds(rolesHere:)`).
        case create
        /// Edit it, publish or cancel it, see and check in its registrants, run its live session.
        case manage
        /// Register oneself.
        case register
        /// Register someone else (an assisted person, someone by phone).
        case registerOthers
    }

    /// The one rule of who may do what with an event: the roles the person holds in the
    /// event's territory, who they are, and the event (nil for `create`). Used by the use cases
    /// and by the pages to show or hide a button.
    public static func allows(_ actor: Actor, _ action: Action, on event: EventRecord?) -> Bool {
        switch action {
        case .create: return !actor.roles.isDisjoint(with: creators)
        case .manage:
            guard let event else { return false }
            return manages(
                rolesHere: actor.roles, viewerID: actor.personID, createdBy: event.created_by_id, kind: event.kind)
        case .register: return actor.isSignedIn
        case .registerOthers: return actor.isSignedIn && mayRegisterOthers(actor.roles)
        }
    }

    public static func manages(_ event: EventRecord, actor: Actor) -> Bool { allows(actor, .manage, on: event) }
    public static func mayRegisterOthers(_ roles: Set<Role>) -> Bool { !roles.isDisjoint(with: registerOthers) }

    /// The kinds a person may create.
    public static func kinds(rolesHere: Set<Role>) -> [EventKind] {
        rolesHere.isDisjoint(with: staff) ? [.workshop] : EventKind.allCases
    }
}

/// A validated event form.
public struct EventInput: Sendable, Equatable {
    public var kind: EventKind
    public var title: String
    public var description: String
    public var themes: [Theme]
    public var start: Date
    public var end: Date
    public var communeCode: String?
    public var address: String?
    public var room: String?
    public var onlineURL: String?
    public var access: [AccessFeature]
    public var capacity: Int
    public var opensOn: String?
    public var closesOn: String?
    public var organisers: String

    public init(
        kind: EventKind, title: String, description: String, themes: [Theme], start: Date, end: Date,
        communeCode: String?, address: String?,
        room: String?, onlineURL: String?, access: [AccessFeature], capacity: Int, opensOn: String?, closesOn: String?,
        organisers: String
    ) {
        self.kind = kind; self.title = title; self.description = description; self.themes = themes; self.start = start;
        self.end = end
        self.communeCode = communeCode; self.address = address; self.room = room; self.onlineURL = onlineURL;
        self.access = access
        self.capacity = capacity; self.opensOn = opensOn; self.closesOn = closesOn; self.organisers = organisers
    }

    /// Reads and checks the form: every message in plain French next to its field. `registered` is
    /// the number already registered (a capacity may not drop below it); `existingStart` lets an
    /// event that already started keep its date when other fields change.
    public static func parse(
        _ f: [String: String], lists: [String: [String]], communes: Set<String>, allowedKinds: [EventKind],
        themes themeList: ThemeList = .builtin, registered: Int = 0, now: Date, lang: Lang, existingStart: Date? = nil
    ) -> Result<EventInput, FormErrorsBox> {
        var errors = FormErrors()
        let kindValue = EventKind(rawValue: f["kind"] ?? "")
        if kindValue == nil {
            errors.add("kind", Text("Choisissez le type de rencontre.", "Choose the kind of event.").in(lang))
        } else if let kindValue, !allowedKinds.contains(kindValue) {
            errors.add(
                "kind",
                Text(
                    "Vous pouvez créer des ateliers participatifs seulement.",
                    "You may create participatory workshops only."
                ).in(lang))
        }
        let title = TextRule.required(
            f, "title", maxLength: 150, errors: &errors, lang: lang,
            missing: Text("Donnez un titre à la rencontre.", "Give the event a title."))
        let description = TextRule.required(
            f, "description", maxLength: 6000, errors: &errors, lang: lang,
            missing: Text(
                "Dites en quelques phrases simples de quoi on parlera.",
                "Say in a few plain sentences what it is about."))
        let themes = (lists["themes"] ?? []).compactMap(themeList.find)

        let day = (f["day"] ?? "").trimmingCharacters(in: .whitespaces)
        let startText = (f["start_time"] ?? "").trimmingCharacters(in: .whitespaces)
        let endText = (f["end_time"] ?? "").trimmingCharacters(in: .whitespaces)
        var start: Date?, end: Date?
        if !TextRule.isDay(day) {
            errors.add(
                "day", Text("Indiquez le jour, par exemple 2027-03-31.", "Enter the day, e.g. 2027-03-31.").in(lang))
        }
        func time(_ key: String, _ text: String, missing: Text) -> Date? {
            guard TextRule.isDay(day) else { return nil }
            guard let local = LocalDateTime(day: day, time: text) else { errors.add(key, missing.in(lang)); return nil }
            switch ParisTime.utc(local) {
            case .success(let date): return date
            case .failure:
                errors.add(
                    key,
                    Text(
                        "Cette heure n'existe pas ce jour-là : on passe de 2 h à 3 h (heure d'été).",
                        "This time does not exist that day: clocks go from 2:00 to 3:00 (summer time)."
                    ).in(lang))
                return nil
            }
        }
        start = time(
            "start_time", startText,
            missing: Text("Indiquez l'heure de début, par exemple 14:00.", "Enter the start time, e.g. 14:00."))
        end = time(
            "end_time", endText,
            missing: Text("Indiquez l'heure de fin, par exemple 16:30.", "Enter the end time, e.g. 16:30."))
        if let s = start, s < now, existingStart.map({ abs($0.timeIntervalSince(s)) > 59 }) ?? true {
            errors.add(
                "day",
                Text("Cette date est passée : choisissez un jour à venir.", "This date is past: choose a day to come.")
                    .in(lang))
        }
        if let s = start, let e = end, e <= s {
            errors.add(
                "end_time", Text("La fin doit venir après le début.", "The end must come after the start.").in(lang))
        }

        let commune = (f["commune"] ?? "").trimmingCharacters(in: .whitespaces)
        if !commune.isEmpty, !communes.contains(commune) {
            errors.add(
                "commune",
                Text("Choisissez une commune du territoire.", "Choose a municipality of the territory.").in(lang))
        }
        let address = TextRule.optional(f, "address", maxLength: 200, errors: &errors, lang: lang)
        let room = TextRule.optional(f, "room", maxLength: 120, errors: &errors, lang: lang)
        let online = TextRule.optional(f, "online_url", maxLength: 300, errors: &errors, lang: lang)
        if let online, !(online.hasPrefix("https://") || online.hasPrefix("http://")) || online.contains(" ") {
            errors.add(
                "online_url",
                Text("Le lien en ligne commence par https://", "The online link starts with https://").in(lang))
        }
        if commune.isEmpty, online == nil {
            errors.add(
                "commune",
                Text(
                    "Indiquez un lieu (commune et adresse), un lien en ligne, ou les deux.",
                    "Give a place (municipality and address), an online link, or both."
                ).in(lang))
        } else if !commune.isEmpty, address == nil {
            errors.add("address", Text("Indiquez l'adresse du lieu.", "Enter the address of the place.").in(lang))
        }
        let access = (lists["access"] ?? []).compactMap(AccessFeature.init(rawValue:))

        let capacityText = (f["capacity"] ?? "").trimmingCharacters(in: .whitespaces)
        let capacity = Int(capacityText) ?? -1
        if capacity < 1 || capacity > 5000 {
            errors.add(
                "capacity",
                Text("Indiquez un nombre de places entre 1 et 5 000.", "Enter a number of seats between 1 and 5,000.")
                    .in(lang))
        } else if capacity < registered {
            errors.add("capacity", capacityBelow(registered).in(lang))
        }
        let opens = TextRule.optionalDay(f, "opens_on", errors: &errors, lang: lang)
        let closes = TextRule.optionalDay(f, "closes_on", errors: &errors, lang: lang)
        if let opens, let closes, closes < opens {
            errors.add(
                "closes_on",
                Text(
                    "La clôture des inscriptions doit venir après leur ouverture.",
                    "Registration must close after it opens."
                ).in(lang))
        }
        if let closes, TextRule.isDay(day), closes > day {
            errors.add(
                "closes_on",
                Text(
                    "Les inscriptions doivent fermer au plus tard le jour de la rencontre.",
                    "Registration must close on the day of the event at the latest."
                ).in(lang))
        }
        let organisers = TextRule.optional(f, "organisers", maxLength: 300, errors: &errors, lang: lang) ?? ""

        guard errors.isEmpty, let kindValue, let start, let end else { return .failure(FormErrorsBox(errors)) }
        return .success(
            EventInput(
                kind: kindValue, title: title, description: description, themes: themes, start: start, end: end,
                communeCode: commune.isEmpty ? nil : commune, address: address, room: room, onlineURL: online,
                access: access, capacity: capacity, opensOn: opens, closesOn: closes, organisers: organisers))
    }
}

extension EventInput {
    /// The refusal of a capacity below the number already registered.
    public static func capacityBelow(_ registered: Int) -> Text {
        Text(
            "\(registered) personnes sont déjà inscrites : la capacité ne peut pas descendre en dessous.",
            "\(registered) people are already registered: the capacity cannot go below that.")
    }
}

/// When registration is open: from the opening day at 00:00 (Paris) until the end of the closing
/// day, and never once the event has started.
public enum RegistrationWindow {
    public enum State: Equatable, Sendable { case notYet, open, closed }

    public static func state(opensOn: String?, closesOn: String?, start: Date, now: Date) -> State {
        if now >= start { return .closed }
        if let opensOn, let day = LocalDateTime(day: opensOn, time: "00:00"),
            now < ParisTime.startOfDay(year: day.year, month: day.month, day: day.day)
        {
            return .notYet
        }
        if let closesOn, let day = LocalDateTime(day: closesOn, time: "00:00") {
            let next = ParisTime.daysFromCivil(day.year, day.month, day.day) + 1
            let c = ParisTime.civil(fromDays: next)
            if now >= ParisTime.startOfDay(year: c.year, month: c.month, day: c.day) { return .closed }
        }
        return .open
    }
}

/// What happens to a request to register, given the seats. The database applies the same rule in
/// one conditional statement (see `EventStore.register`); this pure function states it for the
/// pages and the tests.
public enum Seats {
    public enum Refusal: Equatable, Sendable {
        case notPublished, closed, notYetOpen, alreadyRegistered

        public var message: Text {
            switch self {
            case .notPublished:
                Text("Cette rencontre n'est pas ouverte aux inscriptions.", "This event is not open for registration.")
            case .closed: Text("Les inscriptions sont closes.", "Registration is closed.")
            case .notYetOpen: Text("Les inscriptions ne sont pas encore ouvertes.", "Registration is not open yet.")
            case .alreadyRegistered:
                Text(
                    "Cette personne est déjà inscrite à cette rencontre.",
                    "This person is already registered for this event.")
            }
        }
    }

    /// Whether registrations are taken at all: a published event, within its registration dates.
    /// Nil when they are.
    public static func admission(status: EventStatus, window: RegistrationWindow.State) -> Refusal? {
        guard status == .published else { return .notPublished }
        switch window {
        case .notYet: return .notYetOpen
        case .closed: return .closed
        case .open: return nil
        }
    }

    /// A seat while fewer people are registered than the capacity, else the waiting list; a
    /// walk-in is in the room, and takes no seat. Decided once, with the figures read under the
    /// event's lock (`EventStore.lockSeats`).
    public static func place(registered: Int, capacity: Int, walkIn: Bool = false) -> RegistrationStatus {
        walkIn || registered < capacity ? .registered : .waiting
    }

    /// Seats left (never negative).
    public static func left(registered: Int, capacity: Int) -> Int { max(0, capacity - registered) }

    /// After a cancellation: how many people of the waiting list move up.
    public static func promotions(registered: Int, capacity: Int, waiting: Int) -> Int {
        min(waiting, max(0, capacity - registered))
    }
}

/// Great-circle distance between two points on the Earth (haversine, mean radius 6,371 km).
public enum Distance {
    public static func kilometres(
        _ a: (latitude: Double, longitude: Double), _ b: (latitude: Double, longitude: Double)
    ) -> Double {
        let r = 6371.0
        let dLat = (b.latitude - a.latitude) * .pi / 180
        let dLon = (b.longitude - a.longitude) * .pi / 180
        let h =
            pow(sin(dLat / 2), 2) + cos(a.latitude * .pi / 180) * cos(b.latitude * .pi / 180) * pow(sin(dLon / 2), 2)
        return 2 * r * asin(min(1, sqrt(h)))
    }

    /// The communes (of `codes`) within `km` of the commune `from`; nil when `from` has no position.
    public static func communes(within km: Double, of from: String, among codes: [String]) -> Set<String>? {
        guard let origin = CommunePositions.of(from) else { return nil }
        return Set(codes.filter { code in CommunePositions.of(code).map { kilometres(origin, $0) <= km } ?? false })
    }
}

/// A month as weeks of days (Monday first), for the month view.
public struct MonthGrid: Sendable, Equatable {
    public let year: Int
    public let month: Int
    /// Each week holds seven cells; nil before the first and after the last day.
    public let weeks: [[Int?]]

    public init(year: Int, month: Int) {
        self.year = year; self.month = month
        let lead = ParisTime.weekday(year: year, month: month, day: 1)
        let days = ParisTime.daysIn(year: year, month: month)
        var cells: [Int?] = Array(repeating: nil, count: lead) + (1...days).map { Optional($0) }
        while cells.count % 7 != 0 { cells.append(nil) }
        weeks = stride(from: 0, to: cells.count, by: 7).map { Array(cells[$0..<$0 + 7]) }
    }

    /// "2027-03" → the month, or nil.
    public static func parse(_ text: String?) -> (year: Int, month: Int)? {
        guard let text else { return nil }
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m),
            (2000...2100).contains(y)
        else { return nil }
        return (y, m)
    }

    public var previous: (year: Int, month: Int) { month == 1 ? (year - 1, 12) : (year, month - 1) }
    public var next: (year: Int, month: Int) { month == 12 ? (year + 1, 1) : (year, month + 1) }
    public static func key(_ year: Int, _ month: Int) -> String { String(format: "%04d-%02d", year, month) }

    /// The UTC instants bounding the month in Paris.
    public var range: (start: Date, end: Date) {
        (
            ParisTime.startOfDay(year: year, month: month, day: 1),
            ParisTime.startOfDay(year: next.year, month: next.month, day: 1)
        )
    }
}

/// The short code participants type to join a live workshop: six characters without the ones
/// people confuse (0/O, 1/I/L).
public enum LiveCode {
    public static let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<6).map { _ in alphabet.randomElement(using: &generator)! })
    }
    /// What people type, cleaned ("abc 234" → "ABC234"); nil when it cannot be a code.
    public static func normalise(_ text: String) -> String? {
        let cleaned = String(text.uppercased().filter { !$0.isWhitespace && $0 != "-" })
        guard cleaned.count == 6, cleaned.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return cleaned
    }
}

// LiveRules: see LiveRules.swift.

/// The feedback questionnaire: an open questionnaire of the territory, whose link carries the
/// event (`?evenement=12`) so that the answers can be counted per event.
public enum FeedbackLink {
    /// The answering page of questionnaire `questionnaireID` for the attendees of event `eventID`.
    public static func path(slug: String, questionnaireID: Int, eventID: Int) -> String {
        "/\(slug)/questionnaires/\(questionnaireID)/repondre?evenement=\(eventID)"
    }

    /// The questionnaire of a link made by `path` (nil for anything else, e.g. an older pasted address).
    public static func questionnaireID(in path: String?, slug: String) -> Int? {
        guard let path else { return nil }
        let prefix = "/\(slug)/questionnaires/"
        guard path.hasPrefix(prefix) else { return nil }
        let digits = path.dropFirst(prefix.count).prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let id = Int(digits), id > 0,
            path.dropFirst(prefix.count + digits.count).hasPrefix("/repondre")
        else { return nil }
        return id
    }

    /// Why the questionnaire cannot be sent yet, or nil when it can: the event must have started
    /// and someone must have come (checked in, walk-ins included).
    public static func refusal(start: Date, status: EventStatus, attended: Int, now: Date) -> Text? {
        if status != .published {
            return Text(
                "Le questionnaire s'envoie après une rencontre publiée qui a eu lieu.",
                "The questionnaire is sent after a published event that took place.")
        }
        if now < start {
            return Text(
                "La rencontre n'a pas encore commencé : le questionnaire pourra être envoyé une fois qu'elle aura eu lieu.",
                "The event has not started yet: the questionnaire can be sent once it has taken place.")
        }
        if attended == 0 {
            return Text(
                "Personne n'a encore été accueilli·e : cochez les arrivées (ou ajoutez les personnes venues sur place) avant d'envoyer le questionnaire.",
                "Nobody has been checked in yet: check people in (or add walk-ins) before sending the questionnaire.")
        }
        return nil
    }
}

/// The reminder "the day before": for events starting within `window`, except to people whose
/// confirmation (or move up from the waiting list) came less than `fresh` before the start — that
/// e-mail already held everything, a reminder minutes later would be noise.
public enum ReminderRule {
    public static let window: TimeInterval = 30 * 3600
    public static let fresh: TimeInterval = 12 * 3600

    /// Whether to remind someone last told (registered or moved up) at `toldAt`.
    public static func due(start: Date, toldAt: Date, now: Date) -> Bool {
        start > now && start <= now.addingTimeInterval(window) && start.timeIntervalSince(toldAt) >= fresh
    }

    /// When it is, from the real start in Paris: "demain", "aujourd'hui", or the date.
    public static func day(start: Date, now: Date, french: Bool) -> String {
        let s = ParisTime.local(start), n = ParisTime.local(now)
        let gap = ParisTime.daysFromCivil(s.year, s.month, s.day) - ParisTime.daysFromCivil(n.year, n.month, n.day)
        switch gap {
        case 0: return french ? "aujourd'hui" : "today"
        case 1: return french ? "demain" : "tomorrow"
        default:
            let wd = ParisTime.weekday(year: s.year, month: s.month, day: s.day)
            return french
                ? "le \(ParisTime.weekdays.fr[wd]) \(s.day)\(s.day == 1 ? "er" : "") \(ParisTime.monthName(s.month, french: true))"
                : "on \(ParisTime.weekdays.en[wd]) \(s.day) \(ParisTime.monthName(s.month, french: false))"
        }
    }
}

/// Someone registered by name and phone (no account): the same person twice is the same name,
/// whatever its case and spacing, with the same phone number.
public enum SamePerson {
    /// The digits of a French number, "+33 6 12…" and "0033 6…" read as "06 12…".
    public static func phoneDigits(_ text: String) -> String {
        var digits = String(text.filter { $0.isASCII && $0.isNumber })
        if digits.hasPrefix("0033") {
            digits = "0" + digits.dropFirst(4)
        } else if digits.hasPrefix("33"), digits.count == 11 {
            digits = "0" + digits.dropFirst(2)
        }
        return digits
    }

    public static func name(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }

    /// "jeanne martin|0612345678": what two registrations of the same person by name and phone
    /// share (nil without phone digits).
    public static func key(name: String, phone: String?) -> String? {
        guard let phone else { return nil }
        let digits = phoneDigits(phone)
        return digits.isEmpty ? nil : Self.name(name) + "|" + digits
    }

    public static func matches(name a: String, phone pa: String?, name b: String, phone pb: String?) -> Bool {
        guard let pa, let pb else { return false }
        let da = phoneDigits(pa)
        return !da.isEmpty && da == phoneDigits(pb) && name(a) == name(b)
    }
}
