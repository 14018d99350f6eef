import Core
import Fluent
import Foundation
import TestSupport
import Testing
import Vapor

@testable import Accounts

/// Sign-up, login, the links sent by e-mail and the password reset, on a small in-memory
/// database: one territory, the people each test writes, a clock that moves when told.
@Suite("Authentication use cases")
struct AuthenticationUseCaseTests {
    static let good = [
        "display_name": "Jeanne", "email": "jeanne@exemple.fr", "password": "une phrase assez longue",
        "territory": "vitre", "role": "resident", "accept_terms": "on",
    ]
    static let visitor = Actor(personID: nil, roles: [])

    /// A world whose passwords are hashed cheaply (the rules do not depend on Bcrypt).
    static func with(_ body: (UseCaseWorld, TerritoryInfo) async throws -> Void) async throws {
        try await UseCaseWorld.with([]) { world in
            world.app.passwords.use(.plaintext)
            try await body(world, try await world.territory())
        }
    }

    static func throttle(limit: Int = 10) -> Throttle {
        Throttle(RateLimiter(), key: "signup-ip:127.0.0.1", limit: limit, window: 3600)
    }

    /// Signs Jeanne up; her id.
    static func signUp(
        _ world: UseCaseWorld, _ vitre: TerritoryInfo, fields: [String: String] = good
    ) async throws
        -> Int
    {
        let outcome = try await SignUp.run(
            fields, territories: [vitre], throttle: throttle(), hasher: world.app.password.async, actor: visitor,
            env: world.env)
        guard case .created(let id) = outcome else { throw Abort(.internalServerError, reason: "\(outcome)") }
        return id
    }

    /// The secret of the last link of this kind mailed to `email`.
    static func secret(in world: UseCaseWorld, to email: String, prefix: String) async throws -> String? {
        let mail = try await world.outbox().last { $0.to == email && $0.body.contains(prefix) }
        guard let body = mail?.body, let range = body.range(of: prefix) else { return nil }
        return String(body[range.upperBound...].prefix { !$0.isWhitespace })
    }

    static func logIn(
        _ world: UseCaseWorld, password: String = "une phrase assez longue", limiter: RateLimiter = RateLimiter()
    ) async throws -> LogInOutcome {
        try await LogIn.run(
            email: "JEANNE@exemple.fr", password: password,
            limits: .init(limiter: limiter, client: "127.0.0.1", perClient: 20), previousSession: nil,
            hasher: world.app.password.async, actor: visitor, env: world.env)
    }

    // MARK: - Sign-up

    @Test func signingUpCreatesAnUnconfirmedAccountWithItsRoleConsentsAndConfirmationMail() async throws {
        try await Self.with { world, vitre in
            let id = try await Self.signUp(world, vitre)
            let person = try #require(try await AccountStore.person(id, on: world.db))
            #expect(person.email == "jeanne@exemple.fr" && person.emailConfirmedAt == nil)
            #expect(person.createdAt == world.clock.now)
            #expect(try await AccountStore.roles(personID: id, territoryID: vitre.id, on: world.db) == [.resident])
            let consents = try await AccountStore.consents(personID: id, on: world.db)
            #expect(Set(consents.map(\.kind)) == ["terms", "privacy"])
            let mails = try await world.outbox()
            #expect(mails.map(\.subject) == ["Confirmez votre adresse e-mail – Agora Santé"])
            #expect(mails[0].body.contains("https://agora.example/confirmer/"))
        }
    }

    @Test func signingUpWithAnAddressThatHasAnAccountTellsItsOwnerAndCreatesNothing() async throws {
        try await Self.with { world, vitre in
            _ = try await Self.signUp(world, vitre)
            var again = Self.good
            again["display_name"] = "Quelqu'un d'autre"
            let outcome = try await SignUp.run(
                again, territories: [vitre], throttle: Self.throttle(), hasher: world.app.password.async,
                actor: Self.visitor, env: world.env)
            #expect(outcome == .emailTaken)
            #expect(try await Person.query(on: world.db).count() == 1)
            #expect(try await world.outbox().last?.subject == "Vous avez déjà un compte – Agora Santé")
        }
    }

    @Test func aBadSignUpFormSavesNothingAndSaysWhyNextToEachField() async throws {
        try await Self.with { world, vitre in
            var fields = Self.good
            fields["email"] = "pas-un-email"
            fields["accept_terms"] = nil
            let outcome = try await SignUp.run(
                fields, territories: [vitre], throttle: Self.throttle(), hasher: world.app.password.async,
                actor: Self.visitor, env: world.env)
            guard case .invalid(let errors) = outcome else { Issue.record("expected errors, got \(outcome)"); return }
            #expect(errors.fields == ["email", "accept_terms"])
            #expect(try await Person.query(on: world.db).count() == 0)
            #expect(try await world.outbox().isEmpty)
        }
    }

    @Test func signUpsAreLimitedPerConnection() async throws {
        try await Self.with { world, vitre in
            let throttle = Self.throttle(limit: 1)
            var first = Self.good
            first["email"] = "un@exemple.fr"
            _ = try await SignUp.run(
                first, territories: [vitre], throttle: throttle, hasher: world.app.password.async,
                actor: Self.visitor, env: world.env)
            let second = try await SignUp.run(
                Self.good, territories: [vitre], throttle: throttle, hasher: world.app.password.async,
                actor: Self.visitor, env: world.env)
            #expect(second == .rateLimited)
            #expect(try await AccountStore.person(email: "jeanne@exemple.fr", on: world.db) == nil)
            world.clock.advance(by: 3601)  // an hour later the connection may sign up again
            let later = try await SignUp.run(
                Self.good, territories: [vitre], throttle: throttle, hasher: world.app.password.async,
                actor: Self.visitor, env: world.env)
            guard case .created = later else { Issue.record("expected an account, got \(later)"); return }
        }
    }

    // MARK: - Confirmation and login

    @Test func theConfirmationLinkWorksOnceAndNotAfterItExpires() async throws {
        try await Self.with { world, vitre in
            let id = try await Self.signUp(world, vitre)
            let secret = try #require(try await Self.secret(in: world, to: "jeanne@exemple.fr", prefix: "/confirmer/"))
            world.clock.advance(by: 3600)
            #expect(try await ConfirmEmail.run(token: secret, env: world.env) == .done)
            let confirmed = try #require(try await AccountStore.person(id, on: world.db)?.emailConfirmedAt)
            #expect(confirmed == world.clock.now)
            #expect(try await ConfirmEmail.run(token: secret, env: world.env) == .expired, "a link serves once")
            #expect(try await ConfirmEmail.run(token: "inconnu", env: world.env) == .expired)
        }
    }

    @Test func aConfirmationLinkExpiresAfter48Hours() async throws {
        try await Self.with { world, vitre in
            let id = try await Self.signUp(world, vitre)
            let secret = try #require(try await Self.secret(in: world, to: "jeanne@exemple.fr", prefix: "/confirmer/"))
            world.clock.advance(by: 48 * 3600 + 1)
            #expect(try await ConfirmEmail.run(token: secret, env: world.env) == .expired)
            #expect(try await AccountStore.person(id, on: world.db)?.emailConfirmedAt == nil)
        }
    }

    @Test func loggingInBeforeConfirmingSendsTheLinkAgainOnceInTenMinutes() async throws {
        try await Self.with { world, vitre in
            _ = try await Self.signUp(world, vitre)
            let limiter = RateLimiter()
            #expect(try await Self.logIn(world, limiter: limiter) == .unconfirmed)
            #expect(try await Self.logIn(world, limiter: limiter) == .unconfirmed)
            #expect(try await world.outbox().count == 2, "the sign-up's mail and one more")
            world.clock.advance(by: 601)
            #expect(try await Self.logIn(world, limiter: limiter) == .unconfirmed)
            #expect(try await world.outbox().count == 3, "ten minutes later, once more")
            #expect(try await Sessions.viewer(token: "x", now: world.clock.now, on: world.db) == nil)
        }
    }

    @Test func aConfirmedPersonLogsInAndGetsASession() async throws {
        try await Self.with { world, vitre in
            let id = try await Self.signUp(world, vitre)
            try await AccountStore.confirmEmail(personID: id, now: world.clock.now, on: world.db)
            let outcome = try await Self.logIn(world)
            guard case .signedIn(let personID, let name, let token) = outcome else {
                Issue.record("expected a session, got \(outcome)"); return
            }
            #expect(personID == id && name == "Jeanne")
            let viewer = try #require(try await Sessions.viewer(token: token, now: world.clock.now, on: world.db))
            #expect(viewer.personID == id && viewer.roles(in: vitre.id) == [.resident])
            world.clock.advance(by: Sessions.lifetime + 1)
            #expect(try await Sessions.viewer(token: token, now: world.clock.now, on: world.db) == nil)
        }
    }

    @Test func emptyLoginFieldsAreSaidNextToTheField() async throws {
        try await Self.with { world, _ in
            let outcome = try await LogIn.run(
                email: "", password: "", limits: .init(limiter: RateLimiter(), client: "127.0.0.1", perClient: 20),
                previousSession: nil, hasher: world.app.password.async, actor: Self.visitor, env: world.env)
            guard case .invalid(let errors) = outcome else { Issue.record("expected errors, got \(outcome)"); return }
            #expect(errors.fields == ["email", "password"])
        }
    }

    @Test func wrongPasswordsAndUnknownAddressesAreAnsweredAlikeThenLimited() async throws {
        try await Self.with { world, vitre in
            let id = try await Self.signUp(world, vitre)
            try await AccountStore.confirmEmail(personID: id, now: world.clock.now, on: world.db)
            let limiter = RateLimiter()
            let unknown = try await LogIn.run(
                email: "personne@nulle-part.fr", password: "pas le bon mot de passe",
                limits: .init(limiter: limiter, client: "127.0.0.1", perClient: 20), previousSession: nil,
                hasher: world.app.password.async, actor: Self.visitor, env: world.env)
            #expect(unknown == .wrongCredentials)
            for _ in 0..<5 {
                #expect(try await Self.logIn(world, password: "encore faux !!", limiter: limiter) == .wrongCredentials)
            }
            // Five failures for the address: even the right password waits.
            #expect(try await Self.logIn(world, limiter: limiter) == .rateLimited)
            world.clock.advance(by: 901)
            guard case .signedIn = try await Self.logIn(world, limiter: limiter) else {
                Issue.record("expected a session after the wait"); return
            }
        }
    }

    // MARK: - Links by e-mail

    @Test func aLoginLinkIsSentOnlyToAnAccountAndAtMostThreeTimesAnHour() async throws {
        try await Self.with { world, vitre in
            _ = try await Self.signUp(world, vitre)
            let limiter = RateLimiter()
            for _ in 0..<4 {
                #expect(
                    try await RequestLoginLink.run(
                        email: " Jeanne@Exemple.fr ", limiter: limiter, actor: Self.visitor, env: world.env)
                        == .requested(email: "jeanne@exemple.fr"))
            }
            #expect(
                try await RequestPasswordReset.run(
                    email: "inconnu@exemple.fr", limiter: limiter, actor: Self.visitor, env: world.env)
                    == .requested(email: "inconnu@exemple.fr"))
            let subjects = try await world.outbox().map(\.subject)
            #expect(subjects.filter { $0 == "Votre lien de connexion – Agora Santé" }.count == 3)
            #expect(subjects.count == 4, "the confirmation and three links; nothing to an unknown address")
        }
    }

    @Test func anInvalidAddressIsRefusedBeforeAnythingIsSent() async throws {
        try await Self.with { world, _ in
            let outcome = try await RequestPasswordReset.run(
                email: "pas-un-email", limiter: RateLimiter(), actor: Self.visitor, env: world.env)
            guard case .invalid(let errors) = outcome else { Issue.record("expected errors, got \(outcome)"); return }
            #expect(errors.fields == ["email"])
            #expect(try await world.outbox().isEmpty)
        }
    }

    @Test func aLoginLinkLogsInOnceAndProvesTheAddress() async throws {
        try await Self.with { world, vitre in
            let id = try await Self.signUp(world, vitre)
            _ = try await RequestLoginLink.run(
                email: "jeanne@exemple.fr", limiter: RateLimiter(), actor: Self.visitor, env: world.env)
            let secret = try #require(try await Self.secret(in: world, to: "jeanne@exemple.fr", prefix: "/lien/"))
            let outcome = try await UseLoginLink.run(token: secret, previousSession: nil, env: world.env)
            guard case .signedIn(id, "Jeanne", let token) = outcome else {
                Issue.record("expected a session, got \(outcome)"); return
            }
            #expect(try await Sessions.viewer(token: token, now: world.clock.now, on: world.db)?.personID == id)
            #expect(try await AccountStore.person(id, on: world.db)?.emailConfirmedAt != nil)
            #expect(try await UseLoginLink.run(token: secret, previousSession: nil, env: world.env) == .expired)
        }
    }

    @Test func aLoginLinkExpiresAfterTwentyMinutes() async throws {
        try await Self.with { world, vitre in
            _ = try await Self.signUp(world, vitre)
            _ = try await RequestLoginLink.run(
                email: "jeanne@exemple.fr", limiter: RateLimiter(), actor: Self.visitor, env: world.env)
            let secret = try #require(try await Self.secret(in: world, to: "jeanne@exemple.fr", prefix: "/lien/"))
            world.clock.advance(by: 20 * 60 + 1)
            #expect(try await UseLoginLink.run(token: secret, previousSession: nil, env: world.env) == .expired)
        }
    }

    // MARK: - Password reset

    static func resetSecret(_ world: UseCaseWorld) async throws -> String {
        _ = try await RequestPasswordReset.run(
            email: "jeanne@exemple.fr", limiter: RateLimiter(), actor: visitor, env: world.env)
        return try #require(try await secret(in: world, to: "jeanne@exemple.fr", prefix: "/reinitialiser/"))
    }

    @Test func aNewPasswordEndsEverySessionAndTheLinkServesOnce() async throws {
        try await Self.with { world, vitre in
            let id = try await Self.signUp(world, vitre)
            try await AccountStore.confirmEmail(personID: id, now: world.clock.now, on: world.db)
            guard case .signedIn(_, _, let session) = try await Self.logIn(world) else {
                Issue.record("expected a session"); return
            }
            let secret = try await Self.resetSecret(world)
            let outcome = try await ResetPassword.run(
                token: secret, password: "un tout nouveau mot de passe", hasher: world.app.password.async,
                actor: Self.visitor, env: world.env)
            #expect(outcome == .changed)
            #expect(try await Sessions.viewer(token: session, now: world.clock.now, on: world.db) == nil)
            #expect(try await Self.logIn(world) == .wrongCredentials)
            guard case .signedIn = try await Self.logIn(world, password: "un tout nouveau mot de passe") else {
                Issue.record("expected the new password to work"); return
            }
            let again = try await ResetPassword.run(
                token: secret, password: "encore un autre mot de passe", hasher: world.app.password.async,
                actor: Self.visitor, env: world.env)
            #expect(again == .expired)
        }
    }

    /// Issue #16, attack 8: a reset left an older login link alive.
    @Test func aNewPasswordEndsTheOtherLinksToo() async throws {
        try await Self.with { world, vitre in
            let id = try await Self.signUp(world, vitre)
            try await AccountStore.confirmEmail(personID: id, now: world.clock.now, on: world.db)
            _ = try await RequestLoginLink.run(
                email: "jeanne@exemple.fr", limiter: RateLimiter(), actor: Self.visitor, env: world.env)
            let link = try #require(try await Self.secret(in: world, to: "jeanne@exemple.fr", prefix: "/lien/"))
            let secret = try await Self.resetSecret(world)
            #expect(
                try await ResetPassword.run(
                    token: secret, password: "un tout nouveau mot de passe", hasher: world.app.password.async,
                    actor: Self.visitor, env: world.env) == .changed)
            #expect(try await UseLoginLink.run(token: link, previousSession: nil, env: world.env) == .expired)
        }
    }

    /// Issue #16, attack 7: eight simultaneous uses of one login link gave seven sessions.
    @Test func aLinkUsedEightTimesAtOnceOpensOneSession() async throws {
        try await Self.with { world, vitre in
            _ = try await Self.signUp(world, vitre)
            _ = try await RequestLoginLink.run(
                email: "jeanne@exemple.fr", limiter: RateLimiter(), actor: Self.visitor, env: world.env)
            let link = try #require(try await Self.secret(in: world, to: "jeanne@exemple.fr", prefix: "/lien/"))
            let env = world.env
            let outcomes = try await withThrowingTaskGroup(of: LoginLinkOutcome.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await UseLoginLink.run(token: link, previousSession: nil, env: env) }
                }
                var all: [LoginLinkOutcome] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            let sessions = outcomes.filter { if case .signedIn = $0 { true } else { false } }
            #expect(sessions.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == .expired }.count == 7)
        }
    }

    @Test func aRefusedPasswordKeepsTheLinkValid() async throws {
        try await Self.with { world, vitre in
            _ = try await Self.signUp(world, vitre)
            let secret = try await Self.resetSecret(world)
            let outcome = try await ResetPassword.run(
                token: secret, password: "court", hasher: world.app.password.async, actor: Self.visitor,
                env: world.env)
            guard case .invalid(let errors) = outcome else { Issue.record("expected errors, got \(outcome)"); return }
            #expect(errors["password"] == "Le mot de passe doit contenir au moins 12 caractères.")
            #expect(
                try await EmailTokens.find(secret, purpose: .resetPassword, now: world.clock.now, on: world.db) != nil)
        }
    }

    @Test func aResetLinkExpiresAfterAnHour() async throws {
        try await Self.with { world, vitre in
            _ = try await Self.signUp(world, vitre)
            let secret = try await Self.resetSecret(world)
            world.clock.advance(by: 3601)
            let outcome = try await ResetPassword.run(
                token: secret, password: "un tout nouveau mot de passe", hasher: world.app.password.async,
                actor: Self.visitor, env: world.env)
            #expect(outcome == .expired)
        }
    }
}
