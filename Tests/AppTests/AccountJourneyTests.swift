import Accounts
import App
import Core
import Fluent
import Foundation
import Testing
import Vapor

@Suite("Account journeys", .serialized)
struct AccountJourneyTests {
    static let good = [
        "display_name": "Jeanne", "email": "jeanne@exemple.fr", "password": "une phrase assez longue",
        "territory": "vitre", "role": "resident", "accept_terms": "on",
    ]

    @Test func signUpConfirmLogInEditDownloadDelete() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            try await browser.get("/inscription")
            try await browser.post("/inscription", Self.good)
            #expect(browser.lastStatus == .seeOther)
            #expect(browser.location == "/inscription/merci")
            let person = try #require(
                try await Person.query(on: app.db).filter(\.$email == "jeanne@exemple.fr").first())
            #expect(person.emailConfirmedAt == nil)
            #expect(person.passwordHash?.hasPrefix("$2") == true)
            let consents = try await Consent.query(on: app.db).filter(\.$personID == person.id!).all()
            #expect(Set(consents.map(\.kind)) == ["terms", "privacy"])
            #expect(consents.allSatisfy { $0.version == LegalDocument.terms.currentVersion })

            // Not confirmed yet: login is refused with a clear message.
            try await browser.get("/connexion")
            try await browser.post("/connexion", ["email": "jeanne@exemple.fr", "password": "une phrase assez longue"])
            #expect(browser.lastStatus == .forbidden)
            #expect(browser.lastBody.contains("Confirmez d&#39;abord votre adresse"))

            let link = try #require(try await lastLink(to: "jeanne@exemple.fr", prefix: "/confirmer/", on: app.db))
            let landing = try await browser.get(link)
            #expect(landing.contains("Confirmer mon adresse"))
            try await browser.post(link, [:])
            #expect(browser.location == "/connexion")
            try await browser.get(link)  // a second use fails
            #expect(browser.lastStatus == .gone)
            #expect(browser.lastBody.contains("Ce lien n"))

            try await browser.get("/connexion")
            let anonymousSession = browser.cookies[CookieName.session]
            try await browser.post("/connexion", ["email": "JEANNE@exemple.fr", "password": "une phrase assez longue"])
            #expect(browser.location == "/compte")
            let session = try #require(browser.cookies[CookieName.session])
            #expect(session != anonymousSession)
            let account = try await browser.get("/compte")
            #expect(account.contains("jeanne@exemple.fr"))
            #expect(account.contains("Vitré Communauté"))

            // Logging in again gives a new session id and ends the old one.
            try await browser.get("/connexion?lang=fr")
            #expect(browser.lastStatus == .seeOther)  // already signed in: sent to the account page

            try await browser.get("/compte")
            try await browser.post("/compte", ["display_name": "Jeanne L.", "commune": "99999", "age_band": "60-74"])
            #expect(browser.lastStatus == .unprocessableEntity)
            #expect(browser.lastBody.contains("Choisissez une commune de la liste."))
            #expect(browser.lastBody.contains("value=\"Jeanne L.\""))
            #expect(try await Person.find(person.id, on: app.db)?.displayName == "Jeanne")
            try await browser.post("/compte", ["display_name": "Jeanne L.", "commune": "35360", "age_band": "60-74"])
            #expect(browser.lastStatus == .seeOther)
            let saved = try #require(try await Person.find(person.id, on: app.db))
            #expect(saved.displayName == "Jeanne L." && saved.communeCode == "35360" && saved.ageBand == "60-74")
            let page = try await browser.get("/compte")
            #expect(page.contains("Vos informations ont été enregistrées."))
            #expect(page.contains("<option value=\"35360\" selected>Vitré</option>"))

            let json = try await browser.get("/compte/donnees")
            #expect(browser.lastHeaders.first(name: .contentDisposition)?.contains("attachment") == true)
            let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let exported = document?["account"] as? [String: Any]
            #expect(exported?["email"] as? String == "jeanne@exemple.fr")
            #expect(exported?["commune_code"] as? String == "35360")
            #expect((document?["memberships"] as? [Any])?.count == 1)

            try await browser.get("/compte/supprimer")
            try await browser.post("/compte/supprimer", ["password": "mauvais mot de passe", "confirm": "on"])
            #expect(browser.lastStatus == .unprocessableEntity)
            #expect(try await Person.find(person.id, on: app.db) != nil)
            try await browser.post("/compte/supprimer", ["password": "une phrase assez longue", "confirm": "on"])
            #expect(browser.location == "/")
            #expect(try await Person.find(person.id, on: app.db) == nil)
            #expect(try await Membership.query(on: app.db).filter(\.$personID == person.id!).count() == 0)
            #expect(try await Accounts.SessionRecord.query(on: app.db).filter(\.$personID == person.id!).count() == 0)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "account.erased").count() == 1)
            try await browser.get("/compte")
            #expect(browser.location?.hasPrefix("/connexion") == true)
        }
    }

    @Test func badSignUpInputKeepsWhatWasTypedAndSavesNothing() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            let before = try await count(Person.self, on: app.db)
            for (change, field, message) in [
                (["email": "pas-un-email"], "email", "adresse e-mail n&#39;est pas valide"),
                (["password": "onze-chars!"], "password", "au moins 12 caractères"),
                (["accept_terms": ""], "accept_terms", "accepter les conditions"),
                (["role": "professional"], "profession", "Choisissez votre profession"),
            ] {
                var form = Self.good
                for (key, value) in change {
                    if value.isEmpty { form.removeValue(forKey: key) } else { form[key] = value }
                }
                try await browser.get("/inscription")
                let body = try await browser.post("/inscription", form)
                #expect(browser.lastStatus == .unprocessableEntity, "\(field)")
                #expect(body.contains(message), "\(field): \(message)")
                #expect(body.contains("id=\"champ-\(field)-erreur\""), "\(field) error not next to the field")
                #expect(body.contains("class=\"error-summary\" role=\"alert\""))
                #expect(body.contains("value=\"Jeanne\""))
                #expect(!body.contains("une phrase assez longue"))
            }
            #expect(try await count(Person.self, on: app.db) == before)
            #expect(try await count(OutboxMail.self, on: app.db) == 0)
        }
    }

    @Test func signingUpTwiceRevealsNothingAndCreatesNothing() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            var form = Self.good
            form["email"] = "habitant@vitre.example"
            try await browser.get("/inscription")
            try await browser.post("/inscription", form)
            #expect(browser.location == "/inscription/merci")
            #expect(try await Person.query(on: app.db).filter(\.$email == "habitant@vitre.example").count() == 1)
            let mail = try #require(
                try await OutboxMail.query(on: app.db).filter(\.$recipient == "habitant@vitre.example").first())
            #expect(mail.subject.contains("déjà un compte"))
        }
    }

    /// Issue #16: a CSRF token read while anonymous still worked after logging in.
    @Test func theCSRFTokenIsRenewedAtLogin() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            try await browser.get("/connexion")
            let before = try #require(browser.csrf)
            try await browser.post(
                "/connexion", ["email": "habitant@vitre.example", "password": AccountsDemo.password])
            #expect(browser.lastStatus == .seeOther)
            try await browser.post("/deconnexion", [:], csrf: before)
            #expect(browser.lastStatus == .forbidden, "the token of before the login is refused")
            try await browser.get("/compte")
            #expect(browser.lastStatus == .ok, "still signed in")
            #expect(browser.csrf != before)
            try await browser.post("/deconnexion", [:])
            #expect(browser.lastStatus == .seeOther, "the new token works")
        }
    }

    @Test func missingOrTamperedCSRFTokenIsRefusedAndNothingSaved() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            try await browser.get("/inscription")
            let before = try await count(Person.self, on: app.db)
            try await browser.post("/inscription", Self.good, csrf: "faux-jeton")
            #expect(browser.lastStatus == .forbidden)
            #expect(browser.lastBody.contains("ce formulaire n&#39;a pas été enregistré"))
            var form = Self.good
            form["_csrf"] = ""
            try await browser.post("/inscription", form)
            #expect(browser.lastStatus == .forbidden)
            let stranger = Browser(app)  // no CSRF cookie at all
            try await stranger.post(
                "/connexion", ["email": "habitant@vitre.example", "password": AccountsDemo.password], csrf: browser.csrf
            )
            #expect(stranger.lastStatus == .forbidden)
            #expect(try await count(Person.self, on: app.db) == before)
        }
    }

    @Test func wrongPasswordsAreAnsweredAlikeAndRateLimited() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            try await browser.get("/connexion")
            let body = try await browser.post(
                "/connexion", ["email": "habitant@vitre.example", "password": "pas le bon mot de passe"])
            #expect(browser.lastStatus == .unauthorized)
            #expect(body.contains("Adresse e-mail ou mot de passe incorrect."))
            #expect(body.contains("value=\"habitant@vitre.example\""))
            try await browser.post(
                "/connexion", ["email": "personne@nulle-part.fr", "password": "pas le bon mot de passe"])
            #expect(browser.lastBody.contains("Adresse e-mail ou mot de passe incorrect."))
            for _ in 0..<3 {
                try await browser.post("/connexion", ["email": "habitant@vitre.example", "password": "encore faux !!"])
            }
            // The test configuration allows 5 failures per address: the next attempt, even right, is refused.
            try await browser.post(
                "/connexion", ["email": "habitant@vitre.example", "password": AccountsDemo.password])
            #expect(browser.lastStatus == .tooManyRequests)
            #expect(browser.lastBody.contains("Trop de tentatives"))
        }
    }

    /// Issue #16, attack 9: `suivant=/<TAB>/evil.example` gave `Location: /\t/evil.example`, which
    /// URL parsers read as `//evil.example`. The login now goes to the account page instead.
    @Test func theLoginNeverSendsAnywhereElse() async throws {
        try await withDemoApp { app in
            for attack in ["/\t/evil.example", "/\\evil.example", "https://evil.example", "/ /evil.example"] {
                let browser = Browser(app)
                try await browser.get("/connexion")
                try await browser.post(
                    "/connexion",
                    ["email": "habitant@vitre.example", "password": AccountsDemo.password, "suivant": attack])
                #expect(browser.lastStatus == .seeOther)
                #expect(browser.location == "/compte", "\(attack.debugDescription) must not be followed")
            }
        }
    }

    @Test func signUpIsRateLimitedPerAddress() async throws {
        try await withDemoApp(configure: { $0.signupLimit = 2 }) { app in
            let browser = Browser(app)
            for index in 0..<3 {
                var form = Self.good
                form["email"] = "jeanne\(index)@exemple.fr"
                try await browser.get("/inscription")
                try await browser.post("/inscription", form)
            }
            #expect(browser.lastStatus == .tooManyRequests)
            #expect(try await Person.query(on: app.db).filter(\.$email == "jeanne2@exemple.fr").count() == 0)
        }
    }

    @Test func oneTimeLoginLinkAndPasswordReset() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            try await browser.get("/lien-de-connexion")
            try await browser.post("/lien-de-connexion", ["email": "habitant@vitre.example"])
            #expect(browser.lastBody.contains("Si un compte existe"))
            let link = try #require(try await lastLink(to: "habitant@vitre.example", prefix: "/lien/", on: app.db))
            try await browser.get(link)
            #expect(browser.lastBody.contains("Me connecter"))
            try await browser.post(link, [:])
            #expect(browser.location == "/compte")
            #expect(browser.cookies[CookieName.session] != nil)

            let other = Browser(app)
            try await other.get("/mot-de-passe-oublie")
            try await other.post("/mot-de-passe-oublie", ["email": "pro@vitre.example"])
            let reset = try #require(try await lastLink(to: "pro@vitre.example", prefix: "/reinitialiser/", on: app.db))
            try await other.get(reset)
            try await other.post(reset, ["password": "court"])
            #expect(other.lastStatus == .unprocessableEntity)
            try await other.post(reset, ["password": "un tout nouveau mot de passe"])
            #expect(other.location == "/connexion")
            try await other.get("/connexion")
            try await other.post("/connexion", ["email": "pro@vitre.example", "password": AccountsDemo.password])
            #expect(other.lastStatus == .unauthorized)
            try await other.post(
                "/connexion", ["email": "pro@vitre.example", "password": "un tout nouveau mot de passe"])
            #expect(other.location == "/compte")

            // Unknown addresses get the same answer and no mail.
            let before = try await count(OutboxMail.self, on: app.db)
            try await other.get("/mot-de-passe-oublie")
            try await other.post("/mot-de-passe-oublie", ["email": "inconnu@exemple.fr"])
            #expect(other.lastBody.contains("Si un compte existe"))
            #expect(try await count(OutboxMail.self, on: app.db) == before)
        }
    }

    @Test func logoutEndsTheSessionInTheDatabase() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            try await browser.login("habitant@vitre.example")
            let sessions = try await count(Accounts.SessionRecord.self, on: app.db)
            try await browser.get("/compte")
            try await browser.post("/deconnexion", [:])
            #expect(browser.location == "/")
            #expect(try await count(Accounts.SessionRecord.self, on: app.db) == sessions - 1)
            try await browser.get("/compte")
            #expect(browser.lastStatus == .seeOther)
        }
    }
}
