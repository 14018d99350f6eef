import Accounts
import App
import Core
import Fluent
import NIOConcurrencyHelpers
import Foundation
import Proposals
import SQLKit
import Testing
import Vapor

/// The SQL statements the database drivers log (at the `sqlLogLevel` the app configures) while
/// requests run: requests log through the application's logger, which the test swaps.
final class QueryLog: @unchecked Sendable {
    private let lock = NIOLock()
    private var statements: [String] = []

    func record(_ sql: String) { lock.withLock { statements.append(sql) } }

    /// The statements of one request, not counting the read model's freshness check, which runs
    /// at most once a second whatever the traffic (not once per request).
    func perRequest() -> [String] { lock.withLock { statements.filter { !$0.contains("proposal_versions") } } }

    struct Handler: LogHandler {
        let log: QueryLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            if case .string(let sql)? = event.metadata?["sql"] { log.record(sql) }
        }
    }

    /// The statements run by one GET of `path`, once the page's model is warm (the first GET after a
    /// write rebuilds the read model: that cost belongs to the write, not to each reader).
    static func of(_ browser: Browser, _ path: String) async throws -> [String] {
        let app = browser.app
        try await browser.get(path)
        #expect(browser.lastStatus == .ok, "\(path): \(browser.lastStatus)")
        let log = QueryLog()
        let saved = app.logger
        app.logger = Logger(label: "queries") { _ in Handler(log: log) }
        try await browser.get(path)
        app.logger = saved
        #expect(browser.lastStatus == .ok, "\(path): \(browser.lastStatus)")
        return log.perRequest()
    }
}

@Suite("Queries per page", .serialized)
struct QueryCountTests {
    /// Copies of one proposal, with supports and comments, so that lists and pages grow.
    static func grow(_ app: Application, territory: String, copies: Int, comments: Int, on proposalID: Int) async throws
    {
        let sql = app.db as! any SQLDatabase
        try await sql.raw(
            """
            INSERT INTO proposals (territory_id, author_id, is_assisted, audience, title, body, themes_mask, origin, status,
                                   created_at, submitted_at, status_changed_at, support_count, comment_count, progress)
            WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < \(literal: copies))
            SELECT territory_id, author_id, is_assisted, audience, title || ' ' || CAST(n AS TEXT), body, themes_mask, origin, status,
                   created_at, submitted_at, status_changed_at, 0, 0, 0
            FROM proposals, seq WHERE id = \(bind: proposalID)
            """
        ).run()
        let author = try #require(try await Proposal.find(proposalID, on: app.db)?.authorID)
        for index in 0..<comments {
            try await sql.raw(
                """
                INSERT INTO proposal_comments (proposal_id, author_id, body, created_at)
                VALUES (\(bind: proposalID), \(bind: author), \(bind: "Commentaire \(index)"), \(bind: Date()))
                """
            ).run()
        }
        try await sql.raw(
            "UPDATE proposals SET comment_count = comment_count + \(literal: comments) WHERE id = \(bind: proposalID)"
        ).run()
        let territoryID = try #require(try await app.agora.territories.find(slug: territory)?.id)
        try await ProposalReadModel.bump(territoryID: territoryID, on: app.db)
        app.proposalReadModel.invalidate(territoryID: territoryID)
    }

    @Test func listsAndPagesMakeTheSameQueriesWhateverTheirLength() async throws {
        try await withDemoApp { app in
            let proposalID = try await ProposalJourneyTests.proposalID(
                titled: "Un bus vers la maison de santé le mardi matin", on: app.db)
            let actionID = try #require(
                try await HealthAction.query(on: app.db).filter(\.$title == "Transport à la demande vers les soins")
                    .first()?.id)
            let anonymous = Browser(app)
            let member = Browser(app)
            try await member.login("habitant@vitre.example")
            let paths = [
                (anonymous, "/vitre/propositions"), (anonymous, "/vitre/propositions?page=2&tri=soutenues"),
                (anonymous, "/vitre/propositions?q=sante&theme=acces"), (member, "/vitre/propositions"),
                (anonymous, "/vitre/propositions/\(proposalID)"), (member, "/vitre/propositions/\(proposalID)"),
                (anonymous, "/vitre/suivi-des-propositions"), (anonymous, "/vitre/actions"),
                (anonymous, "/vitre/actions/\(actionID)"), (member, "/vitre/actions/\(actionID)"),
            ]
            var before: [[String]] = []
            for (browser, path) in paths { before.append(try await QueryLog.of(browser, path)) }

            // Ten times the proposals, sixty comments on the one we read, more actions, milestones and links.
            try await Self.grow(app, territory: "vitre", copies: 300, comments: 60, on: proposalID)
            let sql = app.db as! any SQLDatabase
            for index in 0..<40 {
                try await sql.raw(
                    """
                    INSERT INTO actions (territory_id, title, description, lead, progress, created_at, updated_at)
                    SELECT territory_id, \(bind: "Action \(index)"), '', '', 10, created_at, updated_at FROM actions WHERE id = \(bind: actionID)
                    """
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO action_milestones (action_id, title, created_at) VALUES (\(bind: actionID), \(bind: "Étape \(index)"), \(bind: Date()))
                    """
                ).run()
            }
            try await sql.raw(
                """
                INSERT INTO action_proposals (action_id, proposal_id)
                SELECT \(bind: actionID), id FROM proposals WHERE title LIKE 'Un bus vers la maison de santé le mardi matin %'
                """
            ).run()

            for (index, (browser, path)) in paths.enumerated() {
                let after = try await QueryLog.of(browser, path)
                #expect(
                    after.count == before[index].count,
                    "\(path): \(before[index].count) queries before, \(after.count) after:\n\(after.joined(separator: "\n"))"
                )
                #expect(after.count <= 12, "\(path) makes \(after.count) queries")
            }
            // The counter counts: a signed-in reader of a proposal gets a fresh read.
            #expect(before[5].count >= 5, "\(before[5])")
        }
    }

    @Test func questionnairePagesMakeTheSameQueriesWhateverTheAnswers() async throws {
        try await withDemoApp { app in
            let id = try await QuestionnaireJourneyTests.demo(app)
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            let anonymous = Browser(app)
            let base = "/vitre/questionnaires/\(id)"
            let paths = [
                (anonymous, "/vitre/questionnaires"), (coordinator, "/vitre/questionnaires"), (anonymous, base),
                (anonymous, base + "/repondre"),
                (coordinator, base + "/construire"), (coordinator, base + "/resultats"),
                (coordinator, base + "/resultats?vague=1&canal=papier"),
                (coordinator, base + "/participation"), (coordinator, base + "/textes"),
                (coordinator, "/vitre/questionnaires/croisement"),
            ]
            // Warm: the first visit reads a version's content once (kept until it changes).
            for (browser, path) in paths { try await browser.get(path) }
            var before: [[String]] = []
            for (browser, path) in paths { before.append(try await QueryLog.of(browser, path)) }
            // Five times the answers, and more questionnaires.
            let sql = app.db as! any SQLDatabase
            for _ in 0..<4 {
                try await sql.raw(
                    """
                    INSERT INTO questionnaire_responses (questionnaire_id, version_id, wave_id, status, channel, audience, commune, answers, created_at, submitted_at)
                    SELECT questionnaire_id, version_id, wave_id, status, channel, audience, commune, answers, created_at, submitted_at FROM questionnaire_responses
                    WHERE questionnaire_id = \(bind: id) AND id <= (SELECT min(id) + 359 FROM questionnaire_responses WHERE questionnaire_id = \(bind: id))
                    """
                ).run()
            }
            for index in 0..<30 {
                try await sql.raw(
                    """
                    INSERT INTO questionnaires (territory_id, title, intro, audience, status, link_accounts, current_version_id, created_at, updated_at)
                    SELECT territory_id, \(bind: "Copie \(index)"), intro, audience, status, link_accounts, current_version_id, created_at, updated_at FROM questionnaires WHERE id = \(bind: id)
                    """
                ).run()
            }
            for (index, (browser, path)) in paths.enumerated() {
                let after = try await QueryLog.of(browser, path)
                #expect(
                    after.count == before[index].count,
                    "\(path): \(before[index].count) queries before, \(after.count) after:\n\(after.joined(separator: "\n"))"
                )
                #expect(after.count <= 12, "\(path) makes \(after.count) queries")
            }
            // The results did read the new answers.
            #expect(
                try await coordinator.get(base + "/resultats").contains("Réponses comptées : 1\u{202F}800</strong>"))
        }
    }

    @Test func theAgendaAndAnEventPageMakeTheSameQueriesWhateverTheirLength() async throws {
        try await withDemoApp { app in
            let sql = app.db as! any SQLDatabase
            struct Row: Decodable { let id: Int }
            let eventID = try #require(
                try await sql.raw(
                    "SELECT id FROM events WHERE title = 'Réunion publique : la santé mentale des jeunes'"
                ).first(decoding: Row.self)
            ).id
            let anonymous = Browser(app)
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            let paths = [
                (anonymous, "/vitre/evenements"),
                (anonymous, "/vitre/evenements?commune=35360&rayon=20&theme=sante-mentale"),
                (anonymous, "/vitre/evenements/mois"), (coordinator, "/vitre/evenements"),
                (anonymous, "/vitre/evenements/\(eventID)"), (coordinator, "/vitre/evenements/\(eventID)"),
                (coordinator, "/vitre/evenements/\(eventID)/inscrits"), (anonymous, "/vitre/evenements.ics"),
                // Signed-in visitors are never served a kept page: these are the queries themselves.
                (coordinator, "/vitre/evenements?commune=35360&rayon=20&theme=sante-mentale"),
                (coordinator, "/vitre/evenements/mois"),
                (coordinator, "/vitre/evenements?page=2"),
            ]
            var before: [[String]] = []
            for (browser, path) in paths { before.append(try await QueryLog.of(browser, path)) }
            // Two hundred more events this month and next, sixty more registrations on the one we read.
            try await sql.raw(
                """
                INSERT INTO events (territory_id, kind, status, title, description, themes_mask, starts_at, ends_at, commune_code, address, room, online_url,
                                    access_mask, capacity, opens_on, closes_on, organisers, live_code, feedback_sent_count, seq, live_version, created_by_id,
                                    created_at, updated_at)
                WITH RECURSIVE numbers(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers WHERE n < 200)
                SELECT territory_id, kind, status, title || ' ' || CAST(n AS TEXT), description, themes_mask, starts_at, ends_at, commune_code, address, room,
                       online_url, access_mask, capacity, opens_on, closes_on, organisers, 'Q' || CAST(n + 10000 AS TEXT), 0, 0, 0, created_by_id, created_at, updated_at
                FROM events, numbers WHERE id = \(bind: eventID)
                """
            ).run()
            for index in 0..<60 {
                try await sql.raw(
                    """
                    INSERT INTO event_registrations (event_id, name, audience, status, walk_in, created_at)
                    VALUES (\(bind: eventID), \(bind: "Personne \(index)"), 'resident', 'registered', \(bind: false), \(bind: Date()))
                    """
                ).run()
            }
            for (index, (browser, path)) in paths.enumerated() {
                let after = try await QueryLog.of(browser, path)
                #expect(
                    after.count == before[index].count,
                    "\(path): \(before[index].count) queries before, \(after.count) after:\n\(after.joined(separator: "\n"))"
                )
                #expect(after.count <= 8, "\(path) makes \(after.count) queries")
                // An anonymous visitor's agenda, month and event page are kept a moment: no query, or
                // the event's own row (a deleted or unknown one is a 404, never a kept page).
                if browser === anonymous {
                    #expect(after.count <= 1, "\(path): \(after)")
                } else {
                    #expect(after.count >= 2, "\(path): \(after)")
                }
            }
        }
    }
}
