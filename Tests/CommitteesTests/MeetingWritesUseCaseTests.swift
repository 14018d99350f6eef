import Core
import Fluent
import Foundation
import TestSupport
import Testing

@testable import Committees

/// Planning a meeting, its decisions and its minutes, on a small in-memory database.
@Suite("Meeting use cases")
struct MeetingWritesUseCaseTests {
    static let rooms = CommitteeUseCaseTests.rooms
    typealias World = CommitteeUseCaseTests

    static func input(_ world: UseCaseWorld) -> MeetingInput {
        let start = world.clock.now.addingTimeInterval(7 * 86_400)
        return MeetingInput(
            startsAt: start, endsAt: start.addingTimeInterval(7_200), place: "Mairie, salle 2", link: nil,
            agenda: ["Approbation", "Maison de santé"])
    }

    @Test func aPlannedMeetingInvitesTheMembersInOffice() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: nil, roles: [.resident], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            _ = try await World.seat(anne, in: committee, world: world)
            _ = try await World.seat(paul, in: committee, world: world)

            let outcome = try await PlanMeeting.run(
                Self.input(world), committee: committee, territory: vitre, actor: coordinator, env: world.env)
            guard case .planned(let meetingID) = outcome else {
                Issue.record("expected planned, got \(outcome)"); return
            }
            let meeting = try #require(
                try await MeetingStore.meeting(meetingID, committeeID: try committee.requireID(), on: world.db))
            let state = try await MeetingStore.state(of: meeting, committee: committee, on: world.db)
            #expect(state.items.map(\.title) == ["Approbation", "Maison de santé"])
            let mails = try await world.outbox()
            #expect(mails.map(\.to) == ["anne@example.org"], "only members with an e-mail are written to")
            #expect(mails.first?.subject.hasPrefix("Invitation : séance du ") == true)
            #expect(
                mails.first?.body.contains(
                    "https://agora.example/vitre/instances/\(try committee.requireID())/seances/\(meetingID)/invitation.ics"
                )
                    == true)
            #expect(try await world.audit() == ["committee.meeting.planned"])
        }
    }

    @Test func planningIsForTheStaffOfThisTerritory() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let rennes = try await world.territory(slug: "rennes", name: "Rennes", communes: [])
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let elsewhere = try await world.person("Rémi", email: "remi@example.org", roles: [.coordinator], in: rennes)
            let committee = try await World.committee(in: vitre, world: world)
            #expect(
                try await PlanMeeting.run(
                    Self.input(world), committee: committee, territory: vitre, actor: anne, env: world.env)
                    == .forbidden)
            #expect(
                try await PlanMeeting.run(
                    Self.input(world), committee: committee, territory: rennes, actor: elsewhere, env: world.env)
                    == .notFound)
            #expect(try await world.outbox().isEmpty)
        }
    }

    @Test func aDecisionByVoteIsCountedUnderTheCommitteesRule() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let seat = try await World.seat(anne, in: committee, world: world)
            let (meeting, item) = try await World.meeting(of: committee, voteOpen: true, world: world)
            try await World.present([seat], at: meeting, world: world)
            _ = try await CastVote.run(
                choice: "contre", item: item, meeting: meeting, committee: committee, actor: anne, env: world.env)

            let fields = ["mode": "vote", "text": "Ouvrir une maison de santé.", "links": "/vitre/propositions/12"]
            #expect(
                try await RecordDecision.run(
                    fields, item: item, meeting: meeting, committee: committee, territory: vitre, actor: coordinator,
                    env: world.env) == .decided(adopted: false))
            #expect(item.decisionMode == "vote")
            #expect(!item.voteOpen)
            #expect(item.links == "/vitre/propositions/12")
            #expect(try await world.audit() == ["committee.decision"])

            let again = try await RecordDecision.run(
                ["mode": "consensus", "text": "Autre"], item: item, meeting: meeting, committee: committee,
                territory: vitre, actor: coordinator, env: world.env)
            guard case .invalid(let errors) = again else { Issue.record("expected invalid, got \(again)"); return }
            #expect(errors["decision-\(try item.requireID())"] == "Ce point est déjà décidé.")
        }
    }

    @Test func aDecisionNeedsItsTextAModeAndLinksOfTheTerritory() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let (meeting, item) = try await World.meeting(of: committee, world: world)
            let outcome = try await RecordDecision.run(
                ["mode": "vote", "text": "", "links": "https://ailleurs.example"], item: item, meeting: meeting,
                committee: committee, territory: vitre, actor: coordinator, env: world.env)
            let key = "decision-\(try item.requireID())"
            guard case .invalid(let errors) = outcome else { Issue.record("expected invalid, got \(outcome)"); return }
            #expect(errors.fields == [key], "the item's form shows its first error")
            #expect(errors[key] == "Écrivez le texte adopté ou soumis au vote.")
            let elsewhere = try await RecordDecision.run(
                ["mode": "consensus", "text": "Adopté.", "links": "https://ailleurs.example"], item: item,
                meeting: meeting, committee: committee, territory: vitre, actor: coordinator, env: world.env)
            guard case .invalid(let links) = elsewhere else { Issue.record("expected invalid"); return }
            #expect(links[key]?.hasPrefix("Les liens sont des adresses de ce territoire") == true)
            let noMode = try await RecordDecision.run(
                ["text": "Adopté."], item: item, meeting: meeting, committee: committee, territory: vitre,
                actor: coordinator, env: world.env)
            guard case .invalid(let mode) = noMode else { Issue.record("expected invalid"); return }
            #expect(mode[key] == "Choisissez le mode de décision.")
            #expect(
                try await RecordDecision.run(
                    ["mode": "consensus", "text": "Adopté."], item: item, meeting: meeting, committee: committee,
                    territory: vitre, actor: coordinator, env: world.env) == .decided(adopted: true))
        }
    }

    @Test func decidingIsForTheStaffOnAnItemOfTheMeeting() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let (meeting, item) = try await World.meeting(of: committee, world: world)
            let (_, other) = try await World.meeting(of: committee, in: 7, world: world)
            let fields = ["mode": "consensus", "text": "Adopté."]
            #expect(
                try await RecordDecision.run(
                    fields, item: item, meeting: meeting, committee: committee, territory: vitre, actor: anne,
                    env: world.env) == .forbidden)
            #expect(
                try await RecordDecision.run(
                    fields, item: other, meeting: meeting, committee: committee, territory: vitre, actor: coordinator,
                    env: world.env) == .notFound)
        }
    }

    @Test func minutesAreWrittenUntilApproved() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let (meeting, _) = try await World.meeting(of: committee, world: world)

            let empty = try await WriteMinutes.run(
                ["minutes": ""], meeting: meeting, committee: committee, territory: vitre, actor: coordinator,
                env: world.env)
            guard case .invalid(let errors) = empty else { Issue.record("expected invalid, got \(empty)"); return }
            #expect(errors["minutes"] == "Écrivez le compte rendu.")

            #expect(
                try await WriteMinutes.run(
                    ["minutes": "Présents : 8."], meeting: meeting, committee: committee, territory: vitre,
                    actor: coordinator, env: world.env) == .saved)
            #expect(meeting.minutes == "Présents : 8.")
            #expect(try await world.audit() == ["committee.minutes.written"])

            meeting.minutesApprovedAt = world.clock.now
            let late = try await WriteMinutes.run(
                ["minutes": "Présents : 9."], meeting: meeting, committee: committee, territory: vitre,
                actor: coordinator, env: world.env)
            guard case .approved(let refusal) = late else { Issue.record("expected approved, got \(late)"); return }
            #expect(refusal["minutes"] == "Ce compte rendu est approuvé : il ne peut plus être modifié.")
        }
    }

    @Test func minutesAreForTheStaffOfThisTerritory() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let rennes = try await world.territory(slug: "rennes", name: "Rennes", communes: [])
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let elsewhere = try await world.person("Rémi", email: "remi@example.org", roles: [.coordinator], in: rennes)
            let committee = try await World.committee(in: vitre, world: world)
            let (meeting, _) = try await World.meeting(of: committee, world: world)
            #expect(
                try await WriteMinutes.run(
                    ["minutes": "Texte."], meeting: meeting, committee: committee, territory: vitre, actor: anne,
                    env: world.env) == .forbidden)
            #expect(
                try await WriteMinutes.run(
                    ["minutes": "Texte."], meeting: meeting, committee: committee, territory: rennes,
                    actor: elsewhere, env: world.env) == .notFound)
        }
    }
}
