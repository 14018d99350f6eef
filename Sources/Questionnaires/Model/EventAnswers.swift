import Core
import Fluent
import Foundation
import SQLKit

/// The event an answer came from: a feedback questionnaire is sent after a forum or workshop
/// with `?evenement=<id>` in its link (the events room, issue #4), so that its answers can be
/// counted per event. Only the event is kept, never who answered: answers stay anonymous. The
/// column has no foreign key (the events room's tables are made after this room's); the id is
/// checked on insert to be an event of the questionnaire's territory, else left empty.
struct AddResponseEvent: AsyncMigration {
    var name: String { "Questionnaires.002.ResponseEvent" }
    func prepare(on db: any Database) async throws {
        try await db.schema("questionnaire_responses").field("event_id", .int).update()
        try await (db as! any SQLDatabase).raw(
            "CREATE INDEX questionnaire_responses_event ON questionnaire_responses (event_id)"
        ).run()
    }
    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("DROP INDEX questionnaire_responses_event").run()
        try await db.schema("questionnaire_responses").deleteField("event_id").update()
    }
}

extension QuestionnaireStore {
    /// Complete answers to a questionnaire that came from an event's link.
    public static func answerCount(questionnaireID: Int, eventID: Int, on db: any Database) async throws -> Int {
        struct Count: Decodable { let n: Int }
        return try await db.sql.raw(
            """
            SELECT count(*) AS n FROM questionnaire_responses
            WHERE questionnaire_id = \(bind: questionnaireID) AND event_id = \(bind: eventID) AND status = 'complete'
            """
        ).first(decoding: Count.self)?.n ?? 0
    }

    /// The value bound for `event_id`: the event when it belongs to the questionnaire's territory.
    static func eventValue(_ eventID: Int?, questionnaireID: Int) -> SQLQueryString {
        guard let eventID else { return "\(bind: nil as Int?)" }
        return """
            (SELECT e.id FROM events e WHERE e.id = \(bind: eventID)
             AND e.territory_id = (SELECT q.territory_id FROM questionnaires q WHERE q.id = \(bind: questionnaireID)))
            """
    }
}

extension AnswerPages {
    /// The event of a feedback link (`?evenement=12`, then the hidden field `_evenement`).
    static func eventID(_ text: String?) -> Int? {
        guard let text, !text.isEmpty, text.count <= 18, text.utf8.allSatisfy({ (48...57).contains($0) }),
            let id = Int(text), id > 0
        else { return nil }
        return id
    }

    static func eventField(_ text: String?) -> HTML {
        guard let id = eventID(text) else { return .empty }
        return "<input type=\"hidden\" name=\"_evenement\" value=\"\(id)\">"
    }
}
