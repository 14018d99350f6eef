import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import TestSupport
import Testing
import Vapor

@testable import Accounts

/// A mail transport that answers what the test tells it, and keeps what it sent: no network.
final class FakeTransport: MailTransport {
    let sender = "agora@example.org"
    private let box = NIOLockedValueBox<(failure: SMTPClient.Failure?, sent: [MailMessage])>((nil, []))

    init(failing failure: SMTPClient.Failure? = nil) { box.withLockedValue { $0.failure = failure } }

    func fail(with failure: SMTPClient.Failure?) { box.withLockedValue { $0.failure = failure } }
    var sent: [MailMessage] { box.withLockedValue { $0.sent } }

    func send(_ message: MailMessage) async throws {
        try box.withLockedValue { state in
            if let failure = state.failure { throw failure }
            state.sent.append(message)
        }
    }
}

/// What becomes of a mail the server does not take (issue #16): a failure of our settings or of
/// the server keeps it pending until it can leave; a refusal of the mail itself marks it failed,
/// for an administrator to see and re-send; a person asks for a new confirmation link.
@Suite("Mail delivery and its failures")
struct MailDeliveryTests {
    static let wrongPassword = SMTPClient.Failure(
        description: "SMTP: AUTH → 535 5.7.8 Authentication credentials invalid", kind: .configuration)
    static let unknownRecipient = SMTPClient.Failure(
        description: "SMTP: RCPT TO:<nobody@example.org> → 550 5.1.1 No such user", kind: .refused)
    static let greylisted = SMTPClient.Failure(
        description: "SMTP: RCPT TO:<a@example.org> → 451 4.7.1 Try again later", kind: .temporary)

    static func worker(_ world: UseCaseWorld, _ transport: FakeTransport) -> MailWorker {
        MailWorker(db: world.db, transport: transport, logger: world.app.logger, clock: world.clock)
    }

    static func mails(_ world: UseCaseWorld) async throws -> [OutboxMail] {
        try await OutboxMail.query(on: world.db).sort(\.$id).all()
    }

    @Test func aWrongPasswordNeverLosesTheMailsAndTheyLeaveOnceTheSettingIsFixed() async throws {
        try await UseCaseWorld.with([]) { world in
            for name in ["anne", "paul", "yves"] {
                try await Mailer.enqueue(
                    to: "\(name)@example.org", subject: "Confirmez votre adresse", body: "Lien", on: world.db)
            }
            let broken = FakeTransport(failing: Self.wrongPassword)
            // Tried again and again over two days: never given up, never marked failed.
            for attempt in 0..<12 {
                if attempt > 0 { world.clock.advance(by: 6 * 3600 + 1) }
                _ = try await Self.worker(world, broken).deliverDue()
            }
            var rows = try await Self.mails(world)
            #expect(rows.allSatisfy { $0.sentAt == nil && $0.failedAt == nil && $0.body == "Lien" })
            #expect(rows[0].attempts == 12 && rows[0].failure == .configuration)
            #expect(rows[0].lastError?.contains("535") == true)
            // The first failure of the settings stops the batch: the others were not tried in vain.
            #expect(rows[1].attempts == 0 && rows[2].attempts == 0)
            #expect(rows[0].nextAttemptAt > world.clock.now, "in its back-off")

            // The administrators see it among the mails waiting after errors.
            let admin = Actor(personID: 1, roles: [.admin])
            guard case .mails(let listed) = try await MailSupervision.list(actor: admin, env: world.env) else {
                Issue.record("an administrator sees the outbox"); return
            }
            #expect(listed.map(\.recipient) == ["anne@example.org"] && listed[0].isRefused == false)

            // The setting is fixed and the server restarts: the held-back mail is due at once.
            let fixed = FakeTransport()
            let worker = Self.worker(world, fixed)
            #expect(try await worker.resumeHeldBack() == 1)
            rows = try await Self.mails(world)
            #expect(rows[0].attempts == 0 && rows[0].nextAttemptAt == world.clock.now)
            #expect(try await worker.deliverDue() == 3)
            #expect(fixed.sent.map(\.to) == ["anne@example.org", "paul@example.org", "yves@example.org"])
            rows = try await Self.mails(world)
            #expect(rows.allSatisfy { $0.sentAt != nil && $0.body.isEmpty && $0.failure == nil })
        }
    }

    @Test func aMailGoingThroughReleasesTheMailsHeldBackByTheSettings() async throws {
        try await UseCaseWorld.with([]) { world in
            try await Mailer.enqueue(to: "anne@example.org", subject: "A", body: "a", on: world.db)
            let transport = FakeTransport(failing: Self.wrongPassword)
            _ = try await Self.worker(world, transport).deliverDue()
            #expect(try await Self.mails(world)[0].nextAttemptAt > world.clock.now)
            // The server is fixed without a restart; a new mail goes through, and the held one follows.
            transport.fail(with: nil)
            try await Mailer.enqueue(to: "paul@example.org", subject: "B", body: "b", on: world.db)
            #expect(try await Self.worker(world, transport).deliverDue() == 1)
            #expect(try await Self.mails(world)[0].nextAttemptAt == world.clock.now)
            #expect(try await Self.worker(world, transport).deliverDue() == 1)
            #expect(transport.sent.map(\.to) == ["paul@example.org", "anne@example.org"])
        }
    }

    @Test func aTemporaryAnswerIsTriedAgainWithTheBackOffAndNeverGivenUp() async throws {
        try await UseCaseWorld.with([]) { world in
            try await Mailer.enqueue(to: "a@example.org", subject: "S", body: "B", on: world.db)
            let transport = FakeTransport(failing: Self.greylisted)
            let worker = Self.worker(world, transport)
            #expect(try await worker.deliverDue() == 1)
            var mail = try #require(try await Self.mails(world).first)
            #expect(mail.attempts == 1 && mail.failure == .temporary && mail.failedAt == nil)
            #expect(mail.nextAttemptAt == world.clock.now.addingTimeInterval(30))
            #expect(try await worker.deliverDue() == 0, "not due before its back-off")
            for _ in 0..<(Mailer.maxAttempts + 2) {
                world.clock.advance(by: 6 * 3600 + 1)
                _ = try await worker.deliverDue()
            }
            mail = try #require(try await Self.mails(world).first)
            #expect(mail.attempts == Mailer.maxAttempts + 3 && mail.failedAt == nil && mail.sentAt == nil)
            #expect(try await worker.resumeHeldBack() == 0, "a temporary failure is not the settings'")
        }
    }

    @Test func aMailRefusedForItselfIsMarkedFailedShownToAdministratorsAndReSentByOne() async throws {
        try await UseCaseWorld.with([]) { world in
            let vitre = try await world.territory()
            let admin = try await world.person("Adèle", email: "admin@example.org", roles: [.admin], in: vitre)
            let coordinator = try await world.person("Coord", email: "c@example.org", roles: [.coordinator], in: vitre)
            try await Mailer.enqueue(to: "nobody@example.org", subject: "Votre lien", body: "secret", on: world.db)
            let transport = FakeTransport(failing: Self.unknownRecipient)
            let worker = Self.worker(world, transport)
            #expect(try await worker.deliverDue() == 1)
            let failed = try #require(try await Self.mails(world).first)
            #expect(failed.failedAt == world.clock.now && failed.failure == .refused)
            #expect(failed.lastError?.contains("550 5.1.1") == true && failed.body == "secret")
            world.clock.advance(by: 86_400 * 30)
            #expect(try await worker.deliverDue() == 0, "a refused mail is not tried again by itself")
            #expect(try await worker.resumeHeldBack() == 0)

            #expect(try await MailSupervision.list(actor: coordinator, env: world.env) == .forbidden)
            #expect(try await MailSupervision.list(actor: UseCaseWorld.anonymous, env: world.env) == .forbidden)
            guard case .mails(let listed) = try await MailSupervision.list(actor: admin, env: world.env) else {
                Issue.record("an administrator sees the outbox"); return
            }
            #expect(listed.count == 1 && listed[0].isRefused && listed[0].lastError == failed.lastError)

            let id = try failed.requireID()
            #expect(try await MailSupervision.resend(mailID: id, actor: coordinator, env: world.env) == .forbidden)
            #expect(try await world.audit().isEmpty)
            #expect(
                try await MailSupervision.resend(mailID: id, actor: admin, env: world.env)
                    == .queued(recipient: "nobody@example.org"))
            #expect(try await world.audit() == ["mail.resend"])
            transport.fail(with: nil)
            #expect(try await worker.deliverDue() == 1)
            #expect(transport.sent.map(\.to) == ["nobody@example.org"])
            #expect(try await Self.mails(world).first?.sentAt != nil)
            // Sent: nothing to re-send any more (its body is gone).
            #expect(try await MailSupervision.resend(mailID: id, actor: admin, env: world.env) == .notFound)
            #expect(try await MailSupervision.resend(mailID: 999, actor: admin, env: world.env) == .notFound)
        }
    }

    @Test func aPersonWhoseAddressIsNotConfirmedGetsANewLinkWithoutRevealingWhoHasAnAccount() async throws {
        try await UseCaseWorld.with([]) { world in
            let waiting = Person(
                email: "jeanne@exemple.fr", passwordHash: nil, displayName: "Jeanne", isAssisted: false)
            try await waiting.create(on: world.db)
            let confirmed = Person(email: "paul@exemple.fr", passwordHash: nil, displayName: "Paul", isAssisted: false)
            confirmed.emailConfirmedAt = world.clock.now
            try await confirmed.create(on: world.db)
            let limiter = RateLimiter()
            let visitor = UseCaseWorld.anonymous
            for email in [" Jeanne@Exemple.fr ", "paul@exemple.fr", "inconnu@exemple.fr"] {
                let outcome = try await RequestConfirmationLink.run(
                    email: email, limiter: limiter, actor: visitor, env: world.env)
                #expect(outcome == .requested(email: EmailAddress.normalize(email)), "the same answer for all")
            }
            var mails = try await world.outbox()
            #expect(mails.map(\.to) == ["jeanne@exemple.fr"], "only the address that awaits its confirmation")
            #expect(mails[0].subject == "Confirmez votre adresse e-mail – Agora Santé")
            // Limited: three an hour for one address.
            for _ in 0..<3 {
                _ = try await RequestConfirmationLink.run(
                    email: "jeanne@exemple.fr", limiter: limiter, actor: visitor, env: world.env)
            }
            mails = try await world.outbox()
            #expect(mails.count == 3, "the first and two more, then nothing within the hour")
            // The newest link confirms the address.
            let link = try #require(
                mails[2].body.split(separator: "\n").first { $0.hasPrefix("https://agora.example/confirmer/") })
            let token = String(link.dropFirst("https://agora.example/confirmer/".count))
            #expect(try await ConfirmEmail.run(token: token, env: world.env) == .done)
            let reloaded = try #require(try await Person.find(try waiting.requireID(), on: world.db))
            #expect(reloaded.emailConfirmedAt != nil)
            let invalid = try await RequestConfirmationLink.run(
                email: "pas-une-adresse", limiter: limiter, actor: visitor, env: world.env)
            guard case .invalid = invalid else { Issue.record("an invalid address is said so"); return }
        }
    }
}
