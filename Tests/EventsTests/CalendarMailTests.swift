import Core
import Fluent
import Foundation
import TestSupport
import Testing

@testable import Events

/// The calendar files and mails of an event as their standards and their readers want them
/// (issue #16): an instance's own UID, a SEQUENCE that grows when the event moves, LAST-MODIFIED,
/// METHOD:REQUEST (with its ORGANIZER) in an invitation mailed and METHOD:CANCEL in a
/// cancellation; and a waiting-list mail that says what the waiting list means.
@Suite("Event calendars and mails")
struct CalendarMailTests {
    static let rooms = RegistrationUseCaseTests.rooms

    /// The outbox rows, oldest first, with their files.
    static func mails(_ world: UseCaseWorld) async throws -> [OutboxMail] {
        try await OutboxMail.query(on: world.db).sort(\.$id).all()
    }

    static func calendarText(_ mail: OutboxMail) throws -> String {
        let file = try #require(mail.attachments.first)
        return try #require(String(data: file.data, encoding: .utf8)).replacingOccurrences(of: "\r\n ", with: "")
    }

    @Test func aPersonOnTheWaitingListIsToldWhatItMeansAndNotToShowACodeAtTheDesk() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let event = try await RegistrationUseCaseTests.forum(capacity: 1, in: vitre, world: world)
            for name in ["anne", "paul", "yves"] {
                let actor = try await world.person(name, email: "\(name)@example.org", roles: [.resident], in: vitre)
                _ = try await RegisterForEvent.run(
                    RegistrationForm(person: .myself), event: event, territory: vitre, actor: actor, env: world.env)
            }
            let mails = try await Self.mails(world)
            #expect(
                mails.map(\.subject) == ["Inscription confirmée : Forum santé"]
                    + Array(repeating: "Liste d'attente : Forum santé", count: 2))
            #expect(mails[0].body.contains("le code à montrer à l'accueil"), "a seat comes with its code")
            for mail in mails.dropFirst() {
                #expect(!mail.body.contains("accueil"), "no code to show at the desk: \(mail.body)")
                #expect(mail.body.contains("Vous n'avez donc pas encore de place."))
                #expect(mail.body.contains("vous recevrez alors un e-mail qui confirme votre place"))
                #expect(mail.body.contains("Retirez-vous de la liste d'attente en un clic"))
                #expect(mail.body.contains("https://agora.example/vitre/evenements/inscriptions/"))
                #expect(mail.attachments.isEmpty, "no invitation for a seat one does not have")
            }
            #expect(mails[1].body.contains("vous êtes sur sa liste d'attente ; vous êtes en 1re position."))
            #expect(!mails[1].body.contains("avant vous"), "the first has nobody before them")
            #expect(mails[2].body.contains("en 2e position. Une personne est avant vous."))
            #expect(mails[2].body.contains("you are on its waiting list (number 2 in line) and have no seat yet"))
            #expect(FrenchText.peopleAhead(3) == "3 personnes sont avant vous.")
            #expect(FrenchText.ordinal(1) == "1re" && FrenchText.ordinal(11) == "11e")
        }
    }

    @Test func theInvitationMailedIsARequestFromThePlatformAndTheFileMovesWithTheEvent() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person("Coord", email: "c@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let event = try await RegistrationUseCaseTests.forum(capacity: 10, in: vitre, world: world)
            #expect(event.calendar_sequence == 0)
            _ = try await RegisterForEvent.run(
                RegistrationForm(person: .myself), event: event, territory: vitre, actor: anne, env: world.env)
            let confirmation = try #require(try await Self.mails(world).last)
            let file = try #require(confirmation.attachments.first)
            #expect(file.contentType == "text/calendar; charset=utf-8; method=REQUEST")
            let invitation = try Self.calendarText(confirmation)
            #expect(invitation.contains("\r\nMETHOD:REQUEST\r\n"))
            #expect(invitation.contains("\r\nUID:event-\(event.id)@agora.example\r\n"))
            #expect(invitation.contains("\r\nSEQUENCE:0\r\n") && invitation.contains("\r\nLAST-MODIFIED:"))
            #expect(invitation.contains("\r\nORGANIZER;CN=\"Agora Santé\":mailto:ne-pas-repondre@agora.example\r\n"))
            #expect(invitation.contains(":mailto:anne@example.org\r\n"))

            // Moved: the sequence grows and LAST-MODIFIED is the time of the change.
            world.clock.advance(by: 3600)
            let moved = EventManagementUseCaseTests.form(capacity: 10, title: "Forum santé")
            #expect(
                try await SaveEvent.run(
                    moved, lists: [:], editing: event, territory: vitre, actor: coordinator, env: world.env)
                    == .saved(event.id))
            let afterMove = try #require(try await EventStore.event(event.id, on: world.db))
            #expect(afterMove.calendar_sequence == 1 && afterMove.updated_at == world.clock.now)
            let published = EventText.icsEvent(afterMove, territory: vitre, baseURL: world.env.baseURL)
            #expect(published.sequence == 1 && published.lastModified == world.clock.now)
            // Saved again unchanged: the same revision.
            #expect(
                try await SaveEvent.run(
                    moved, lists: [:], editing: afterMove, territory: vitre, actor: coordinator, env: world.env)
                    == .saved(event.id))
            #expect(try await EventStore.event(event.id, on: world.db)?.calendar_sequence == 1)

            // Cancelled: one more revision, and the mail carries a CANCEL.
            #expect(
                try await ChangeEventStatus.run(
                    to: .cancelled, event: afterMove, territory: vitre, actor: coordinator, env: world.env)
                    == .cancelled(emailed: 1, toCall: 0))
            let cancellation = try #require(try await Self.mails(world).last)
            #expect(cancellation.subject == "Annulé : Forum santé")
            #expect(cancellation.attachments.first?.contentType == "text/calendar; charset=utf-8; method=CANCEL")
            let cancel = try Self.calendarText(cancellation)
            #expect(cancel.contains("\r\nMETHOD:CANCEL\r\n") && cancel.contains("\r\nSTATUS:CANCELLED\r\n"))
            #expect(cancel.contains("\r\nSEQUENCE:2\r\n"))
            #expect(cancel.contains("\r\nUID:event-\(event.id)@agora.example\r\n"), "the same event, replaced")
        }
    }
}
