import Fluent
import Foundation
import SQLKit
import Vapor

/// Delivers the outbox: claims due mails (so several instances never send one twice), sends
/// each through SMTP, marks it sent or schedules a retry with a growing delay.
public struct MailWorker: Sendable {
    public let db: any Database
    public let smtp: SMTPClient
    public let logger: Logger

    public init(db: any Database, smtp: SMTPClient, logger: Logger) {
        self.db = db; self.smtp = smtp; self.logger = logger
    }

    /// Sends what is due now; returns how many mails were handled.
    @discardableResult
    public func deliverDue(now: Date = Date(), batch: Int = 20) async throws -> Int {
        let due = try await OutboxMail.query(on: db)
            .filter(\.$sentAt == nil)
            .filter(\.$attempts < Mailer.maxAttempts)
            .filter(\.$nextAttemptAt <= now)
            .group(.or) { $0.filter(\.$claimedUntil == nil).filter(\.$claimedUntil < now) }
            .sort(\.$id)
            .limit(batch)
            .all()
        var handled = 0
        for mail in due {
            guard let id = mail.id, try await claim(id: id, now: now) else { continue }
            handled += 1
            let message = MailMessage(
                from: smtp.settings.from, to: mail.recipient, subject: mail.subject, body: mail.body,
                attachments: mail.attachments)
            do {
                try await smtp.send(message)
                mail.sentAt = Date()
                mail.body = ""  // links in mails are secrets: keep no copy once delivered
                mail.attachmentsJSON = nil
                mail.claimedUntil = nil
                mail.lastError = nil
                try await mail.update(on: db)
            } catch {
                mail.attempts += 1
                let permanent = (error as? SMTPClient.Failure)?.permanent ?? false
                if permanent { mail.attempts = Mailer.maxAttempts }
                mail.nextAttemptAt = Date().addingTimeInterval(Mailer.backoff(afterAttempts: mail.attempts))
                mail.lastError = String(describing: error).prefix(500).description
                mail.claimedUntil = nil
                try await mail.update(on: db)
                logger.warning("mail \(id) not sent (attempt \(mail.attempts)): \(error)")
            }
        }
        return handled
    }

    /// Takes a mail for two minutes; false when another worker holds it.
    func claim(id: Int, now: Date) async throws -> Bool {
        let sql = db.sql
        let rows = try await sql.raw(
            """
            UPDATE outbox SET claimed_until = \(bind: now.addingTimeInterval(120))
            WHERE id = \(bind: id) AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < \(bind: now))
            RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    /// Runs until the task is cancelled.
    public func run(every interval: TimeInterval) async {
        while !Task.isCancelled {
            var handled = 0
            do { handled = try await deliverDue() } catch {
                logger.error("mail worker: \(error)")
            }
            if handled == 0 {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
            }
        }
    }
}
