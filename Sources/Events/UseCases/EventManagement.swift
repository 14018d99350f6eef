import Core
import Fluent
import Foundation

/// The room's name in the `ChangeFeed`: a change drops the anonymous agenda and event pages.
public enum EventsChange {
    public static let room = "events"
}

/// Open a new event (a draft), or edit one: its text, place, dates and seats. A larger capacity
/// moves the waiting list up (and tells the people promoted); a capacity below the number
/// already registered is refused, counted under the event's lock.
public enum SaveEvent {
    public enum Outcome: Sendable, Equatable {
        case created(Int)
        case saved(Int)
        case invalid(FormErrors)
        case forbidden
    }

    /// Thrown inside the edit's transaction (so that nothing is saved) when the capacity is below
    /// the number registered at that moment.
    struct CapacityBelowRegistered: Error { let registered: Int }

    public static func run(
        _ fields: [String: String], lists: [String: [String]], editing event: EventRecord?, territory: TerritoryInfo,
        actor: Actor, env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard EventsPolicy.allows(actor, event == nil ? .create : .manage, on: event) else { return .forbidden }
        var kinds = EventsPolicy.kinds(rolesHere: actor.roles)
        if let event, !kinds.contains(event.kind) { kinds.append(event.kind) }
        let now = env.now
        let parsed = EventInput.parse(
            fields, lists: lists, communes: Set(territory.communes.map(\.code)), allowedKinds: kinds,
            themes: territory.themes, registered: event?.registered ?? 0, now: now, lang: actor.lang,
            existingStart: event?.starts_at)
        let input: EventInput
        switch parsed {
        case .failure(let box): return .invalid(box.errors)
        case .success(let value): input = value
        }
        let mails = RegistrationMails(env: env, territory: territory)
        let personID = actor.personID
        let id: Int
        do {
            id = try await env.db.transaction { db in
                if let event {
                    // Counted again under the event's lock: people may have registered since the form was read.
                    if let locked = try await EventStore.lockSeats(eventID: event.id, on: db),
                        input.capacity < locked.registered
                    {
                        throw CapacityBelowRegistered(registered: locked.registered)
                    }
                    try await EventStore.updateEvent(
                        event.id, input, calendarChanged: input.changesCalendar(of: event), now: now, on: db)
                    let promoted = try await EventStore.promote(eventID: event.id, now: now, on: db)
                    if !promoted.isEmpty, let updated = try await EventStore.event(event.id, on: db) {
                        try await mails.promotions(promoted, event: updated, on: db)
                    }
                    try await AuditEntry.record(
                        actor: personID, territory: territory.id, action: "event.update", subject: "event \(event.id)",
                        on: db)
                    return event.id
                }
                let id = try await EventStore.insertEvent(
                    input, territoryID: territory.id, status: .draft, by: personID, on: db)
                try await AuditEntry.record(
                    actor: personID, territory: territory.id, action: "event.create", subject: "event \(id)", on: db)
                return id
            }
        } catch let refusal as CapacityBelowRegistered {
            var errors = FormErrors()
            errors.add("capacity", actor.t(EventInput.capacityBelow(refusal.registered)))
            return .invalid(errors)
        }
        env.changed(EventsChange.room, territoryID: territory.id)
        return event == nil ? .created(id) : .saved(id)
    }
}

/// Publish a draft, or cancel a published event: every registrant with an e-mail is told; those
/// without one are counted, to be called.
public enum ChangeEventStatus {
    public enum Outcome: Sendable, Equatable {
        case published
        case cancelled(emailed: Int, toCall: Int)
        /// A draft cannot be cancelled, a cancelled event published again…
        case notAllowed
        case forbidden
    }

    public static func run(
        to target: EventStatus, event: EventRecord, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard EventsPolicy.allows(actor, .manage, on: event) else { return .forbidden }
        let allowed =
            (event.status == .draft && target == .published) || (event.status == .published && target == .cancelled)
        guard allowed else { return .notAllowed }
        let agenda = env.baseURL + EventsPaths.agenda.link(territory.slug)
        let now = env.now
        let mails = RegistrationMails(env: env, territory: territory)
        let (emailed, toCall): (Int, Int) = try await env.db.transaction { db in
            try await EventStore.setStatus(event.id, target, now: now, on: db)
            var emailed = 0
            var toCall = 0
            if target == .cancelled {
                let when = ParisTime.longText(event.starts_at, french: true)
                let body = """
                    Bonjour,

                    La rencontre « \(event.title) » prévue \(when) est annulée.
                    Nous sommes désolés. Les autres rencontres du territoire : \(agenda)

                    The event “\(event.title)” is cancelled. We are sorry.
                    """
                // The calendar file joined says CANCEL, with the sequence the cancellation gave the event.
                let cancelled = try await EventStore.event(event.id, on: db) ?? event
                for row in try await EventStore.registrations(eventID: event.id, on: db) {
                    guard let email = row.email else {
                        toCall += 1
                        continue
                    }
                    emailed += 1
                    try await Mailer.enqueue(
                        to: email, subject: "Annulé : \(event.title)", body: body,
                        attachments: [mails.calendar(cancelled, attendee: email)], on: db)
                }
            }
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "event.\(target.rawValue)",
                subject: "event \(event.id)", on: db)
            return (emailed, toCall)
        }
        env.changed(EventsChange.room, territoryID: territory.id)
        return target == .published ? .published : .cancelled(emailed: emailed, toCall: toCall)
    }
}
