import Core
import Fluent
import Foundation
import TestSupport
import Testing

@testable import Committees

/// Drafting and adopting strategies, and the working documents, on a small in-memory database.
@Suite("Strategy and document use cases")
struct StrategyUseCaseTests {
    static let rooms = CommitteeUseCaseTests.rooms
    typealias World = CommitteeUseCaseTests

    static func strategy(of committee: Committee, world: UseCaseWorld) async throws -> Strategy {
        let strategy = Strategy()
        strategy.committeeID = try committee.requireID()
        strategy.title = "Stratégie de prévention 2027"
        strategy.version = 0
        strategy.createdAt = world.clock.now
        try await strategy.create(on: world.db)
        return strategy
    }

    static let section = ["section_title": "Diagnostic", "section_body": "Peu de médecins."]

    @Test func aSeatedMemberAddsAndChangesSectionsEachAVersion() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            _ = try await World.seat(anne, in: committee, world: world)
            let strategy = try await Self.strategy(of: committee, world: world)

            #expect(
                try await SaveSection.run(
                    Self.section, section: nil, strategy: strategy, committee: committee, actor: anne, env: world.env)
                    == .saved(version: 1))
            let section = try #require(
                try await StrategySection.query(on: world.db).filter(\.$strategyID == (try strategy.requireID()))
                    .first())
            #expect(section.position == 1)
            #expect(
                try await SaveSection.run(
                    ["section_title": "Diagnostic", "section_body": "Trois médecins partent."], section: section,
                    strategy: strategy, committee: committee, actor: anne, env: world.env) == .saved(version: 2))
            #expect(section.body == "Trois médecins partent.")
        }
    }

    @Test func aSectionNeedsATitleAndAText() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let strategy = try await Self.strategy(of: committee, world: world)
            let outcome = try await SaveSection.run(
                [:], section: nil, strategy: strategy, committee: committee, actor: coordinator, env: world.env)
            guard case .invalid(let errors) = outcome else { Issue.record("expected invalid, got \(outcome)"); return }
            #expect(errors.fields == ["section_title", "section_body"])
            #expect(strategy.version == 0)
        }
    }

    @Test func anAdoptedStrategyIsFrozen() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let strategy = try await Self.strategy(of: committee, world: world)
            strategy.adoptedAt = world.clock.now
            #expect(
                try await SaveSection.run(
                    Self.section, section: nil, strategy: strategy, committee: committee, actor: coordinator,
                    env: world.env) == .frozen)
            #expect(
                try await AdoptStrategy.run(
                    ["item": "1"], strategy: strategy, committee: committee, territory: vitre, actor: coordinator,
                    env: world.env) == .frozen)
        }
    }

    @Test func draftsAreForMembersInOfficeAndTheStaff() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let other = try await World.committee(in: vitre, world: world)
            _ = try await World.seat(paul, in: other, world: world)  // seated elsewhere only
            let strategy = try await Self.strategy(of: committee, world: world)
            #expect(
                try await SaveSection.run(
                    Self.section, section: nil, strategy: strategy, committee: committee, actor: paul, env: world.env)
                    == .forbidden)
            let elsewhere = try await Self.strategy(of: other, world: world)
            #expect(
                try await SaveSection.run(
                    Self.section, section: nil, strategy: elsewhere, committee: committee, actor: paul,
                    env: world.env) == .notFound)
        }
    }

    @Test func aStrategyIsAdoptedByAnAdoptedDecisionOfTheCommittee() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let strategy = try await Self.strategy(of: committee, world: world)
            let (_, item) = try await World.meeting(of: committee, world: world)
            let itemID = try item.requireID()

            let undecided = try await AdoptStrategy.run(
                ["item": "\(itemID)", "links": "/vitre/actions/3"], strategy: strategy, committee: committee,
                territory: vitre, actor: coordinator, env: world.env)
            guard case .invalid(let errors) = undecided else {
                Issue.record("expected invalid, got \(undecided)")
                return
            }
            #expect(errors.fields == ["item"])

            item.adopted = true
            try await item.update(on: world.db)
            #expect(
                try await AdoptStrategy.run(
                    ["item": "\(itemID)", "links": "/vitre/actions/3"], strategy: strategy, committee: committee,
                    territory: vitre, actor: coordinator, env: world.env) == .adopted)
            #expect(strategy.adoptedItemID == itemID)
            #expect(strategy.adoptedAt == world.clock.now)
            #expect(strategy.links == "/vitre/actions/3")
            #expect(try await world.audit() == ["committee.strategy.adopted"])
        }
    }

    @Test func adoptingIsForTheStaffOfThisTerritory() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let rennes = try await world.territory(slug: "rennes", name: "Rennes", communes: [])
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let elsewhere = try await world.person("Rémi", email: "remi@example.org", roles: [.coordinator], in: rennes)
            let committee = try await World.committee(in: vitre, world: world)
            let strategy = try await Self.strategy(of: committee, world: world)
            #expect(
                try await AdoptStrategy.run(
                    ["item": "1"], strategy: strategy, committee: committee, territory: vitre, actor: anne,
                    env: world.env) == .forbidden)
            #expect(
                try await AdoptStrategy.run(
                    ["item": "1"], strategy: strategy, committee: committee, territory: rennes, actor: elsewhere,
                    env: world.env) == .notFound)
        }
    }

    // MARK: - Documents

    static let pdf = Array("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n".utf8)

    @Test func aMemberAddsADocumentToAMeeting() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            _ = try await World.seat(anne, in: committee, world: world)
            let (meeting, _) = try await World.meeting(of: committee, world: world)
            let upload = DocumentUpload(
                title: "Diagnostic", meeting: "\(try meeting.requireID())", file: (Self.pdf, "diagnostic.pdf"))
            let outcome = try await UploadDocument.run(
                upload, committee: committee, territory: vitre, actor: anne, env: world.env)
            guard case .added = outcome else { Issue.record("expected added, got \(outcome)"); return }
            let listed = try await DocumentStore.list(
                committeeID: try committee.requireID(), meetingID: try meeting.requireID(), on: world.db)
            #expect(listed.map(\.title) == ["Diagnostic"])
            #expect(try await world.audit() == ["committee.document.added"])
        }
    }

    @Test func aDocumentNeedsATitleAndAFileOfAKnownKind() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let missing = try await UploadDocument.run(
                DocumentUpload(title: "", meeting: "", file: nil), committee: committee, territory: vitre,
                actor: coordinator, env: world.env)
            guard case .invalid(let errors) = missing else { Issue.record("expected invalid, got \(missing)"); return }
            #expect(errors.fields == ["title", "file"])
            let text = try await UploadDocument.run(
                DocumentUpload(title: "Notes", meeting: "", file: (Array("bonjour".utf8), "notes.txt")),
                committee: committee, territory: vitre, actor: coordinator, env: world.env)
            guard case .invalid(let refused) = text else { Issue.record("expected invalid, got \(text)"); return }
            #expect(refused.fields == ["file"])
        }
    }

    @Test func documentsAreForMembersAndMeetingsOfTheCommittee() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let coordinator = try await world.person(
                "Coco", email: "coco@example.org", roles: [.coordinator], in: vitre)
            let committee = try await World.committee(in: vitre, world: world)
            let other = try await World.committee(in: vitre, world: world)
            let (elsewhere, _) = try await World.meeting(of: other, world: world)
            let upload = DocumentUpload(title: "Diagnostic", meeting: "", file: (Self.pdf, "d.pdf"))
            #expect(
                try await UploadDocument.run(
                    upload, committee: committee, territory: vitre, actor: paul, env: world.env) == .forbidden)
            var wrongMeeting = upload
            wrongMeeting.meeting = "\(try elsewhere.requireID())"
            #expect(
                try await UploadDocument.run(
                    wrongMeeting, committee: committee, territory: vitre, actor: coordinator, env: world.env)
                    == .notFound)
        }
    }
}
