import Core
import Fluent
import Foundation

/// The mails of the accounts room, in plain French with the English below, written to the
/// outbox in the caller's transaction. Their links carry single-use tokens.
struct AccountMails {
    let baseURL: String
    let now: Date

    init(_ env: UseCaseEnvironment) {
        baseURL = env.baseURL
        now = env.now
    }

    func confirmation(to person: Person, on db: any Database) async throws {
        guard let email = person.email else { return }
        let secret = try await EmailTokens.issue(.confirmEmail, personID: try person.requireID(), now: now, on: db)
        let link = baseURL + AccountsPaths.confirm.link(secret)
        try await Mailer.enqueue(
            to: email, subject: "Confirmez votre adresse e-mail – Agora Santé",
            body: """
                Bonjour \(person.displayName),

                Pour confirmer votre adresse et activer votre compte Agora Santé, ouvrez ce lien :
                \(link)

                Le lien est valable 48 heures. Si vous n'avez pas créé de compte, ignorez ce message.

                —
                To confirm your address and activate your Agora Santé account, open the link above (valid 48 hours).
                """, on: db)
    }

    func alreadyRegistered(to person: Person, on db: any Database) async throws {
        guard let email = person.email else { return }
        try await Mailer.enqueue(
            to: email, subject: "Vous avez déjà un compte – Agora Santé",
            body: """
                Bonjour \(person.displayName),

                Quelqu'un (vous, sans doute) a voulu créer un compte avec cette adresse, mais vous en avez déjà un.
                Pour vous connecter : \(baseURL + AccountsPaths.login.pattern)
                Mot de passe oublié : \(baseURL + AccountsPaths.passwordForgotten.pattern)

                —
                Someone (probably you) tried to sign up with this address, but you already have an account.
                """, on: db)
    }

    func link(_ purpose: AuthToken.Purpose, to person: Person, on db: any Database) async throws {
        guard let email = person.email else { return }
        let secret = try await EmailTokens.issue(purpose, personID: try person.requireID(), now: now, on: db)
        if purpose == .login {
            try await Mailer.enqueue(
                to: email, subject: "Votre lien de connexion – Agora Santé",
                body: """
                    Bonjour \(person.displayName),

                    Pour vous connecter à Agora Santé, ouvrez ce lien (valable 20 minutes, une seule fois) :
                    \(baseURL + AccountsPaths.loginLink.link(secret))

                    Si vous n'avez rien demandé, ignorez ce message : personne ne peut se connecter sans ce lien.

                    —
                    To log in to Agora Santé, open the link above (valid 20 minutes, once).
                    """, on: db)
        } else {
            try await Mailer.enqueue(
                to: email, subject: "Choisir un nouveau mot de passe – Agora Santé",
                body: """
                    Bonjour \(person.displayName),

                    Pour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure) :
                    \(baseURL + AccountsPaths.passwordReset.link(secret))

                    Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.

                    —
                    To choose a new password, open the link above (valid one hour).
                    """, on: db)
        }
    }
}
