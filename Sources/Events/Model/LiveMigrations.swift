import Fluent
import SQLKit

/// Live participation, second step: rankings, pre-moderated idea walls, one answer per
/// participant and poll or ranking.
enum LiveMigrations {
    static var all: [any Migration] { [RankingsAndModeration(), RegistrationKeys()] }

    /// The key that finds "the same person registered twice by name and phone" with one indexed
    /// lookup (normalised name | phone digits), instead of reading every registration of the event.
    struct RegistrationKeys: AsyncMigration {
        var name: String { "Events.003.RegistrationKeys" }

        func prepare(on db: any Database) async throws {
            let sql = db as! any SQLDatabase
            try await sql.raw("ALTER TABLE event_registrations ADD COLUMN same_key TEXT").run()
            struct Row: Decodable { let id: Int; let name: String; let phone: String }
            let rows = try await sql.raw(
                "SELECT id, name, phone FROM event_registrations WHERE phone IS NOT NULL AND person_id IS NULL"
            ).all(decoding: Row.self)
            for row in rows {
                guard let key = SamePerson.key(name: row.name, phone: row.phone) else { continue }
                try await sql.raw("UPDATE event_registrations SET same_key = \(bind: key) WHERE id = \(bind: row.id)")
                    .run()
            }
            try await sql.raw(
                "CREATE INDEX IF NOT EXISTS event_registrations_same ON event_registrations (event_id, same_key)"
            ).run()
        }

        func revert(on db: any Database) async throws {
            let sql = db as! any SQLDatabase
            try await sql.raw("DROP INDEX IF EXISTS event_registrations_same").run()
            try await sql.raw("ALTER TABLE event_registrations DROP COLUMN same_key").run()
        }
    }

    struct RankingsAndModeration: AsyncMigration {
        var name: String { "Events.002.LiveRankingsAndModeration" }

        func prepare(on db: any Database) async throws {
            let sql = db as! any SQLDatabase
            // An idea wall whose ideas wait for the organiser's approval before they are shown.
            try await sql.raw("ALTER TABLE event_activities ADD COLUMN moderated BOOLEAN NOT NULL DEFAULT FALSE").run()
            // An idea waiting for approval (hidden until then); `hidden` alone: hidden by the organiser.
            try await sql.raw("ALTER TABLE event_ideas ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE").run()
            // A ranking's vote: the option (target_id) at this rank (1 to 3); 0 for polls and idea walls.
            try await sql.raw("ALTER TABLE event_votes ADD COLUMN rank_position BIGINT NOT NULL DEFAULT 0").run()
            // One answer per participant to a poll or a ranking: the unique index refuses a second
            // one, even two sent at the same instant.
            try await db.schema("event_ballots")
                .field("id", .int, .identifier(auto: true))
                .field("activity_id", .int, .required, .references("event_activities", "id", onDelete: .cascade))
                .field("participant", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "activity_id", "participant")
                .create()
            try await sql.raw(
                """
                INSERT INTO event_ballots (activity_id, participant, created_at)
                SELECT v.activity_id, v.participant, MIN(v.created_at) FROM event_votes v JOIN event_activities a ON a.id = v.activity_id
                WHERE a.kind IN ('poll', 'poll-multiple') GROUP BY v.activity_id, v.participant
                """
            ).run()
        }

        func revert(on db: any Database) async throws {
            let sql = db as! any SQLDatabase
            try await db.schema("event_ballots").delete()
            try await sql.raw("DELETE FROM event_activities WHERE kind = 'ranking'").run()
            try await sql.raw("ALTER TABLE event_votes DROP COLUMN rank_position").run()
            try await sql.raw("ALTER TABLE event_ideas DROP COLUMN pending").run()
            try await sql.raw("ALTER TABLE event_activities DROP COLUMN moderated").run()
        }
    }
}
