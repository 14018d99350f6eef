import Core
import Fluent
import Foundation
import TestSupport
import Testing

@testable import Committees

/// Applying to a call for candidates and appointing its members, on a small in-memory database.
@Suite("Call use cases")
struct CallUseCaseTests {
    static let rooms: [any FeatureModule] = [CommitteesModule()]

    /// A call of the committee for `college`, closing `closesOn` (a day after the clock's by default).
    static func call(
        of committee: Committee, college: College = .users, seats: Int = 2, closesOn: String = "2027-03-01",
        world: UseCaseWorld
    ) async throws -> CandidateCall {
        // As the room opens a call: with its sealed seed and the commitment to it.
        let input = CallInput(
            title: "Appel aux usagers", body: "Rejoignez le comité.", college: college, closesOn: closesOn, seats: seats
        )
        let id = try await CallStore.insertCall(
            input, committeeID: try committee.requireID(), now: world.clock.now, on: world.db)
        return try #require(try await CandidateCall.find(id, on: world.db))
    }

    static let motivation = ["motivation": "Je connais bien les besoins du quartier."]

    @Test func peopleOfTheCollegeApplyOnceEachUnderTheNextNumber() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person(
                "Anne", email: "anne@example.org", roles: [.resident], in: vitre, commune: "35360")
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.patientPartner], in: vitre)
            let committee = try await CommitteeUseCaseTests.committee(in: vitre, world: world)
            let call = try await Self.call(of: committee, world: world)

            #expect(
                try await ApplyToCall.run(
                    motivation: Self.motivation, call: call, committee: committee, actor: anne, env: world.env)
                    == .applied(number: 1))
            #expect(
                try await ApplyToCall.run(
                    motivation: Self.motivation, call: call, committee: committee, actor: paul, env: world.env)
                    == .applied(number: 2))
            #expect(
                try await ApplyToCall.run(
                    motivation: Self.motivation, call: call, committee: committee, actor: anne, env: world.env)
                    == .duplicate)
            let list = try await CallStore.candidates(of: try call.requireID(), on: world.db)
            #expect(list.map(\.display_name) == ["Anne", "Paul"])
            #expect(list.map(\.status) == ["pending", "pending"])
            #expect(list.first?.commune_code == "35360", "the commune is kept for a balanced draw")
        }
    }

    @Test func anApplicationNeedsAMotivation() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await CommitteeUseCaseTests.committee(in: vitre, world: world)
            let call = try await Self.call(of: committee, world: world)
            let outcome = try await ApplyToCall.run(
                motivation: ["motivation": "  "], call: call, committee: committee, actor: anne, env: world.env)
            guard case .invalid(let errors) = outcome else { Issue.record("expected invalid, got \(outcome)"); return }
            #expect(errors["motivation"] == "Dites en quelques phrases pourquoi vous souhaitez siéger.")
        }
    }

    @Test func aCallClosesAfterItsDayAndOnceDecided() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await CommitteeUseCaseTests.committee(in: vitre, world: world)
            let today = Day.today(world.clock.now)
            let call = try await Self.call(of: committee, closesOn: today, world: world)
            world.clock.advance(by: 86_400)  // the closing day has passed
            let outcome = try await ApplyToCall.run(
                motivation: Self.motivation, call: call, committee: committee, actor: anne, env: world.env)
            guard case .closed(let errors) = outcome else { Issue.record("expected closed, got \(outcome)"); return }
            #expect(errors["motivation"]?.hasPrefix("Les candidatures sont closes depuis le ") == true)

            let decided = try await Self.call(of: committee, world: world)
            decided.decidedAt = world.clock.now
            guard
                case .closed = try await ApplyToCall.run(
                    motivation: Self.motivation, call: decided, committee: committee, actor: anne, env: world.env)
            else { Issue.record("a decided call is closed"); return }
        }
    }

    @Test func aCallIsForItsCollegeOnly() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let doctor = try await world.person("Dr Lee", email: "lee@example.org", roles: [.professional], in: vitre)
            let committee = try await CommitteeUseCaseTests.committee(in: vitre, world: world)
            let call = try await Self.call(of: committee, college: .users, world: world)
            let outcome = try await ApplyToCall.run(
                motivation: Self.motivation, call: call, committee: committee, actor: doctor, env: world.env)
            guard case .forbidden(let errors) = outcome else {
                Issue.record("expected forbidden, got \(outcome)")
                return
            }
            #expect(errors["motivation"] == "Cet appel s'adresse à un autre collège que le vôtre.")
            #expect(try await CallStore.candidates(of: try call.requireID(), on: world.db).isEmpty)
        }
    }

    @Test func aCallOfAnotherCommitteeIsNotFound() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await CommitteeUseCaseTests.committee(in: vitre, world: world)
            let other = try await CommitteeUseCaseTests.committee(in: vitre, world: world)
            let call = try await Self.call(of: other, world: world)
            #expect(
                try await ApplyToCall.run(
                    motivation: Self.motivation, call: call, committee: committee, actor: anne, env: world.env)
                    == .notFound)
        }
    }

    /// A call with three candidates (numbers 1, 2, 3) and a coordinator.
    static func callWithCandidates(
        world: UseCaseWorld
    ) async throws -> (TerritoryInfo, Committee, CandidateCall, Actor) {
        let vitre = try await world.territory()
        let coordinator = try await world.person("Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
        let committee = try await CommitteeUseCaseTests.committee(in: vitre, world: world)
        let call = try await Self.call(of: committee, seats: 2, world: world)
        for name in ["Anne", "Paul", "Zoé"] {
            let person = try await world.person(name, email: "\(name)@example.org", roles: [.resident], in: vitre)
            _ = try await ApplyToCall.run(
                motivation: Self.motivation, call: call, committee: committee, actor: person, env: world.env)
        }
        return (vitre, committee, call, coordinator)
    }

    static let mandate = (start: "2027-02-01", end: "2030-01-31")

    @Test func theCoordinatorsSelectMembers() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let (vitre, committee, call, coordinator) = try await Self.callWithCandidates(world: world)
            let outcome = try await AppointMembers.run(
                .selection([1, 3]), mandate: Self.mandate, parseErrors: FormErrors(), call: call,
                committee: committee, territory: vitre, actor: coordinator, env: world.env)
            #expect(outcome == .appointed(numbers: [1, 3]))
            let seats = try await CommitteeStore.seats(of: try committee.requireID(), on: world.db)
            #expect(Set(seats.map(\.display_name)) == ["Anne", "Zoé"])
            #expect(seats.allSatisfy { $0.college == "usagers" && !$0.named && $0.mandate_end == "2030-01-31" })
            let list = try await CallStore.candidates(of: try call.requireID(), on: world.db)
            #expect(list.map(\.status) == ["selected", "not_selected", "selected"])
            #expect(call.decidedAt == world.clock.now)
            #expect(try await world.audit() == ["committee.call.selected"])

            let again = try await AppointMembers.run(
                .selection([2]), mandate: Self.mandate, parseErrors: FormErrors(), call: call, committee: committee,
                territory: vitre, actor: coordinator, env: world.env)
            guard case .invalid(let errors) = again else { Issue.record("expected invalid, got \(again)"); return }
            #expect(errors["selected"] == "Les membres de cet appel sont déjà désignés.")
        }
    }

    @Test func aSelectionIsRefusedBeyondTheSeatsOrWithoutAMandate() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let (vitre, committee, call, coordinator) = try await Self.callWithCandidates(world: world)
            let tooMany = try await AppointMembers.run(
                .selection([1, 2, 3]), mandate: Self.mandate, parseErrors: FormErrors(), call: call,
                committee: committee, territory: vitre, actor: coordinator, env: world.env)
            guard case .invalid(let errors) = tooMany else { Issue.record("expected invalid, got \(tooMany)"); return }
            #expect(errors["selected"] == "2 sièges au plus : décochez-en 1.")
            var typed = FormErrors()
            typed.add("mandate_start", "Indiquez le premier jour du mandat.")
            let noMandate = try await AppointMembers.run(
                .selection([1]), mandate: nil, parseErrors: typed, call: call, committee: committee,
                territory: vitre, actor: coordinator, env: world.env)
            guard case .invalid(let shown) = noMandate else { Issue.record("expected invalid"); return }
            #expect(shown.fields == ["mandate_start"])
            #expect(try await CommitteeStore.seats(of: try committee.requireID(), on: world.db).isEmpty)
            #expect(call.decidedAt == nil)
        }
    }

    /// Issue #16, attack 6: the seed is fixed by the platform when the call opens, only its
    /// SHA-256 is published until the draw, and nobody types one; after the draw, anyone checks
    /// the revealed seed against the commitment and recomputes the order.
    @Test func aDrawUsesTheSeedCommittedAtTheOpeningAndCanBeChecked() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let (vitre, committee, call, coordinator) = try await Self.callWithCandidates(world: world)
            let commitment = try #require(call.seedCommitment)
            let sealed = try #require(call.sealedSeed)
            #expect(commitment.count == 64 && sealed.count == 18 && call.seed == nil, "only the hash is public")
            let outcome = try await AppointMembers.run(
                .draw(balance: ""), mandate: Self.mandate, parseErrors: FormErrors(), call: call,
                committee: committee, territory: vitre, actor: coordinator, env: world.env)
            let revealed = try #require(call.seed)
            #expect(revealed == sealed)
            #expect(Draw.keeps(commitment, seed: revealed))
            #expect(!Draw.keeps(commitment, seed: String(UInt64(revealed)! &+ 1)))
            let expected = Set(
                Draw.draw(
                    (1...3).map { Draw.Candidate(number: $0) }, seats: 2, seed: UInt64(revealed)!, balanced: false))
            #expect(outcome == .appointed(numbers: expected))
            #expect(try await CommitteeStore.seats(of: try committee.requireID(), on: world.db).count == 2)
            #expect(try await world.audit() == ["committee.call.drawn"])
        }
    }

    @Test func twoCallsNeverShareASeed() {
        let seeds = Set((1...200).map { _ in Draw.freshSeed() })
        #expect(seeds.count == 200 && seeds.allSatisfy { $0.count == 18 && $0.allSatisfy(\.isNumber) })
    }

    @Test func appointingIsForTheStaffOfThisTerritory() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let (vitre, committee, call, _) = try await Self.callWithCandidates(world: world)
            let anne = try await world.person("Anne B", email: "anneb@example.org", roles: [.resident], in: vitre)
            #expect(
                try await AppointMembers.run(
                    .selection([1]), mandate: Self.mandate, parseErrors: FormErrors(), call: call,
                    committee: committee, territory: vitre, actor: anne, env: world.env) == .forbidden)
            let rennes = try await world.territory(slug: "rennes", name: "Rennes", communes: [])
            let elsewhere = try await world.person("Rémi", email: "remi@example.org", roles: [.coordinator], in: rennes)
            #expect(
                try await AppointMembers.run(
                    .draw(balance: ""), mandate: Self.mandate, parseErrors: FormErrors(), call: call,
                    committee: committee, territory: rennes, actor: elsewhere, env: world.env) == .notFound)
        }
    }
}

/// The one rule of who may do what with committees.
@Suite("Committees policy")
struct CommitteesPolicyTests {
    static func actor(_ roles: Set<Role>, signedIn: Bool = true) -> Actor {
        Actor(personID: signedIn ? 7 : nil, roles: roles)
    }

    @Test func theStaffRunCommittees() {
        #expect(CommitteesPolicy.allows(Self.actor([.coordinator]), .run, on: .committee))
        #expect(CommitteesPolicy.allows(Self.actor([.admin]), .run, on: .committee))
        #expect(!CommitteesPolicy.allows(Self.actor([.decisionMaker, .professional]), .run, on: .committee))
    }

    @Test func onlyASeatVotes() {
        #expect(CommitteesPolicy.allows(Self.actor([.resident]), .vote, on: .meeting(votingSeatID: 3)))
        #expect(!CommitteesPolicy.allows(Self.actor([.coordinator]), .vote, on: .meeting(votingSeatID: nil)))
        #expect(!CommitteesPolicy.allows(Self.actor([], signedIn: false), .vote, on: .meeting(votingSeatID: 3)))
        #expect(!CommitteesPolicy.allows(Self.actor([.resident]), .vote, on: .committee))
    }

    @Test func peopleApplyToTheirCollege() {
        #expect(CommitteesPolicy.allows(Self.actor([.patientPartner]), .apply, on: .call(college: .users)))
        #expect(CommitteesPolicy.allows(Self.actor([.professional]), .apply, on: .call(college: .professionals)))
        #expect(!CommitteesPolicy.allows(Self.actor([.professional]), .apply, on: .call(college: .users)))
        #expect(!CommitteesPolicy.allows(Self.actor([.coordinator]), .apply, on: .call(college: .decisionMakers)))
    }

    @Test func theMembersAreaIsForSeatedMembersAndTheStaff() {
        #expect(CommitteesPolicy.allows(Self.actor([.resident]), .readMembersArea, on: .seats(holdsSeat: true)))
        #expect(!CommitteesPolicy.allows(Self.actor([.resident]), .readMembersArea, on: .seats(holdsSeat: false)))
        #expect(CommitteesPolicy.allows(Self.actor([.coordinator]), .readMembersArea, on: .seats(holdsSeat: false)))
    }
}
