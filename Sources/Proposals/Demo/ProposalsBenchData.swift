import Core
import Fluent
import Foundation
import SQLKit

/// Proposals for `make bench`, generated inside the database (recursive CTEs) so that 20,000
/// proposals, 200,000 supports and 100,000 comments load in seconds. Every proposal has a title
/// and a text drawn from a small vocabulary, with their search terms, 1 to 3 communes, themes and
/// a status; supports come from the bench accounts.
enum ProposalsBenchData {
    static let subjects = [
        "médecins", "infirmières", "pharmacie", "hôpital", "transport", "aidants", "écrans", "vaccination", "dentistes",
        "sport",
    ]
    static let places = [
        "au centre-bourg", "près de l'école", "à la mairie", "au marché", "à la maison de santé", "en soirée",
        "le samedi",
    ]

    static let pick = SQLQueryString.pick

    static func load(count: Int, territory: TerritoryInfo, on db: any Database) async throws -> Int {
        let sql = db.sql
        struct N: Decodable { let n: Int }
        let existing =
            try await sql.raw("SELECT count(*) AS n FROM proposals WHERE title LIKE 'Charge %'").first(
                decoding: N.self)?.n ?? 0
        guard existing < count else { return existing }
        let people = try await sql.raw("SELECT min(id) AS n FROM people WHERE email LIKE 'bench-%'").first(
            decoding: N.self)?.n
        let peopleCount =
            try await sql.raw("SELECT count(*) AS n FROM people WHERE email LIKE 'bench-%'").first(decoding: N.self)?.n
            ?? 0
        guard let firstPerson = people, peopleCount >= 20 else { return existing }
        let statuses = ProposalStatus.allCases.filter(\.isPublic).map(\.rawValue)
        let communes = territory.communes.map(\.code)
        let now = Date()
        try await db.transaction { db in
            let sql = db.sql
            let first =
                try await sql.raw("SELECT coalesce(max(id), 0) AS n FROM proposals").first(decoding: N.self)?.n ?? 0
            try await sql.raw(
                """
                INSERT INTO proposals (territory_id, author_id, is_assisted, audience, title, body, themes_mask, origin, status,
                                       created_at, submitted_at, status_changed_at, answered_at, answer, answer_role, support_count, comment_count, progress)
                WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < \(literal: count - existing))
                SELECT \(bind: territory.id), \(literal: firstPerson) + (n * 7919) % \(literal: peopleCount), \(bind: false),
                       CASE WHEN n % 10 = 0 THEN 'professional' ELSE 'resident' END,
                       'Charge ' || n || ' : ' || \(pick(subjects, "n")) || ' ' || \(pick(places, "n / 10")),
                       'Proposition de charge numéro ' || n || ' sur les ' || \(pick(subjects, "n")) || ' ' || \(pick(places, "n / 10")) || ', pour les habitants du territoire.',
                       1 + (n % 1023), 'spontanee', \(pick(statuses, "n")),
                       \(bind: now), \(bind: now), \(bind: now),
                       CASE WHEN n % \(literal: statuses.count) >= 2 THEN \(bind: now) END,
                       CASE WHEN n % \(literal: statuses.count) >= 2 THEN 'Réponse officielle de charge.' END,
                       CASE WHEN n % \(literal: statuses.count) >= 2 THEN 'coordinator' END,
                       0, 0, 0
                FROM seq
                """
            ).run()
            let range: SQLQueryString = "p.id > \(literal: first) AND p.title LIKE 'Charge %'"
            // Search terms: the words of the generated texts, by the same rules as real proposals.
            for (index, subject) in subjects.enumerated() {
                for term in SearchTerms.terms(of: subject) {
                    try await sql.raw(
                        """
                        INSERT INTO proposal_terms (proposal_id, term) SELECT p.id, \(bind: term) FROM proposals p
                        WHERE \(range) AND CAST(substr(p.title, 8, instr(substr(p.title, 8), ' ') - 1) AS INTEGER) % \(literal: subjects.count) = \(literal: index)
                        """
                    ).run()
                }
            }
            for term in ["proposition", "charge", "habitant", "territoire"].flatMap({ SearchTerms.terms(of: $0) }) {
                try await sql.raw(
                    "INSERT INTO proposal_terms (proposal_id, term) SELECT p.id, \(bind: term) FROM proposals p WHERE \(range)"
                ).run()
            }
            for k in 0..<3 {
                try await sql.raw(
                    """
                    INSERT INTO proposal_communes (proposal_id, commune_code)
                    SELECT p.id, \(pick(communes, "p.id * 31 + \(k * 7)")) FROM proposals p WHERE \(range) AND (\(literal: k) = 0 OR p.id % \(literal: k + 1) = 0)
                    ON CONFLICT DO NOTHING
                    """
                ).run()
            }
            for k in 0..<10 {
                try await sql.raw(
                    """
                    INSERT INTO proposal_supports (proposal_id, person_id, created_at)
                    SELECT p.id, \(literal: firstPerson) + (p.id * 13 + \(literal: k * 4999)) % \(literal: peopleCount), \(bind: now) FROM proposals p WHERE \(range)
                    ON CONFLICT DO NOTHING
                    """
                ).run()
            }
            for k in 0..<5 {
                try await sql.raw(
                    """
                    INSERT INTO proposal_comments (proposal_id, author_id, body, created_at)
                    SELECT p.id, \(literal: firstPerson) + (p.id * 17 + \(literal: k * 3001)) % \(literal: peopleCount),
                           'Commentaire de charge ' || \(literal: k) || ' : je soutiens cette idée pour ma commune.', \(bind: now)
                    FROM proposals p WHERE \(range)
                    """
                ).run()
            }
            try await sql.raw(
                """
                UPDATE proposals SET support_count = (SELECT count(*) FROM proposal_supports s WHERE s.proposal_id = proposals.id),
                                     comment_count = (SELECT count(*) FROM proposal_comments c WHERE c.proposal_id = proposals.id)
                WHERE id > \(literal: first) AND title LIKE 'Charge %'
                """
            ).run()
            try await ProposalReadModel.bump(territoryID: territory.id, on: db)
        }
        return count
    }
}
