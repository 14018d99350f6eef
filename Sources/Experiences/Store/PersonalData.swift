import Core
import Fluent
import Foundation
import SQLKit

extension ExperienceStore {
    /// What the room keeps of a person, for their data export.
    static func personalData(of personID: Int, on db: any Database) async throws -> [String: PersonalData] {
        let sql = db.sql
        struct Mine: Decodable {
            let id: Int; let title: String; let status: String; let call_id: Int; let created_at: Date
        }
        struct Review: Decodable { let experience_id: Int; let weighted_score: Double; let created_at: Date }
        struct Message: Decodable { let experience_id: Int; let body: String; let created_at: Date }
        let mine = try await sql.raw(
            """
            SELECT e.id, e.title, e.status, e.call_id, e.created_at FROM experiences e JOIN experience_authors a ON a.experience_id = e.id
            WHERE a.person_id = \(bind: personID) ORDER BY e.id
            """
        ).all(decoding: Mine.self)
        let reviews = try await sql.raw(
            "SELECT experience_id, weighted_score, created_at FROM experience_reviews WHERE reviewer_id = \(bind: personID) ORDER BY id"
        ).all(decoding: Review.self)
        let messages = try await sql.raw(
            "SELECT experience_id, body, created_at FROM experience_messages WHERE author_id = \(bind: personID) ORDER BY id"
        ).all(decoding: Message.self)
        return [
            "experiences": .list(
                mine.map {
                    .object([
                        "id": .int($0.id), "title": .string($0.title), "status": .string($0.status),
                        "call_id": .int($0.call_id), "created_at": .date($0.created_at),
                    ])
                }),
            "experience_reviews": .list(
                reviews.map {
                    .object([
                        "experience_id": .int($0.experience_id), "score_on_100": .int(Int($0.weighted_score.rounded())),
                        "created_at": .date($0.created_at),
                    ])
                }),
            "experience_messages": .list(
                messages.map {
                    .object([
                        "experience_id": .int($0.experience_id), "text": .string($0.body),
                        "created_at": .date($0.created_at),
                    ])
                }),
        ]
    }

    /// Drafts and unpublished submissions written by this person alone are deleted; a submission
    /// with other authors stays theirs; a published one stays in the catalogue without this
    /// person's contact. Reviews and messages stay, without their author.
    static func erase(personID: Int, on db: any Database) async throws {
        let sql = db.sql
        struct Email: Decodable { let email: String? }
        let email = try await sql.raw("SELECT email FROM people WHERE id = \(bind: personID)").first(
            decoding: Email.self)?.email
        try await sql.raw(
            """
            DELETE FROM experiences WHERE status <> 'published'
            AND id IN (SELECT experience_id FROM experience_authors WHERE person_id = \(bind: personID))
            AND id NOT IN (SELECT experience_id FROM experience_authors WHERE person_id <> \(bind: personID))
            """
        ).run()
        if let email {
            try await sql.raw(
                """
                UPDATE experiences SET contact_name = '', contact_email = '', contact_public = \(bind: false)
                WHERE contact_email = \(bind: email) AND id IN (SELECT experience_id FROM experience_authors WHERE person_id = \(bind: personID))
                """
            ).run()
        }
        try await sql.raw("DELETE FROM experience_authors WHERE person_id = \(bind: personID)").run()
        try await sql.raw("UPDATE experience_reviews SET reviewer_id = NULL WHERE reviewer_id = \(bind: personID)")
            .run()
        try await sql.raw("UPDATE experience_messages SET author_id = NULL WHERE author_id = \(bind: personID)").run()
        try await sql.raw("UPDATE experiences SET created_by_id = NULL WHERE created_by_id = \(bind: personID)").run()
        try await sql.raw("DELETE FROM experience_reviewers WHERE person_id = \(bind: personID)").run()
        try await sql.raw("DELETE FROM experience_organisers WHERE person_id = \(bind: personID)").run()
        try await bump(on: db)
    }
}
