import Accounts
import App
import Core
import Fluent
import Foundation
import NIOPosix
import Testing
import Vapor

@Suite("Territory staff", .serialized)
struct TerritoryStaffTests {
    @Test func coordinatorCreatesAnAssistedProfile() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            try await browser.login("coordination@vitre.example")
            try await browser.get("/vitre/profils-accompagnes/nouveau")
            #expect(browser.lastStatus == .ok)
            try await browser.post(
                "/vitre/profils-accompagnes/nouveau", ["alias": "Odette", "commune": "35330", "phone": "0612"])
            #expect(browser.lastStatus == .unprocessableEntity)
            #expect(browser.lastBody.contains("value=\"Odette\""))
            #expect(browser.lastBody.contains("Cochez la case"))
            #expect(try await Person.query(on: app.db).filter(\.$displayName == "Odette").count() == 0)
            try await browser.post(
                "/vitre/profils-accompagnes/nouveau",
                ["alias": "Odette", "commune": "35330", "phone": "06 11 22 33 44", "consent": "on"])
            #expect(browser.location == "/vitre/profils-accompagnes")
            let list = try await browser.get("/vitre/profils-accompagnes")
            #expect(list.contains("Odette <span class=\"badge\">Profil accompagné</span>"))
            let odette = try #require(try await Person.query(on: app.db).filter(\.$displayName == "Odette").first())
            #expect(odette.isAssisted && odette.email == nil && odette.phone == "06 11 22 33 44")
            #expect(
                try await Consent.query(on: app.db).filter(\.$personID == odette.id!).first()?.kind == "assisted_oral")
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "assisted.created").count() == 1)

            let json = try await browser.get("/vitre/profils-accompagnes/\(odette.id!)/donnees")
            #expect(json.contains("Odette"))
            try await browser.get("/vitre/profils-accompagnes")
            try await browser.post("/vitre/profils-accompagnes/\(odette.id!)/supprimer", [:])
            #expect(try await Person.find(odette.id, on: app.db) == nil)
        }
    }

    @Test func otherTerritoriesAndTamperedIdsAreRefused() async throws {
        try await withDemoApp { app in
            let marcel = try #require(try await Person.query(on: app.db).filter(\.$isAssisted == true).first())
            let outsider = Browser(app)
            try await outsider.login("coordination@broceliande.example")
            try await outsider.get("/vitre/profils-accompagnes")
            #expect(outsider.lastStatus == .forbidden)
            #expect(outsider.lastBody.contains("Accès refusé"))
            try await outsider.get("/broceliande/profils-accompagnes")
            #expect(outsider.lastStatus == .ok)
            #expect(!outsider.lastBody.contains("Marcel"))
            // Marcel belongs to Vitré: through Brocéliande's address his id is unknown.
            try await outsider.get("/broceliande/profils-accompagnes/\(marcel.id!)/donnees")
            #expect(outsider.lastStatus == .notFound)
            try await outsider.post("/broceliande/profils-accompagnes/\(marcel.id!)/supprimer", [:])
            #expect(outsider.lastStatus == .notFound)
            #expect(try await Person.find(marcel.id, on: app.db) != nil)

            let resident = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await resident.get("/vitre/profils-accompagnes/nouveau")
            #expect(resident.lastStatus == .forbidden)
        }
    }

    @Test func administratorGrantsAndWithdrawsRoles() async throws {
        try await withDemoApp { app in
            let admin = Browser(app)
            try await admin.login("admin@vitre.example")
            let page = try await admin.get("/vitre/membres?q=jeanne")
            #expect(page.contains("Jeanne Lemoine"))
            #expect(!page.contains("Karim"))
            try await admin.post(
                "/vitre/membres/roles",
                ["email": "habitant@vitre.example", "role": "patient_partner", "action": "grant"])
            #expect(admin.lastStatus == .seeOther)
            let jeanne = try #require(
                try await Person.query(on: app.db).filter(\.$email == "habitant@vitre.example").first())
            #expect(
                try await Membership.query(on: app.db).filter(\.$personID == jeanne.id!).filter(
                    \.$role == "patient_partner"
                ).count() == 1)
            try await admin.get("/vitre/membres")
            try await admin.post(
                "/vitre/membres/roles", ["email": "inconnu@exemple.fr", "role": "admin", "action": "grant"])
            #expect(admin.lastStatus == .unprocessableEntity)
            #expect(admin.lastBody.contains("Aucun compte n&#39;a cette adresse e-mail."))
            try await admin.post(
                "/vitre/membres/roles",
                ["email": "habitant@vitre.example", "role": "patient_partner", "action": "revoke"])
            #expect(
                try await Membership.query(on: app.db).filter(\.$personID == jeanne.id!).filter(
                    \.$role == "patient_partner"
                ).count() == 0)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action ~~ "role.").count() == 2)
        }
    }

    @Test func importingCommunesIsAllOrNothing() async throws {
        try await withDemoApp { app in
            let bad = "code_insee,nom,codes_postaux,population_municipale\n35360,Vitré,35500,18956\n35999,,35500,-3\n"
            do {
                _ = try await AccountsAdministration.importCommunes(
                    csv: bad, territorySlug: "rennes", territoryName: "Rennes", on: app.db)
                Issue.record("a bad file was accepted")
            } catch let failure as AccountsAdministration.Failure {
                #expect(failure.description.contains("ligne 3, colonne nom"))
                #expect(failure.description.contains("ligne 3, colonne population_municipale"))
            }
            #expect(try await Territory.query(on: app.db).filter(\.$slug == "rennes").count() == 0)
            let good = "code_insee,nom,codes_postaux,population_municipale\n35238,Rennes,35000|35200|35700,227830\n"
            let result = try await AccountsAdministration.importCommunes(
                csv: good, territorySlug: "rennes", territoryName: "Rennes", on: app.db)
            #expect(result.created == 1)
            try await app.agora.territories.reload()
            let browser = Browser(app)
            #expect(try await browser.get("/rennes").contains("227\u{202F}830"))

            // The communes table of a home page is rendered once, and again after a reload.
            #expect(try await browser.get("/vitre").contains("Bais"))
            _ = try await AccountsAdministration.importCommunes(
                csv: "code_insee,nom,codes_postaux,population_municipale\n35999,Nouvelle-Commune,35500,1234\n",
                territorySlug: "vitre", territoryName: nil, on: app.db)
            #expect(try await !browser.get("/vitre").contains("Nouvelle-Commune"))
            try await app.agora.territories.reload()
            #expect(try await browser.get("/vitre").contains("Nouvelle-Commune"))
        }
    }

    @Test func mailIsKeptWhenTheServerIsDown() async throws {
        try await withDemoApp { app in
            try await Mailer.enqueue(to: "jeanne@exemple.fr", subject: "Test", body: "Bonjour", on: app.db)
            let smtp = SMTPClient(
                settings: .init(host: "127.0.0.1", port: 1, from: "agora@example.org", security: .none),
                group: MultiThreadedEventLoopGroup.singleton, timeout: .seconds(5))
            let worker = MailWorker(db: app.db, smtp: smtp, logger: app.logger)
            #expect(try await worker.deliverDue() == 1)
            let mail = try #require(try await OutboxMail.query(on: app.db).first())
            #expect(mail.sentAt == nil && mail.attempts == 1 && mail.lastError != nil && mail.body == "Bonjour")
            #expect(mail.nextAttemptAt > Date())
            #expect(try await worker.deliverDue() == 0)  // not due again before its back-off
        }
    }

    /// A mail the server refused for itself, shown to an administrator with its error, re-sent by
    /// a POST that needs the form's CSRF token (issue #16); nobody else sees the page.
    @Test func anAdministratorSeesARefusedMailAndSendsItAgain() async throws {
        try await withDemoApp { app in
            try await Mailer.enqueue(to: "nobody@vitre.example", subject: "Votre lien d'accès", body: "x", on: app.db)
            let mail = try #require(
                try await OutboxMail.query(on: app.db).filter(\.$recipient == "nobody@vitre.example").first())
            mail.failedAt = Date()
            mail.failure = .refused
            mail.attempts = 1
            mail.lastError = "SMTP: RCPT TO:<nobody@vitre.example> → 550 5.1.1 No such user"
            try await mail.update(on: app.db)
            let id = try mail.requireID()

            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            try await coordinator.get("/administration/envois")
            #expect(coordinator.lastStatus == .forbidden)
            #expect(!coordinator.lastBody.contains("nobody@vitre.example"))

            let admin = Browser(app)
            try await admin.login("admin@vitre.example")
            let page = try await admin.get("/administration/envois")
            #expect(admin.lastStatus == .ok)
            #expect(page.contains("nobody@vitre.example") && page.contains("550 5.1.1 No such user"))
            #expect(page.contains("action=\"/administration/envois/\(id)/renvoyer\""))
            #expect(page.contains("Votre lien d&#39;accès"), "escaped like every text")

            try await admin.post("/administration/envois/\(id)/renvoyer", [:], csrf: "forged")
            #expect(admin.lastStatus == .forbidden, "no CSRF token, no re-sending")
            #expect(try await OutboxMail.find(id, on: app.db)?.failedAt != nil)

            try await admin.get("/administration/envois")
            try await admin.post("/administration/envois/\(id)/renvoyer", [:])
            #expect(admin.lastStatus == .seeOther)
            let queued = try #require(try await OutboxMail.find(id, on: app.db))
            #expect(queued.failedAt == nil && queued.attempts == 0 && queued.sentAt == nil)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$action == "mail.resend").all()
            #expect(audit.map(\.subject) == ["mail \(id)"])
        }
    }

    /// The login page offers a new confirmation link; asking for one answers the same for any
    /// address and mails only an account that awaits its confirmation.
    @Test func theLoginPageOffersANewConfirmationLink() async throws {
        try await withDemoApp { app in
            let person = Person(
                email: "nouvelle@vitre.example", passwordHash: nil, displayName: "Nouvelle", isAssisted: false)
            try await person.create(on: app.db)
            let browser = Browser(app)
            let login = try await browser.get("/connexion")
            #expect(login.contains("href=\"/confirmation/nouveau-lien\""))
            try await browser.get("/confirmation/nouveau-lien")
            #expect(browser.lastStatus == .ok)
            let known = try await browser.post("/confirmation/nouveau-lien", ["email": "nouvelle@vitre.example"])
            try await browser.get("/confirmation/nouveau-lien")
            let unknown = try await browser.post("/confirmation/nouveau-lien", ["email": "personne@vitre.example"])
            #expect(browser.lastStatus == .ok)
            func stripped(_ page: String, _ email: String) -> String {
                page.replacingOccurrences(of: email, with: "ADRESSE")
                    .replacingOccurrences(of: #"value="[^"]*""#, with: "", options: .regularExpression)
            }
            #expect(stripped(known, "nouvelle@vitre.example") == stripped(unknown, "personne@vitre.example"))
            #expect(
                try await lastLink(to: "nouvelle@vitre.example", prefix: "http", on: app.db)?.contains("/confirmer/")
                    == true)
            #expect(
                try await OutboxMail.query(on: app.db).filter(\.$recipient == "personne@vitre.example").count() == 0)
        }
    }
}
