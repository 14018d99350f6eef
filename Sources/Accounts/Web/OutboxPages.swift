import Core
import Vapor

/// The mails in trouble, for the administrators: refused ones (with the server's answer, and a
/// button to send again) and the ones held back by the SMTP settings or the server.
enum OutboxPages {
    static func register(_ router: RouteRegistrar) {
        // Signed in here; the use case asks for the administrator role (held in any territory).
        router.get(AccountsPaths.outboxTrouble, access: .signedIn, use: list)
        router.post(AccountsPaths.outboxResend, access: .signedIn, use: resend)
    }

    /// The person's roles in every territory: the outbox belongs to none of them.
    static func actor(_ req: Request) -> Actor {
        let visit = req.visit
        let roles = Set(visit.viewer?.rolesByTerritory.values.flatMap { $0 } ?? [])
        return Actor(
            personID: visit.viewer?.personID, name: visit.viewer?.displayName, email: visit.viewer?.email,
            roles: roles, lang: visit.lang)
    }

    static func forbidden(_ req: Request) -> Response {
        req.refusal(
            status: .forbidden, title: Text("Accès réservé", "Restricted"),
            message: Text(
                "Cette page est réservée aux administrateur·rices.", "This page is for administrators only."))
    }

    @Sendable static func list(_ req: Request) async throws -> Response {
        switch try await MailSupervision.list(actor: actor(req), env: req.useCases) {
        case .forbidden: return forbidden(req)
        case .mails(let mails): return req.render(page(visit: req.visit, mails: mails))
        }
    }

    @Sendable static func resend(_ req: Request) async throws -> Response {
        let id = try req.pathID("mail")
        switch try await MailSupervision.resend(mailID: id, actor: actor(req), env: req.useCases) {
        case .forbidden: return forbidden(req)
        case .notFound:
            return req.refusal(
                status: .notFound, title: Text("E-mail introuvable", "E-mail not found"),
                message: Text(
                    "Cet e-mail n'existe pas ou a déjà été envoyé.", "This e-mail does not exist or was sent."),
                back: AccountsPaths.outboxTrouble.pattern)
        case .queued(let recipient):
            return req.redirect(
                to: AccountsPaths.outboxTrouble.pattern,
                flash: Flash(
                    .success,
                    req.visit.t(
                        "L'e-mail à \(recipient) est de nouveau dans la file d'envoi.",
                        "The e-mail to \(recipient) is queued again.")))
        }
    }

    static func when(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = "dd/MM/yyyy HH:mm"
        return formatter.string(from: date)
    }

    static func page(visit: Visit, mails: [MailSupervision.TroubledMail]) -> WebPage {
        let refused = mails.filter(\.isRefused)
        let held = mails.filter { !$0.isRefused }
        let refusedRows = refused.map { mail -> [HTML] in
            let button: HTML = """
                \(Form.open(action: AccountsPaths.outboxResend.link(String(mail.id)), visit: visit, cssClass: "inline"))\
                \(Form.submit(visit.t("Renvoyer", "Send again"), secondary: true))</form>
                """
            return [
                "\(mail.recipient)", "\(mail.subject)", "\(when(mail.createdAt))",
                "\(mail.lastError ?? "")", button,
            ]
        }
        let heldRows = held.map { mail -> [HTML] in
            [
                "\(mail.recipient)", "\(mail.subject)", "\(String(mail.attempts))",
                "\(mail.lastError ?? "")", "\(when(mail.nextAttemptAt))",
            ]
        }
        let refusedTable: HTML =
            refusedRows.isEmpty
            ? "<p>\(visit.t("Aucun e-mail refusé.", "No refused e-mail."))</p>"
            : View.table(
                caption: visit.t("E-mails refusés par le serveur", "E-mails refused by the server"),
                headers: [
                    visit.t("Destinataire", "Recipient"), visit.t("Objet", "Subject"), visit.t("Créé le", "Created"),
                    visit.t("Réponse du serveur", "Server's answer"), visit.t("Action", "Action"),
                ], rows: refusedRows)
        let heldTable: HTML =
            heldRows.isEmpty
            ? "<p>\(visit.t("Aucun e-mail en attente après une erreur.", "No e-mail waiting after an error."))</p>"
            : View.table(
                caption: visit.t("E-mails en attente après des erreurs", "E-mails waiting after errors"),
                headers: [
                    visit.t("Destinataire", "Recipient"), visit.t("Objet", "Subject"), visit.t("Essais", "Tries"),
                    visit.t("Dernière erreur", "Last error"), visit.t("Prochain essai", "Next try"),
                ], rows: heldRows)
        let main: HTML = """
            <h1>\(visit.t("E-mails non distribués", "Undelivered e-mails"))</h1>
            <p>\(visit.t("Un e-mail refusé pour lui-même (adresse inconnue, contenu rejeté) n'est plus essayé : corrigez la cause puis renvoyez-le. Un e-mail bloqué par les réglages SMTP ou par le serveur (mot de passe, connexion, chiffrement) reste en attente : il repart dès que le service redémarre avec des réglages corrigés.",
                     "An e-mail refused for itself (unknown address, rejected content) is not tried again: fix the cause, then send it again. An e-mail held back by the SMTP settings or the server (password, connection, encryption) keeps waiting: it leaves as soon as the service restarts with fixed settings."))</p>
            <h2>\(visit.t("Refusés", "Refused"))</h2>
            \(refusedTable)
            <h2>\(visit.t("En attente", "Waiting"))</h2>
            \(heldTable)
            """
        return WebPage(title: visit.t("E-mails non distribués", "Undelivered e-mails"), main: main)
    }
}
