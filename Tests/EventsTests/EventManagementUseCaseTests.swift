import Core
import Foundation
import TestSupport
import Testing

@testable import Events

/// Opening, editing, publishing and cancelling an event, what follows it, and the organiser's
/// live steering, on a small in-memory database.
@Suite("Event management use cases")
struct EventManagementUseCaseTests {
    static let rooms = RegistrationUseCaseTests.rooms

    /// The form of a forum in 30 days (the world's clock starts in January 2027).
    static func form(capacity: Int = 40, title: String = "Forum santé des aînés") -> [String: String] {
        [
            "kind": EventKind.forum.rawValue, "title": title, "description": "Parlons du maintien à domicile.",
            "day": "2027-02-15", "start_time": "14:00", "end_time": "16:30", "commune": "35360",
            "address": "2 rue de la Mairie", "capacity": String(capacity),
        ]
    }

    @Test func aCoordinatorOpensADraftThatAPartnerCouldNotHaveOpened() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person("Coord", email: "c@example.org", roles: [.coordinator], in: vitre)
            let partner = try await world.person("Pat", email: "p@example.org", roles: [.patientPartner], in: vitre)
            let resident = try await world.person("Anne", email: "a@example.org", roles: [.resident], in: vitre)
            #expect(
                try await SaveEvent.run(
                    Self.form(), lists: [:], editing: nil, territory: vitre, actor: resident, env: world.env)
                    == .forbidden)
            guard
                case .invalid(let errors) = try await SaveEvent.run(
                    Self.form(), lists: [:], editing: nil, territory: vitre, actor: partner, env: world.env)
            else { Issue.record("a partner opens workshops only"); return }
            #expect(errors["kind"] == "Vous pouvez créer des ateliers participatifs seulement.")
            let outcome = try await SaveEvent.run(
                Self.form(), lists: [:], editing: nil, territory: vitre, actor: coordinator, env: world.env)
            guard case .created(let id) = outcome else { Issue.record("expected a draft, got \(outcome)"); return }
            let event = try #require(try await EventStore.event(id, on: world.db))
            #expect(event.status == .draft && event.capacity == 40)
            #expect(try await world.audit() == ["event.create"])
            #expect(
                world.env.changes.version(of: Change(room: EventsChange.room, territoryID: vitre.id)) == 1,
                "the anonymous pages of the territory are dropped")
        }
    }

    @Test func aLargerCapacityPromotesTheWaitingListAndASmallerOneIsRefused() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person("Coord", email: "c@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let event = try await RegistrationUseCaseTests.forum(capacity: 1, in: vitre, world: world)
            for person in [anne, paul] {
                _ = try await RegisterForEvent.run(
                    RegistrationForm(person: .myself), event: event, territory: vitre, actor: person, env: world.env)
            }
            let current = try #require(try await EventStore.event(event.id, on: world.db))
            var fields = Self.form(capacity: 2)
            fields["day"] = "2027-01-25"
            #expect(
                try await SaveEvent.run(
                    fields, lists: [:], editing: current, territory: vitre, actor: coordinator, env: world.env)
                    == .saved(event.id))
            let statuses = try await EventStore.registrations(eventID: event.id, on: world.db).map(\.status)
            #expect(statuses == [.registered, .registered], "Paul moves up from the waiting list")
            #expect(try await world.outbox().last?.to == "paul@example.org")
            let updated = try #require(try await EventStore.event(event.id, on: world.db))
            fields["capacity"] = "1"
            guard
                case .invalid(let errors) = try await SaveEvent.run(
                    fields, lists: [:], editing: updated, territory: vitre, actor: coordinator, env: world.env)
            else { Issue.record("two are registered: one seat is too few"); return }
            #expect(errors["capacity"] != nil)
            #expect(try await EventStore.event(event.id, on: world.db)?.capacity == 2, "nothing saved")
        }
    }

    @Test func cancellingTellsEachRegistrantWithAnAddressAndCountsTheOthers() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person("Coord", email: "c@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let draft = try await RegistrationUseCaseTests.forum(capacity: 10, in: vitre, world: world, status: .draft)
            #expect(
                try await ChangeEventStatus.run(
                    to: .cancelled, event: draft, territory: vitre, actor: coordinator, env: world.env) == .notAllowed)
            #expect(
                try await ChangeEventStatus.run(
                    to: .published, event: draft, territory: vitre, actor: anne, env: world.env) == .forbidden)
            #expect(
                try await ChangeEventStatus.run(
                    to: .published, event: draft, territory: vitre, actor: coordinator, env: world.env) == .published)
            let published = try #require(try await EventStore.event(draft.id, on: world.db))
            _ = try await RegisterForEvent.run(
                RegistrationForm(person: .myself), event: published, territory: vitre, actor: anne, env: world.env)
            _ = try await RegisterForEvent.run(
                RegistrationForm(person: .named(name: "Yves Rault", phone: "06 12 34 56 78")), event: published,
                territory: vitre, actor: coordinator, env: world.env)
            #expect(
                try await ChangeEventStatus.run(
                    to: .cancelled, event: published, territory: vitre, actor: coordinator, env: world.env)
                    == .cancelled(emailed: 1, toCall: 1))
            #expect(try await world.outbox().last?.subject == "Annulé : Forum santé")
            #expect(try await world.audit().suffix(1) == ["event.cancelled"])
        }
    }

    @Test func afterTheEventTheOrganiserWritesMinutesAndAddsDocuments() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person("Coord", email: "c@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let event = try await RegistrationUseCaseTests.forum(capacity: 10, in: vitre, world: world)
            let minutes = ["minutes": "Trois idées retenues pour le transport."]
            #expect(
                try await SaveMinutes.run(minutes, event: event, territory: vitre, actor: anne, env: world.env)
                    == .forbidden)
            guard
                case .invalid = try await SaveMinutes.run(
                    ["minutes": String(repeating: "x", count: 20_001)], event: event, territory: vitre,
                    actor: coordinator, env: world.env)
            else { Issue.record("minutes are bounded"); return }
            #expect(
                try await SaveMinutes.run(minutes, event: event, territory: vitre, actor: coordinator, env: world.env)
                    == .saved)
            #expect(try await EventStore.event(event.id, on: world.db)?.minutes == minutes["minutes"])

            guard
                case .invalid(let errors) = try await AddEventDocument.run(
                    (Array("plain text".utf8), "notes.pdf"), event: event, territory: vitre, actor: coordinator,
                    env: world.env)
            else { Issue.record("a file is recognised by its content"); return }
            #expect(errors["file"] != nil)
            let pdf = Array("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".utf8)
            #expect(
                try await AddEventDocument.run(
                    (pdf, "Diaporama.pdf"), event: event, territory: vitre, actor: coordinator, env: world.env)
                    == .added)
            #expect(try await EventStore.documents(eventID: event.id, on: world.db).map(\.kind) == ["application/pdf"])
            #expect(try await world.audit() == ["event.minutes", "event.document"])
        }
    }

    @Test func theFeedbackQuestionnaireWaitsForTheEventAndForAnOpenQuestionnaire() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person("Coord", email: "c@example.org", roles: [.coordinator], in: vitre)
            let event = try await RegistrationUseCaseTests.forum(capacity: 10, in: vitre, world: world)
            guard
                case .refused = try await SendFeedback.run(
                    questionnaire: "1", event: event, territory: vitre, actor: coordinator, env: world.env)
            else { Issue.record("not before the event"); return }
            #expect(try await world.outbox().isEmpty)
        }
    }

    @Test func theOrganiserOpensClosesAndReopensALivePoll() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person("Coord", email: "c@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let event = try await RegistrationUseCaseTests.forum(capacity: 10, in: vitre, world: world)
            let poll = [
                "kind": ActivityKind.poll.rawValue, "question": "Quel jour vous convient ?", "options": "Mardi\nJeudi",
            ]
            #expect(
                try await OpenActivity.run(
                    poll, lists: [:], event: event, territory: vitre, actor: anne, env: world.env) == .forbidden)
            guard
                case .invalid(let errors) = try await OpenActivity.run(
                    ["kind": "quiz", "question": ""], lists: [:], event: event, territory: vitre, actor: coordinator,
                    env: world.env)
            else { Issue.record("expected errors"); return }
            #expect(errors["kind"] != nil && errors["question"] != nil)
            let opened = try await OpenActivity.run(
                poll, lists: [:], event: event, territory: vitre, actor: coordinator, env: world.env)
            guard case .opened(let activityID) = opened else { Issue.record("expected a poll, got \(opened)"); return }
            let live = try await LiveStore.activities(eventID: event.id, on: world.db)
            #expect(live.activities.map(\.open) == [true])
            #expect(
                try await SteerActivity.run(
                    .close, activityID: activityID, idea: nil, event: event, territory: vitre, actor: coordinator,
                    env: world.env) == .closed)
            #expect(try await LiveStore.activities(eventID: event.id, on: world.db).activities.map(\.open) == [false])
            #expect(
                try await SteerActivity.run(
                    .hide, activityID: activityID, idea: "9", event: event, territory: vitre, actor: coordinator,
                    env: world.env) == .notFound)
            #expect(
                try await SteerActivity.run(
                    .open, activityID: activityID + 1, idea: nil, event: event, territory: vitre, actor: coordinator,
                    env: world.env) == .notFound)
            #expect(try await world.audit() == ["event.live-open", "event.live-close"])
        }
    }

    @Test func erasingAnAccountFreesItsSeatAndTellsThePersonPromoted() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let event = try await RegistrationUseCaseTests.forum(capacity: 1, in: vitre, world: world)
            for person in [anne, paul] {
                _ = try await RegisterForEvent.run(
                    RegistrationForm(person: .myself), event: event, territory: vitre, actor: person, env: world.env)
            }
            let before = try await world.outbox().count
            try await EventsModule().erase(personID: try #require(anne.personID), env: world.env, on: world.db)
            let rows = try await EventStore.registrations(eventID: event.id, on: world.db)
            #expect(rows.filter { $0.status == .registered }.map(\.email) == ["paul@example.org"])
            #expect(rows.allSatisfy { $0.email != "anne@example.org" }, "nothing left that says who Anne was")
            let mails = try await world.outbox().dropFirst(before)
            #expect(mails.map(\.to) == ["paul@example.org"], "Paul hears that a seat is his")
        }
    }
}
