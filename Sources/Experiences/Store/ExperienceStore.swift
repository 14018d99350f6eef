import Core
import Fluent
import Foundation
import SQLKit

/// A call for experiences as read from `experience_calls`.
public struct CallRecord: Decodable, Sendable {
    public let id: Int
    public let territory_id: Int?
    public let title: String
    public let body: String
    public let opens_on: String
    public let closes_on: String
    public let audience: CallAudience
    public let max_score: Int
    public let required_reviews: Int
    public let created_at: Date

    public var isNational: Bool { territory_id == nil }
    public var window: CallWindow {
        CallWindow(opensOn: Day(opens_on) ?? Day(created_at), closesOn: Day(closes_on) ?? Day(created_at))
    }
}

/// A submission as read from `experiences`.
public struct ExperienceRecord: Decodable, Sendable {
    public let id: Int
    public let call_id: Int
    public let status: ExperienceStatus
    public let title: String
    public let summary: String
    public let context: String?
    public let level: String?
    public let participants_mask: Int
    public let participant_count: Int?
    public let objectives: String
    public let actions: String
    public let results: String
    public let evaluation: String
    public let lessons: String
    public let region: String?
    public let place: String
    public let start_year: Int?
    public let end_year: Int?
    public let themes_mask: Int
    public let populations_mask: Int
    public let contact_name: String
    public let contact_email: String
    public let contact_public: Bool
    public let remarkable: Bool
    public let created_at: Date
    public let submitted_at: Date?
    public let published_at: Date?

    public var slugged: String { "\(id)-\(Slug.of(title))" }

    /// The form fields of this submission (to edit it).
    public var fields: [String: String] {
        var out: [String: String] = [
            "title": title, "summary": summary, "context": context ?? "", "level": level ?? "",
            "objectives": objectives, "actions": actions,
            "results": results, "evaluation": evaluation, "lessons": lessons, "region": region ?? "", "place": place,
            "contact_name": contact_name, "contact_email": contact_email,
        ]
        if let participant_count { out["participant_count"] = String(participant_count) }
        if let start_year { out["start_year"] = String(start_year) }
        if let end_year { out["end_year"] = String(end_year) }
        if contact_public { out["contact_public"] = "on" }
        return out
    }
    public var multi: [String: [String]] {
        [
            "participants": Mask.values(participants_mask, Participant.self).map(\.rawValue),
            "themes": Mask.values(themes_mask, ExperienceTheme.self).map(\.rawValue),
            "populations": Mask.values(populations_mask, Population.self).map(\.rawValue),
        ]
    }
}

/// SQL of the experiences room.
public enum ExperienceStore {

    static let experienceColumns: SQLQueryString = """
        id, call_id, status, title, summary, context, level, participants_mask, participant_count, objectives, actions, results, evaluation,
        lessons, region, place, start_year, end_year, themes_mask, populations_mask, contact_name, contact_email, contact_public, remarkable,
        created_at, submitted_at, published_at
        """

    public static func call(_ id: Int, on db: any Database) async throws -> CallRecord? {
        try await db.sql.raw("SELECT * FROM experience_calls WHERE id = \(bind: id)").first(decoding: CallRecord.self)
    }

    /// Every call, the newest deadline first (calls are few).
    public static func calls(territoryID: Int? = nil, on db: any Database) async throws -> [CallRecord] {
        let filter: SQLQueryString = territoryID.map { "WHERE territory_id = \(bind: $0)" } ?? ""
        return try await db.sql.raw(
            "SELECT * FROM experience_calls \(filter) ORDER BY closes_on DESC, id DESC LIMIT 200"
        ).all(decoding: CallRecord.self)
    }

    /// Opens a call with its grid and its reviewers (inside the caller's transaction); returns its id.
    static func createCall(
        title: String, territoryID: Int?, opens: String, closes: String, audience: CallAudience,
        criteria: [(label: String, weight: Int)],
        maxScore: Int, required: Int, reviewers: [Int], by: Int?, body: String, now: Date, on db: any Database
    ) async throws -> Int {
        let sql = db.sql
        struct Inserted: Decodable { let id: Int }
        guard
            let row = try await sql.raw(
                """
                INSERT INTO experience_calls (territory_id, title, body, opens_on, closes_on, audience, max_score, required_reviews, created_by_id, created_at)
                VALUES (\(bind: territoryID), \(bind: title), \(bind: body), \(bind: opens), \(bind: closes), \(bind: audience.rawValue), \(bind: maxScore),
                        \(bind: required), \(bind: by), \(bind: now))
                RETURNING id
                """
            ).first(decoding: Inserted.self)
        else { throw ExperienceStoreError.notInserted }
        try await addCriteria(criteria, callID: row.id, on: db)
        try await addReviewers(reviewers, callID: row.id, on: db)
        return row.id
    }

    /// Saves the changes of a call: its text, dates, audience, reviews needed and reviewers, and
    /// its grid when `replaceGrid` (only while nobody has scored with it).
    static func updateCall(
        _ id: Int, input: CallInput, reviewers: [Int], replaceGrid: Bool, on db: any Database
    ) async throws {
        let sql = db.sql
        try await sql.raw(
            """
            UPDATE experience_calls SET title = \(bind: input.title), body = \(bind: input.body), opens_on = \(bind: input.window.opensOn.description),
            closes_on = \(bind: input.window.closesOn.description), audience = \(bind: input.audience.rawValue), max_score = \(bind: input.maxScore),
            required_reviews = \(bind: input.requiredReviews) WHERE id = \(bind: id)
            """
        ).run()
        try await sql.raw("DELETE FROM experience_reviewers WHERE call_id = \(bind: id)").run()
        try await addReviewers(reviewers, callID: id, on: db)
        guard replaceGrid else { return }
        try await sql.raw("DELETE FROM experience_criteria WHERE call_id = \(bind: id)").run()
        try await addCriteria(input.criteria, callID: id, on: db)
    }

    static func addCriteria(_ criteria: [(label: String, weight: Int)], callID: Int, on db: any Database) async throws {
        for (position, criterion) in criteria.enumerated() {
            try await db.sql.raw(
                """
                INSERT INTO experience_criteria (call_id, position, label, weight) VALUES (\(bind: callID), \(bind: position), \(bind: criterion.label), \(bind: criterion.weight))
                """
            ).run()
        }
    }

    static func addReviewers(_ people: [Int], callID: Int, on db: any Database) async throws {
        for person in people {
            try await db.sql.raw(
                "INSERT INTO experience_reviewers (call_id, person_id) VALUES (\(bind: callID), \(bind: person)) ON CONFLICT (call_id, person_id) DO NOTHING"
            ).run()
        }
    }

    public static func criteria(callID: Int, on db: any Database) async throws -> [Criterion] {
        struct Row: Decodable { let id: Int; let label: String; let weight: Int }
        return try await db.sql.raw(
            "SELECT id, label, weight FROM experience_criteria WHERE call_id = \(bind: callID) ORDER BY position, id"
        )
        .all(decoding: Row.self).map { Criterion(id: $0.id, label: $0.label, weight: $0.weight) }
    }

    public static func isReviewer(personID: Int, callID: Int, on db: any Database) async throws -> Bool {
        try await db.sql.raw(
            "SELECT 1 AS one FROM experience_reviewers WHERE call_id = \(bind: callID) AND person_id = \(bind: personID)"
        ).first() != nil
    }

    public static func isNationalOrganiser(personID: Int, on db: any Database) async throws -> Bool {
        try await db.sql.raw("SELECT 1 AS one FROM experience_organisers WHERE person_id = \(bind: personID)").first()
            != nil
    }

    struct Named: Decodable { let id: Int; let display_name: String; let email: String? }

    public static func reviewers(callID: Int, on db: any Database) async throws -> [(id: Int, name: String)] {
        try await db.sql.raw(
            """
            SELECT p.id, p.display_name, p.email FROM experience_reviewers r JOIN people p ON p.id = r.person_id
            WHERE r.call_id = \(bind: callID) ORDER BY p.display_name
            """
        ).all(decoding: Named.self).map { ($0.id, $0.display_name) }
    }

    public static func experience(_ id: Int, on db: any Database) async throws -> ExperienceRecord? {
        try await db.sql.raw("SELECT \(experienceColumns) FROM experiences WHERE id = \(bind: id)").first(
            decoding: ExperienceRecord.self)
    }

    public static func authors(
        of id: Int, on db: any Database
    ) async throws -> [(id: Int, name: String, email: String?)] {
        try await db.sql.raw(
            """
            SELECT p.id, p.display_name, p.email FROM experience_authors a JOIN people p ON p.id = a.person_id
            WHERE a.experience_id = \(bind: id) ORDER BY a.added_at, p.id
            """
        ).all(decoding: Named.self).map { ($0.id, $0.display_name, $0.email) }
    }

    /// Account ids of e-mail addresses (lower-cased), for the reviewers of a call.
    public static func people(emails: [String], on db: any Database) async throws -> [String: Int] {
        guard !emails.isEmpty else { return [:] }
        struct Row: Decodable { let id: Int; let email: String }
        let rows = try await db.sql.raw("SELECT id, email FROM people WHERE email IN (\(binds: emails))").all(
            decoding: Row.self)
        return Dictionary(rows.map { ($0.email, $0.id) }, uniquingKeysWith: { a, _ in a })
    }

    /// The submissions a person wrote or co-writes in a call.
    public static func mine(personID: Int, callID: Int, on db: any Database) async throws -> [ExperienceRecord] {
        try await db.sql.raw(
            """
            SELECT \(experienceColumns) FROM experiences WHERE call_id = \(bind: callID)
            AND id IN (SELECT experience_id FROM experience_authors WHERE person_id = \(bind: personID)) ORDER BY id
            """
        ).all(decoding: ExperienceRecord.self)
    }

    /// Writes the fields of a submission (insert when `id` is nil); returns its id.
    static func save(
        _ input: ExperienceInput, id: Int?, callID: Int, status: ExperienceStatus, by personID: Int?, now: Date,
        on db: any Database
    ) async throws -> Int {
        let values: [(String, any Encodable & Sendable)] = [
            ("title", input.title), ("summary", input.summary), ("context", input.context?.rawValue),
            ("level", input.level?.rawValue),
            ("participants_mask", Mask.of(input.participants)), ("participant_count", input.participantCount),
            ("objectives", input.objectives), ("actions", input.actions), ("results", input.results),
            ("evaluation", input.evaluation),
            ("lessons", input.lessons), ("region", input.region?.rawValue), ("place", input.place),
            ("start_year", input.startYear),
            ("end_year", input.endYear), ("themes_mask", Mask.of(input.themes)),
            ("populations_mask", Mask.of(input.populations)),
            ("contact_name", input.contactName), ("contact_email", input.contactEmail),
            ("contact_public", input.contactPublic),
            ("status", status.rawValue), ("updated_at", now),
        ]
        let sql = db.sql
        if let id {
            let sets = SQLList(values.map { SQLQueryString("\(ident: $0.0) = \(bind: $0.1)") })
            try await sql.raw("UPDATE experiences SET \(sets) WHERE id = \(bind: id)").run()
            return id
        }
        let all =
            values + [
                ("call_id", callID), ("remarkable", false), ("created_by_id", personID), ("created_at", now),
                ("status_changed_at", now),
            ]
        let columns = SQLList(all.map { SQLIdentifier($0.0) })
        let binds = SQLList(all.map { SQLBind($0.1) })
        struct Inserted: Decodable { let id: Int }
        let row = try await sql.raw("INSERT INTO experiences (\(columns)) VALUES (\(binds)) RETURNING id").first(
            decoding: Inserted.self)
        guard let row else { throw ExperienceStoreError.notInserted }
        if let personID {
            try await sql.raw(
                "INSERT INTO experience_authors (experience_id, person_id, added_at) VALUES (\(bind: row.id), \(bind: personID), \(bind: now))"
            ).run()
        }
        return row.id
    }

    enum ExperienceStoreError: Error { case notInserted }

    /// Moves a submission to a status, with the dates that go with it.
    static func setStatus(
        _ id: Int, to status: ExperienceStatus, remarkable: Bool? = nil, now: Date, on db: any Database
    ) async throws {
        var sets: [SQLQueryString] = ["status = \(bind: status.rawValue)", "status_changed_at = \(bind: now)"]
        if status == .submitted { sets.append("submitted_at = \(bind: now)") }
        if status == .published { sets.append("published_at = \(bind: now)") }
        if let remarkable { sets.append("remarkable = \(bind: remarkable)") }
        try await db.sql.raw("UPDATE experiences SET \(SQLList(sets)) WHERE id = \(bind: id)").run()
    }

    /// Replaces the search terms of a submission (read by the catalogue once published).
    static func index(_ id: Int, input: ExperienceInput, on db: any Database) async throws {
        let sql = db.sql
        try await sql.raw("DELETE FROM experience_terms WHERE experience_id = \(bind: id)").run()
        let text = [
            input.title, input.summary, input.objectives, input.actions, input.results, input.lessons, input.place,
        ].joined(separator: " ")
        let terms = SearchTerms.terms(of: text)
        for chunk in stride(from: 0, to: terms.count, by: 100) {
            let values = SQLList(
                terms[chunk..<min(chunk + 100, terms.count)].map { SQLQueryString("(\(bind: id), \(bind: $0))") })
            try await sql.raw("INSERT INTO experience_terms (experience_id, term) VALUES \(values)").run()
        }
    }

    /// Bumped in the transaction of every write the catalogue shows.
    public static func bump(on db: any Database) async throws {
        try await db.sql.raw(
            """
            INSERT INTO experience_versions (id, version) VALUES (1, 1)
            ON CONFLICT (id) DO UPDATE SET version = experience_versions.version + 1
            """
        ).run()
    }

    public static func version(on db: any Database) async throws -> Int {
        struct Row: Decodable { let version: Int }
        return try await db.sql.raw("SELECT version FROM experience_versions WHERE id = 1").first(decoding: Row.self)?
            .version ?? 0
    }

    struct AttachmentRow: Decodable { let id: Int; let name: String; let type: String; let size: Int }

    static func attachments(of id: Int, on db: any Database) async throws -> [AttachmentRow] {
        try await db.sql.raw(
            "SELECT id, name, type, size FROM experience_attachments WHERE experience_id = \(bind: id) ORDER BY id"
        ).all(decoding: AttachmentRow.self)
    }

    struct MessageRow: Decodable { let kind: String; let body: String; let created_at: Date }

    static func messages(of id: Int, on db: any Database) async throws -> [MessageRow] {
        try await db.sql.raw(
            "SELECT kind, body, created_at FROM experience_messages WHERE experience_id = \(bind: id) ORDER BY id"
        ).all(decoding: MessageRow.self)
    }

    static func addMessage(
        _ id: Int, kind: String, body: String, by personID: Int?, now: Date, on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            INSERT INTO experience_messages (experience_id, author_id, kind, body, created_at) VALUES (\(bind: id), \(bind: personID), \(bind: kind), \(bind: body), \(bind: now))
            """
        ).run()
    }

    /// The reviews of the submissions of a call: submission → [(reviewer, weighted score)].
    static func reviewScores(callID: Int, on db: any Database) async throws -> [Int: [(reviewer: Int?, score: Double)]]
    {
        struct Row: Decodable { let experience_id: Int; let reviewer_id: Int?; let weighted_score: Double }
        let rows = try await db.sql.raw(
            """
            SELECT r.experience_id, r.reviewer_id, r.weighted_score FROM experience_reviews r JOIN experiences e ON e.id = r.experience_id
            WHERE e.call_id = \(bind: callID) ORDER BY r.id
            """
        ).all(decoding: Row.self)
        var out: [Int: [(Int?, Double)]] = [:]
        for row in rows { out[row.experience_id, default: []].append((row.reviewer_id, row.weighted_score)) }
        return out
    }

    struct ScoreRow: Decodable {
        let review_id: Int; let reviewer_id: Int?; let display_name: String?; let criterion_id: Int; let score: Int;
        let comment: String; let weighted_score: Double
    }

    /// Every score given to a submission, by review.
    static func scores(of id: Int, on db: any Database) async throws -> [ScoreRow] {
        try await db.sql.raw(
            """
            SELECT r.id AS review_id, r.reviewer_id, p.display_name, s.criterion_id, s.score, s.comment, r.weighted_score
            FROM experience_reviews r JOIN experience_scores s ON s.review_id = r.id LEFT JOIN people p ON p.id = r.reviewer_id
            WHERE r.experience_id = \(bind: id) ORDER BY r.id, s.criterion_id
            """
        ).all(decoding: ScoreRow.self)
    }

    /// Records (or replaces) a reviewer's scores for a submission.
    static func saveReview(
        experienceID: Int, reviewerID: Int, scores: [Int: Int], comments: [Int: String], weighted: Double, now: Date,
        on db: any Database
    ) async throws {
        let sql = db.sql
        try await sql.raw(
            "DELETE FROM experience_reviews WHERE experience_id = \(bind: experienceID) AND reviewer_id = \(bind: reviewerID)"
        ).run()
        struct Inserted: Decodable { let id: Int }
        guard
            let review = try await sql.raw(
                """
                INSERT INTO experience_reviews (experience_id, reviewer_id, weighted_score, created_at)
                VALUES (\(bind: experienceID), \(bind: reviewerID), \(bind: weighted), \(bind: now)) RETURNING id
                """
            ).first(decoding: Inserted.self)
        else { throw ExperienceStoreError.notInserted }
        for (criterion, score) in scores.sorted(by: { $0.key < $1.key }) {
            try await sql.raw(
                """
                INSERT INTO experience_scores (review_id, criterion_id, score, comment) VALUES (\(bind: review.id), \(bind: criterion), \(bind: score), \(bind: comments[criterion] ?? ""))
                """
            ).run()
        }
    }

    // MARK: - The viewer's rights on a call

    /// Whether a person is one of the platform's national organisers, and a reviewer of this call.
    static func rights(
        personID: Int, callID: Int, on db: any Database
    ) async throws -> (
        nationalOrganiser: Bool, reviewer: Bool
    ) {
        struct Row: Decodable { let organiser: Int; let reviewer: Int }
        let row = try await db.sql.raw(
            """
            SELECT (SELECT count(*) FROM experience_organisers WHERE person_id = \(bind: personID)) AS organiser,
                   (SELECT count(*) FROM experience_reviewers WHERE call_id = \(bind: callID) AND person_id = \(bind: personID)) AS reviewer
            """
        ).first(decoding: Row.self)
        return ((row?.organiser ?? 0) > 0, (row?.reviewer ?? 0) > 0)
    }

    /// The e-mail addresses of a call's reviewers, in order (to edit the call).
    static func reviewerEmails(callID: Int, on db: any Database) async throws -> [String] {
        struct Email: Decodable { let email: String? }
        return try await db.sql.raw(
            """
            SELECT p.email FROM experience_reviewers r JOIN people p ON p.id = r.person_id WHERE r.call_id = \(bind: callID) ORDER BY p.email
            """
        ).all(decoding: Email.self).compactMap(\.email)
    }

    // MARK: - Review pages

    /// The submissions of a call that were sent (every status but draft), in order.
    static func sentSubmissions(callID: Int, on db: any Database) async throws -> [ExperienceRecord] {
        try await db.sql.raw(
            """
            SELECT \(experienceColumns) FROM experiences WHERE call_id = \(bind: callID) AND status <> 'draft' ORDER BY id
            """
        ).all(decoding: ExperienceRecord.self)
    }

    /// The submissions of a call that a person (co-)writes.
    static func authoredIDs(personID: Int?, callID: Int, on db: any Database) async throws -> Set<Int> {
        struct AuthorRow: Decodable { let experience_id: Int }
        return Set(
            try await db.sql.raw(
                """
                SELECT a.experience_id FROM experience_authors a JOIN experiences e ON e.id = a.experience_id
                WHERE e.call_id = \(bind: callID) AND a.person_id = \(bind: personID ?? -1)
                """
            ).all(decoding: AuthorRow.self).map(\.experience_id))
    }

    /// What the figures of a call count: its sent submissions.
    static func figureRows(callID: Int, on db: any Database) async throws -> [CallFigures.Row] {
        struct Row: Decodable {
            let status: String; let context: String?; let level: String?; let region: String?;
            let participant_count: Int?
        }
        return try await db.sql.raw(
            """
            SELECT status, context, level, region, participant_count FROM experiences WHERE call_id = \(bind: callID) AND status <> 'draft'
            """
        ).all(decoding: Row.self).map {
            CallFigures.Row(
                status: $0.status, context: $0.context, level: $0.level, region: $0.region,
                people: $0.participant_count)
        }
    }

    // MARK: - Attachments

    static func insertAttachment(
        experienceID: Int, name: String, type: String, bytes: [UInt8], now: Date, on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            INSERT INTO experience_attachments (experience_id, name, type, size, bytes, created_at)
            VALUES (\(bind: experienceID), \(bind: name), \(bind: type), \(bind: bytes.count), \(bind: Data(bytes)), \(bind: now))
            """
        ).run()
    }

    struct AttachmentFile: Decodable, Sendable {
        let name: String; let type: String; let bytes: Data; let status: ExperienceStatus; let call_id: Int;
        let experience_id: Int
    }

    /// A file with the status and the call of its submission.
    static func attachmentFile(_ id: Int, on db: any Database) async throws -> AttachmentFile? {
        try await db.sql.raw(
            """
            SELECT f.name, f.type, f.bytes, e.status, e.call_id, f.experience_id FROM experience_attachments f JOIN experiences e ON e.id = f.experience_id
            WHERE f.id = \(bind: id)
            """
        ).first(decoding: AttachmentFile.self)
    }

    // MARK: - What was typed when the session expired

    static func insertRescue(
        tokenHash: String, callID: Int, payload: String, expiresAt: Date, on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            INSERT INTO experience_rescues (token_hash, call_id, payload, expires_at)
            VALUES (\(bind: tokenHash), \(bind: callID), \(bind: payload), \(bind: expiresAt))
            """
        ).run()
    }

    struct RescueRow: Decodable, Sendable { let payload: String; let expires_at: Date; let call_id: Int }

    static func rescue(tokenHash: String, on db: any Database) async throws -> RescueRow? {
        try await db.sql.raw(
            "SELECT payload, expires_at, call_id FROM experience_rescues WHERE token_hash = \(bind: tokenHash)"
        ).first(decoding: RescueRow.self)
    }

    /// Takes the rescued text out, once: of two requests with the same link, one gets it.
    static func claimRescue(tokenHash: String, on db: any Database) async throws -> RescueRow? {
        try await db.sql.raw(
            "DELETE FROM experience_rescues WHERE token_hash = \(bind: tokenHash) RETURNING payload, expires_at, call_id"
        ).first(decoding: RescueRow.self)
    }

    /// Puts a claimed text back (it could not be saved this time).
    static func restoreRescue(_ row: RescueRow, tokenHash: String, on db: any Database) async throws {
        try await insertRescue(
            tokenHash: tokenHash, callID: row.call_id, payload: row.payload, expiresAt: row.expires_at, on: db)
    }

    // MARK: - Co-authors' invitations

    static func insertInvitation(
        tokenHash: String, experienceID: Int, email: String, by personID: Int, expiresAt: Date, on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            INSERT INTO experience_invitations (token_hash, experience_id, email, invited_by_id, expires_at)
            VALUES (\(bind: tokenHash), \(bind: experienceID), \(bind: email), \(bind: personID), \(bind: expiresAt))
            """
        ).run()
    }

    struct InvitationRow: Decodable, Sendable {
        let experience_id: Int; let expires_at: Date; let title: String; let call_id: Int
    }

    static func invitation(tokenHash: String, on db: any Database) async throws -> InvitationRow? {
        try await db.sql.raw(
            """
            SELECT i.experience_id, i.expires_at, e.title, e.call_id FROM experience_invitations i JOIN experiences e ON e.id = i.experience_id
            WHERE i.token_hash = \(bind: tokenHash)
            """
        ).first(decoding: InvitationRow.self)
    }

    /// The person joins the authors (once) and the invitation is spent.
    static func acceptInvitation(
        tokenHash: String, experienceID: Int, personID: Int, now: Date, on db: any Database
    ) async throws {
        let sql = db.sql
        try await sql.raw(
            """
            INSERT INTO experience_authors (experience_id, person_id, added_at) VALUES (\(bind: experienceID), \(bind: personID), \(bind: now))
            ON CONFLICT (experience_id, person_id) DO NOTHING
            """
        ).run()
        try await sql.raw("DELETE FROM experience_invitations WHERE token_hash = \(bind: tokenHash)").run()
    }
}
