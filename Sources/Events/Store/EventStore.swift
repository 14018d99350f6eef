import Core
import Fluent
import Foundation
import SQLKit

/// An event as read from `events`, with its counts.
public struct EventRecord: Decodable, Sendable {
    public let id: Int
    public let territory_id: Int
    public let kind: EventKind
    public let status: EventStatus
    public let title: String
    public let description: String
    public let themes_mask: Int
    public let starts_at: Date
    public let ends_at: Date
    public let commune_code: String?
    public let address: String?
    public let room: String?
    public let online_url: String?
    public let access_mask: Int
    public let capacity: Int
    public let opens_on: String?
    public let closes_on: String?
    public let organisers: String
    public let live_code: String
    public let minutes: String?
    public let feedback_url: String?
    public let feedback_sent_at: Date?
    public let feedback_sent_count: Int
    public let live_version: Int
    public let created_by_id: Int?
    /// The calendar revision: one more at each change of the time, place, text or status
    /// (`Events.005`); the `.ics` file's `SEQUENCE`.
    public let calendar_sequence: Int
    public let updated_at: Date
    public let registered: Int
    public let waiting: Int

    public func isPast(now: Date) -> Bool { ends_at < now }
    public var seatsLeft: Int { Seats.left(registered: registered, capacity: capacity) }

    /// The form fields of this event (to edit it).
    public var fields: [String: String] {
        let start = ParisTime.local(starts_at), end = ParisTime.local(ends_at)
        return [
            "kind": kind.rawValue, "title": title, "description": description, "day": start.dayText,
            "start_time": start.timeText,
            "end_time": end.timeText, "commune": commune_code ?? "", "address": address ?? "", "room": room ?? "",
            "online_url": online_url ?? "", "capacity": String(capacity), "opens_on": opens_on ?? "",
            "closes_on": closes_on ?? "",
            "organisers": organisers,
        ]
    }
    public func lists(themes: ThemeList) -> [String: [String]] {
        [
            "themes": themes.from(mask: themes_mask).map(\.rawValue),
            "access": AccessFeature.from(mask: access_mask).map(\.rawValue),
        ]
    }
}

/// A registration as organisers see it.
public struct RegistrationRecord: Decodable, Sendable {
    public let id: Int
    public let event_id: Int
    public let person_id: Int?
    public let name: String
    public let email: String?
    public let phone: String?
    public let needs: String?
    public let commune_code: String?
    public let audience: Audience
    public let status: RegistrationStatus
    public let walk_in: Bool
    public let created_at: Date
    public let checked_in_at: Date?
}

/// The filters of the agenda.
public struct AgendaFilter: Sendable, Equatable {
    public var past = false
    public var kind: EventKind?
    public var theme: Theme?
    public var access: AccessFeature?
    /// Communes to keep (a chosen commune, or those near one); nil keeps them all.
    public var communes: Set<String>?
    public var range: (start: Date, end: Date)?

    public init() {}
    public static func == (a: AgendaFilter, b: AgendaFilter) -> Bool {
        a.past == b.past && a.kind == b.kind && a.theme == b.theme && a.access == b.access && a.communes == b.communes
            && a.range?.start == b.range?.start && a.range?.end == b.range?.end
    }
}

enum EventStoreError: Error { case notInserted }

/// SQL of the events room.
public enum EventStore {

    static let eventColumns: SQLQueryString = """
        e.id, e.territory_id, e.kind, e.status, e.title, e.description, e.themes_mask, e.starts_at, e.ends_at, e.commune_code, e.address,
        e.room, e.online_url, e.access_mask, e.capacity, e.opens_on, e.closes_on, e.organisers, e.live_code, e.minutes, e.feedback_url,
        e.feedback_sent_at, e.feedback_sent_count, e.live_version, e.created_by_id, e.calendar_sequence, e.updated_at,
        (SELECT count(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'registered' AND NOT r.walk_in) AS registered,
        (SELECT count(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'waiting') AS waiting
        """

    public static func event(_ id: Int, on db: any Database) async throws -> EventRecord? {
        try await db.sql.raw("SELECT \(eventColumns) FROM events e WHERE e.id = \(bind: id)").first(
            decoding: EventRecord.self)
    }

    public static func event(liveCode: String, on db: any Database) async throws -> EventRecord? {
        try await db.sql.raw("SELECT \(eventColumns) FROM events e WHERE e.live_code = \(bind: liveCode)").first(
            decoding: EventRecord.self)
    }

    /// The WHERE clause of the agenda: published and cancelled events for everyone, drafts for
    /// the territory's staff and for their creator.
    static func agendaWhere(
        territoryID: Int, filter: AgendaFilter, viewerID: Int?, staff: Bool, now: Date
    ) -> SQLQueryString {
        var clause: SQLQueryString = "e.territory_id = \(bind: territoryID)"
        if staff {
            clause = clause + " AND 1 = 1"
        } else if let viewerID {
            clause = clause + " AND (e.status <> 'draft' OR e.created_by_id = \(bind: viewerID))"
        } else {
            clause = clause + " AND e.status <> 'draft'"
        }
        if let range = filter.range {
            clause = clause + " AND e.starts_at >= \(bind: range.start) AND e.starts_at < \(bind: range.end)"
        } else if filter.past {
            clause = clause + " AND e.ends_at < \(bind: now)"
        } else {
            clause = clause + " AND e.ends_at >= \(bind: now)"
        }
        if let kind = filter.kind { clause = clause + " AND e.kind = \(bind: kind.rawValue)" }
        if let theme = filter.theme { clause = clause + " AND (e.themes_mask & \(literal: theme.bit)) <> 0" }
        if let access = filter.access { clause = clause + " AND (e.access_mask & \(literal: access.bit)) <> 0" }
        if let communes = filter.communes {
            if communes.isEmpty {
                clause = clause + " AND 1 = 0"
            } else {
                clause = clause + " AND e.commune_code IN (\(binds: communes.sorted()))"
            }
        }
        return clause
    }

    /// One page of the agenda and the number of events matching: two queries whatever the length.
    public static func agenda(
        territoryID: Int, filter: AgendaFilter, viewerID: Int?, staff: Bool, now: Date, limit: Int, offset: Int,
        on db: any Database
    ) async throws -> (events: [EventRecord], total: Int) {
        let clause = agendaWhere(territoryID: territoryID, filter: filter, viewerID: viewerID, staff: staff, now: now)
        let order: SQLQueryString =
            filter.past && filter.range == nil ? "e.starts_at DESC, e.id DESC" : "e.starts_at, e.id"
        let events = try await db.sql.raw(
            """
            SELECT \(eventColumns) FROM events e WHERE \(clause) ORDER BY \(order) LIMIT \(literal: limit) OFFSET \(literal: offset)
            """
        ).all(decoding: EventRecord.self)
        struct Count: Decodable { let n: Int }
        let total =
            try await db.sql.raw("SELECT count(*) AS n FROM events e WHERE \(clause)").first(decoding: Count.self)?.n
            ?? 0
        return (events, total)
    }

    /// Published events of a territory for its iCalendar feed: recent and upcoming.
    public static func feed(territoryID: Int, since: Date, on db: any Database) async throws -> [EventRecord] {
        try await db.sql.raw(
            """
            SELECT \(eventColumns) FROM events e WHERE e.territory_id = \(bind: territoryID) AND e.status <> 'draft'
            AND e.ends_at >= \(bind: since) ORDER BY e.starts_at LIMIT 500
            """
        ).all(decoding: EventRecord.self)
    }

    /// A published event for the benchmark's data, with a given live code.
    public static func insertBenchEvent(
        _ input: EventInput, territoryID: Int, liveCode: String, on db: any Database
    ) async throws -> Int {
        try await insertEvent(input, territoryID: territoryID, status: .published, by: nil, liveCode: liveCode, on: db)
    }

    static func insertEvent(
        _ input: EventInput, territoryID: Int, status: EventStatus, by: Int?, liveCode: String = LiveCode.random(),
        on db: any Database
    ) async throws -> Int {
        struct Inserted: Decodable { let id: Int }
        let now = Date()
        guard
            let row = try await db.sql.raw(
                """
                INSERT INTO events (territory_id, kind, status, title, description, themes_mask, starts_at, ends_at, commune_code, address, room,
                                    online_url, access_mask, capacity, opens_on, closes_on, organisers, live_code, feedback_sent_count, seq,
                                    live_version, created_by_id, created_at, updated_at)
                VALUES (\(bind: territoryID), \(bind: input.kind.rawValue), \(bind: status.rawValue), \(bind: input.title), \(bind: input.description),
                        \(bind: Theme.mask(input.themes)), \(bind: input.start), \(bind: input.end), \(bind: input.communeCode), \(bind: input.address),
                        \(bind: input.room), \(bind: input.onlineURL), \(bind: AccessFeature.mask(input.access)), \(bind: input.capacity),
                        \(bind: input.opensOn), \(bind: input.closesOn), \(bind: input.organisers), \(bind: liveCode), 0, 0, 0, \(bind: by),
                        \(bind: now), \(bind: now))
                RETURNING id
                """
            ).first(decoding: Inserted.self)
        else { throw EventStoreError.notInserted }
        return row.id
    }

    /// Writes the form; a change a calendar shows (`EventInput.changesCalendar`) bumps the
    /// event's `calendar_sequence`.
    static func updateEvent(
        _ id: Int, _ input: EventInput, calendarChanged: Bool, now: Date, on db: any Database
    ) async throws {
        let bump = calendarChanged ? 1 : 0
        try await db.sql.raw(
            """
            UPDATE events SET kind = \(bind: input.kind.rawValue), title = \(bind: input.title), description = \(bind: input.description),
            themes_mask = \(bind: Theme.mask(input.themes)), starts_at = \(bind: input.start), ends_at = \(bind: input.end),
            commune_code = \(bind: input.communeCode), address = \(bind: input.address), room = \(bind: input.room),
            online_url = \(bind: input.onlineURL), access_mask = \(bind: AccessFeature.mask(input.access)), capacity = \(bind: input.capacity),
            opens_on = \(bind: input.opensOn), closes_on = \(bind: input.closesOn), organisers = \(bind: input.organisers),
            calendar_sequence = calendar_sequence + \(literal: bump), updated_at = \(bind: now) WHERE id = \(bind: id)
            """
        ).run()
    }

    /// A new status is a change calendars show (published, cancelled): the sequence grows.
    static func setStatus(_ id: Int, _ status: EventStatus, now: Date, on db: any Database) async throws {
        try await db.sql.raw(
            """
            UPDATE events SET status = \(bind: status.rawValue), calendar_sequence = calendar_sequence + 1,
            updated_at = \(bind: now) WHERE id = \(bind: id) AND status <> \(bind: status.rawValue)
            """
        ).run()
    }

    // MARK: - Registrations

    public static func registrations(eventID: Int, on db: any Database) async throws -> [RegistrationRecord] {
        try await db.sql.raw(
            """
            SELECT id, event_id, person_id, name, email, phone, needs, commune_code, audience, status, walk_in, created_at, checked_in_at
            FROM event_registrations WHERE event_id = \(bind: eventID) ORDER BY status, name, id
            """
        ).all(decoding: RegistrationRecord.self)
    }

    public static func registration(_ id: Int, on db: any Database) async throws -> RegistrationRecord? {
        try await db.sql.raw(
            """
            SELECT id, event_id, person_id, name, email, phone, needs, commune_code, audience, status, walk_in, created_at, checked_in_at
            FROM event_registrations WHERE id = \(bind: id)
            """
        ).first(decoding: RegistrationRecord.self)
    }

    public static func registration(
        eventID: Int, personID: Int, on db: any Database
    ) async throws -> RegistrationRecord? {
        try await db.sql.raw(
            """
            SELECT id, event_id, person_id, name, email, phone, needs, commune_code, audience, status, walk_in, created_at, checked_in_at
            FROM event_registrations WHERE event_id = \(bind: eventID) AND person_id = \(bind: personID)
            """
        ).first(decoding: RegistrationRecord.self)
    }

    /// Who is registered, as the form gives them.
    public struct Registrant: Sendable {
        public var personID: Int?
        public var name: String
        public var email: String?
        public var phone: String?
        public var needs: String?
        public var communeCode: String?
        public var audience: Audience
        public var walkIn = false
        public var checkedIn = false
        public var by: Int?
        public init(
            personID: Int?, name: String, email: String?, phone: String?, needs: String?, communeCode: String?,
            audience: Audience, by: Int?
        ) {
            self.personID = personID; self.name = name; self.email = email; self.phone = phone; self.needs = needs
            self.communeCode = communeCode; self.audience = audience; self.by = by
        }
    }

    /// The assisted profiles of a territory (people without e-mail a partner or the staff speak for).
    static func assistedProfiles(
        territoryID: Int, on db: any Database
    ) async throws -> [(id: Int, name: String, commune: String?)] {
        struct Row: Decodable { let id: Int; let display_name: String; let commune_code: String? }
        return try await db.sql.raw(
            """
            SELECT p.id, p.display_name, p.commune_code FROM people p JOIN memberships m ON m.person_id = p.id
            WHERE p.is_assisted = \(bind: true) AND m.territory_id = \(bind: territoryID)
            GROUP BY p.id, p.display_name, p.commune_code ORDER BY p.display_name LIMIT 500
            """
        ).all(decoding: Row.self).map { ($0.id, $0.display_name, $0.commune_code) }
    }

    /// The commune of a person's profile (nil when not given).
    static func communeCode(personID: Int, on db: any Database) async throws -> String? {
        struct Row: Decodable { let commune_code: String? }
        return try await db.sql.raw("SELECT commune_code FROM people WHERE id = \(bind: personID)")
            .first(decoding: Row.self)?.commune_code
    }

    /// Locks the event's row for the rest of the caller's transaction (its `seq` bumped: a row
    /// lock on PostgreSQL, the one writer on SQLite) and reads, under that lock, the seats the
    /// rules decide from: people registered (walk-ins take no seat) and the capacity. Nil for an
    /// event that is gone.
    static func lockSeats(eventID: Int, on db: any Database) async throws -> (registered: Int, capacity: Int)? {
        let sql = db.sql
        try await sql.raw("UPDATE events SET seq = seq + 1 WHERE id = \(bind: eventID)").run()
        struct Row: Decodable { let registered: Int; let capacity: Int }
        let row = try await sql.raw(
            """
            SELECT capacity, (SELECT count(*) FROM event_registrations r
                              WHERE r.event_id = e.id AND r.status = 'registered' AND NOT r.walk_in) AS registered
            FROM events e WHERE e.id = \(bind: eventID)
            """
        ).first(decoding: Row.self)
        return row.map { ($0.registered, $0.capacity) }
    }

    /// Whether this person is registered already: the same account, or — without an account —
    /// the same name and phone number (`SamePerson`, one indexed lookup whatever the number
    /// registered).
    static func isRegistered(eventID: Int, personID: Int?, sameKey: String?, on db: any Database) async throws -> Bool {
        struct Count: Decodable { let n: Int }
        let condition: SQLQueryString
        if let personID {
            condition = "person_id = \(bind: personID)"
        } else if let sameKey {
            condition = "same_key = \(bind: sameKey)"
        } else {
            return false
        }
        let row = try await db.sql.raw(
            "SELECT count(*) AS n FROM event_registrations WHERE event_id = \(bind: eventID) AND \(condition)"
        ).first(decoding: Count.self)
        return (row?.n ?? 0) > 0
    }

    /// Writes a registration with the status the rules gave it; returns its id.
    static func insertRegistration(
        eventID: Int, _ who: Registrant, status: RegistrationStatus, now: Date, on db: any Database
    ) async throws -> Int {
        struct Inserted: Decodable { let id: Int }
        let sameKey = who.personID == nil ? SamePerson.key(name: who.name, phone: who.phone) : nil
        guard
            let row = try await db.sql.raw(
                """
                INSERT INTO event_registrations (event_id, person_id, name, email, phone, needs, commune_code, audience, status, walk_in,
                                                 registered_by_id, created_at, checked_in_at, same_key)
                VALUES (\(bind: eventID), \(bind: who.personID), \(bind: who.name), \(bind: who.email), \(bind: who.phone), \(bind: who.needs),
                        \(bind: who.communeCode), \(bind: who.audience.rawValue), \(bind: status.rawValue), \(bind: who.walkIn), \(bind: who.by),
                        \(bind: now), \(bind: who.checkedIn ? now : nil as Date?), \(bind: sameKey))
                RETURNING id
                """
            ).first(decoding: Inserted.self)
        else { throw EventStoreError.notInserted }
        return row.id
    }

    /// Cancels a registration (inside the caller's transaction) and moves the waiting list up while
    /// seats are free; returns the people promoted.
    static func cancel(
        registrationID: Int, eventID: Int, now: Date, on db: any Database
    ) async throws -> [RegistrationRecord] {
        let sql = db.sql
        try await sql.raw("UPDATE events SET seq = seq + 1 WHERE id = \(bind: eventID)").run()
        try await sql.raw(
            "DELETE FROM event_registrations WHERE id = \(bind: registrationID) AND event_id = \(bind: eventID)"
        ).run()
        return try await promote(eventID: eventID, now: now, on: db)
    }

    /// The place of a registration on its event's waiting list (1 for the first), in the order
    /// `promote` follows; nil when it is not waiting.
    public static func waitingPosition(registrationID: Int, eventID: Int, on db: any Database) async throws -> Int? {
        struct Row: Decodable { let n: Int }
        let row = try await db.sql.raw(
            """
            SELECT count(*) AS n FROM event_registrations
            WHERE event_id = \(bind: eventID) AND status = 'waiting' AND id <= \(bind: registrationID)
            AND EXISTS (SELECT 1 FROM event_registrations w WHERE w.id = \(bind: registrationID) AND w.status = 'waiting')
            """
        ).first(decoding: Row.self)
        guard let n = row?.n, n > 0 else { return nil }
        return n
    }

    /// Moves the first people of the waiting list up while seats are free (after a cancellation or
    /// a larger capacity), inside the caller's transaction (the event's row already locked).
    static func promote(eventID: Int, now: Date, on db: any Database) async throws -> [RegistrationRecord] {
        let sql = db.sql
        guard let event = try await event(eventID, on: db) else { return [] }
        let count = Seats.promotions(registered: event.registered, capacity: event.capacity, waiting: event.waiting)
        guard count > 0 else { return [] }
        let waiting = try await sql.raw(
            """
            SELECT id, event_id, person_id, name, email, phone, needs, commune_code, audience, status, walk_in, created_at, checked_in_at
            FROM event_registrations WHERE event_id = \(bind: eventID) AND status = 'waiting' ORDER BY id LIMIT \(literal: count)
            """
        ).all(decoding: RegistrationRecord.self)
        for row in waiting {
            try await sql.raw(
                "UPDATE event_registrations SET status = 'registered', promoted_at = \(bind: now) WHERE id = \(bind: row.id)"
            ).run()
        }
        return waiting
    }

    /// The people of an event without an e-mail address (registered by phone, assisted profiles,
    /// walk-ins), with the number to reach them by; `attendedOnly` keeps those who came.
    static func withoutEmail(
        eventID: Int, attendedOnly: Bool, on db: any Database
    ) async throws -> [(name: String, phone: String?)] {
        struct Row: Decodable { let name: String; let phone: String? }
        let attended: SQLQueryString = attendedOnly ? "AND r.checked_in_at IS NOT NULL" : ""
        return try await db.sql.raw(
            """
            SELECT r.name, COALESCE(r.phone, p.phone) AS phone FROM event_registrations r LEFT JOIN people p ON p.id = r.person_id
            WHERE r.event_id = \(bind: eventID) AND r.email IS NULL AND r.name <> '—' \(attended) ORDER BY r.name, r.id
            """
        ).all(decoding: Row.self).map { ($0.name, $0.phone) }
    }

    static func checkIn(registrationID: Int, eventID: Int, now: Date, on db: any Database) async throws {
        try await db.sql.raw(
            """
            UPDATE event_registrations SET checked_in_at = \(bind: now)
            WHERE id = \(bind: registrationID) AND event_id = \(bind: eventID) AND checked_in_at IS NULL
            """
        ).run()
    }

    // MARK: - Figures

    public struct Figures: Sendable {
        public var registered = 0, waiting = 0, attended = 0, walkIns = 0
        public var byCommune: [String: Int] = [:]
        public var byAudience: [String: Int] = [:]
    }

    /// The figures of an event from its registrations (one query).
    public static func figures(eventID: Int, on db: any Database) async throws -> Figures {
        struct Row: Decodable {
            let status: String; let walk_in: Bool; let attended: Int; let commune_code: String?; let audience: String;
            let n: Int
        }
        let rows = try await db.sql.raw(
            """
            SELECT status, walk_in, CASE WHEN checked_in_at IS NULL THEN 0 ELSE 1 END AS attended, commune_code, audience, count(*) AS n
            FROM event_registrations WHERE event_id = \(bind: eventID)
            GROUP BY status, walk_in, CASE WHEN checked_in_at IS NULL THEN 0 ELSE 1 END, commune_code, audience
            """
        ).all(decoding: Row.self)
        var figures = Figures()
        for row in rows {
            if row.status == RegistrationStatus.waiting.rawValue { figures.waiting += row.n; continue }
            figures.registered += row.walk_in ? 0 : row.n
            if row.walk_in { figures.walkIns += row.n }
            if row.attended == 1 {
                figures.attended += row.n
                figures.byCommune[row.commune_code ?? "", default: 0] += row.n
                figures.byAudience[row.audience, default: 0] += row.n
            }
        }
        return figures
    }

    // MARK: - Reminders

    /// A registration due for its reminder: seated, with an address, not reminded yet, for a
    /// published event starting within the reminder window.
    struct DueReminder: Decodable, Sendable {
        let id: Int; let event_id: Int; let email: String; let created_at: Date; let promoted_at: Date?
    }

    static func dueReminders(now: Date, on db: any Database) async throws -> [DueReminder] {
        try await db.sql.raw(
            """
            SELECT r.id, r.event_id, r.email, r.created_at, r.promoted_at FROM event_registrations r
            JOIN events e ON e.id = r.event_id
            WHERE r.status = 'registered' AND r.email IS NOT NULL AND r.reminded_at IS NULL AND r.walk_in = \(bind: false)
            AND e.status = 'published' AND e.starts_at > \(bind: now) AND e.starts_at <= \(bind: now.addingTimeInterval(ReminderRule.window))
            ORDER BY r.id LIMIT 1000
            """
        ).all(decoding: DueReminder.self)
    }

    /// Marks a registration reminded; false when another instance did it first (the conditional
    /// UPDATE makes two instances never send the same reminder twice).
    static func claimReminder(registrationID: Int, now: Date, on db: any Database) async throws -> Bool {
        struct Updated: Decodable { let id: Int }
        return try await db.sql.raw(
            """
            UPDATE event_registrations SET reminded_at = \(bind: now) WHERE id = \(bind: registrationID) AND reminded_at IS NULL RETURNING id
            """
        ).first(decoding: Updated.self) != nil
    }
}

/// A person's part of the room, when their account is erased.
extension EventStore {
    /// Their registrations to events not over yet.
    static func upcomingRegistrations(
        of personID: Int, now: Date, on db: any Database
    ) async throws -> [(id: Int, eventID: Int)] {
        struct Row: Decodable { let id: Int; let event_id: Int }
        return try await db.sql.raw(
            """
            SELECT r.id, r.event_id FROM event_registrations r JOIN events e ON e.id = r.event_id
            WHERE r.person_id = \(bind: personID) AND e.ends_at >= \(bind: now) ORDER BY r.id
            """
        ).all(decoding: Row.self).map { ($0.id, $0.event_id) }
    }

    /// What is left of them (past registrations, events they opened) no longer says who they were.
    static func anonymise(personID: Int, on db: any Database) async throws {
        let sql = db.sql
        try await sql.raw(
            """
            UPDATE event_registrations SET person_id = NULL, name = '—', email = NULL, phone = NULL, needs = NULL, same_key = NULL WHERE person_id = \(bind: personID)
            """
        ).run()
        try await sql.raw(
            "UPDATE event_registrations SET registered_by_id = NULL WHERE registered_by_id = \(bind: personID)"
        ).run()
        try await sql.raw("UPDATE events SET created_by_id = NULL WHERE created_by_id = \(bind: personID)").run()
    }
}
