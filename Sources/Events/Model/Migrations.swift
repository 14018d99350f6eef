import Fluent
import SQLKit

/// The tables of the events room. Rows are read and written with SQLKit (`EventStore`).
enum EventsMigrations {
    static var all: [any Migration] { [CreateTables()] }
    /// Run after `LiveMigrations.all` (their numbers come first).
    static var later: [any Migration] { [AgendaIndex(), CalendarSequence()] }

    /// The calendar revision of each event (the `.ics` file's `SEQUENCE`), one more at each change
    /// of its time, place, text or status, so that calendar apps replace what they hold. `seq`
    /// cannot serve: it counts registrations (the row lock). Existing events start at 0.
    struct CalendarSequence: AsyncMigration {
        var name: String { "Events.005.CalendarSequence" }
        func prepare(on db: any Database) async throws {
            let sql = db as! any SQLDatabase
            try await sql.raw("ALTER TABLE events ADD COLUMN calendar_sequence INTEGER NOT NULL DEFAULT 0").run()
        }
        func revert(on db: any Database) async throws {
            let sql = db as! any SQLDatabase
            try await sql.raw("ALTER TABLE events DROP COLUMN calendar_sequence").run()
        }
    }

    /// The agenda's index on (territory, start). A commit once edited `Events.001.Tables` to make
    /// it so instead of adding a migration: databases created before have the index on
    /// (territory, status, start), later ones the new one. This one migration gives every
    /// database the same index, and `Events.001` reads again as it landed.
    struct AgendaIndex: AsyncMigration {
        var name: String { "Events.004.AgendaIndex" }
        func prepare(on db: any Database) async throws {
            let sql = db as! any SQLDatabase
            try await sql.raw("DROP INDEX IF EXISTS events_agenda").run()
            try await sql.raw("CREATE INDEX events_agenda ON events (territory_id, starts_at)").run()
        }
        func revert(on db: any Database) async throws {
            let sql = db as! any SQLDatabase
            try await sql.raw("DROP INDEX IF EXISTS events_agenda").run()
            try await sql.raw("CREATE INDEX events_agenda ON events (territory_id, status, starts_at)").run()
        }
    }

    struct CreateTables: AsyncMigration {
        var name: String { "Events.001.Tables" }
        func prepare(on db: any Database) async throws {
            try await db.schema("events")
                .field("id", .int, .identifier(auto: true))
                .field("territory_id", .int, .required, .references("territories", "id", onDelete: .cascade))
                .field("kind", .string, .required)
                .field("status", .string, .required)
                .field("title", .string, .required)
                .field("description", .string, .required)
                .field("themes_mask", .int, .required)
                .field("starts_at", .datetime, .required)
                .field("ends_at", .datetime, .required)
                .field("commune_code", .string)
                .field("address", .string)
                .field("room", .string)
                .field("online_url", .string)
                .field("access_mask", .int, .required)
                .field("capacity", .int, .required)
                .field("opens_on", .string)
                .field("closes_on", .string)
                .field("organisers", .string, .required)
                .field("live_code", .string, .required)
                .field("minutes", .string)
                .field("feedback_url", .string)
                .field("feedback_sent_at", .datetime)
                .field("feedback_sent_count", .int, .required)
                // Bumped by every registration change: its row lock serialises them (capacity).
                .field("seq", .int, .required)
                .field("live_version", .int, .required)
                .field("created_by_id", .int, .references("people", "id", onDelete: .setNull))
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .unique(on: "live_code")
                .create()
            let sql = db as! any SQLDatabase
            // As this migration landed (commit 1654ff7); `Events.004.AgendaIndex` puts the index every
            // database should have, whichever version of this line created it.
            try await sql.raw("CREATE INDEX events_agenda ON events (territory_id, status, starts_at)").run()

            try await db.schema("event_registrations")
                .field("id", .int, .identifier(auto: true))
                .field("event_id", .int, .required, .references("events", "id", onDelete: .cascade))
                .field("person_id", .int, .references("people", "id", onDelete: .setNull))
                .field("name", .string, .required)
                .field("email", .string)
                .field("phone", .string)
                .field("needs", .string)
                .field("commune_code", .string)
                .field("audience", .string, .required)
                .field("status", .string, .required)  // registered, waiting
                .field("walk_in", .bool, .required)
                .field("registered_by_id", .int, .references("people", "id", onDelete: .setNull))
                .field("created_at", .datetime, .required)
                .field("checked_in_at", .datetime)
                .field("reminded_at", .datetime)
                .field("promoted_at", .datetime)
                .field("feedback_sent_at", .datetime)
                .unique(on: "event_id", "person_id")
                .create()
            try await sql.raw("CREATE INDEX event_registrations_event ON event_registrations (event_id, status)").run()

            try await db.schema("event_documents")
                .field("id", .int, .identifier(auto: true))
                .field("event_id", .int, .required, .references("events", "id", onDelete: .cascade))
                .field("name", .string, .required)
                .field("kind", .string, .required)
                .field("size", .int, .required)
                .field("bytes", .data, .required)
                .field("created_at", .datetime, .required)
                .create()

            // Live activities: a poll (single or multiple choice) or an idea wall (ideas ranked by votes).
            try await db.schema("event_activities")
                .field("id", .int, .identifier(auto: true))
                .field("event_id", .int, .required, .references("events", "id", onDelete: .cascade))
                .field("kind", .string, .required)  // poll, poll-multiple, ideas
                .field("question", .string, .required)
                .field("open", .bool, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await db.schema("event_activity_options")
                .field("id", .int, .identifier(auto: true))
                .field("activity_id", .int, .required, .references("event_activities", "id", onDelete: .cascade))
                .field("position", .int, .required)
                .field("label", .string, .required)
                .create()
            try await db.schema("event_ideas")
                .field("id", .int, .identifier(auto: true))
                .field("activity_id", .int, .required, .references("event_activities", "id", onDelete: .cascade))
                .field("participant", .string, .required)
                .field("author_name", .string)
                .field("body", .string, .required)
                .field("hidden", .bool, .required)
                .field("created_at", .datetime, .required)
                .create()
            // One vote per participant and option (a poll) or idea (the ranking).
            try await db.schema("event_votes")
                .field("id", .int, .identifier(auto: true))
                .field("activity_id", .int, .required, .references("event_activities", "id", onDelete: .cascade))
                .field("participant", .string, .required)
                .field("target_id", .int, .required)  // an option of the poll or an idea of the wall
                .field("created_at", .datetime, .required)
                .unique(on: "activity_id", "participant", "target_id")
                .create()
        }
        func revert(on db: any Database) async throws {
            for table in [
                "event_votes", "event_ideas", "event_activity_options", "event_activities", "event_documents",
                "event_registrations", "events",
            ] {
                try await db.schema(table).delete()
            }
        }
    }
}
