import Core
import Fluent
import Foundation

/// The platform's administrators — an administrator of any territory: the outbox is shared by
/// every territory, like the SMTP server — see the mails in trouble and re-send one.
public enum MailSupervision {
    /// Whether these roles (held in any territory) let one supervise the outbox.
    public static func allows(_ roles: Set<Role>) -> Bool { roles.contains(.admin) }

    public enum ListOutcome: Sendable, Equatable {
        case mails([TroubledMail])
        case forbidden
    }

    /// A mail in trouble, as shown: never its body (its links are secrets).
    public struct TroubledMail: Sendable, Equatable {
        public let id: Int
        public let recipient: String
        public let subject: String
        public let createdAt: Date
        public let attempts: Int
        public let failure: MailFailureKind?
        public let failedAt: Date?
        public let nextAttemptAt: Date
        public let lastError: String?
        /// Refused for itself: only a person sends it again.
        public var isRefused: Bool { failedAt != nil }
    }

    public static func list(actor: Actor, env: UseCaseEnvironment) async throws -> ListOutcome {
        guard actor.isSignedIn, allows(actor.roles) else { return .forbidden }
        let rows = try await OutboxMail.troubled(on: env.db)
        return .mails(
            rows.compactMap { mail in
                guard let id = mail.id else { return nil }
                return TroubledMail(
                    id: id, recipient: mail.recipient, subject: mail.subject, createdAt: mail.createdAt,
                    attempts: mail.attempts, failure: mail.failure, failedAt: mail.failedAt,
                    nextAttemptAt: mail.nextAttemptAt, lastError: mail.lastError)
            })
    }

    public enum ResendOutcome: Sendable, Equatable {
        case queued(recipient: String)
        /// No such mail, or it was sent already.
        case notFound
        case forbidden
    }

    /// Puts a mail back in the queue, due now, in the audit trail.
    public static func resend(mailID: Int, actor: Actor, env: UseCaseEnvironment) async throws -> ResendOutcome {
        guard actor.isSignedIn, allows(actor.roles) else { return .forbidden }
        let now = env.now
        return try await env.db.transaction { db -> ResendOutcome in
            guard let mail = try await OutboxMail.find(mailID, on: db), mail.sentAt == nil,
                try await OutboxMail.requeue(id: mailID, now: now, on: db)
            else { return .notFound }
            try await AuditEntry.record(
                actor: actor.personID, territory: nil, action: "mail.resend", subject: "mail \(mailID)", on: db)
            return .queued(recipient: mail.recipient)
        }
    }
}
