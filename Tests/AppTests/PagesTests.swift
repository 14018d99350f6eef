import Accounts
import App
import Core
import Fluent
import Foundation
import Testing
import Vapor

@Suite("Pages", .serialized)
struct PagesTests {
    @Test func publicPagesRenderInFrenchWithSecurityHeaders() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            for (path, text) in [
                ("/", "Vitré Communauté"), ("/vitre", "83\u{202F}737"), ("/broceliande", "Paimpont"),
                ("/connexion", "Se connecter"), ("/inscription", "Créer un compte"),
                ("/mot-de-passe-oublie", "Mot de passe oublié"),
                ("/lien-de-connexion", "lien de connexion"), ("/accessibilite", "RGAA"),
                ("/mentions-legales", "Mentions légales"),
                ("/confidentialite", "Données personnelles"), ("/conditions", "Conditions d'utilisation"),
                ("/vitre/evenements", "Forums et ateliers"), ("/vitre/evenements/mois", "Mois suivant"),
                ("/broceliande/evenements", "la forêt"),
                ("/participer", "Participer à un atelier"), ("/vitre/participer", "Code de l'atelier"),
            ] {
                let body = try await browser.get(path)
                #expect(browser.lastStatus == .ok, "\(path)")
                #expect(body.contains(text.replacingOccurrences(of: "'", with: "&#39;")), "\(path) lacks \(text)")
                #expect(body.contains("<html lang=\"fr\">"))
                #expect(body.contains("href=\"#contenu\""), "\(path) has no skip link")
                #expect(!body.contains("<script>"), "\(path) has an inline script")
                #expect(
                    browser.lastHeaders.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true)
                #expect(browser.lastHeaders.first(name: "X-Content-Type-Options") == "nosniff")
            }
        }
    }

    @Test func unknownPagesAndTerritoriesAreFrench404s() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            for path in ["/nulle-part", "/vitre/nexiste-pas", "/atlantide"] {
                let body = try await browser.get(path)
                #expect(browser.lastStatus == .notFound, "\(path)")
                #expect(body.contains("Page introuvable"))
            }
        }
    }

    @Test func englishIsOneClickAway() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            let body = try await browser.get("/vitre?lang=en")
            #expect(body.contains("<html lang=\"en\">"))
            #expect(body.contains("Take part"))
            #expect(browser.cookies[CookieName.lang] == "en")
            let next = try await browser.get("/connexion")
            #expect(next.contains("Log in"))
            #expect(next.contains("href=\"/connexion?lang=fr\""))
        }
    }

    @Test func healthCheckAndStaticFilesAreConstant() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            #expect(try await browser.get("/healthz") == "ok")
            #expect(browser.lastHeaders[.setCookie].isEmpty)
            let css = try await browser.get(app.agora.assets.url(for: "app.css")!)
            #expect(css.contains(".skip-link"))
            #expect(browser.lastHeaders.first(name: .cacheControl)?.contains("immutable") == true)
        }
    }

    /// Issue #16, attack 4: the outbox holds login links. Asked for (as the tests do), it shows
    /// only to the machine itself or an administrator; a visitor from elsewhere finds nothing.
    @Test func devOutboxExistsOnlyWithoutSMTP() async throws {
        try await withDemoApp { app in
            let visitor = Browser(app)
            try await visitor.get("/dev/outbox")
            #expect(visitor.lastStatus == .notFound, "not from another machine")
            let resident = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await resident.get("/dev/outbox")
            #expect(resident.lastStatus == .notFound)
            let admin = Browser(app)
            try await admin.login("admin@vitre.example")
            try await admin.get("/dev/outbox")
            #expect(admin.lastStatus == .ok)
        }
        try await withDemoApp(configure: { $0.devOutbox = false }) { app in
            let admin = Browser(app)
            try await admin.login("admin@vitre.example")
            try await admin.get("/dev/outbox")
            #expect(admin.lastStatus == .notFound, "not asked for: it does not exist")
        }
        try await withDemoApp(configure: {
            $0.smtp = .init(host: "127.0.0.1", port: 1, from: "a@example.org", security: .none)
        }) { app in
            let browser = Browser(app)
            try await browser.get("/dev/outbox")
            #expect(browser.lastStatus == .notFound)
        }
    }
}
