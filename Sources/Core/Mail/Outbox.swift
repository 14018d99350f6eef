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
    /// Set when the server refused this mail for itself (5xx to MAIL FROM, RCPT TO or DATA): it
    /// is not tried again until an administrator re-sends it (`Core.004`).
    @OptionalField(key: "failed_at") public var failedAt: Date?
    /// What the last failure was (`MailFailureKind`), nil before any.
    @OptionalField(key: "failure") public var failureRaw: String?

    public var failure: MailFailureKind? {
        get { failureRaw.flatMap(MailFailureKind.init(rawValue:)) }
        set { failureRaw = newValue?.rawValue }
    }

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
    /// The number of failed tries after which a mail is listed as "in trouble" for the
    /// administrators; a mail is given up only when the server refuses it for itself.
    public static let maxAttempts = 8
}

/// Why a mail was not sent.
public enum MailFailureKind: String, Sendable, Codable, CaseIterable {
    /// The server refused this mail (5xx to MAIL FROM, RCPT TO, DATA or the end of the message):
    /// marked failed, shown to the administrators, re-sent only by one of them.
    case refused
    /// Our settings or the server (5xx to AUTH, EHLO, STARTTLS; no connection; TLS): not the
    /// mail's fault. It stays pending, tried with the back-off, and at once when the worker starts
    /// again (new settings) or after a mail goes through.
    case configuration
    /// A 4xx answer, a time-out, a connection closed: tried again with the back-off.
    case temporary
}

/// How mails leave: the SMTP client, or a fake in tests.
public protocol MailTransport: Sendable {
    /// The sender address (`SMTP_FROM`).
    var sender: String { get }
    func send(_ message: MailMessage) async throws
}

extension OutboxMail {
    /// The mail refused for itself, or still pending after failures, marked: `failed_at` and the
    /// kind of the last failure. A mail given up before (8 attempts, the rule until now) is marked
    /// failed, so that it is listed and can be re-sent.
    public struct AddFailures: AsyncMigration {
        public init() {}
        public var name: String { "Core.004.OutboxFailures" }
        public func prepare(on database: any Database) async throws {
            try await database.schema(OutboxMail.schema).field("failed_at", .datetime).update()
            try await database.schema(OutboxMail.schema).field("failure", .string).update()
            try await OutboxMail.query(on: database)
                .filter(\.$sentAt == nil).filter(\.$attempts >= Mailer.maxAttempts)
                .set(\.$failedAt, to: Date()).set(\.$failureRaw, to: MailFailureKind.refused.rawValue)
                .update()
        }
        public func revert(on database: any Database) async throws {
            try await database.schema(OutboxMail.schema).deleteField("failure").update()
            try await database.schema(OutboxMail.schema).deleteField("failed_at").update()
        }
    }

    /// The mails an administrator should look at: refused ones first (newest first), then the
    /// pending ones that failed `Mailer.maxAttempts` times or more, or on a configuration error.
    public static func troubled(limit: Int = 100, on db: any Database) async throws -> [OutboxMail] {
        let refused = try await OutboxMail.query(on: db).filter(\.$sentAt == nil).filter(\.$failedAt != nil)
            .sort(\.$id, .descending).limit(limit).all()
        let held = try await OutboxMail.query(on: db).filter(\.$sentAt == nil).filter(\.$failedAt == nil)
            .group(.or) {
                $0.filter(\.$attempts >= Mailer.maxAttempts)
                    .filter(\.$failureRaw == MailFailureKind.configuration.rawValue)
            }
            .sort(\.$id, .descending).limit(limit).all()
        return refused + held
    }

    /// Puts a mail not yet sent back in the queue, due now, its failures forgotten; false when it
    /// does not exist or was sent (its body is gone).
    public static func requeue(id: Int, now: Date, on db: any Database) async throws -> Bool {
        guard let mail = try await OutboxMail.find(id, on: db), mail.sentAt == nil else { return false }
        mail.failedAt = nil
        mail.failure = nil
        mail.attempts = 0
        mail.nextAttemptAt = now
        mail.claimedUntil = nil
        try await mail.update(on: db)
        return true
    }
}
