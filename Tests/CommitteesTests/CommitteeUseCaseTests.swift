import Core
import Fluent
import Foundation
import TestSupport
import Testing

@testable import Committees

/// The committees' use cases on a small in-memory database: only the territory, the people, the
/// committee and the meeting each test needs, a clock that moves when told, no server.
@Suite("Committee use cases")
struct CommitteeUseCaseTests {
    static let rooms: [any FeatureModule] = [CommitteesModule()]

    /// A committee of the territory: a quorum of half the voting members, majority vote.
    static func committee(
        in territory: TerritoryInfo, world: UseCaseWorld, voteWithoutQuorum: Bool = false
    ) async throws -> Committee {
        let committee = Committee()
        committee.territoryID = territory.id
        committee.name = "Comité local de santé"
        committee.purpose = "Parler de l'accès aux soins."
        committee.themesMask = 0
        committee.communes = ""
        committee.quorumPercent = 50
        committee.decisionRule = DecisionRule.majority.rawValue
        committee.voteWithoutQuorum = voteWithoutQuorum
        committee.minimumSharePercent = 0
        committee.createdAt = world.clock.now
        try await committee.create(on: world.db)
        return committee
    }

    /// Seats a person; returns the seat's id.
    static func seat(
        _ actor: Actor, in committee: Committee, college: College = .users, function: MemberFunction = .member,
        substituteOf: Int? = nil, world: UseCaseWorld
    ) async throws -> Int {
        let member = CommitteeMember()
        member.committeeID = try committee.requireID()
        member.personID = try #require(actor.personID)
        member.college = college.rawValue
        member.function = function.rawValue
        member.mandateStart = "2026-01-01"
        member.mandateEnd = "2029-12-31"
        member.substituteOfID = substituteOf
        member.named = true
        member.createdAt = world.clock.now
        try await member.create(on: world.db)
        return try member.requireID()
    }

    /// A meeting of the committee `days` from now (negative: in the past), with one agenda item.
    static func meeting(
        of committee: Committee, in days: Double = 0, minutes: String? = nil, voteOpen: Bool = false,
        world: UseCaseWorld
    ) async throws -> (Meeting, AgendaItem) {
        let meeting = Meeting()
        meeting.committeeID = try committee.requireID()
        meeting.startsAt = world.clock.now.addingTimeInterval(days * 86_400)
        meeting.endsAt = meeting.startsAt.addingTimeInterval(7_200)
        meeting.minutes = minutes
        meeting.createdAt = world.clock.now
        try await meeting.create(on: world.db)
        let item = AgendaItem()
        item.meetingID = try meeting.requireID()
        item.position = 1
        item.title = "Maison de santé"
        item.voteOpen = voteOpen
        try await item.create(on: world.db)
        return (meeting, item)
    }

    static func present(_ seats: [Int], at meeting: Meeting, world: UseCaseWorld) async throws {
        try await MeetingStore.replaceAttendance(
            meetingID: try meeting.requireID(), seats.map { ($0, AttendanceStatus.present) }, on: world.db)
    }

    // MARK: - Voting

    @Test func aPresentMemberVotesOnceInTheirCollege() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.professional], in: vitre)
            let committee = try await Self.committee(in: vitre, world: world)
            let seat = try await Self.seat(anne, in: committee, college: .professionals, world: world)
            let (meeting, item) = try await Self.meeting(of: committee, voteOpen: true, world: world)
            try await Self.present([seat], at: meeting, world: world)

            let first = try await CastVote.run(
                choice: "pour", item: item, meeting: meeting, committee: committee, actor: anne, env: world.env)
            #expect(first == .recorded(itemID: try item.requireID()))
            let votes = try await MeetingStore.votes(itemID: try item.requireID(), on: world.db)
            #expect(votes.map(\.0) == [.professionals])
            #expect(votes.map(\.1) == [.yes])

            let again = try await CastVote.run(
                choice: "contre", item: item, meeting: meeting, committee: committee, actor: anne, env: world.env)
            #expect(again == .duplicate)
            #expect(try await MeetingStore.votes(itemID: try item.requireID(), on: world.db).count == 1)
        }
    }

    @Test func onlyMembersPresentOrRepresentedVote() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let guest = try await world.person("Gaby", email: "gaby@example.org", roles: [.resident], in: vitre)
            let committee = try await Self.committee(in: vitre, world: world)
            _ = try await Self.seat(anne, in: committee, world: world)
            let guestSeat = try await Self.seat(guest, in: committee, function: .guest, world: world)
            let (meeting, item) = try await Self.meeting(of: committee, voteOpen: true, world: world)
            try await Self.present([guestSeat], at: meeting, world: world)

            for actor in [anne, paul, guest, UseCaseWorld.anonymous] {
                let outcome = try await CastVote.run(
                    choice: "pour", item: item, meeting: meeting, committee: committee, actor: actor, env: world.env)
                #expect(outcome == .notAVoter, "absent, not seated, a guest, or nobody: \(actor.name ?? "-")")
            }
            #expect(try await MeetingStore.votes(itemID: try item.requireID(), on: world.db).isEmpty)
        }
    }

    @Test func aSubstitutePresentVotesForAnAbsentTitular() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let sam = try await world.person("Sam", email: "sam@example.org", roles: [.resident], in: vitre)
            let committee = try await Self.committee(in: vitre, world: world)
            let titular = try await Self.seat(anne, in: committee, world: world)
            let substitute = try await Self.seat(sam, in: committee, substituteOf: titular, world: world)
            let (meeting, item) = try await Self.meeting(of: committee, voteOpen: true, world: world)
            try await Self.present([substitute], at: meeting, world: world)
            #expect(
                try await CastVote.run(
                    choice: "abstention", item: item, meeting: meeting, committee: committee, actor: sam,
                    env: world.env) == .recorded(itemID: try item.requireID()))
        }
    }

    @Test func aVoteIsRefusedWhenNotOpenOrWithoutAChoice() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await Self.committee(in: vitre, world: world)
            let seat = try await Self.seat(anne, in: committee, world: world)
            let (meeting, closed) = try await Self.meeting(of: committee, voteOpen: false, world: world)
            try await Self.present([seat], at: meeting, world: world)
            #expect(
                try await CastVote.run(
                    choice: "pour", item: closed, meeting: meeting, committee: committee, actor: anne, env: world.env)
                    == .notOpen)

            closed.voteOpen = true
            try await closed.update(on: world.db)
            let outcome = try await CastVote.run(
                choice: "peut-être", item: closed, meeting: meeting, committee: committee, actor: anne, env: world.env)
            guard case .invalid(let errors) = outcome else { Issue.record("expected invalid, got \(outcome)"); return }
            #expect(errors["choice-\(try closed.requireID())"] == "Choisissez pour, contre ou abstention.")
        }
    }

    @Test func aVoteOnAnItemOfAnotherMeetingIsNotFound() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await Self.committee(in: vitre, world: world)
            _ = try await Self.seat(anne, in: committee, world: world)
            let (meeting, _) = try await Self.meeting(of: committee, world: world)
            let (_, other) = try await Self.meeting(of: committee, in: 7, voteOpen: true, world: world)
            #expect(
                try await CastVote.run(
                    choice: "pour", item: other, meeting: meeting, committee: committee, actor: anne, env: world.env)
                    == .notFound)
        }
    }

    // MARK: - Attendance and the quorum

    @Test func theStaffRecordAttendance() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let committee = try await Self.committee(in: vitre, world: world)
            let annes = try await Self.seat(anne, in: committee, world: world)
            let pauls = try await Self.seat(paul, in: committee, world: world)
            let (meeting, _) = try await Self.meeting(of: committee, world: world)

            let outcome = try await RecordAttendance.run(
                [annes: "present", pauls: "represente", 999: "present"], meeting: meeting, committee: committee,
                territory: vitre, actor: coordinator, env: world.env)
            #expect(outcome == .recorded(count: 2), "a seat not of this committee is ignored")
            let state = try await MeetingStore.state(of: meeting, committee: committee, on: world.db)
            #expect(state.attendance == [annes: .present, pauls: .represented])
            #expect(state.quorumMet(committee))
            #expect(try await world.audit() == ["committee.attendance"])

            let invalid = try await RecordAttendance.run(
                [annes: "en-retard"], meeting: meeting, committee: committee, territory: vitre, actor: coordinator,
                env: world.env)
            guard case .invalid(let errors) = invalid else { Issue.record("expected invalid, got \(invalid)"); return }
            #expect(errors.fields == ["presence-\(annes)"])
        }
    }

    @Test func attendanceIsForTheStaffOfThisTerritory() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let rennes = try await world.territory(slug: "rennes", name: "Rennes", communes: [])
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: rennes)
            let committee = try await Self.committee(in: vitre, world: world)
            let (meeting, _) = try await Self.meeting(of: committee, world: world)
            #expect(
                try await RecordAttendance.run(
                    [:], meeting: meeting, committee: committee, territory: vitre, actor: anne, env: world.env)
                    == .forbidden)
            #expect(
                try await RecordAttendance.run(
                    [:], meeting: meeting, committee: committee, territory: rennes, actor: coordinator, env: world.env)
                    == .notFound)
        }
    }

    @Test func aVoteOpensWithTheQuorumOrWhereTheRulesAllowWithoutIt() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let strict = try await Self.committee(in: vitre, world: world)
            let annes = try await Self.seat(anne, in: strict, world: world)
            _ = try await Self.seat(paul, in: strict, world: world)
            let (meeting, item) = try await Self.meeting(of: strict, world: world)

            let refused = try await OpenVote.run(
                item: item, meeting: meeting, committee: strict, territory: vitre, actor: coordinator, env: world.env)
            guard case .refused(let errors) = refused else { Issue.record("expected refused, got \(refused)"); return }
            #expect(errors.fields == ["decision-\(try item.requireID())"])

            try await Self.present([annes], at: meeting, world: world)  // one of two: 50 % is met
            #expect(
                try await OpenVote.run(
                    item: item, meeting: meeting, committee: strict, territory: vitre, actor: coordinator,
                    env: world.env) == .opened(quorumMet: true))
            #expect(item.voteOpen)

            let lenient = try await Self.committee(in: vitre, world: world, voteWithoutQuorum: true)
            _ = try await Self.seat(anne, in: lenient, world: world)
            let (other, otherItem) = try await Self.meeting(of: lenient, world: world)
            #expect(
                try await OpenVote.run(
                    item: otherItem, meeting: other, committee: lenient, territory: vitre, actor: coordinator,
                    env: world.env) == .opened(quorumMet: false))
            #expect(otherItem.quorumMet == false)
            #expect(try await world.audit() == ["committee.vote.opened", "committee.vote.opened"])
        }
    }

    @Test func openingAVoteIsForTheStaffOnAnItemOfTheMeeting() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await Self.committee(in: vitre, world: world, voteWithoutQuorum: true)
            let (meeting, item) = try await Self.meeting(of: committee, world: world)
            let (_, other) = try await Self.meeting(of: committee, in: 7, world: world)
            #expect(
                try await OpenVote.run(
                    item: item, meeting: meeting, committee: committee, territory: vitre, actor: anne, env: world.env)
                    == .forbidden)
            #expect(
                try await OpenVote.run(
                    item: other, meeting: meeting, committee: committee, territory: vitre, actor: coordinator,
                    env: world.env) == .notFound)
        }
    }

    // MARK: - Minutes

    @Test func aMeetingApprovesThePreviousMinutesOnce() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let committee = try await Self.committee(in: vitre, world: world)
            let (previous, _) = try await Self.meeting(
                of: committee, in: -30, minutes: "Compte rendu de janvier.", world: world)
            let (meeting, _) = try await Self.meeting(of: committee, world: world)

            #expect(
                try await ApproveMinutes.run(
                    in: meeting, committee: committee, territory: vitre, actor: coordinator, env: world.env)
                    == .approved(meetingID: try previous.requireID()))
            let stored = try #require(try await Meeting.find(try previous.requireID(), on: world.db))
            #expect(stored.minutesApprovedAt == world.clock.now)
            #expect(stored.minutesApprovedIn == (try meeting.requireID()))
            #expect(try await world.audit() == ["committee.minutes.approved"])

            #expect(
                try await ApproveMinutes.run(
                    in: meeting, committee: committee, territory: vitre, actor: coordinator, env: world.env)
                    == .nothingToApprove)
        }
    }

    @Test func approvingMinutesIsForTheStaffOfThisTerritory() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let rennes = try await world.person("Rémi", email: "remi@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let elsewhere = try await world.territory(slug: "rennes", name: "Rennes", communes: [])
            let committee = try await Self.committee(in: vitre, world: world)
            _ = try await Self.meeting(of: committee, in: -30, minutes: "Compte rendu.", world: world)
            let (meeting, _) = try await Self.meeting(of: committee, world: world)
            #expect(
                try await ApproveMinutes.run(
                    in: meeting, committee: committee, territory: vitre, actor: anne, env: world.env) == .forbidden)
            #expect(
                try await ApproveMinutes.run(
                    in: meeting, committee: committee, territory: elsewhere, actor: rennes, env: world.env)
                    == .notFound)
        }
    }
}
