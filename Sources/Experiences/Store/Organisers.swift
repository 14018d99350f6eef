import Core
import Fluent
import Foundation
import SQLKit

/// The platform's national organisers of calls for experiences (a national call has no territory,
/// hence no territory role): named by the operator with `agora national-organiser`.
public enum NationalOrganisers {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Names (or, with `remove`, withdraws) the account of this e-mail address; audited.
    public static func set(email raw: String, remove: Bool, on db: any Database) async throws -> String {
        let email = EmailAddress.normalize(raw)
        guard let person = try await ExperienceStore.people(emails: [email], on: db)[email] else {
            throw Failure(description: "Aucun compte pour \(email) : la personne crée d'abord son compte.")
        }
        return try await db.transaction { db in
            let sql = db.sql
            if remove {
                try await sql.raw("DELETE FROM experience_organisers WHERE person_id = \(bind: person)").run()
            } else {
                try await sql.raw(
                    """
                    INSERT INTO experience_organisers (person_id, created_at) VALUES (\(bind: person), \(bind: Date())) ON CONFLICT (person_id) DO NOTHING
                    """
                ).run()
            }
            try await AuditEntry.record(
                actor: nil, territory: nil,
                action: remove ? "experience_organiser.removed" : "experience_organiser.added",
                subject: "person \(person)", on: db)
            return remove
                ? "\(email) n'organise plus les appels nationaux."
                : "\(email) organise les appels nationaux à expériences."
        }
    }
}
