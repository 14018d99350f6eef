import Core
import Fluent
import Foundation
import SQLKit

/// A committee document without its bytes, as the lists show it.
struct ListedDocument: Decodable, Sendable {
    let id: Int
    let meeting_id: Int?
    let title: String
    let file_name: String
    let created_at: Date
}

/// The committees' working documents' SQL.
enum DocumentStore {
    /// The documents of a committee (or of one meeting), without their bytes: one query.
    static func list(committeeID: Int, meetingID: Int? = nil, on db: any Database) async throws -> [ListedDocument] {
        let sql = db.sql
        if let meetingID {
            return try await sql.raw(
                """
                SELECT id, meeting_id, title, file_name, created_at FROM committee_documents
                WHERE committee_id = \(bind: committeeID) AND meeting_id = \(bind: meetingID) ORDER BY id LIMIT 200
                """
            ).all(decoding: ListedDocument.self)
        }
        return try await sql.raw(
            """
            SELECT id, meeting_id, title, file_name, created_at FROM committee_documents
            WHERE committee_id = \(bind: committeeID) ORDER BY id DESC LIMIT 200
            """
        ).all(decoding: ListedDocument.self)
    }

    /// A document's file.
    struct File: Decodable, Sendable {
        let file_name: String
        let file_type: String
        let bytes: Data
    }

    static func file(_ id: Int, committeeID: Int, on db: any Database) async throws -> File? {
        try await db.sql.raw(
            """
            SELECT file_name, file_type, bytes FROM committee_documents WHERE id = \(bind: id) AND committee_id = \(bind: committeeID)
            """
        ).first(decoding: File.self)
    }

    static func insert(
        committeeID: Int, meetingID: Int?, title: String, fileName: String, fileType: String, bytes: Data,
        uploadedBy: Int?, now: Date, on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            INSERT INTO committee_documents (committee_id, meeting_id, title, file_name, file_type, bytes, uploaded_by, created_at)
            VALUES (\(bind: committeeID), \(bind: meetingID), \(bind: title), \(bind: fileName), \(bind: fileType), \(bind: bytes), \(bind: uploadedBy), \(bind: now))
            """
        ).run()
    }
}
