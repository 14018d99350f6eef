import Core
import Fluent
import Foundation
import Vapor

/// A limit on how often something is done from one place (an address, a connection): the
/// in-memory limiter of the instance, read at the use case's clock.
public struct Throttle: Sendable {
    public let limiter: RateLimiter
    public let key: String
    public let limit: Int
    public let window: TimeInterval

    public init(_ limiter: RateLimiter, key: String, limit: Int, window: TimeInterval) {
        self.limiter = limiter
        self.key = key
        self.limit = limit
        self.window = window
    }

    func allows(now: Date) -> Bool { limiter.allows(key, limit: limit, window: window, now: now) }
    func record(now: Date) { limiter.record(key, now: now) }
}

/// What became of a sign-up.
public enum SignUpOutcome: Sendable, Equatable {
    /// The account exists, unconfirmed; the confirmation link is in the outbox.
    case created(personID: Int)
    /// The address has an account already: its owner is told by mail, and the visitor sees the
    /// same answer as for a new account (nothing tells who has an account).
    case emailTaken
    case invalid(FormErrors)
    /// Too many accounts from this connection in the last hour.
    case rateLimited
}

/// Signing up: the form checked, the account, its first role and its consents written with the
/// confirmation mail in one transaction.
public enum SignUp {
    public static func run(
        _ fields: [String: String], territories: [TerritoryInfo], throttle: Throttle, hasher: AsyncPasswordHasher,
        actor: Actor, env: UseCaseEnvironment
    ) async throws -> SignUpOutcome {
        let now = env.now
        guard throttle.allows(now: now) else { return .rateLimited }
        let input: SignupInput
        switch SignupInput.validate(fields: fields, territorySlugs: Set(territories.map(\.slug)), lang: actor.lang) {
        case .failure(let box): return .invalid(box.errors)
        case .success(let value): input = value
        }
        throttle.record(now: now)
        guard let territory = territories.first(where: { $0.slug == input.territorySlug }) else {
            var errors = FormErrors()
            errors.add("territory", actor.t(Text("Choisissez votre territoire.", "Choose your territory.")))
            return .invalid(errors)
        }
        let hash = try await hasher.hash(input.password)
        let mails = AccountMails(env)
        return try await env.db.transaction { db -> SignUpOutcome in
            if let existing = try await AccountStore.person(email: input.email, on: db) {
                try await mails.alreadyRegistered(to: existing, on: db)
                return .emailTaken
            }
            let person = try await AccountStore.createAccount(
                input, passwordHash: hash, territoryID: territory.id, now: now, on: db)
            try await mails.confirmation(to: person, on: db)
            return .created(personID: try person.requireID())
        }
    }
}

/// What became of a login.
public enum LogInOutcome: Sendable, Equatable {
    /// A new session: its token goes in the cookie.
    case signedIn(personID: Int, name: String, sessionToken: String)
    /// An empty field.
    case invalid(FormErrors)
    /// No such account, or not this password: answered alike.
    case wrongCredentials
    /// The address is not confirmed yet: the link is sent again (at most once in ten minutes).
    case unconfirmed
    /// Too many attempts from this connection or for this address.
    case rateLimited
}

/// Logging in with a password. Failures count against the connection and the address; a
/// success forgets the address's failures and starts a new session (the old one ends).
public enum LogIn {
    /// The limiter and the connection whose attempts it counts (`perClient` in ten minutes).
    public struct Limits: Sendable {
        public let limiter: RateLimiter
        public let client: String
        public let perClient: Int
        public init(limiter: RateLimiter, client: String, perClient: Int) {
            self.limiter = limiter
            self.client = client
            self.perClient = perClient
        }
    }

    /// Verified when there is no such person, so that the time taken does not tell who has an account.
    static let dummyHash = "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5E9qxrS2bEcQUL2yMzVUr6DxA6mR1K."

    public static func run(
        email raw: String, password: String, limits: Limits, previousSession: String?,
        hasher: AsyncPasswordHasher, actor: Actor, env: UseCaseEnvironment
    ) async throws -> LogInOutcome {
        let email = EmailAddress.normalize(raw)
        let now = env.now
        let limiter = limits.limiter
        let clientKey = "login-ip:" + limits.client, emailKey = "login-email:" + email
        guard limiter.allows(clientKey, limit: limits.perClient, window: 600, now: now),
            limiter.allows(emailKey, limit: 5, window: 900, now: now)
        else { return .rateLimited }
        var errors = FormErrors()
        if email.isEmpty {
            errors.add("email", actor.t(Text("Indiquez votre adresse e-mail.", "Enter your e-mail address.")))
        }
        if password.isEmpty {
            errors.add("password", actor.t(Text("Indiquez votre mot de passe.", "Enter your password.")))
        }
        if !errors.isEmpty { return .invalid(errors) }
        let person = try await AccountStore.person(email: email, on: env.db)
        let matches = (try? await hasher.verify(password, created: person?.passwordHash ?? dummyHash)) ?? false
        guard let person, let personID = person.id, matches, person.passwordHash != nil else {
            limiter.record(clientKey, now: now)
            limiter.record(emailKey, now: now)
            return .wrongCredentials
        }
        guard person.emailConfirmedAt != nil else {
            let resendKey = "confirm-resend:\(personID)"
            if limiter.allows(resendKey, limit: 1, window: 600, now: now) {
                limiter.record(resendKey, now: now)
                try await AccountMails(env).confirmation(to: person, on: env.db)
            }
            return .unconfirmed
        }
        limiter.reset(emailKey)
        let token = try await Sessions.start(personID: personID, replacing: previousSession, now: now, on: env.db)
        return .signedIn(personID: personID, name: person.displayName, sessionToken: token)
    }
}

/// Logging out: the session ends in the database (the cookie is dropped by the page).
public enum LogOut {
    public static func run(sessionToken: String?, env: UseCaseEnvironment) async throws {
        guard let sessionToken else { return }
        try await Sessions.end(token: sessionToken, on: env.db)
    }
}

/// What became of a request for a link by e-mail.
public enum EmailLinkOutcome: Sendable, Equatable {
    /// The same answer whether an account exists or not (and whether a mail left or not: at most
    /// three links an hour go to one address).
    case requested(email: String)
    case invalid(FormErrors)
}

/// Asking for a link by e-mail: a one-time login link (`RequestLoginLink`) or a link to choose a
/// new password (`RequestPasswordReset`).
public enum RequestEmailLink {
    public static func run(
        _ purpose: AuthToken.Purpose, email raw: String, limiter: RateLimiter, actor: Actor, env: UseCaseEnvironment
    ) async throws -> EmailLinkOutcome {
        let email = EmailAddress.normalize(raw)
        guard EmailAddress.isValid(email) else {
            var errors = FormErrors()
            errors.add(
                "email",
                actor.t(
                    Text(
                        "Cette adresse e-mail n'est pas valide. Exemple : prenom.nom@exemple.fr",
                        "This e-mail address is not valid. Example: name@example.com")))
            return .invalid(errors)
        }
        let now = env.now
        let key = "email-link:" + email
        if limiter.allows(key, limit: 3, window: 3600, now: now),
            let person = try await AccountStore.person(email: email, on: env.db)
        {
            limiter.record(key, now: now)
            if purpose == .confirmEmail {
                // A new confirmation link only for an address not confirmed yet; the answer is the same.
                if person.emailConfirmedAt == nil { try await AccountMails(env).confirmation(to: person, on: env.db) }
            } else {
                try await AccountMails(env).link(purpose, to: person, on: env.db)
            }
        }
        return .requested(email: email)
    }
}

/// Asking again for the link that confirms one's address (the first mail lost, expired, or
/// never sent): from the login page, limited like the other links (three an hour per address),
/// and the same answer whether or not an account waits for it.
public enum RequestConfirmationLink {
    public static func run(
        email: String, limiter: RateLimiter, actor: Actor, env: UseCaseEnvironment
    ) async throws -> EmailLinkOutcome {
        try await RequestEmailLink.run(.confirmEmail, email: email, limiter: limiter, actor: actor, env: env)
    }
}

public enum RequestLoginLink {
    public static func run(
        email: String, limiter: RateLimiter, actor: Actor, env: UseCaseEnvironment
    ) async throws -> EmailLinkOutcome {
        try await RequestEmailLink.run(.login, email: email, limiter: limiter, actor: actor, env: env)
    }
}

public enum RequestPasswordReset {
    public static func run(
        email: String, limiter: RateLimiter, actor: Actor, env: UseCaseEnvironment
    ) async throws -> EmailLinkOutcome {
        try await RequestEmailLink.run(.resetPassword, email: email, limiter: limiter, actor: actor, env: env)
    }
}

/// What became of a link of an e-mail used.
public enum TokenOutcome: Sendable, Equatable {
    case done
    /// Unknown, used already or expired.
    case expired
}

/// Confirming one's address with the link of the confirmation mail (once).
public enum ConfirmEmail {
    public static func run(token: String, env: UseCaseEnvironment) async throws -> TokenOutcome {
        let now = env.now
        return try await env.db.transaction { db -> TokenOutcome in
            guard let personID = try await EmailTokens.consume(token, purpose: .confirmEmail, now: now, on: db) else {
                return .expired
            }
            try await AccountStore.confirmEmail(personID: personID, now: now, on: db)
            return .done
        }
    }
}

/// What became of a one-time login link used.
public enum LoginLinkOutcome: Sendable, Equatable {
    case signedIn(personID: Int, name: String, sessionToken: String)
    /// Unknown, used already or expired.
    case expired
}

/// Logging in with a one-time link: it is used once, proves the address, and starts a session.
public enum UseLoginLink {
    public static func run(
        token: String, previousSession: String?, env: UseCaseEnvironment
    ) async throws -> LoginLinkOutcome {
        let now = env.now
        return try await env.db.transaction { db -> LoginLinkOutcome in
            guard let personID = try await EmailTokens.consume(token, purpose: .login, now: now, on: db),
                let person = try await AccountStore.person(personID, on: db)
            else { return .expired }
            try await AccountStore.confirmEmail(personID: personID, now: now, on: db)
            let session = try await Sessions.start(
                personID: personID, replacing: previousSession, now: now, on: db)
            return .signedIn(personID: personID, name: person.displayName, sessionToken: session)
        }
    }
}

/// What became of a new password chosen from the link of a mail.
public enum ResetPasswordOutcome: Sendable, Equatable {
    /// Changed; every session of the person ended.
    case changed
    /// The password is refused (the link stays valid to try another).
    case invalid(FormErrors)
    /// The link is unknown, used already or expired.
    case expired
}

/// Choosing a new password with the link of a mail: the token is used once (consumed in the
/// same statement that checks it), the address is proven, every open session ends.
public enum ResetPassword {
    public static func run(
        token secret: String, password: String, hasher: AsyncPasswordHasher, actor: Actor, env: UseCaseEnvironment
    ) async throws -> ResetPasswordOutcome {
        let now = env.now
        guard let token = try await EmailTokens.find(secret, purpose: .resetPassword, now: now, on: env.db),
            let person = try await AccountStore.person(token.personID, on: env.db)
        else { return .expired }
        if let problem = PasswordRules.problem(password, email: person.email) {
            var errors = FormErrors()
            errors.add("password", actor.t(problem))
            return .invalid(errors)
        }
        let hash = try await hasher.hash(password)
        return try await env.db.transaction { db -> ResetPasswordOutcome in
            guard let personID = try await EmailTokens.consume(secret, purpose: .resetPassword, now: now, on: db),
                personID == token.personID
            else { return .expired }
            try await AccountStore.setPassword(personID: personID, hash: hash, now: now, on: db)
            // Whoever knew the old password, or holds an older link, is out.
            try await Sessions.endAll(personID: personID, on: db)
            try await EmailTokens.revokeAll(personID: personID, now: now, on: db)
            return .changed
        }
    }
}
