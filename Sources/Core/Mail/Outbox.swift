import Fluent
import Foundation
import Vapor

/// A mail waiting to be sent, or sent. Writing to the outbox is part of the action that causes the
/// mail (same transaction when there is one), so a mail is never lost when the SMTP server is down.
public final class OutboxMail: Model, @unchecked Sendable {
    public static let schema = "outbox"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "recipient") public var recipient: String
    @Field(key: "subject") public var subject: String
    @Field(key: "body") public var body: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "attempts") public var attempts: Int
    @Field(key: "next_attempt_at") public var nextAttemptAt: Date
    @OptionalField(key: "claimed_until") public var claimedUntil: Date?
    @OptionalField(key: "sent_at") public var sentAt: Date?
    @OptionalField(key: "last_error") public var lastError: String?
    /// The attachments as JSON (`[MailAttachment]`, data in base64), or nil (`Core.003`).
    @OptionalField(key: "attachments") public var attachmentsJSON: String?

    public init() {}
    public init(
        recipient: String, subject: String, body: String, attachments: [MailAttachment] = [], now: Date = Date()
    ) {
        self.recipient = recipient; self.subject = subject; self.body = body
        self.createdAt = now; self.attempts = 0; self.nextAttemptAt = now
        self.attachments = attachments
    }

    /// The files joined to the mail (none once it is sent: the outbox keeps no copy).
    public var attachments: [MailAttachment] {
        get {
            guard let json = attachmentsJSON, let data = json.data(using: .utf8) else { return [] }
            return (try? JSONDecoder().decode([MailAttachment].self, from: data)) ?? []
        }
        set {
            attachmentsJSON =
                newValue.isEmpty
                ? nil : (try? JSONEncoder().encode(newValue)).flatMap { String(data: $0, encoding: .utf8) }
        }
    }

    public struct Create: AsyncMigration {
        public init() {}
        public var name: String { "Core.001.Outbox" }
        public func prepare(on database: any Database) async throws {
            try await database.schema(OutboxMail.schema)
                .field("id", .int, .identifier(auto: true))
                .field("recipient", .string, .required)
                .field("subject", .string, .required)
                .field("body", .string, .required)
                .field("created_at", .datetime, .required)
                .field("attempts", .int, .required)
                .field("next_attempt_at", .datetime, .required)
                .field("claimed_until", .datetime)
                .field("sent_at", .datetime)
                .field("last_error", .string)
                .create()
        }
        public func revert(on database: any Database) async throws {
            try await database.schema(OutboxMail.schema).delete()
        }
    }
}

/// Puts mails in the outbox.
public enum Mailer {
    public static func enqueue(
        to recipient: String, subject: String, body: String, attachments: [MailAttachment] = [],
        on db: any Database
    ) async throws {
        try await OutboxMail(recipient: recipient, subject: subject, body: body, attachments: attachments).create(
            on: db)
    }

    /// The wait before the next try after `attempts` failures: 30 s, 2 min, 8 min… up to 6 h.
    public static func backoff(afterAttempts attempts: Int) -> TimeInterval {
        min(30 * pow(4, Double(max(attempts - 1, 0))), 6 * 3600)
    }
    /// After this many failures a mail stays in the outbox, marked, for a person to look at.
    public static let maxAttempts = 8
}
