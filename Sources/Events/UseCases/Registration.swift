import Core
import Fluent
import Foundation

/// What became of a registration asked for.
public enum RegistrationOutcome: Sendable, Equatable {
    /// A seat is taken.
    case registered(registrationID: Int)
    /// The event is full: a place on the waiting list, moved up in order when a seat frees.
    case waitingList(registrationID: Int)
    /// This person is registered already (the same account, or the same name and phone).
    case duplicate
    /// Registrations are not taken (a draft or cancelled event, before or after its dates).
    case refused(Seats.Refusal)
    /// Something typed is wrong, said next to its field.
    case invalid(FormErrors)
    /// The actor may not register this person.
    case forbidden
    /// The event is gone.
    case notFound
}

/// Registering oneself, or someone else (an assisted profile, or a person by name and phone, as
/// a partner or the staff do by phone), for an event: a seat while there is one, else the waiting
/// list. The confirmation mail and, for someone else, the audit entry are written in the same
/// transaction as the registration.
public enum RegisterForEvent {
    public static func run(
        _ form: RegistrationForm, event: EventRecord, territory: TerritoryInfo, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> RegistrationOutcome {
        guard event.territory_id == territory.id else { return .notFound }
        let someoneElse = form.person != .myself
        guard let actorID = actor.personID,
            !someoneElse || EventsPolicy.mayRegisterOthers(actor.roles)
        else { return .forbidden }
        let window = RegistrationWindow.state(
            opensOn: event.opens_on, closesOn: event.closes_on, start: event.starts_at, now: env.now)
        if let refusal = Seats.admission(status: event.status, window: window) { return .refused(refusal) }

        let who: EventStore.Registrant
        switch form.person {
        case .myself:
            // The person's commune (from their profile) feeds the event's figures by commune.
            let commune = try await EventStore.communeCode(personID: actorID, on: env.db)
            who = .init(
                personID: actorID, name: actor.name ?? "", email: actor.email, phone: nil, needs: form.needs,
                communeCode: commune.flatMap { territory.commune(code: $0)?.code }, audience: Audience.of(actor.roles),
                by: actorID)
        case .assisted(let profileID):
            let profiles = try await EventStore.assistedProfiles(territoryID: territory.id, on: env.db)
            guard let profile = profiles.first(where: { $0.id == profileID }) else {
                var errors = FormErrors()
                errors.add(
                    "assisted", actor.t(Text("Choisissez une personne de la liste.", "Choose a person from the list.")))
                return .invalid(errors)
            }
            // The commune chosen in the form, else the one of the assisted profile.
            who = .init(
                personID: profile.id, name: profile.name, email: nil, phone: nil, needs: form.needs,
                communeCode: form.communeCode ?? profile.commune.flatMap { territory.commune(code: $0)?.code },
                audience: Audience.of([], assisted: true), by: actorID)
        case .named(let name, let phone):
            who = .init(
                personID: nil, name: name, email: nil, phone: phone, needs: form.needs, communeCode: form.communeCode,
                audience: Audience.of([], assisted: true), by: actorID)
        }

        let now = env.now
        let mails = RegistrationMails(env: env, territory: territory)
        // Committed with the other registrations of the same instant on SQLite (a burst of 2,000
        // at once is answered without timing out), alone on PostgreSQL.
        let taken = try await env.writes.perform(on: env.db) { db -> SeatTaking.Taken in
            let taken = try await SeatTaking.take(eventID: event.id, who, now: now, on: db)
            guard case .taken(let id, let status) = taken else { return taken }
            if let email = who.email {
                let position =
                    status == .waiting
                    ? try await EventStore.waitingPosition(registrationID: id, eventID: event.id, on: db) : nil
                try await mails.confirmation(
                    to: email, event: event, registrationID: id, status: status, waitingPosition: position, on: db)
            }
            if someoneElse {
                try await AuditEntry.record(
                    actor: actorID, territory: territory.id, action: "event.register-other",
                    subject: "registration \(id)", on: db)
            }
            return taken
        }
        switch taken {
        case .taken(let id, .registered): return .registered(registrationID: id)
        case .taken(let id, .waiting): return .waitingList(registrationID: id)
        case .duplicate: return .duplicate
        case .gone: return .notFound
        }
    }
}

/// Taking a seat, inside the caller's transaction: the event's row is locked first, so the seats
/// are counted under the lock and decided once by `Seats.place` — on SQLite (one writer) and on
/// PostgreSQL (row lock) alike, the capacity is never exceeded however many people register at
/// the same second. The same person twice (the same account, or — without one — the same name
/// and phone) is refused under that lock too, so two organisers typing the same person at once
/// make one row. The demo registers its people through here as well.
enum SeatTaking {
    enum Taken: Sendable, Equatable {
        case taken(id: Int, status: RegistrationStatus)
        case duplicate
        case gone
    }

    static func take(eventID: Int, _ who: EventStore.Registrant, now: Date, on db: any Database) async throws -> Taken {
        guard let seats = try await EventStore.lockSeats(eventID: eventID, on: db) else { return .gone }
        if !who.walkIn {
            let sameKey = who.personID == nil ? SamePerson.key(name: who.name, phone: who.phone) : nil
            if try await EventStore.isRegistered(eventID: eventID, personID: who.personID, sameKey: sameKey, on: db) {
                return .duplicate
            }
        }
        let status = Seats.place(registered: seats.registered, capacity: seats.capacity, walkIn: who.walkIn)
        let id = try await EventStore.insertRegistration(eventID: eventID, who, status: status, now: now, on: db)
        return .taken(id: id, status: status)
    }
}

/// What became of a cancellation.
public enum CancellationOutcome: Sendable, Equatable {
    /// Cancelled; this many people of the waiting list moved up (and were told by mail).
    case cancelled(promoted: Int)
    /// The event took place: a registration can no longer be cancelled.
    case tooLate
    case notFound
}

/// Cancelling one's registration from its signed page (the caller checked the signature): the
/// waiting list moves up in order, and the people promoted are told, in the same transaction.
public enum CancelRegistration {
    public static func run(
        _ registration: RegistrationRecord, event: EventRecord, territory: TerritoryInfo, env: UseCaseEnvironment
    ) async throws -> CancellationOutcome {
        guard registration.event_id == event.id, event.territory_id == territory.id else { return .notFound }
        guard !event.isPast(now: env.now) else { return .tooLate }
        let now = env.now
        let mails = RegistrationMails(env: env, territory: territory)
        let promoted = try await env.db.transaction { db in
            let promoted = try await EventStore.cancel(
                registrationID: registration.id, eventID: event.id, now: now, on: db)
            try await mails.promotions(promoted, event: event, on: db)
            return promoted
        }
        return .cancelled(promoted: promoted.count)
    }
}

/// What became of a check-in at the door.
public enum CheckInOutcome: Sendable, Equatable {
    case checkedIn(name: String)
    /// Only the event's organisers check people in.
    case forbidden
    /// Not a registration of this event with a seat.
    case notFound
}

/// Checking a registered person in at the door (once: a second check-in changes nothing), in
/// the audit trail.
public enum CheckIn {
    public static func run(
        _ registration: RegistrationRecord, event: EventRecord, territory: TerritoryInfo, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> CheckInOutcome {
        guard EventsPolicy.manages(event, actor: actor) else { return .forbidden }
        guard registration.event_id == event.id, event.territory_id == territory.id,
            registration.status == .registered
        else { return .notFound }
        let now = env.now
        try await env.db.transaction { db in
            try await EventStore.checkIn(registrationID: registration.id, eventID: event.id, now: now, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "event.check-in",
                subject: "registration \(registration.id)", on: db)
        }
        return .checkedIn(name: registration.name)
    }
}

/// What became of a walk-in typed at the door.
public enum WalkInOutcome: Sendable, Equatable {
    case added(registrationID: Int, name: String)
    case forbidden
    case notFound
}

/// Someone who came without registering: added and checked in at once (they take no seat from
/// the registered), in the audit trail.
public enum AddWalkIn {
    public static func run(
        _ form: WalkInForm, event: EventRecord, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> WalkInOutcome {
        guard EventsPolicy.manages(event, actor: actor) else { return .forbidden }
        guard event.territory_id == territory.id else { return .notFound }
        var who = EventStore.Registrant(
            personID: nil, name: form.name, email: nil, phone: nil, needs: nil, communeCode: form.communeCode,
            audience: .resident, by: actor.personID)
        who.walkIn = true
        who.checkedIn = true
        let walkIn = who
        let now = env.now
        let taken = try await env.db.transaction { db -> SeatTaking.Taken in
            let taken = try await SeatTaking.take(eventID: event.id, walkIn, now: now, on: db)
            if case .taken(let id, _) = taken {
                try await AuditEntry.record(
                    actor: actor.personID, territory: territory.id, action: "event.walk-in",
                    subject: "registration \(id)", on: db)
            }
            return taken
        }
        guard case .taken(let id, _) = taken else { return .notFound }
        return .added(registrationID: id, name: form.name)
    }
}
