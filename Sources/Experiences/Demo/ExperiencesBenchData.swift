import Core
import Fluent
import Foundation
import SQLKit

/// Published experiences for `make bench`, generated inside the database (a recursive CTE) in the
/// national demo call: 10,000 by default, with a title and texts drawn from a small vocabulary,
/// their search terms, every context, level, region, theme and population, a tenth remarkable.
enum ExperiencesBenchData {
    static let subjects = [
        "aidants", "patients partenaires", "maison de santé", "jeunes", "santé mentale", "diabète", "EHPAD", "quartier",
        "pairs", "vaccination",
    ]

    static func load(count: Int, on db: any Database) async throws -> Int {
        let sql = db.sql
        struct N: Decodable { let n: Int }
        let existing =
            try await sql.raw("SELECT count(*) AS n FROM experiences WHERE title LIKE 'Charge %'").first(
                decoding: N.self)?.n ?? 0
        guard existing < count,
            let call = try await sql.raw(
                "SELECT id AS n FROM experience_calls WHERE title = \(bind: ExperiencesDemo.nationalCallTitle)"
            ).first(decoding: N.self)?.n
        else { return existing }
        let pick = SQLQueryString.pick
        let contexts = ExperienceContext.allCases.map(\.rawValue), levels = EngagementLevel.allCases.map(\.rawValue),
            regions = Region.allCases.map(\.rawValue)
        let summaries = subjects.map { "Démarche participative de charge avec les \($0)." }
        let now = Date()
        try await db.transaction { db in
            let sql = db.sql
            try await sql.raw(
                """
                INSERT INTO experiences (call_id, status, title, summary, context, level, participants_mask, participant_count, objectives, actions, results,
                                         evaluation, lessons, region, place, start_year, themes_mask, populations_mask, contact_name, contact_email,
                                         contact_public, remarkable, created_at, updated_at, submitted_at, status_changed_at, published_at)
                WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < \(literal: count - existing))
                SELECT \(bind: call), 'published', 'Charge ' || n || ' : ' || \(pick(subjects, "n")), \(pick(summaries, "n")),
                       \(pick(contexts, "n / 10")), \(pick(levels, "n / 3")), 1 + n % 15, 10 + n % 500,
                       'Objectifs de la démarche de charge.', 'Ce qui a été fait, avec les usagers et les professionnels.', 'Des résultats mesurés.',
                       'Un questionnaire avant et après.', 'Des enseignements pour d''autres territoires.',
                       \(pick(regions, "n / 7")), 'Commune ' || (n % 300), 2005 + n % 20, 1 + n % 255, 1 + (n / 3) % 255,
                       'Contact ' || n, 'contact-' || n || '@charge.example', n % 2 = 0, n % 10 = 0,
                       \(bind: now), \(bind: now), \(bind: now), \(bind: now), \(bind: now)
                FROM seq
                """
            ).run()
            for (index, summary) in summaries.enumerated() {
                for term in SearchTerms.terms(of: "charge " + subjects[index] + " " + summary) {
                    try await sql.raw(
                        """
                        INSERT INTO experience_terms (experience_id, term) SELECT id, \(bind: term) FROM experiences
                        WHERE title LIKE 'Charge %' AND summary = \(bind: summary) ON CONFLICT DO NOTHING
                        """
                    ).run()
                }
            }
            try await ExperienceStore.bump(on: db)
        }
        return count
    }
}
