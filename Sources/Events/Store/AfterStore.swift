import Core
import Fluent
import Foundation
import SQLKit

/// A document of an event (its minutes' annexes, the slides), without its bytes.
public struct EventDocumentRow: Decodable, Sendable {
    public let id: Int
    public let name: String
    public let kind: String
    public let size: Int
}

/// What the feedback questionnaire has reached: the attendees, and those with an address who
/// have not been sent the link yet.
public struct FeedbackState: Sendable, Equatable {
    public var attended = 0
    public var pending = 0
}

/// The SQL of what happens after an event: minutes, documents, the feedback questionnaire.
extension EventStore {
    static func documents(eventID: Int, on db: any Database) async throws -> [EventDocumentRow] {
        try await db.sql.raw(
            "SELECT id, name, kind, size FROM event_documents WHERE event_id = \(bind: eventID) ORDER BY id"
        ).all(decoding: EventDocumentRow.self)
    }

    /// A document of the event with its bytes; nil when it is another event's.
    static func document(
        _ id: Int, eventID: Int, on db: any Database
    ) async throws -> (name: String, kind: String, bytes: Data)? {
        struct Row: Decodable { let name: String; let kind: String; let bytes: Data }
        return try await db.sql.raw(
            "SELECT name, kind, bytes FROM event_documents WHERE id = \(bind: id) AND event_id = \(bind: eventID)"
        ).first(decoding: Row.self).map { ($0.name, $0.kind, $0.bytes) }
    }

    static func setMinutes(_ minutes: String?, eventID: Int, at now: Date, on db: any Database) async throws {
        try await db.sql.raw(
            "UPDATE events SET minutes = \(bind: minutes), updated_at = \(bind: now) WHERE id = \(bind: eventID)"
        ).run()
    }

    static func insertDocument(
        eventID: Int, name: String, kind: String, bytes: [UInt8], at now: Date, on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            INSERT INTO event_documents (event_id, name, kind, size, bytes, created_at)
            VALUES (\(bind: eventID), \(bind: name), \(bind: kind), \(bind: bytes.count), \(bind: Data(bytes)), \(bind: now))
            """
        ).run()
    }

    static func feedbackState(eventID: Int, on db: any Database) async throws -> FeedbackState {
        struct Row: Decodable { let attended: Int; let pending: Int }
        let row = try await db.sql.raw(
            """
            SELECT count(*) AS attended,
                   COALESCE(sum(CASE WHEN email IS NOT NULL AND feedback_sent_at IS NULL THEN 1 ELSE 0 END), 0) AS pending
            FROM event_registrations WHERE event_id = \(bind: eventID) AND checked_in_at IS NOT NULL
            """
        ).first(decoding: Row.self)
        return FeedbackState(attended: row?.attended ?? 0, pending: row?.pending ?? 0)
    }

    /// The attendees with an address not yet sent the feedback link, each claimed once (the
    /// conditional UPDATE makes a double click send nothing twice): their addresses.
    static func claimFeedback(eventID: Int, at now: Date, on db: any Database) async throws -> [String] {
        struct Due: Decodable { let id: Int; let email: String }
        let due = try await db.sql.raw(
            """
            SELECT id, email FROM event_registrations
            WHERE event_id = \(bind: eventID) AND checked_in_at IS NOT NULL AND email IS NOT NULL AND feedback_sent_at IS NULL ORDER BY id
            """
        ).all(decoding: Due.self)
        var claimed: [String] = []
        for row in due {
            struct Claimed: Decodable { let id: Int }
            if try await db.sql.raw(
                """
                UPDATE event_registrations SET feedback_sent_at = \(bind: now) WHERE id = \(bind: row.id) AND feedback_sent_at IS NULL RETURNING id
                """
            ).first(decoding: Claimed.self) != nil {
                claimed.append(row.email)
            }
        }
        return claimed
    }

    static func recordFeedback(
        eventID: Int, path: String, sentAt: Date?, sent: Int, on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            UPDATE events SET feedback_url = \(bind: path), feedback_sent_at = \(bind: sentAt), feedback_sent_count = feedback_sent_count + \(bind: sent)
            WHERE id = \(bind: eventID)
            """
        ).run()
    }
}
