import Fluent
import SQLKit

/// The tables of the experiences room. Rows are read and written with SQLKit (`ExperienceStore`).
enum ExperiencesMigrations {
    static var all: [any Migration] { [CreateTables()] }

    struct CreateTables: AsyncMigration {
        var name: String { "Experiences.001.Tables" }
        func prepare(on db: any Database) async throws {
            // A call: national when territory_id is NULL, else local to one territory.
            try await db.schema("experience_calls")
                .field("id", .int, .identifier(auto: true))
                .field("territory_id", .int, .references("territories", "id", onDelete: .cascade))
                .field("title", .string, .required)
                .field("body", .string, .required)
                .field("opens_on", .string, .required)
                .field("closes_on", .string, .required)
                .field("audience", .string, .required)
                .field("max_score", .int, .required)
                .field("required_reviews", .int, .required)
                .field("created_by_id", .int, .references("people", "id", onDelete: .setNull))
                .field("created_at", .datetime, .required)
                .create()
            try await db.schema("experience_criteria")
                .field("id", .int, .identifier(auto: true))
                .field("call_id", .int, .required, .references("experience_calls", "id", onDelete: .cascade))
                .field("position", .int, .required)
                .field("label", .string, .required)
                .field("weight", .int, .required)
                .create()
            try await db.schema("experience_reviewers")
                .field("call_id", .int, .required, .references("experience_calls", "id", onDelete: .cascade))
                .field("person_id", .int, .required, .references("people", "id", onDelete: .cascade))
                .unique(on: "call_id", "person_id")
                .create()
            // The platform's national organisers (national calls have no territory, hence no role).
            try await db.schema("experience_organisers")
                .field("person_id", .int, .required, .references("people", "id", onDelete: .cascade))
                .field("created_at", .datetime, .required)
                .unique(on: "person_id")
                .create()
            try await db.schema("experiences")
                .field("id", .int, .identifier(auto: true))
                .field("call_id", .int, .required, .references("experience_calls", "id", onDelete: .cascade))
                .field("status", .string, .required)
                .field("title", .string, .required)
                .field("summary", .string, .required)
                .field("context", .string)
                .field("level", .string)
                .field("participants_mask", .int, .required)
                .field("participant_count", .int)
                .field("objectives", .string, .required)
                .field("actions", .string, .required)
                .field("results", .string, .required)
                .field("evaluation", .string, .required)
                .field("lessons", .string, .required)
                .field("region", .string)
                .field("place", .string, .required)
                .field("start_year", .int)
                .field("end_year", .int)
                .field("themes_mask", .int, .required)
                .field("populations_mask", .int, .required)
                .field("contact_name", .string, .required)
                .field("contact_email", .string, .required)
                .field("contact_public", .bool, .required)
                .field("remarkable", .bool, .required)
                .field("created_by_id", .int, .references("people", "id", onDelete: .setNull))
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .field("submitted_at", .datetime)
                .field("status_changed_at", .datetime, .required)
                .field("published_at", .datetime)
                .create()
            try await db.schema("experience_authors")
                .field("experience_id", .int, .required, .references("experiences", "id", onDelete: .cascade))
                .field("person_id", .int, .required, .references("people", "id", onDelete: .cascade))
                .field("added_at", .datetime, .required)
                .unique(on: "experience_id", "person_id")
                .create()
            try await db.schema("experience_reviews")
                .field("id", .int, .identifier(auto: true))
                .field("experience_id", .int, .required, .references("experiences", "id", onDelete: .cascade))
                .field("reviewer_id", .int, .references("people", "id", onDelete: .setNull))
                .field("weighted_score", .double, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "experience_id", "reviewer_id")
                .create()
            try await db.schema("experience_scores")
                .field("review_id", .int, .required, .references("experience_reviews", "id", onDelete: .cascade))
                .field("criterion_id", .int, .required, .references("experience_criteria", "id", onDelete: .cascade))
                .field("score", .int, .required)
                .field("comment", .string, .required)
                .unique(on: "review_id", "criterion_id")
                .create()
            // Requests for information (kind "question") and the authors' answers ("answer").
            try await db.schema("experience_messages")
                .field("id", .int, .identifier(auto: true))
                .field("experience_id", .int, .required, .references("experiences", "id", onDelete: .cascade))
                .field("author_id", .int, .references("people", "id", onDelete: .setNull))
                .field("kind", .string, .required)
                .field("body", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await db.schema("experience_attachments")
                .field("id", .int, .identifier(auto: true))
                .field("experience_id", .int, .required, .references("experiences", "id", onDelete: .cascade))
                .field("name", .string, .required)
                .field("type", .string, .required)
                .field("size", .int, .required)
                .field("bytes", .data, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await db.schema("experience_terms")
                .field("experience_id", .int, .required, .references("experiences", "id", onDelete: .cascade))
                .field("term", .string, .required)
                .unique(on: "term", "experience_id")
                .create()
            // One row (id 1): bumped by every write the catalogue shows.
            try await db.schema("experience_versions")
                .field("id", .int, .required)
                .field("version", .int, .required)
                .unique(on: "id")
                .create()
            // What was typed when the session had expired, until its author logs in again.
            try await db.schema("experience_rescues")
                .field("token_hash", .string, .required)
                .field("call_id", .int, .required, .references("experience_calls", "id", onDelete: .cascade))
                .field("payload", .string, .required)
                .field("expires_at", .datetime, .required)
                .unique(on: "token_hash")
                .create()
            // A co-author invited by e-mail: the link in the mail adds whoever opens it, signed in.
            try await db.schema("experience_invitations")
                .field("token_hash", .string, .required)
                .field("experience_id", .int, .required, .references("experiences", "id", onDelete: .cascade))
                .field("email", .string, .required)
                .field("invited_by_id", .int, .references("people", "id", onDelete: .setNull))
                .field("expires_at", .datetime, .required)
                .unique(on: "token_hash")
                .create()
            // Indexes of the review lists, of each person's part, and of each submission's page (dropped with their tables).
            guard let sql = db as? any SQLDatabase else { return }
            for (table, columns) in Self.indexes {
                try await sql.raw(
                    "CREATE INDEX IF NOT EXISTS \(unsafeRaw: table)_by_\(unsafeRaw: columns.replacingOccurrences(of: ", ", with: "_")) ON \(unsafeRaw: table) (\(unsafeRaw: columns))"
                ).run()
            }
        }
        static let indexes: [(String, String)] = [
            ("experiences", "call_id, status"), ("experiences", "status, published_at"),
            ("experience_authors", "person_id"),
            ("experience_reviews", "reviewer_id"), ("experience_messages", "experience_id, id"),
            ("experience_attachments", "experience_id"),
            ("experience_criteria", "call_id, position"), ("experience_reviewers", "person_id"),
        ]
        func revert(on db: any Database) async throws {
            for table in [
                "experience_invitations", "experience_rescues", "experience_versions", "experience_terms",
                "experience_attachments", "experience_messages",
                "experience_scores", "experience_reviews", "experience_authors", "experiences", "experience_organisers",
                "experience_reviewers", "experience_criteria", "experience_calls",
            ] {
                try await db.schema(table).delete()
            }
        }
    }
}
