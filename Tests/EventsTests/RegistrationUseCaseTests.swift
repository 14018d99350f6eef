import Core
import Foundation
import Questionnaires
import TestSupport
import Testing

@testable import Events

/// The registration use cases on a small in-memory database: only the territory, the people and
/// the event each test needs, a clock that moves when told, no server.
@Suite("Registration use cases")
struct RegistrationUseCaseTests {
    static let rooms: [any FeatureModule] = [QuestionnairesModule(), EventsModule()]

    /// A published forum in ten days, with `capacity` seats.
    static func forum(
        capacity: Int, in territory: TerritoryInfo, world: UseCaseWorld, kind: EventKind = .forum, by: Int? = nil,
        status: EventStatus = .published, startsIn days: Double = 10
    ) async throws -> EventRecord {
        let start = world.clock.now.addingTimeInterval(days * 86_400)
        let input = EventInput(
            kind: kind, title: "Forum santé", description: "Parlons de l'accès aux soins.", themes: [],
            start: start, end: start.addingTimeInterval(7_200), communeCode: "35360", address: "2 rue de la Mairie",
            room: "Salle des fêtes", onlineURL: nil, access: [], capacity: capacity, opensOn: nil, closesOn: nil,
            organisers: "CPTS")
        let id = try await EventStore.insertEvent(
            input, territoryID: territory.id, status: status, by: by, on: world.db)
        return try #require(try await EventStore.event(id, on: world.db))
    }

    @Test func aSeatThenTheWaitingListThenADuplicate() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let event = try await Self.forum(capacity: 1, in: vitre, world: world)
            let anne = try await world.person(
                "Anne", email: "anne@example.org", roles: [.resident], in: vitre, commune: "35360")
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.professional], in: vitre)

            let first = try await RegisterForEvent.run(
                RegistrationForm(person: .myself, needs: "Fauteuil roulant"), event: event, territory: vitre,
                actor: anne,
                env: world.env)
            guard case .registered(let annes) = first else { Issue.record("expected a seat, got \(first)"); return }
            let second = try await RegisterForEvent.run(
                RegistrationForm(person: .myself), event: event, territory: vitre, actor: paul, env: world.env)
            guard case .waitingList = second else { Issue.record("expected the waiting list, got \(second)"); return }
            let again = try await RegisterForEvent.run(
                RegistrationForm(person: .myself), event: event, territory: vitre, actor: anne, env: world.env)
            #expect(again == .duplicate)

            let row = try #require(try await EventStore.registration(annes, on: world.db))
            #expect(row.status == .registered)
            #expect(row.commune_code == "35360", "the person's commune feeds the figures")
            #expect(row.audience == .resident)
            #expect(row.needs == "Fauteuil roulant")
            let registrations = try await EventStore.registrations(eventID: event.id, on: world.db)
            #expect(registrations.map(\.status) == [.registered, .waiting])
            #expect(registrations.last?.audience == .professional)

            let mails = try await world.outbox()
            #expect(mails.map(\.to) == ["anne@example.org", "paul@example.org"])
            #expect(mails[0].subject == "Inscription confirmée : Forum santé")
            #expect(mails[1].subject == "Liste d'attente : Forum santé")
            #expect(mails[0].body.contains("https://agora.example/vitre/evenements/inscriptions/\(annes)/"))
            #expect(try await world.audit().isEmpty, "registering oneself is not a staff action")
        }
    }

    @Test func registrationsAreRefusedOutsideTheirWindowAndForUnpublishedEvents() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let draft = try await Self.forum(capacity: 10, in: vitre, world: world, status: .draft)
            #expect(
                try await RegisterForEvent.run(
                    RegistrationForm(person: .myself), event: draft, territory: vitre, actor: anne, env: world.env)
                    == .refused(.notPublished))
            let soon = try await Self.forum(capacity: 10, in: vitre, world: world, startsIn: 0.5)
            world.clock.advance(by: 86_400)  // the event has started: registrations are closed
            #expect(
                try await RegisterForEvent.run(
                    RegistrationForm(person: .myself), event: soon, territory: vitre, actor: anne, env: world.env)
                    == .refused(.closed))
            #expect(try await world.outbox().isEmpty)
        }
    }

    @Test func onlyPartnersAndStaffRegisterSomeoneElseAndTheSamePersonOnce() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let event = try await Self.forum(capacity: 10, in: vitre, world: world)
            let resident = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let partner = try await world.person(
                "Pat", email: "pat@example.org", roles: [.patientPartner, .resident], in: vitre)
            let byPhone = RegistrationForm(
                person: .named(name: "Yves Rault", phone: "06 12 34 56 78"), communeCode: "35068")

            #expect(
                try await RegisterForEvent.run(byPhone, event: event, territory: vitre, actor: resident, env: world.env)
                    == .forbidden)
            #expect(
                try await RegisterForEvent.run(
                    byPhone, event: event, territory: vitre, actor: UseCaseWorld.anonymous, env: world.env)
                    == .forbidden)
            let done = try await RegisterForEvent.run(
                byPhone, event: event, territory: vitre, actor: partner, env: world.env)
            guard case .registered(let id) = done else { Issue.record("expected a seat, got \(done)"); return }
            // The same name and number, typed differently, is the same person.
            let twice = RegistrationForm(person: .named(name: "  yves   RAULT ", phone: "+33 6 12 34 56 78"))
            #expect(
                try await RegisterForEvent.run(twice, event: event, territory: vitre, actor: partner, env: world.env)
                    == .duplicate)
            let row = try #require(try await EventStore.registration(id, on: world.db))
            #expect(row.email == nil && row.commune_code == "35068" && row.audience == .resident)
            #expect(try await world.audit() == ["event.register-other"])
            #expect(try await world.outbox().isEmpty, "a person registered by phone has no address to write to")

            let unknown = RegistrationForm(person: .assisted(profileID: 424_242))
            guard
                case .invalid(let errors) = try await RegisterForEvent.run(
                    unknown, event: event, territory: vitre, actor: partner, env: world.env)
            else { Issue.record("an unknown assisted profile must be refused"); return }
            #expect(errors["assisted"] == "Choisissez une personne de la liste.")
        }
    }

    @Test func anEventOfAnotherTerritoryIsNotFound() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let other = try await world.territory(
                slug: "broceliande", name: "Brocéliande", communes: [("35144", "Iffendic")])
            let event = try await Self.forum(capacity: 10, in: other, world: world)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            #expect(
                try await RegisterForEvent.run(
                    RegistrationForm(person: .myself), event: event, territory: vitre, actor: anne, env: world.env)
                    == .notFound)
        }
    }

    @Test func cancellingMovesTheWaitingListUpAndTellsWhoMovedUp() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let event = try await Self.forum(capacity: 1, in: vitre, world: world)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            guard
                case .registered(let annes) = try await RegisterForEvent.run(
                    RegistrationForm(person: .myself), event: event, territory: vitre, actor: anne, env: world.env),
                case .waitingList(let pauls) = try await RegisterForEvent.run(
                    RegistrationForm(person: .myself), event: event, territory: vitre, actor: paul, env: world.env)
            else { Issue.record("expected a seat and a waiting place"); return }
            let row = try #require(try await EventStore.registration(annes, on: world.db))
            let fresh = try #require(try await EventStore.event(event.id, on: world.db))
            #expect(
                try await CancelRegistration.run(row, event: fresh, territory: vitre, env: world.env)
                    == .cancelled(promoted: 1))
            #expect(try await EventStore.registration(annes, on: world.db) == nil)
            #expect(try await EventStore.registration(pauls, on: world.db)?.status == .registered)
            #expect(try await world.outbox().last?.subject == "Une place s'est libérée : Forum santé")
            #expect(try await world.outbox().last?.to == "paul@example.org")

            // Once the event took place, a registration stays.
            let pausRow = try #require(try await EventStore.registration(pauls, on: world.db))
            world.clock.advance(by: 11 * 86_400)
            #expect(
                try await CancelRegistration.run(pausRow, event: fresh, territory: vitre, env: world.env) == .tooLate)
        }
    }

    @Test func organisersCheckInAndAddWalkInsWhoTakeNoSeat() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let partner = try await world.person(
                "Pat", email: "pat@example.org", roles: [.patientPartner], in: vitre)
            let otherPartner = try await world.person(
                "Lou", email: "lou@example.org", roles: [.patientPartner], in: vitre)
            let workshop = try await Self.forum(
                capacity: 1, in: vitre, world: world, kind: .workshop, by: partner.personID)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            guard
                case .registered(let annes) = try await RegisterForEvent.run(
                    RegistrationForm(person: .myself), event: workshop, territory: vitre, actor: anne, env: world.env)
            else { Issue.record("expected a seat"); return }
            let row = try #require(try await EventStore.registration(annes, on: world.db))

            #expect(
                try await CheckIn.run(row, event: workshop, territory: vitre, actor: otherPartner, env: world.env)
                    == .forbidden, "a partner manages only the workshops they created")
            #expect(
                try await CheckIn.run(row, event: workshop, territory: vitre, actor: partner, env: world.env)
                    == .checkedIn(name: "Anne"))
            #expect(try await EventStore.registration(annes, on: world.db)?.checked_in_at == world.clock.now)

            let walkIn = WalkInForm(name: "Yves Rault", communeCode: nil)
            #expect(
                try await AddWalkIn.run(walkIn, event: workshop, territory: vitre, actor: otherPartner, env: world.env)
                    == .forbidden)
            guard
                case .added(let id, "Yves Rault") = try await AddWalkIn.run(
                    walkIn, event: workshop, territory: vitre, actor: partner, env: world.env)
            else { Issue.record("expected the walk-in added"); return }
            let added = try #require(try await EventStore.registration(id, on: world.db))
            #expect(added.status == .registered && added.walk_in && added.checked_in_at != nil)
            let after = try #require(try await EventStore.event(workshop.id, on: world.db))
            #expect(after.registered == 1, "a walk-in takes no seat from the registered")
            #expect(try await world.audit() == ["event.check-in", "event.walk-in"])
        }
    }

    @Test func theReminderGoesOnceTheDayBeforeAndNotToWhoJustRegistered() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let lookup: @Sendable (Int) -> TerritoryInfo? = { [vitre] id in id == vitre.id ? vitre : nil }
            let event = try await Self.forum(capacity: 10, in: vitre, world: world, startsIn: 2)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let late = try await world.person("Léa", email: "lea@example.org", roles: [.resident], in: vitre)
            _ = try await RegisterForEvent.run(
                RegistrationForm(person: .myself), event: event, territory: vitre, actor: anne, env: world.env)
            #expect(try await SendReminders.run(territory: lookup, env: world.env) == 0, "two days ahead: not yet")

            world.clock.advance(by: 37 * 3_600)  // the forum is in 11 hours, tomorrow morning in Paris
            _ = try await RegisterForEvent.run(
                RegistrationForm(person: .myself), event: event, territory: vitre, actor: late, env: world.env)
            #expect(try await SendReminders.run(territory: lookup, env: world.env) == 1)
            #expect(try await SendReminders.run(territory: lookup, env: world.env) == 0, "once")
            let reminders = try await world.outbox().filter { $0.subject.hasPrefix("Rappel") }
            #expect(reminders.map(\.to) == ["anne@example.org"], "Léa's confirmation is fresh: no reminder")
            #expect(reminders.first?.subject == "Rappel : Forum santé demain")
            #expect(reminders.first?.body.contains("https://agora.example/vitre/evenements/") == true)
        }
    }
}
