import Core
import Foundation
import Questionnaires
import TestSupport
import Testing

@testable import Events

/// Live contributions on a small in-memory database: one workshop, the activities a test opens.
@Suite("Live contribution use case")
struct ContributeUseCaseTests {
    /// A published workshop running now, with one open activity of `kind` (options for a poll).
    static func workshop(
        _ world: UseCaseWorld, kind: ActivityKind, options: [String] = [], moderated: Bool = false, open: Bool = true
    ) async throws -> (EventRecord, LiveStore.Activity) {
        let vitre = try await world.territory()
        let event = try await RegistrationUseCaseTests.forum(
            capacity: 30, in: vitre, world: world, kind: .workshop, startsIn: -0.01)
        struct Row: Decodable { let id: Int }
        let activity = try #require(
            try await world.db.sql.raw(
                """
                INSERT INTO event_activities (event_id, kind, question, open, moderated, created_at)
                VALUES (\(bind: event.id), \(bind: kind.rawValue), 'Question ?', \(bind: open), \(bind: moderated), \(bind: world.clock.now))
                RETURNING id
                """
            ).first(decoding: Row.self)
        ).id
        for (index, label) in options.enumerated() {
            try await world.db.sql.raw(
                "INSERT INTO event_activity_options (activity_id, position, label) VALUES (\(bind: activity), \(bind: index), \(bind: label))"
            ).run()
        }
        let data = try await LiveStore.activities(eventID: event.id, on: world.db)
        return (event, try #require(data.activities.first { $0.id == activity }))
    }

    static func input(
        _ fields: [String: String], participant: String = "p1", address: String = "203.0.113.7"
    )
        -> Contribute.Input
    {
        Contribute.Input(
            fields: fields, lists: [:], participant: participant, address: address, addressLimit: 600, lang: .fr)
    }

    static func send(
        _ fields: [String: String], participant: String = "p1", to activity: LiveStore.Activity, of event: EventRecord,
        limiter: RateLimiter, world: UseCaseWorld
    ) async throws -> ContributionOutcome {
        let data = try await LiveStore.activities(eventID: event.id, on: world.db)
        return try await Contribute.run(
            input(fields, participant: participant), activity: activity, data: data, event: event, limiter: limiter,
            env: world.env)
    }

    @Test func onePollAnswerPerParticipant() async throws {
        try await UseCaseWorld.with([QuestionnairesModule(), EventsModule()]) { world in
            let (event, poll) = try await Self.workshop(world, kind: .poll, options: ["Oui", "Non"])
            let data = try await LiveStore.activities(eventID: event.id, on: world.db)
            let yes = try #require(data.options(of: poll).first).id
            let limiter = RateLimiter()
            #expect(
                try await Self.send(["choice": String(yes)], to: poll, of: event, limiter: limiter, world: world)
                    == .saved(.answer))
            #expect(
                try await Self.send(["choice": String(yes)], to: poll, of: event, limiter: limiter, world: world)
                    == .alreadyAnswered)
            #expect(
                try await Self.send(
                    ["choice": String(yes)], participant: "p2", to: poll, of: event, limiter: limiter, world: world)
                    == .saved(.answer))
            guard
                case .invalid(let errors) = try await Self.send(
                    [:], participant: "p3", to: poll, of: event, limiter: limiter, world: world)
            else { Issue.record("an empty answer is refused next to its field"); return }
            #expect(errors["choice-\(poll.id)"] == "Choisissez une réponse.")
            let after = try await LiveStore.activities(eventID: event.id, on: world.db)
            #expect(after.options(of: poll).map(\.votes) == [2, 0])
            #expect(after.answers[poll.id] == 2)
        }
    }

    @Test func aClosedActivityAndAFinishedEventTakeNothing() async throws {
        try await UseCaseWorld.with([QuestionnairesModule(), EventsModule()]) { world in
            let (event, wall) = try await Self.workshop(world, kind: .ideas, open: false)
            let limiter = RateLimiter()
            #expect(
                try await Self.send(["idea": "Un bus le mardi"], to: wall, of: event, limiter: limiter, world: world)
                    == .activityClosed)
            world.clock.advance(by: 2 * 86_400)  // the workshop ended more than 12 hours ago
            guard
                case .eventClosed = try await Self.send(
                    ["idea": "Un bus le mardi"], to: wall, of: event, limiter: limiter, world: world)
            else { Issue.record("a finished event takes no contribution"); return }
        }
    }

    @Test func ideasWaitForApprovalOnAModeratedWallAndAParticipantIsLimited() async throws {
        try await UseCaseWorld.with([QuestionnairesModule(), EventsModule()]) { world in
            let (event, wall) = try await Self.workshop(world, kind: .ideas, moderated: true)
            let limiter = RateLimiter()
            for index in 1...LiveRules.limit {
                #expect(
                    try await Self.send(
                        ["idea": "Idée numéro \(index)"], to: wall, of: event, limiter: limiter, world: world)
                        == .saved(.idea(pending: true)))
            }
            #expect(
                try await Self.send(["idea": "Une de trop"], to: wall, of: event, limiter: limiter, world: world)
                    == .slowDown)
            world.clock.advance(by: LiveRules.window + 1)
            #expect(
                try await Self.send(["idea": "Une minute après"], to: wall, of: event, limiter: limiter, world: world)
                    == .saved(.idea(pending: true)))
            let ideas = try await LiveStore.activities(eventID: event.id, on: world.db).ideas(of: wall)
            #expect(ideas.count == LiveRules.limit + 1)
            #expect(ideas.allSatisfy { $0.pending && $0.hidden }, "nothing shows before the facilitator approves")
            // A vote for an idea that is not shown is no vote.
            #expect(
                try await Self.send(
                    ["vote": String(ideas[0].id)], participant: "p2", to: wall, of: event, limiter: limiter,
                    world: world) == .unknownTarget)
        }
    }
}
