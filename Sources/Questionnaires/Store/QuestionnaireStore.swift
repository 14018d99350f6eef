import Core
import Fluent
import Foundation
import SQLKit

public struct QuestionnaireRecord: Decodable, Sendable {
    public let id: Int
    public let territory_id: Int
    public let title: String
    public let intro: String
    public let audience: QAudience
    public let status: QStatus
    public let link_accounts: Bool
    public let current_version_id: Int
    public let version_number: Int
    public let updated_at: Date

}

public struct QuestionnaireSummary: Decodable, Sendable {
    public let id: Int
    public let title: String
    public let audience: String
    public let status: String
    public let answers: Int
}

public struct WaveRecord: Decodable, Sendable, Equatable {
    public let id: Int
    public let questionnaire_id: Int
    public let name: String
    public let starts_on: String
    public let ends_on: String
    public let target_total: Int
    public let target_users: Int
    public let target_professionals: Int
    public let commune_targets: String

    public func contains(day: String) -> Bool { starts_on <= day && day <= ends_on }

    /// Commune targets typed by hand (JSON code → number), empty when proportional.
    public var overrides: [String: Int] {
        (try? JSONDecoder().decode([String: Int].self, from: Data(commune_targets.utf8))) ?? [:]
    }
}

/// A complete answer as the results read it.
struct ResponseRow: Decodable, Sendable {
    let id: Int
    let version_id: Int
    let wave_id: Int?
    let channel: String
    let audience: String
    let commune: String?
    let answers: String
    let submitted_at: Date
}

public struct NewResponse: Sendable {
    public var questionnaireID: Int
    public var versionID: Int
    public var waveID: Int?
    public var channel: Channel
    public var audience: QAudience
    public var commune: String?
    public var answers: Answers
    public var personID: Int?
    public var enteredByID: Int?
    public var at: Date
    /// The event whose feedback link it came from (see EventAnswers.swift).
    public var eventID: Int?
    /// The keyed hash of a signed-in respondent (`RespondentKey.answer`): one answer per wave.
    public var respondentHash: String?

    public init(
        questionnaireID: Int, versionID: Int, waveID: Int?, channel: Channel, audience: QAudience, commune: String?,
        answers: Answers,
        personID: Int? = nil, enteredByID: Int? = nil, at: Date = Date(), eventID: Int? = nil
    ) {
        self.questionnaireID = questionnaireID; self.versionID = versionID; self.waveID = waveID;
        self.channel = channel; self.audience = audience
        self.commune = commune; self.answers = answers; self.personID = personID; self.enteredByID = enteredByID;
        self.at = at
        self.eventID = eventID
        self.respondentHash = nil
    }
}

enum QuestionnaireStoreError: Error { case notInserted }

/// An answer arrived after its questionnaire was closed.
public struct QuestionnaireClosed: Error {}

/// SQL of the questionnaires room.
public enum QuestionnaireStore {
    struct Inserted: Decodable { let id: Int }

    public static func list(
        territoryID: Int, includeDrafts: Bool, on db: any Database
    ) async throws -> [QuestionnaireSummary] {
        let filter: SQLQueryString = includeDrafts ? "" : "AND q.status <> 'draft'"
        return try await db.sql.raw(
            """
            SELECT q.id, q.title, q.audience, q.status,
                   (SELECT count(*) FROM questionnaire_responses r WHERE r.questionnaire_id = q.id AND r.status = 'complete') AS answers
            FROM questionnaires q WHERE q.territory_id = \(bind: territoryID) \(filter) ORDER BY q.id DESC LIMIT 200
            """
        ).all(decoding: QuestionnaireSummary.self)
    }

    /// The JSON of one version.
    static func definitionText(versionID: Int, on db: any Database) async throws -> String {
        struct Row: Decodable { let definition: String }
        return try await db.sql.raw("SELECT definition FROM questionnaire_versions WHERE id = \(bind: versionID)")
            .first(decoding: Row.self)?.definition ?? "{}"
    }

    /// The questionnaire of the URL in that territory, with its current version's number (nil for
    /// another territory's); the version's content is read through `FormCache`.
    public static func load(_ id: Int, territoryID: Int, on db: any Database) async throws -> QuestionnaireRecord? {
        try await db.sql.raw(
            """
            SELECT q.id, q.territory_id, q.title, q.intro, q.audience, q.status, q.link_accounts, q.current_version_id, q.updated_at,
                   v.number AS version_number
            FROM questionnaires q JOIN questionnaire_versions v ON v.id = q.current_version_id
            WHERE q.id = \(bind: id) AND q.territory_id = \(bind: territoryID)
            """
        ).first(decoding: QuestionnaireRecord.self)
    }

    public static func create(
        territoryID: Int, title: String, intro: String, audience: QAudience, linkAccounts: Bool, definition: Definition,
        by personID: Int?, on db: any Database
    ) async throws -> Int {
        let sql = db.sql
        let now = Date()
        guard
            let q = try await sql.raw(
                """
                INSERT INTO questionnaires (territory_id, title, intro, audience, status, link_accounts, created_by_id, created_at, updated_at)
                VALUES (\(bind: territoryID), \(bind: title), \(bind: intro), \(bind: audience.rawValue), 'draft', \(bind: linkAccounts), \(bind: personID), \(bind: now), \(bind: now))
                RETURNING id
                """
            ).first(decoding: Inserted.self)
        else { throw QuestionnaireStoreError.notInserted }
        guard
            let v = try await sql.raw(
                """
                INSERT INTO questionnaire_versions (questionnaire_id, number, definition, created_at) VALUES (\(bind: q.id), 1, \(bind: definition.json()), \(bind: now))
                RETURNING id
                """
            ).first(decoding: Inserted.self)
        else { throw QuestionnaireStoreError.notInserted }
        try await sql.raw("UPDATE questionnaires SET current_version_id = \(bind: v.id) WHERE id = \(bind: q.id)").run()
        return q.id
    }

    public static func updateSettings(
        _ id: Int, title: String, intro: String, audience: QAudience, linkAccounts: Bool, on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            UPDATE questionnaires SET title = \(bind: title), intro = \(bind: intro), audience = \(bind: audience.rawValue), link_accounts = \(bind: linkAccounts),
            updated_at = \(bind: Date()) WHERE id = \(bind: id)
            """
        ).run()
    }

    /// Saves a changed definition: in place while nobody answered the current version, else as a
    /// new version (old answers keep theirs). Returns whether a version was made.
    @discardableResult
    public static func saveDefinition(
        _ record: QuestionnaireRecord, _ definition: Definition, on db: any Database
    ) async throws -> Bool {
        let sql = db.sql
        struct Count: Decodable { let n: Int }
        let answered =
            try await sql.raw(
                "SELECT count(*) AS n FROM questionnaire_responses WHERE version_id = \(bind: record.current_version_id)"
            )
            .first(decoding: Count.self)?.n ?? 0
        let now = Date()
        if answered == 0 {
            try await sql.raw(
                "UPDATE questionnaire_versions SET definition = \(bind: definition.json()) WHERE id = \(bind: record.current_version_id)"
            ).run()
            try await sql.raw("UPDATE questionnaires SET updated_at = \(bind: now) WHERE id = \(bind: record.id)").run()
            return false
        }
        guard
            let v = try await sql.raw(
                """
                INSERT INTO questionnaire_versions (questionnaire_id, number, definition, created_at)
                VALUES (\(bind: record.id), \(bind: record.version_number + 1), \(bind: definition.json()), \(bind: now)) RETURNING id
                """
            ).first(decoding: Inserted.self)
        else { throw QuestionnaireStoreError.notInserted }
        try await sql.raw(
            "UPDATE questionnaires SET current_version_id = \(bind: v.id), updated_at = \(bind: now) WHERE id = \(bind: record.id)"
        ).run()
        return true
    }

    public static func setStatus(_ id: Int, _ status: QStatus, on db: any Database) async throws {
        try await db.sql.raw(
            "UPDATE questionnaires SET status = \(bind: status.rawValue), updated_at = \(bind: Date()) WHERE id = \(bind: id)"
        ).run()
    }

    /// Every version's definition, by version id.
    static func versions(of id: Int, on db: any Database) async throws -> [Int: (number: Int, definition: Definition)] {
        struct Row: Decodable { let id: Int; let number: Int; let definition: String }
        let rows = try await db.sql.raw(
            "SELECT id, number, definition FROM questionnaire_versions WHERE questionnaire_id = \(bind: id)"
        ).all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id, ($0.number, Definition.decode($0.definition))) })
    }

    // MARK: Waves

    public static func waves(of id: Int, on db: any Database) async throws -> [WaveRecord] {
        try await db.sql.raw(
            "SELECT * FROM questionnaire_waves WHERE questionnaire_id = \(bind: id) ORDER BY starts_on, id"
        ).all(decoding: WaveRecord.self)
    }

    public static func saveWave(
        questionnaireID: Int, waveID: Int?, name: String, starts: String, ends: String, total: Int, users: Int,
        professionals: Int,
        overrides: [String: Int], on db: any Database
    ) async throws {
        let json = String(decoding: (try? JSONEncoder().encode(overrides)) ?? Data("{}".utf8), as: UTF8.self)
        if let waveID {
            try await db.sql.raw(
                """
                UPDATE questionnaire_waves SET name = \(bind: name), starts_on = \(bind: starts), ends_on = \(bind: ends), target_total = \(bind: total),
                target_users = \(bind: users), target_professionals = \(bind: professionals), commune_targets = \(bind: json)
                WHERE id = \(bind: waveID) AND questionnaire_id = \(bind: questionnaireID)
                """
            ).run()
        } else {
            try await db.sql.raw(
                """
                INSERT INTO questionnaire_waves (questionnaire_id, name, starts_on, ends_on, target_total, target_users, target_professionals, commune_targets)
                VALUES (\(bind: questionnaireID), \(bind: name), \(bind: starts), \(bind: ends), \(bind: total), \(bind: users), \(bind: professionals), \(bind: json))
                """
            ).run()
        }
    }

    // MARK: Answers

    /// Saves a complete answer. With `onlyIfOpen`, the questionnaire must still be published when
    /// the row is written (checked in the same statement): otherwise `QuestionnaireClosed`.
    @discardableResult
    public static func insert(
        _ response: NewResponse, json: String? = nil, onlyIfOpen: Bool = false, on db: any Database
    ) async throws -> Int {
        let open: SQLQueryString = onlyIfOpen ? "AND status = 'published'" : ""
        guard
            let row = try await db.sql.raw(
                """
                INSERT INTO questionnaire_responses (questionnaire_id, version_id, wave_id, status, channel, audience, commune, answers, person_id, entered_by_id,
                                                     created_at, submitted_at, event_id, respondent_hash)
                SELECT \(bind: response.questionnaireID), \(bind: response.versionID), \(bind: response.waveID), 'complete', \(bind: response.channel.rawValue),
                       \(bind: response.audience.rawValue), \(bind: response.commune), \(bind: json ?? AnswerCodec.json(response.answers)), \(bind: response.personID),
                       \(bind: response.enteredByID), \(bind: response.at), \(bind: response.at), \(eventValue(response.eventID, questionnaireID: response.questionnaireID)),
                       \(bind: response.respondentHash)
                WHERE EXISTS (SELECT 1 FROM questionnaires WHERE id = \(bind: response.questionnaireID) \(open))
                RETURNING id
                """
            ).first(decoding: Inserted.self)
        else { throw onlyIfOpen ? QuestionnaireClosed() : QuestionnaireStoreError.notInserted }
        return row.id
    }

    /// Keeps what was typed so far under a resume token (its hash); replaces an earlier draft of
    /// the same token, and, with an `owner` (`RespondentKey.drafts`), the owner's earlier draft of
    /// this questionnaire (one draft per owner and questionnaire: "Reprendre mon questionnaire").
    public static func saveDraft(
        questionnaireID: Int, versionID: Int, typed: TypedAnswers, tokenHash: String, replacing oldHash: String?,
        owner: String? = nil, at now: Date = Date(), on db: any Database
    ) async throws {
        let sql = db.sql
        if let oldHash {
            try await sql.raw(
                "DELETE FROM questionnaire_responses WHERE resume_hash = \(bind: oldHash) AND status = 'partial' AND questionnaire_id = \(bind: questionnaireID)"
            ).run()
        }
        if let owner {
            try await sql.raw(
                "DELETE FROM questionnaire_responses WHERE draft_owner = \(bind: owner) AND status = 'partial' AND questionnaire_id = \(bind: questionnaireID)"
            ).run()
        }
        try await sql.raw(
            """
            INSERT INTO questionnaire_responses (questionnaire_id, version_id, status, channel, audience, answers, draft, resume_hash, draft_owner, created_at)
            VALUES (\(bind: questionnaireID), \(bind: versionID), 'partial', 'en-ligne', 'tous', '{}', \(bind: typed.json()), \(bind: tokenHash), \(bind: owner), \(bind: now))
            """
        ).run()
    }

    public static func draft(questionnaireID: Int, tokenHash: String, on db: any Database) async throws -> TypedAnswers?
    {
        struct Row: Decodable { let draft: String? }
        return try await db.sql.raw(
            """
            SELECT draft FROM questionnaire_responses WHERE resume_hash = \(bind: tokenHash) AND status = 'partial' AND questionnaire_id = \(bind: questionnaireID)
            """
        ).first(decoding: Row.self).map { TypedAnswers.decode($0.draft ?? "") }
    }

    /// The latest draft of this questionnaire kept for one of `owners` (a person, a browser).
    public static func ownedDraft(
        questionnaireID: Int, owners: [String], on db: any Database
    ) async throws -> TypedAnswers? {
        guard !owners.isEmpty else { return nil }
        struct Row: Decodable { let draft: String? }
        let list = SQLList(owners.map { SQLBind($0) })
        return try await db.sql.raw(
            """
            SELECT draft FROM questionnaire_responses WHERE draft_owner IN (\(list)) AND status = 'partial' \
            AND questionnaire_id = \(bind: questionnaireID) ORDER BY id DESC LIMIT 1
            """
        ).first(decoding: Row.self).map { TypedAnswers.decode($0.draft ?? "") }
    }

    /// A draft kept for its owner, with its questionnaire (for "my drafts").
    public struct OwnedDraft: Decodable, Sendable, Equatable {
        public let questionnaire_id: Int
        public let territory_id: Int
        public let title: String
        public let saved_at: Date
    }

    /// Every draft of one owner, on published questionnaires, the latest first.
    public static func drafts(owner: String, on db: any Database) async throws -> [OwnedDraft] {
        try await db.sql.raw(
            """
            SELECT r.questionnaire_id, q.territory_id, q.title, r.created_at AS saved_at
            FROM questionnaire_responses r JOIN questionnaires q ON q.id = r.questionnaire_id
            WHERE r.draft_owner = \(bind: owner) AND r.status = 'partial' AND q.status = 'published'
            ORDER BY r.id DESC LIMIT 200
            """
        ).all(decoding: OwnedDraft.self)
    }

    public static func dropDraft(tokenHash: String, on db: any Database) async throws {
        try await db.sql.raw(
            "DELETE FROM questionnaire_responses WHERE resume_hash = \(bind: tokenHash) AND status = 'partial'"
        ).run()
    }

    /// Drops the drafts of this questionnaire kept for `owners` (the answer they led to is sent).
    public static func dropDrafts(questionnaireID: Int, owners: [String], on db: any Database) async throws {
        guard !owners.isEmpty else { return }
        let list = SQLList(owners.map { SQLBind($0) })
        try await db.sql.raw(
            """
            DELETE FROM questionnaire_responses WHERE draft_owner IN (\(list)) AND status = 'partial' \
            AND questionnaire_id = \(bind: questionnaireID)
            """
        ).run()
    }

    // MARK: One answer per person and wave

    /// A signed-in person's own answer (found by its keyed hash), to show it again.
    public struct OwnAnswer: Decodable, Sendable {
        public let id: Int
        public let audience: String
        public let answers: String
    }

    public static func ownAnswer(respondentHash: String, on db: any Database) async throws -> OwnAnswer? {
        try await db.sql.raw(
            """
            SELECT id, audience, answers FROM questionnaire_responses \
            WHERE respondent_hash = \(bind: respondentHash) AND status = 'complete'
            """
        ).first(decoding: OwnAnswer.self)
    }

    /// The answer of that keyed hash gives up its hash (it is being replaced): its id, if any.
    static func releaseAnswer(respondentHash: String, on db: any Database) async throws -> Int? {
        struct Row: Decodable { let id: Int }
        return try await db.sql.raw(
            """
            UPDATE questionnaire_responses SET respondent_hash = NULL \
            WHERE respondent_hash = \(bind: respondentHash) RETURNING id
            """
        ).first(decoding: Row.self)?.id
    }

    /// Deletes a replaced answer.
    static func deleteAnswer(_ id: Int, on db: any Database) async throws {
        try await db.sql.raw("DELETE FROM questionnaire_responses WHERE id = \(bind: id)").run()
    }

    /// At an account's erasure: its answers lose their keyed hash (they stay, anonymous, and a
    /// later account given the same id would not find them) and its drafts are deleted.
    static func forgetRespondent(_ personID: Int, signer: Signer, on db: any Database) async throws {
        struct Row: Decodable { let questionnaire_id: Int; let wave_id: Int? }
        let keys = try await db.sql.raw(
            """
            SELECT id AS questionnaire_id, NULL AS wave_id FROM questionnaires
            UNION ALL SELECT questionnaire_id, id AS wave_id FROM questionnaire_waves
            """
        ).all(decoding: Row.self)
        let hashes = keys.map {
            RespondentKey.answer(
                personID: personID, questionnaireID: $0.questionnaire_id, waveID: $0.wave_id, signer: signer)
        }
        for start in stride(from: 0, to: hashes.count, by: 500) {
            let list = SQLList(hashes[start..<min(start + 500, hashes.count)].map { SQLBind($0) })
            try await db.sql.raw(
                "UPDATE questionnaire_responses SET respondent_hash = NULL WHERE respondent_hash IN (\(list))"
            ).run()
        }
        let owner = RespondentKey.drafts(personID: personID, signer: signer)
        try await db.sql.raw(
            "DELETE FROM questionnaire_responses WHERE draft_owner = \(bind: owner) AND status = 'partial'"
        ).run()
    }

    /// Consumes the nonce of a form token: true the first time, false when it was already used
    /// (the unique key holds even for two answers at the same instant).
    static func consumeFormToken(
        _ nonceHash: String, questionnaireID: Int, at now: Date, on db: any Database
    ) async throws -> Bool {
        struct Row: Decodable { let nonce_hash: String }
        return try await db.sql.raw(
            """
            INSERT INTO questionnaire_form_tokens (nonce_hash, questionnaire_id, used_at) \
            VALUES (\(bind: nonceHash), \(bind: questionnaireID), \(bind: now)) ON CONFLICT DO NOTHING RETURNING nonce_hash
            """
        ).first(decoding: Row.self) != nil
    }

    /// Forgets the nonces of forms sent before `cutoff`. Safe once `cutoff` is a token's lifetime
    /// ago: a form is sent after it was issued, so such a token has expired and is refused by its
    /// date before its nonce would be looked up. Returns how many were forgotten.
    static func purgeFormTokens(usedBefore cutoff: Date, on db: any Database) async throws -> Int {
        struct Row: Decodable { let nonce_hash: String }
        return try await db.sql.raw(
            "DELETE FROM questionnaire_form_tokens WHERE used_at < \(bind: cutoff) RETURNING nonce_hash"
        ).all(decoding: Row.self).count
    }

    struct Tally: Decodable { let n: Int; let last: Int? }
    static func tally(of id: Int, on db: any Database) async throws -> Tally {
        try await db.sql.raw(
            """
            SELECT count(*) AS n, max(id) AS last FROM questionnaire_responses WHERE questionnaire_id = \(bind: id) AND status = 'complete'
            """
        ).first(decoding: Tally.self) ?? Tally(n: 0, last: nil)
    }

    /// Complete answers after an id, in id order; `limit` keeps the memory of a large read small.
    static func responses(of id: Int, after: Int, limit: Int? = nil, on db: any Database) async throws -> [ResponseRow]
    {
        let bound: SQLQueryString = limit.map { "LIMIT \(literal: $0)" } ?? ""
        return try await db.sql.raw(
            """
            SELECT id, version_id, wave_id, channel, audience, commune, answers, submitted_at FROM questionnaire_responses
            WHERE questionnaire_id = \(bind: id) AND status = 'complete' AND id > \(bind: after) ORDER BY id \(bound)
            """
        ).all(decoding: ResponseRow.self)
    }

    // MARK: Coding free text

    public struct Code: Decodable, Sendable, Equatable {
        public let id: Int; public let question_key: String; public let name: String
    }

    public static func codes(of id: Int, on db: any Database) async throws -> [Code] {
        try await db.sql.raw(
            "SELECT id, question_key, name FROM questionnaire_codes WHERE questionnaire_id = \(bind: id) ORDER BY name"
        ).all(decoding: Code.self)
    }

    /// Code assignments of a questionnaire: response id → code ids.
    public static func coded(of id: Int, on db: any Database) async throws -> [Int: [Int]] {
        struct Row: Decodable { let response_id: Int; let code_id: Int }
        let rows = try await db.sql.raw(
            """
            SELECT c.response_id, c.code_id FROM questionnaire_coded c JOIN questionnaire_codes k ON k.id = c.code_id WHERE k.questionnaire_id = \(bind: id)
            """
        ).all(decoding: Row.self)
        return Dictionary(grouping: rows, by: \.response_id).mapValues { $0.map(\.code_id) }
    }

    /// A new code for a free-text question's answers.
    public static func addCode(
        questionnaireID: Int, questionKey: String, name: String, on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            INSERT INTO questionnaire_codes (questionnaire_id, question_key, name) \
            VALUES (\(bind: questionnaireID), \(bind: questionKey), \(bind: name))
            """
        ).run()
    }

    /// Whether the answer `responseID` is one of the questionnaire's.
    public static func holds(response responseID: Int, questionnaireID: Int, on db: any Database) async throws -> Bool {
        struct Row: Decodable { let id: Int }
        return try await db.sql.raw(
            """
            SELECT id FROM questionnaire_responses \
            WHERE id = \(bind: responseID) AND questionnaire_id = \(bind: questionnaireID)
            """
        ).first(decoding: Row.self) != nil
    }

    /// Gives an answer a code (once), or takes it away.
    public static func setCoded(
        response responseID: Int, code codeID: Int, _ coded: Bool, on db: any Database
    )
        async throws
    {
        if coded {
            try await db.sql.raw(
                """
                INSERT INTO questionnaire_coded (response_id, code_id) \
                VALUES (\(bind: responseID), \(bind: codeID)) ON CONFLICT DO NOTHING
                """
            ).run()
        } else {
            try await db.sql.raw(
                "DELETE FROM questionnaire_coded WHERE response_id = \(bind: responseID) AND code_id = \(bind: codeID)"
            ).run()
        }
    }
}
