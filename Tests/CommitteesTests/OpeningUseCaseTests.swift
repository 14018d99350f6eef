import Core
import Fluent
import Foundation
import TestSupport
import Testing

@testable import Committees

/// Creating committees, opening calls, starting and commenting drafts, on a small in-memory database.
@Suite("Opening use cases")
struct OpeningUseCaseTests {
    static let rooms = CommitteeUseCaseTests.rooms
    typealias World = CommitteeUseCaseTests

    static let committeeInput = CommitteeInput(
        name: "Comité local de santé", purpose: "L'accès aux soins.", themes: [], communes: ["35360"],
        quorumPercent: 50, rule: .twoThirds, voteWithoutQuorum: false, minimumSharePercent: 20)

    @Test func theStaffCreateACommittee() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let outcome = try await CreateCommittee.run(
                Self.committeeInput, territory: vitre, actor: coordinator, env: world.env)
            guard case .created(let id) = outcome else { Issue.record("expected created, got \(outcome)"); return }
            let committee = try #require(try await CommitteeStore.committee(id, territoryID: vitre.id, on: world.db))
            #expect(committee.rule == .twoThirds)
            #expect(committee.communeCodes == ["35360"])
            #expect(try await world.audit() == ["committee.created"])
        }
    }

    @Test func onlyTheStaffCreateACommittee() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.decisionMaker], in: vitre)
            #expect(
                try await CreateCommittee.run(Self.committeeInput, territory: vitre, actor: anne, env: world.env)
                    == .forbidden)
        }
    }

    static let callInput = CallInput(
        title: "Appel aux usagers", body: "Rejoignez le comité.", college: .users, closesOn: "2027-03-01", seats: 3)

    @Test func theStaffOpenACall() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let outcome = try await OpenCall.run(
                Self.callInput, committee: committee, territory: vitre, actor: coordinator, env: world.env)
            guard case .opened(let id) = outcome else { Issue.record("expected opened, got \(outcome)"); return }
            let call = try #require(
                try await CallStore.call(id, committeeID: try committee.requireID(), on: world.db))
            #expect(call.seats == 3)
            #expect(call.college == "usagers")
            #expect(call.decidedAt == nil)
            #expect(try await world.audit() == ["committee.call.opened"])
        }
    }

    @Test func openingACallIsForTheStaffOfThisTerritory() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let rennes = try await world.territory(slug: "rennes", name: "Rennes", communes: [])
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let elsewhere = try await world.person("Rémi", email: "remi@example.org", roles: [.coordinator], in: rennes)
            let committee = try await World.committee(in: vitre, world: world)
            #expect(
                try await OpenCall.run(
                    Self.callInput, committee: committee, territory: vitre, actor: anne, env: world.env) == .forbidden)
            #expect(
                try await OpenCall.run(
                    Self.callInput, committee: committee, territory: rennes, actor: elsewhere, env: world.env)
                    == .notFound)
        }
    }

    @Test func aMemberStartsADraftWithItsFirstVersion() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            _ = try await World.seat(anne, in: committee, world: world)

            let outcome = try await StartStrategy.run(
                ["strategy_title": "Prévention 2027"], committee: committee, actor: anne, env: world.env)
            guard case .started(let id) = outcome else { Issue.record("expected started, got \(outcome)"); return }
            let strategy = try #require(
                try await StrategyStore.strategy(id, committeeID: try committee.requireID(), on: world.db))
            #expect(strategy.version == 1)

            let untitled = try await StartStrategy.run([:], committee: committee, actor: anne, env: world.env)
            guard case .invalid(let errors) = untitled else {
                Issue.record("expected invalid, got \(untitled)"); return
            }
            #expect(errors.fields == ["strategy_title"])
            #expect(
                try await StartStrategy.run(
                    ["strategy_title": "Autre"], committee: committee, actor: paul, env: world.env) == .forbidden)
        }
    }

    @Test func membersCommentTheSectionsOfADraft() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            _ = try await World.seat(anne, in: committee, world: world)
            let strategy = try await StrategyUseCaseTests.strategy(of: committee, world: world)
            _ = try await SaveSection.run(
                StrategyUseCaseTests.section, section: nil, strategy: strategy, committee: committee, actor: anne,
                env: world.env)
            let section = try #require(
                try await StrategySection.query(on: world.db).filter(\.$strategyID == (try strategy.requireID()))
                    .first())

            #expect(
                try await CommentSection.run(
                    ["comment": "D'accord."], section: section, strategy: strategy, committee: committee,
                    actor: anne, env: world.env) == .commented)
            let empty = try await CommentSection.run(
                ["comment": ""], section: section, strategy: strategy, committee: committee, actor: anne,
                env: world.env)
            guard case .invalid(let errors) = empty else { Issue.record("expected invalid, got \(empty)"); return }
            #expect(errors.fields == ["comment"])
            #expect(
                try await CommentSection.run(
                    ["comment": "Non."], section: section, strategy: strategy, committee: committee, actor: paul,
                    env: world.env) == .forbidden)
            let other = try await StrategyUseCaseTests.strategy(of: committee, world: world)
            #expect(
                try await CommentSection.run(
                    ["comment": "Ailleurs."], section: section, strategy: other, committee: committee, actor: anne,
                    env: world.env) == .notFound)
            strategy.adoptedAt = world.clock.now
            #expect(
                try await CommentSection.run(
                    ["comment": "Trop tard."], section: section, strategy: strategy, committee: committee,
                    actor: anne, env: world.env) == .frozen)
        }
    }
}
