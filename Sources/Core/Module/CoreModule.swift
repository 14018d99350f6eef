import Fluent
import Vapor

/// The core's own tables and routes: the outbox and audit log, the health check, static files,
/// and the development outbox page.
public struct CoreModule: FeatureModule {
    public init() {}
    public var name: String { "core" }
    public var migrations: [any Migration] {
        [OutboxMail.Create(), AuditEntry.Create(), OutboxMail.AddAttachments(), OutboxMail.AddFailures()]
    }

    public static let healthz = RoutePattern("/healthz")
    public static let staticFile = RoutePattern("/static/:file")
    public static let devOutbox = RoutePattern("/dev/outbox")

    /// Nothing to erase here: a delivered mail keeps no body (links are secrets), and the audit
    /// trail keeps the id of who acted — a record of staff actions, which names nobody once the
    /// account is gone.
    public func erase(personID: Int, env: UseCaseEnvironment, on db: any Database) async throws {}

    public func routes(_ router: RouteRegistrar, app: Application) throws {
        router.constant(Self.healthz) { _ in
            var headers = HTTPHeaders()
            headers.contentType = .plainText
            headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return Response(status: .ok, headers: headers, body: .init(staticString: "ok"))
        }
        router.constant(Self.staticFile) { req in
            req.agora.assets.response(for: req.parameters.get("file") ?? "", request: req)
        }
        router.get(Self.devOutbox, access: .devOnly) { req in
            // Login links are in there: the machine itself, or an administrator, and nobody else.
            let admin = req.visit.viewer?.rolesByTerritory.values.contains { $0.contains(.admin) } ?? false
            guard admin || Loopback.contains(req.remoteAddress?.ipAddress) else { throw Abort(.notFound) }
            let mails = try await OutboxMail.query(on: req.db).sort(\.$id, .descending).limit(50).all()
            return req.render(Self.outboxPage(visit: req.visit, mails: mails))
        }
    }

    static func outboxPage(visit: Visit, mails: [OutboxMail]) -> WebPage {
        let items = mails.map { mail -> HTML in
            """
            <article class="card"><h2>\(mail.subject)</h2>
            <p>\(visit.t("À", "To")) \(mail.recipient) · \(mail.createdAt.formatted(.iso8601))</p>
            <pre>\(mail.body)</pre>\(mail.attachments.isEmpty ? HTML.empty : "<p>\(visit.t("Pièces jointes", "Attachments")) : \(mail.attachments.map { "\($0.filename) (\($0.contentType))" }.joined(separator: ", "))</p>")</article>
            """
        }
        let main: HTML = """
            <h1>\(visit.t("Boîte d'envoi (développement)", "Outbox (development)"))</h1>
            <p>\(visit.t("Aucun serveur SMTP n'est configuré : les e-mails restent ici. Cette page n'existe pas en production.",
                     "No SMTP server is configured: e-mails stay here. This page does not exist in production."))</p>
            \(mails.isEmpty ? HTML("<p>\(visit.t("Aucun e-mail.", "No e-mail."))</p>") : HTML.join(items))
            """
        return WebPage(title: visit.t("Boîte d'envoi", "Outbox"), main: main)
    }
}

/// Whether an address is this machine's.
enum Loopback {
    static func contains(_ address: String?) -> Bool {
        guard let address else { return false }
        return address == "::1" || address.hasPrefix("127.") || address == "::ffff:127.0.0.1"
    }
}
