import Core
import Fluent
import Foundation
import SQLKit

/// SQL of live participation: the activities of an event with their options, ideas and counts
/// (a fixed number of queries), and the writes of a contribution.
enum LiveStore {

    struct Activity: Decodable, Sendable {
        let id: Int; let event_id: Int; let kind: ActivityKind; let question: String; let open: Bool;
        let moderated: Bool
        var isAnswer: Bool { kind.isAnswer }  // one answer per participant: polls and rankings
    }
    struct Option: Decodable, Sendable { let id: Int; let activity_id: Int; let label: String; let votes: Int }
    struct Idea: Decodable, Sendable {
        let id: Int; let activity_id: Int; let participant: String; let author_name: String?; let body: String;
        let hidden: Bool; let pending: Bool; let votes: Int
    }

    /// Everything live of an event, in a fixed number of queries.
    struct LiveData: Sendable {
        let activities: [Activity]
        let options: [Option]
        let ideas: [Idea]
        /// Per ranking: how many participants put each option at each rank.
        let rankCounts: [Int: [LiveRules.RankCount]]
        /// Per poll or ranking: how many participants answered (since answers are counted).
        let answers: [Int: Int]

        func options(of activity: Activity) -> [Option] { options.filter { $0.activity_id == activity.id } }
        func ideas(of activity: Activity) -> [Idea] { ideas.filter { $0.activity_id == activity.id } }
        func scores(of activity: Activity) -> [LiveRules.Score] {
            LiveRules.borda(options: options(of: activity).map(\.id), counts: rankCounts[activity.id] ?? [])
        }
    }

    static func activities(eventID: Int, on db: any Database) async throws -> LiveData {
        let sql = db.sql
        let activities = try await sql.raw(
            "SELECT id, event_id, kind, question, open, moderated FROM event_activities WHERE event_id = \(bind: eventID) ORDER BY id DESC"
        )
        .all(decoding: Activity.self)
        let options = try await sql.raw(
            """
            SELECT o.id, o.activity_id, o.label, (SELECT count(*) FROM event_votes v WHERE v.activity_id = o.activity_id AND v.target_id = o.id) AS votes
            FROM event_activity_options o JOIN event_activities a ON a.id = o.activity_id WHERE a.event_id = \(bind: eventID) ORDER BY o.activity_id, o.position
            """
        ).all(decoding: Option.self)
        let ideas = try await sql.raw(
            """
            SELECT i.id, i.activity_id, i.participant, i.author_name, i.body, i.hidden, i.pending,
                   (SELECT count(*) FROM event_votes v WHERE v.activity_id = i.activity_id AND v.target_id = i.id) AS votes
            FROM event_ideas i JOIN event_activities a ON a.id = i.activity_id WHERE a.event_id = \(bind: eventID) ORDER BY i.id
            """
        ).all(decoding: Idea.self)
        struct RankRow: Decodable { let activity_id: Int; let target_id: Int; let place: Int; let n: Int }
        let ranks = try await sql.raw(
            """
            SELECT v.activity_id, v.target_id, v.rank_position AS place, count(*) AS n FROM event_votes v JOIN event_activities a ON a.id = v.activity_id
            WHERE a.event_id = \(bind: eventID) AND a.kind = 'ranking' GROUP BY v.activity_id, v.target_id, v.rank_position
            """
        ).all(decoding: RankRow.self)
        struct AnswerRow: Decodable { let activity_id: Int; let n: Int }
        let answers = try await sql.raw(
            """
            SELECT b.activity_id, count(*) AS n FROM event_ballots b JOIN event_activities a ON a.id = b.activity_id
            WHERE a.event_id = \(bind: eventID) GROUP BY b.activity_id
            """
        ).all(decoding: AnswerRow.self)
        return LiveData(
            activities: activities, options: options, ideas: ideas,
            rankCounts: Dictionary(grouping: ranks, by: \.activity_id).mapValues {
                $0.map { LiveRules.RankCount(option: $0.target_id, rank: $0.place, count: $0.n) }
            },
            answers: Dictionary(uniqueKeysWithValues: answers.map { ($0.activity_id, $0.n) }))
    }

    /// The projector and the pages notice a change by this number.
    static func bumpVersion(eventID: Int, on db: any Database) async throws {
        try await db.sql.raw("UPDATE events SET live_version = live_version + 1 WHERE id = \(bind: eventID)").run()
    }

    /// Whether this participant answered this poll or ranking already.
    static func hasBallot(activityID: Int, participant: String, on db: any Database) async throws -> Bool {
        struct Count: Decodable { let n: Int }
        let row = try await db.sql.raw(
            """
            SELECT count(*) AS n FROM event_ballots WHERE activity_id = \(bind: activityID) AND participant = \(bind: participant)
            """
        ).first(decoding: Count.self)
        return (row?.n ?? 0) > 0
    }

    /// The participant's one answer to a poll or ranking; false when the unique index refused it
    /// (a second answer, even sent at the same instant, inserts nothing).
    static func insertBallot(activityID: Int, participant: String, now: Date, on db: any Database) async throws -> Bool
    {
        struct Inserted: Decodable { let id: Int }
        return try await db.sql.raw(
            """
            INSERT INTO event_ballots (activity_id, participant, created_at) VALUES (\(bind: activityID), \(bind: participant), \(bind: now))
            ON CONFLICT DO NOTHING RETURNING id
            """
        ).first(decoding: Inserted.self) != nil
    }

    static func insertIdea(
        activityID: Int, participant: String, author: String?, body: String, pending: Bool, now: Date,
        on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            INSERT INTO event_ideas (activity_id, participant, author_name, body, hidden, pending, created_at)
            VALUES (\(bind: activityID), \(bind: participant), \(bind: author), \(bind: body), \(bind: pending), \(bind: pending), \(bind: now))
            """
        ).run()
    }

    /// A vote; a second support of the same idea by the same participant is refused by the unique
    /// index, quietly.
    static func insertVote(
        activityID: Int, participant: String, target: Int, rank: Int, now: Date, on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            INSERT INTO event_votes (activity_id, participant, target_id, rank_position, created_at)
            VALUES (\(bind: activityID), \(bind: participant), \(bind: target), \(bind: rank), \(bind: now)) ON CONFLICT DO NOTHING
            """
        ).run()
    }
}

/// The organiser's writes of the live session.
extension LiveStore {
    /// A new activity, open at once, with its options in order; its id.
    static func insertActivity(
        eventID: Int, kind: ActivityKind, question: String, moderated: Bool, options: [String], at now: Date,
        on db: any Database
    ) async throws -> Int {
        struct Inserted: Decodable { let id: Int }
        let sql = db.sql
        guard
            let row = try await sql.raw(
                """
                INSERT INTO event_activities (event_id, kind, question, open, moderated, created_at)
                VALUES (\(bind: eventID), \(bind: kind.rawValue), \(bind: question), \(bind: true), \(bind: moderated), \(bind: now)) RETURNING id
                """
            ).first(decoding: Inserted.self)
        else { throw EventStoreError.notInserted }
        for (index, option) in options.enumerated() {
            try await sql.raw(
                "INSERT INTO event_activity_options (activity_id, position, label) VALUES (\(bind: row.id), \(bind: index), \(bind: option))"
            ).run()
        }
        return row.id
    }

    static func setOpen(_ open: Bool, activityID: Int, on db: any Database) async throws {
        try await db.sql.raw("UPDATE event_activities SET open = \(bind: open) WHERE id = \(bind: activityID)").run()
    }

    /// Hides an idea, or shows it (approving one that waited).
    static func setHidden(_ hidden: Bool, ideaID: Int, activityID: Int, on db: any Database) async throws {
        try await db.sql.raw(
            "UPDATE event_ideas SET hidden = \(bind: hidden), pending = \(bind: false) WHERE id = \(bind: ideaID) AND activity_id = \(bind: activityID)"
        ).run()
    }
}

extension LiveStore {
    /// A participant's votes in the event: (activity, what they voted for).
    struct Vote: Decodable, Sendable {
        let activity_id: Int
        let target_id: Int
    }

    static func votes(eventID: Int, participant: String, on db: any Database) async throws -> [Vote] {
        try await db.sql.raw(
            """
            SELECT v.activity_id, v.target_id FROM event_votes v JOIN event_activities a ON a.id = v.activity_id
            WHERE a.event_id = \(bind: eventID) AND v.participant = \(bind: participant)
            """
        ).all(decoding: Vote.self)
    }
}
