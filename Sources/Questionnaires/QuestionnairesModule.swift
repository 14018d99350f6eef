import Core
import Fluent
import SQLKit
import Vapor

/// The questionnaires room: needs questionnaires for users and professionals, kept open across
/// waves, answered online, on paper or with help, analysed with the small-cell rule and crossed
/// between the two groups (issue #3).
public struct QuestionnairesModule: FeatureModule {
    public init() {}
    public var name: String { "questionnaires" }
    public var migrations: [any Migration] { QuestionnairesMigrations.all }

    public var navigation: [NavEntry] {
        [
            NavEntry(label: Text("Questionnaires", "Questionnaires")) { visit in
                visit.territory.map { QuestionnairePaths.list.link($0.slug) }
            }
        ]
    }

    public func boot(_ app: Application) async throws {
        app.questionnaireResults = ResultsCache()
        app.questionnaireForms = FormCache(window: app.environment == .testing ? 0 : 1)
        app.questionnaireWriter = AnswerWriter(commit: app.agora.writes)
        app.lifecycle.use(WarmResults())
    }

    public func routes(_ router: RouteRegistrar, app: Application) throws {
        BuilderPages.register(router)
        AnswerPages.register(router)
        ResultsPages.register(router)
        DataPages.register(router)
    }

    /// Forgets the nonces of the answering forms whose tokens have expired (the periodic task of
    /// `serve`): the table stays the size of the last few days' answers.
    public static func purgeExpiredFormTokens(now: Date, on db: any Database) async throws -> Int {
        try await QuestionnaireStore.purgeFormTokens(usedBefore: now.addingTimeInterval(-FormToken.lifetime), on: db)
    }

    public func loadBenchData(
        _ sizes: BenchSizes, territory: TerritoryInfo, on app: Application
    ) async throws -> [String] {
        let loaded = try await QuestionnairesBenchData.load(
            count: sizes("answers", default: 100_000), territory: territory,
            dataDirectory: app.agora.config.dataDirectory, on: app.db)
        return [
            "Questionnaires de charge : \(loaded.users) (usagers) et \(loaded.professionals) (professionnels)."
        ]
    }

    public func loadDemo(on app: Application) async throws -> [String] {
        try await QuestionnairesDemo.load(on: app.db)
    }

    /// Only answers a person chose to link to their account, and those they typed for others
    /// (as a count: the answers stay the respondents').
    public func personalData(of personID: Int, on db: any Database) async throws -> [String: PersonalData] {
        struct Row: Decodable { let questionnaire_id: Int; let answers: String; let submitted_at: Date? }
        struct Count: Decodable { let n: Int }
        let sql = db.sql
        let linked = try await sql.raw(
            """
            SELECT questionnaire_id, answers, submitted_at FROM questionnaire_responses WHERE person_id = \(bind: personID) ORDER BY id
            """
        ).all(decoding: Row.self)
        let typed =
            try await sql.raw(
                "SELECT count(*) AS n FROM questionnaire_responses WHERE entered_by_id = \(bind: personID)"
            ).first(decoding: Count.self)?.n ?? 0
        return [
            "questionnaire_answers": .list(
                linked.map {
                    .object([
                        "questionnaire_id": .int($0.questionnaire_id), "answers_json": .string($0.answers),
                        "submitted_at": .date($0.submitted_at),
                    ])
                }),
            "questionnaire_answers_typed_for_others": .int(typed),
        ]
    }

    /// Linked answers become anonymous again (the answers stay: they carry no name).
    public func erase(personID: Int, env: UseCaseEnvironment, on db: any Database) async throws {
        let sql = db.sql
        try await sql.raw("UPDATE questionnaire_responses SET person_id = NULL WHERE person_id = \(bind: personID)")
            .run()
        try await sql.raw(
            "UPDATE questionnaire_responses SET entered_by_id = NULL WHERE entered_by_id = \(bind: personID)"
        ).run()
        try await sql.raw("UPDATE questionnaires SET created_by_id = NULL WHERE created_by_id = \(bind: personID)")
            .run()
        try await QuestionnaireStore.forgetRespondent(personID, signer: env.signer, on: db)
    }
}

/// When the server starts, reads the answers of every open or closed questionnaire into memory in
/// the background, so that the first results page after a restart does not wait for it (reading
/// 100,000 answers takes seconds). Commands and tests skip it.
struct WarmResults: LifecycleHandler {
    func didBoot(_ app: Application) throws {
        guard CommandLine.arguments.dropFirst().first == "serve" else { return }
        let cache = app.questionnaireResults, db = app.db, logger = app.logger
        Task.detached(priority: .background) {
            struct Row: Decodable { let id: Int }
            do {
                let ids = try await db.sql.raw(
                    "SELECT id FROM questionnaires WHERE status <> 'draft' ORDER BY id"
                ).all(decoding: Row.self)
                for row in ids { _ = try await cache.entry(for: row.id, on: db) }
            } catch {
                logger.warning("questionnaire results not warmed: \(error)")
            }
        }
    }
}
