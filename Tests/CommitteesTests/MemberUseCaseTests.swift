import Core
import Fluent
import Foundation
import TestSupport
import Testing

@testable import Committees

/// Seating members and ending mandates, on a small in-memory database.
@Suite("Member use cases")
struct MemberUseCaseTests {
    static let rooms = CommitteeUseCaseTests.rooms
    typealias World = CommitteeUseCaseTests

    static func form(_ email: String, substituteOf: Int? = nil) -> Result<MemberInput, FormErrorsBox> {
        var fields = [
            "email": email, "college": "usagers", "function": "membre", "mandate_start": "2027-01-01",
            "mandate_end": "2029-12-31",
        ]
        if let substituteOf { fields["substitute_of"] = String(substituteOf) }
        return MemberInput.validate(fields: fields, lang: .fr)
    }

    @Test func theStaffSeatAPersonOfTheTerritoryOnce() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            _ = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let outcome = try await SeatMember.run(
                Self.form("anne@example.org"), committee: committee, territory: vitre, actor: coordinator,
                env: world.env)
            guard case .seated(let memberID) = outcome else { Issue.record("expected seated, got \(outcome)"); return }
            let seats = try await CommitteeStore.seats(of: try committee.requireID(), on: world.db)
            #expect(seats.map(\.id) == [memberID])
            #expect(seats.first?.display_name == "Anne")
            #expect(try await world.audit() == ["committee.member.added"])

            let again = try await SeatMember.run(
                Self.form("anne@example.org"), committee: committee, territory: vitre, actor: coordinator,
                env: world.env)
            guard case .invalid(let errors) = again else { Issue.record("expected invalid, got \(again)"); return }
            #expect(errors["email"] == "Cette personne siège déjà dans l'instance.")
        }
    }

    @Test func aSeatNeedsAnAccountOfTheTerritoryAndARealTitular() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let rennes = try await world.territory(slug: "rennes", name: "Rennes", communes: [])
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            _ = try await world.person("Rémi", email: "remi@example.org", roles: [.resident], in: rennes)
            let committee = try await World.committee(in: vitre, world: world)
            let outcome = try await SeatMember.run(
                Self.form("remi@example.org", substituteOf: 999), committee: committee, territory: vitre,
                actor: coordinator, env: world.env)
            guard case .invalid(let errors) = outcome else { Issue.record("expected invalid, got \(outcome)"); return }
            #expect(errors.fields == ["email", "substitute_of"])
        }
    }

    @Test func seatingIsForTheStaffOfThisTerritory() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let rennes = try await world.territory(slug: "rennes", name: "Rennes", communes: [])
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let elsewhere = try await world.person("Rémi", email: "remi@example.org", roles: [.coordinator], in: rennes)
            let committee = try await World.committee(in: vitre, world: world)
            #expect(
                try await SeatMember.run(
                    Self.form("anne@example.org"), committee: committee, territory: vitre, actor: anne, env: world.env)
                    == .forbidden)
            #expect(
                try await SeatMember.run(
                    Self.form("anne@example.org"), committee: committee, territory: rennes, actor: elsewhere,
                    env: world.env) == .notFound)
        }
    }

    @Test func aMandateEndsYesterday() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let seat = try await World.seat(anne, in: committee, world: world)
            let yesterday = try #require(Day.adding(-1, to: Day.today(world.clock.now)))
            #expect(
                try await EndMandate.run(
                    memberID: seat, committee: committee, territory: vitre, actor: coordinator, env: world.env)
                    == .ended(lastDay: yesterday))
            let seats = try await CommitteeStore.seats(of: try committee.requireID(), on: world.db)
            #expect(seats.first?.mandate_end == yesterday)
            #expect(try await world.audit() == ["committee.member.ended"])
        }
    }

    @Test func endingAMandateIsForTheStaffOnASeatOfTheCommittee() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let other = try await World.committee(in: vitre, world: world)
            let seat = try await World.seat(anne, in: other, world: world)
            #expect(
                try await EndMandate.run(
                    memberID: seat, committee: committee, territory: vitre, actor: anne, env: world.env) == .forbidden)
            #expect(
                try await EndMandate.run(
                    memberID: seat, committee: committee, territory: vitre, actor: coordinator, env: world.env)
                    == .notFound)
        }
    }
}
