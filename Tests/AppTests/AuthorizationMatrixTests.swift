import Accounts
import App
import Core
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Every route × every role of the territory, anonymous, and a coordinator of another territory.
/// The expected access of every route is written here, independently of the code: a new route
/// without an expectation fails the test.
@Suite("Authorization matrix", .serialized)
struct AuthorizationMatrixTests {
    enum Expect { case everyone, guests, signedIn, roles(Set<Role>), dev, people(Set<String>) }

    static let expectations: [String: Expect] = [
        "GET /healthz": .everyone, "GET /static/:file": .everyone, "GET /dev/outbox": .dev,
        "GET /": .everyone, "GET /:territory": .everyone, "POST /:territory/rejoindre": .signedIn,
        "GET /connexion": .guests, "POST /connexion": .guests, "POST /deconnexion": .everyone,
        "GET /inscription": .guests, "POST /inscription": .guests, "GET /inscription/merci": .everyone,
        "GET /confirmer/:token": .everyone, "POST /confirmer/:token": .everyone,
        "GET /lien-de-connexion": .guests, "POST /lien-de-connexion": .guests,
        "GET /lien/:token": .everyone, "POST /lien/:token": .everyone,
        "GET /mot-de-passe-oublie": .everyone, "POST /mot-de-passe-oublie": .everyone,
        "GET /reinitialiser/:token": .everyone, "POST /reinitialiser/:token": .everyone,
        "GET /compte": .signedIn, "POST /compte": .signedIn, "GET /compte/donnees": .signedIn,
        "GET /compte/supprimer": .signedIn, "POST /compte/supprimer": .signedIn,
        "GET /:territory/profils-accompagnes": .roles([.patientPartner, .coordinator, .admin]),
        "GET /:territory/profils-accompagnes/nouveau": .roles([.patientPartner, .coordinator, .admin]),
        "POST /:territory/profils-accompagnes/nouveau": .roles([.patientPartner, .coordinator, .admin]),
        "GET /:territory/profils-accompagnes/:person/donnees": .roles([.patientPartner, .coordinator, .admin]),
        "POST /:territory/profils-accompagnes/:person/supprimer": .roles([.patientPartner, .coordinator, .admin]),
        "GET /:territory/membres": .roles([.admin]), "POST /:territory/membres/roles": .roles([.admin]),
        "GET /accessibilite": .everyone, "GET /mentions-legales": .everyone, "GET /confidentialite": .everyone,
        "GET /conditions": .everyone,
        // Proposals: public reading; members take part; staff answer and moderate.
        "GET /:territory/propositions": .everyone, "GET /:territory/propositions/:proposal": .everyone,
        "GET /:territory/propositions/:proposal/piece-jointe": .everyone, "GET /:territory/suivi-des-propositions": .everyone,
        "GET /:territory/propositions/nouvelle": .roles([.resident, .professional, .patientPartner, .coordinator]),
        "POST /:territory/propositions/nouvelle": .roles([.resident, .professional, .patientPartner, .coordinator]),
        "GET /:territory/propositions/:proposal/modifier": .roles(Set(Role.allCases)),
        "POST /:territory/propositions/:proposal/modifier": .roles(Set(Role.allCases)),
        "POST /:territory/propositions/:proposal/soutien": .roles(Set(Role.allCases)),
        "POST /:territory/propositions/:proposal/commentaires": .roles(Set(Role.allCases)),
        "POST /:territory/propositions/:proposal/signalement": .roles(Set(Role.allCases)),
        "POST /:territory/propositions/:proposal/etat": .roles([.coordinator, .decisionMaker]),
        "POST /:territory/propositions/:proposal/suivi": .roles([.coordinator, .decisionMaker]),
        "POST /:territory/propositions/:proposal/moderation": .roles([.coordinator, .admin]),
        "GET /:territory/moderation": .roles([.coordinator, .admin]),
        // Experiences (the national demo call stands for :call): public calls and catalogue; an
        // account to contribute (without a session, what was typed is kept and the person sent to
        // log in); national calls opened by national organisers only, local ones by the territory's
        // staff; the review and the figures of a call for its reviewers and organisers.
        "GET /appels": .everyone, "GET /appels/:call": .everyone, "GET /:territory/appels": .everyone,
        "GET /appels/nouveau": .people([Self.nationalOrganiser]), "POST /appels/nouveau": .people([Self.nationalOrganiser]),
        "GET /:territory/appels/nouveau": .roles([.coordinator, .admin]), "POST /:territory/appels/nouveau": .roles([.coordinator, .admin]),
        "GET /appels/:call/contribuer": .signedIn, "POST /appels/:call/contribuer": .signedIn,
        "GET /appels/:call/reprise/:token": .signedIn,
        "GET /appels/:call/evaluation": .people([Self.nationalOrganiser]), "GET /appels/:call/chiffres": .people([Self.nationalOrganiser]),
        "POST /appels/:call/relecteurs": .people([Self.nationalOrganiser]),
        "GET /appels/:call/modifier": .people([Self.nationalOrganiser]), "POST /appels/:call/modifier": .people([Self.nationalOrganiser]),
        "GET /appels/:call/contributions/:submission": .signedIn,
        "GET /appels/:call/contributions/:submission/modifier": .signedIn, "POST /appels/:call/contributions/:submission/modifier": .signedIn,
        "POST /appels/:call/contributions/:submission/coauteurs": .signedIn, "POST /appels/:call/contributions/:submission/reponse": .signedIn,
        "GET /appels/:call/contributions/:submission/notation": .signedIn, "POST /appels/:call/contributions/:submission/notation": .signedIn,
        "POST /appels/:call/contributions/:submission/etat": .signedIn,
        "GET /appels/:call/contributions/:submission/pieces/:attachment": .everyone,
        "GET /coauteurs/:token": .signedIn, "POST /coauteurs/:token": .signedIn,
        "GET /experiences": .everyone, "GET /experiences/:experience": .everyone,
        "GET /experiences.csv": .everyone, "GET /experiences.json": .everyone,
    ]

    /// The national organiser of the experiences demo (a platform-level role, not a territory's).
    static let nationalOrganiser = "organisation@appel-national.example"

    /// The people who knock: nil is anonymous; the Brocéliande coordinator has no role in Vitré.
    static let personas: [(label: String, email: String?, rolesInVitre: Set<Role>)] = [
        ("anonyme", nil, []),
        ("habitant", "habitant@vitre.example", [.resident]),
        ("professionnel", "pro@vitre.example", [.professional]),
        ("patient partenaire", "partenaire@vitre.example", [.patientPartner, .resident]),
        ("coordinateur", "coordination@vitre.example", [.coordinator]),
        ("décideur", "decideur@vitre.example", [.decisionMaker]),
        ("administrateur", "admin@vitre.example", [.admin]),
        ("coordinateur d'un autre territoire", "coordination@broceliande.example", []),
        ("organisation nationale des appels à expériences", nationalOrganiser, []),
    ]

    @Test func everyRouteRefusesWhoItMustAndOnlyThem() async throws {
        try await withDemoApp { app in
            let entries = app.agora.catalog.entries
            let keys = Set(entries.map { "\($0.method.rawValue) \($0.path)" })
            #expect(keys == Set(Self.expectations.keys), "routes without expectations: \(keys.subtracting(Self.expectations.keys)); stale: \(Set(Self.expectations.keys).subtracting(keys))")

            var ids: [String: Int] = [:]
            for persona in Self.personas {
                guard let email = persona.email else { continue }
                ids[email] = try await Person.query(on: app.db).filter(\.$email == email).first()?.id
            }
            struct Call: Decodable { let id: Int }
            let nationalCall = try #require(try await (app.db as! any SQLDatabase).raw("SELECT id FROM experience_calls WHERE territory_id IS NULL").first(decoding: Call.self)).id
            // Joining a territory changes roles: it runs last.
            let ordered = entries.sorted { ($0.path.hasSuffix("rejoindre") ? 1 : 0) < ($1.path.hasSuffix("rejoindre") ? 1 : 0) }
            var checked = 0
            for entry in ordered {
                let key = "\(entry.method.rawValue) \(entry.path)"
                guard let expectation = Self.expectations[key] else { continue }
                let path = entry.path
                    .replacingOccurrences(of: ":territory", with: "vitre")
                    .replacingOccurrences(of: ":token", with: "jeton-inconnu")
                    .replacingOccurrences(of: ":person", with: "999999")
                    .replacingOccurrences(of: ":proposal", with: "999999")
                    .replacingOccurrences(of: ":file", with: "app.css")
                    .replacingOccurrences(of: ":call", with: String(nationalCall))
                    .replacingOccurrences(of: ":submission", with: "999999")
                    .replacingOccurrences(of: ":attachment", with: "999999")
                    .replacingOccurrences(of: ":experience", with: "999999")
                for persona in Self.personas {
                    let browser = Browser(app)
                    if let email = persona.email, let id = ids[email] {
                        // A fresh session per request: logging out or deleting must not spill over.
                        let token = Tokens.random()
                        try await Accounts.SessionRecord(tokenHash: Tokens.sha256Hex(token), personID: id, lifetime: 3600).create(on: app.db)
                        browser.cookies[CookieName.session] = token
                    }
                    try await browser.get("/mot-de-passe-oublie?lang=fr") // a form, hence a CSRF token, for everyone
                    if entry.method == .POST {
                        try await browser.post(path, [:])
                    } else {
                        try await browser.get(path)
                    }
                    let signedIn = persona.email != nil
                    let status = browser.lastStatus
                    let toLogin = status == .seeOther && browser.location?.hasPrefix("/connexion") == true
                    let refused = status == .forbidden || status == .unauthorized || toLogin
                    let allowed: Bool
                    switch expectation {
                    case .everyone, .guests: allowed = true
                    case .signedIn: allowed = signedIn
                    case .roles(let roles): allowed = signedIn && !roles.isDisjoint(with: persona.rolesInVitre)
                    case .dev: allowed = true // tests run without SMTP
                    case .people(let emails): allowed = persona.email.map(emails.contains) ?? false
                    }
                    if allowed {
                        #expect(!refused, "\(key) refused \(persona.label) (\(status.code))")
                    } else {
                        #expect(refused, "\(key) let \(persona.label) through (\(status.code))")
                        if signedIn { #expect(status == .forbidden, "\(key) for \(persona.label): \(status.code)") }
                    }
                    #expect(status.code < 500, "\(key) for \(persona.label): \(status.code)")
                    checked += 1
                }
            }
            #expect(checked == Self.expectations.count * Self.personas.count)
        }
    }
}
