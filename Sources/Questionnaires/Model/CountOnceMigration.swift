import Fluent
import SQLKit

/// Answers that count once (issue #15, docs/PRIVACY.md):
/// - `respondent_hash`: a keyed hash (HMAC with the platform's secret) of a signed-in person's id,
///   the questionnaire and the wave, so that the person finds and replaces their own answer; unique,
///   so that a person counts once per wave. Never the person's id.
/// - `draft_owner`: a keyed hash naming whose draft a partial answer is (a signed-in person, or one
///   browser's `agora_brouillon` cookie), so that "Reprendre mon questionnaire" finds it.
/// - `questionnaire_form_tokens`: the nonces of the answering forms already sent; the unique key
///   makes a form token count once, inserted in the answer's own transaction.
struct AddCountOnce: AsyncMigration {
    var name: String { "Questionnaires.003.CountOnce" }
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("ALTER TABLE questionnaire_responses ADD COLUMN respondent_hash TEXT").run()
        try await sql.raw("ALTER TABLE questionnaire_responses ADD COLUMN draft_owner TEXT").run()
        try await sql.raw(
            "CREATE UNIQUE INDEX questionnaire_responses_respondent ON questionnaire_responses (respondent_hash)"
        ).run()
        try await sql.raw(
            "CREATE INDEX questionnaire_responses_draft_owner ON questionnaire_responses (draft_owner)"
        ).run()
        try await db.schema("questionnaire_form_tokens")
            .field("nonce_hash", .string, .required)
            .field("questionnaire_id", .int, .required, .references("questionnaires", "id", onDelete: .cascade))
            .field("used_at", .datetime, .required)
            .unique(on: "nonce_hash")
            .create()
    }
    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await db.schema("questionnaire_form_tokens").delete()
        try await sql.raw("DROP INDEX questionnaire_responses_draft_owner").run()
        try await sql.raw("DROP INDEX questionnaire_responses_respondent").run()
        try await db.schema("questionnaire_responses").deleteField("draft_owner").update()
        try await db.schema("questionnaire_responses").deleteField("respondent_hash").update()
    }
}
