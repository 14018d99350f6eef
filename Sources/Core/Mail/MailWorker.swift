import Fluent
import Foundation
import SQLKit
import Vapor

/// Delivers the outbox: claims due mails (so several instances never send one twice), sends
/// each through the transport (SMTP), marks it sent, failed, or schedules a retry with a growing
/// delay.
///
/// Only a refusal of the mail itself (5xx to MAIL FROM, RCPT TO, DATA) marks it failed. A failure
/// of the server or of our settings (AUTH refused, no connection, TLS) is not the mail's: it stays
/// pending, the rest of the batch waits, and when the worker starts again (the settings changed)
/// or a mail goes through, the mails held back by such a failure are due at once, their attempts
/// forgotten.
public struct MailWorker: Sendable {
    public let db: any Database
    public let transport: any MailTransport
    public let logger: Logger
    public let clock: any WallClock

    public init(db: any Database, transport: any MailTransport, logger: Logger, clock: any WallClock = SystemClock()) {
        self.db = db; self.transport = transport; self.logger = logger; self.clock = clock
    }

    public init(db: any Database, smtp: SMTPClient, logger: Logger) {
        self.init(db: db, transport: smtp, logger: logger)
    }

    /// Sends what is due now; returns how many mails were handled.
    @discardableResult
    public func deliverDue(now: Date? = nil, batch: Int = 20) async throws -> Int {
        let now = now ?? clock.now
        let due = try await OutboxMail.query(on: db)
            .filter(\.$sentAt == nil)
            .filter(\.$failedAt == nil)
            .filter(\.$nextAttemptAt <= now)
            .group(.or) { $0.filter(\.$claimedUntil == nil).filter(\.$claimedUntil < now) }
            .sort(\.$id)
            .limit(batch)
            .all()
        var handled = 0
        var delivered = false
        for mail in due {
            guard let id = mail.id, try await claim(id: id, now: now) else { continue }
            handled += 1
            let message = MailMessage(
                from: transport.sender, to: mail.recipient, subject: mail.subject, body: mail.body, date: now,
                attachments: mail.attachments)
            do {
                try await transport.send(message)
                mail.sentAt = now
                mail.body = ""  // links in mails are secrets: keep no copy once delivered
                mail.attachmentsJSON = nil
                mail.claimedUntil = nil
                mail.lastError = nil
                mail.failure = nil
                try await mail.update(on: db)
                delivered = true
            } catch {
                let kind = (error as? SMTPClient.Failure)?.kind ?? .temporary
                mail.attempts += 1
                mail.failure = kind
                mail.lastError = String(describing: error).prefix(500).description
                mail.claimedUntil = nil
                if kind == .refused {
                    mail.failedAt = now
                } else {
                    mail.nextAttemptAt = now.addingTimeInterval(Mailer.backoff(afterAttempts: mail.attempts))
                }
                try await mail.update(on: db)
                logger.warning("mail \(id) not sent (attempt \(mail.attempts), \(kind.rawValue)): \(error)")
                // The settings or the server are wrong: the other mails would fail the same way.
                if kind == .configuration { break }
            }
        }
        if delivered { try await resumeHeldBack(now: now) }
        return handled
    }

    /// Makes due now, with their attempts forgotten, the mails held back by a failure of the
    /// settings or of the server; returns how many. Called when the worker starts (the settings
    /// may have been fixed) and after a mail went through.
    @discardableResult
    public func resumeHeldBack(now: Date? = nil) async throws -> Int {
        let now = now ?? clock.now
        let held = try await OutboxMail.query(on: db)
            .filter(\.$sentAt == nil).filter(\.$failedAt == nil)
            .filter(\.$failureRaw == MailFailureKind.configuration.rawValue)
            .count()
        guard held > 0 else { return 0 }
        try await OutboxMail.query(on: db)
            .filter(\.$sentAt == nil).filter(\.$failedAt == nil)
            .filter(\.$failureRaw == MailFailureKind.configuration.rawValue)
            .set(\.$attempts, to: 0).set(\.$nextAttemptAt, to: now)
            .update()
        return held
    }

    /// Takes a mail for two minutes; false when another worker holds it.
    func claim(id: Int, now: Date) async throws -> Bool {
        let sql = db.sql
        let rows = try await sql.raw(
            """
            UPDATE outbox SET claimed_until = \(bind: now.addingTimeInterval(120))
            WHERE id = \(bind: id) AND sent_at IS NULL AND failed_at IS NULL
            AND (claimed_until IS NULL OR claimed_until < \(bind: now))
            RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    /// Runs until the task is cancelled; first puts back in the queue what the settings held back.
    public func run(every interval: TimeInterval) async {
        do {
            let resumed = try await resumeHeldBack()
            if resumed > 0 {
                logger.notice("mail worker: \(resumed) mail(s) held back by the SMTP settings, due again")
            }
        } catch {
            logger.error("mail worker: \(error)")
        }
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
