import Fluent
import SQLKit

/// The tables of the questionnaires room, read and written with SQLKit (`QuestionnaireStore`).
enum QuestionnairesMigrations {
    static var all: [any Migration] { [CreateTables(), AddResponseEvent(), AddCountOnce()] }

    struct CreateTables: AsyncMigration {
        var name: String { "Questionnaires.001.Tables" }
        func prepare(on db: any Database) async throws {
            try await db.schema("questionnaires")
                .field("id", .int, .identifier(auto: true))
                .field("territory_id", .int, .required, .references("territories", "id", onDelete: .cascade))
                .field("title", .string, .required)
                .field("intro", .string, .required)
                .field("audience", .string, .required)
                .field("status", .string, .required)
                .field("link_accounts", .bool, .required)
                .field("current_version_id", .int)
                .field("created_by_id", .int, .references("people", "id", onDelete: .setNull))
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            // One row per version; a version is frozen once an answer refers to it.
            try await db.schema("questionnaire_versions")
                .field("id", .int, .identifier(auto: true))
                .field("questionnaire_id", .int, .required, .references("questionnaires", "id", onDelete: .cascade))
                .field("number", .int, .required)
                .field("definition", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "questionnaire_id", "number")
                .create()
            try await db.schema("questionnaire_waves")
                .field("id", .int, .identifier(auto: true))
                .field("questionnaire_id", .int, .required, .references("questionnaires", "id", onDelete: .cascade))
                .field("name", .string, .required)
                .field("starts_on", .string, .required)
                .field("ends_on", .string, .required)
                .field("target_total", .int, .required)
                .field("target_users", .int, .required)
                .field("target_professionals", .int, .required)
                .field("commune_targets", .string, .required)
                .create()
            // An answer: anonymous (person_id only with the questionnaire's permission and the
            // person's consent); `answers` is JSON keyed by question; a partial answer keeps what
            // was typed in `draft` under a one-time resume token (its hash).
            try await db.schema("questionnaire_responses")
                .field("id", .int, .identifier(auto: true))
                .field("questionnaire_id", .int, .required, .references("questionnaires", "id", onDelete: .cascade))
                .field("version_id", .int, .required, .references("questionnaire_versions", "id", onDelete: .cascade))
                .field("wave_id", .int, .references("questionnaire_waves", "id", onDelete: .setNull))
                .field("status", .string, .required)
                .field("channel", .string, .required)
                .field("audience", .string, .required)
                .field("commune", .string)
                .field("answers", .string, .required)
                .field("draft", .string)
                .field("resume_hash", .string)
                .field("person_id", .int, .references("people", "id", onDelete: .setNull))
                .field("entered_by_id", .int, .references("people", "id", onDelete: .setNull))
                .field("created_at", .datetime, .required)
                .field("submitted_at", .datetime)
                .unique(on: "resume_hash")
                .create()
            try await db.schema("questionnaire_codes")
                .field("id", .int, .identifier(auto: true))
                .field("questionnaire_id", .int, .required, .references("questionnaires", "id", onDelete: .cascade))
                .field("question_key", .string, .required)
                .field("name", .string, .required)
                .unique(on: "questionnaire_id", "question_key", "name")
                .create()
            try await db.schema("questionnaire_coded")
                .field("response_id", .int, .required, .references("questionnaire_responses", "id", onDelete: .cascade))
                .field("code_id", .int, .required, .references("questionnaire_codes", "id", onDelete: .cascade))
                .unique(on: "response_id", "code_id")
                .create()
            let sql = db as! any SQLDatabase
            try await sql.raw(
                "CREATE INDEX questionnaire_responses_read ON questionnaire_responses (questionnaire_id, status, id)"
            ).run()
            try await sql.raw("CREATE INDEX questionnaires_territory ON questionnaires (territory_id)").run()
        }

        func revert(on db: any Database) async throws {
            for table in [
                "questionnaire_coded", "questionnaire_codes", "questionnaire_responses", "questionnaire_waves",
                "questionnaire_versions", "questionnaires",
            ] {
                try await db.schema(table).delete()
            }
        }
    }
}
