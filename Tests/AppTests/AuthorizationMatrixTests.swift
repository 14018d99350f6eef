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
        "GET /:territory/themes": .roles([.coordinator, .admin]),
        "POST /:territory/themes/ajouter": .roles([.coordinator, .admin]),
        "POST /:territory/themes/modifier": .roles([.coordinator, .admin]),
        "GET /accessibilite": .everyone, "GET /mentions-legales": .everyone, "GET /confidentialite": .everyone,
        "GET /conditions": .everyone,
        // Proposals: public reading; members take part; staff answer and moderate.
        "GET /:territory/propositions": .everyone, "GET /:territory/propositions/:proposal": .everyone,
        "GET /:territory/propositions/:proposal/piece-jointe": .everyone,
        "GET /:territory/suivi-des-propositions": .everyone,
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
        "GET /:territory/actions": .everyone, "GET /:territory/actions/:action": .everyone,
        "POST /:territory/actions/:action": .roles([.coordinator, .decisionMaker]),
        "POST /:territory/actions/:action/etapes": .roles([.coordinator, .decisionMaker]),
        "POST /:territory/actions/:action/retirer-une-proposition": .roles([.coordinator, .decisionMaker]),
        "GET /:territory/instances": .everyone, "GET /:territory/instances/:committee": .everyone,
        "GET /:territory/instances/:committee/appels/:call": .everyone,
        "GET /:territory/instances/:committee/seances/:meeting": .everyone,
        "GET /:territory/instances/:committee/seances/:meeting/invitation.ics": .everyone,
        "GET /:territory/instances/nouvelle": .roles([.coordinator, .admin]),
        "POST /:territory/instances/nouvelle": .roles([.coordinator, .admin]),
        "GET /:territory/instances/:committee/gestion": .roles([.coordinator, .admin]),
        "POST /:territory/instances/:committee/membres": .roles([.coordinator, .admin]),
        "POST /:territory/instances/:committee/membres/:member/fin-de-mandat": .roles([.coordinator, .admin]),
        "POST /:territory/instances/:committee/appels": .roles([.coordinator, .admin]),
        "POST /:territory/instances/:committee/appels/:call/selection": .roles([.coordinator, .admin]),
        "POST /:territory/instances/:committee/appels/:call/tirage-au-sort": .roles([.coordinator, .admin]),
        "POST /:territory/instances/:committee/seances": .roles([.coordinator, .admin]),
        "POST /:territory/instances/:committee/seances/:meeting/presences": .roles([.coordinator, .admin]),
        "POST /:territory/instances/:committee/seances/:meeting/points/:item/ouvrir-le-vote": .roles([
            .coordinator, .admin,
        ]),
        "POST /:territory/instances/:committee/seances/:meeting/points/:item/decision": .roles([.coordinator, .admin]),
        "POST /:territory/instances/:committee/seances/:meeting/compte-rendu": .roles([.coordinator, .admin]),
        "POST /:territory/instances/:committee/seances/:meeting/approbation": .roles([.coordinator, .admin]),
        // Any member of the territory may knock; the handler then requires a seat (see CommitteeJourneyTests).
        "POST /:territory/instances/:committee/appels/:call/candidature": .roles(Set(Role.allCases)),
        "POST /:territory/instances/:committee/seances/:meeting/points/:item/vote": .roles(Set(Role.allCases)),
        "GET /:territory/instances/:committee/espace-membres": .roles(Set(Role.allCases)),
        "GET /:territory/instances/:committee/strategies/:strategy": .everyone,
        "POST /:territory/instances/:committee/strategies": .roles(Set(Role.allCases)),
        "POST /:territory/instances/:committee/strategies/:strategy/sections": .roles(Set(Role.allCases)),
        "POST /:territory/instances/:committee/strategies/:strategy/sections/:section": .roles(Set(Role.allCases)),
        "POST /:territory/instances/:committee/strategies/:strategy/sections/:section/commentaires": .roles(
            Set(Role.allCases)),
        "POST /:territory/instances/:committee/strategies/:strategy/adoption": .roles([.coordinator, .admin]),
        "POST /:territory/instances/:committee/documents": .roles(Set(Role.allCases)),
        "GET /:territory/instances/:committee/documents/:document": .roles(Set(Role.allCases)),
        // Experiences (the national demo call stands for :call): public calls and catalogue; an
        // account to contribute (without a session, what was typed is kept and the person sent to
        // log in); national calls opened by national organisers only, local ones by the territory's
        // staff; the review and the figures of a call for its reviewers and organisers.
        "GET /appels": .everyone, "GET /appels/:call": .everyone, "GET /:territory/appels": .everyone,
        "GET /appels/nouveau": .people([Self.nationalOrganiser]),
        "POST /appels/nouveau": .people([Self.nationalOrganiser]),
        "GET /:territory/appels/nouveau": .roles([.coordinator, .admin]),
        "POST /:territory/appels/nouveau": .roles([.coordinator, .admin]),
        "GET /appels/:call/contribuer": .signedIn, "POST /appels/:call/contribuer": .signedIn,
        "GET /appels/:call/reprise/:token": .signedIn,
        "GET /appels/:call/evaluation": .people([Self.nationalOrganiser]),
        "GET /appels/:call/chiffres": .people([Self.nationalOrganiser]),
        "POST /appels/:call/relecteurs": .people([Self.nationalOrganiser]),
        "GET /appels/:call/modifier": .people([Self.nationalOrganiser]),
        "POST /appels/:call/modifier": .people([Self.nationalOrganiser]),
        "GET /appels/:call/contributions/:submission": .signedIn,
        "GET /appels/:call/contributions/:submission/modifier": .signedIn,
        "POST /appels/:call/contributions/:submission/modifier": .signedIn,
        "POST /appels/:call/contributions/:submission/coauteurs": .signedIn,
        "POST /appels/:call/contributions/:submission/reponse": .signedIn,
        "GET /appels/:call/contributions/:submission/notation": .signedIn,
        "POST /appels/:call/contributions/:submission/notation": .signedIn,
        "POST /appels/:call/contributions/:submission/etat": .signedIn,
        "GET /appels/:call/contributions/:submission/pieces/:attachment": .everyone,
        "GET /coauteurs/:token": .signedIn, "POST /coauteurs/:token": .signedIn,
        // Questionnaires (the Vitré users' demo questionnaire stands for :questionnaire): answering is
        // public; builders are coordinators; assisted entry adds patient partners; aggregated results
        // add decision makers.
        "GET /:territory/questionnaires": .everyone, "GET /:territory/questionnaires/:questionnaire": .everyone,
        "GET /:territory/questionnaires/:questionnaire/repondre": .everyone,
        "POST /:territory/questionnaires/:questionnaire/repondre": .everyone,
        "GET /:territory/questionnaires/:questionnaire/reprendre/:token": .everyone,
        "GET /:territory/questionnaires/:questionnaire/papier": .everyone,
        "GET /:territory/questionnaires/:questionnaire/qr.svg": .everyone,
        "GET /:territory/questionnaires/nouveau": .roles([.coordinator, .admin]),
        "POST /:territory/questionnaires/nouveau": .roles([.coordinator, .admin]),
        "GET /:territory/questionnaires/:questionnaire/construire": .roles([.coordinator, .admin]),
        "POST /:territory/questionnaires/:questionnaire/construire": .roles([.coordinator, .admin]),
        "GET /:territory/questionnaires/:questionnaire/apercu": .roles([.coordinator, .admin]),
        "GET /:territory/questionnaires/:questionnaire/questions/nouvelle": .roles([.coordinator, .admin]),
        "POST /:territory/questionnaires/:questionnaire/questions/nouvelle": .roles([.coordinator, .admin]),
        "GET /:territory/questionnaires/:questionnaire/questions/:question": .roles([.coordinator, .admin]),
        "POST /:territory/questionnaires/:questionnaire/questions/:question": .roles([.coordinator, .admin]),
        "GET /:territory/questionnaires/:questionnaire/vagues": .roles([.coordinator, .admin]),
        "POST /:territory/questionnaires/:questionnaire/vagues": .roles([.coordinator, .admin]),
        "GET /:territory/questionnaires/:questionnaire/import": .roles([.coordinator, .admin]),
        "POST /:territory/questionnaires/:questionnaire/import": .roles([.coordinator, .admin]),
        "GET /:territory/questionnaires/:questionnaire/textes": .roles([.coordinator, .admin]),
        "POST /:territory/questionnaires/:questionnaire/textes": .roles([.coordinator, .admin]),
        "GET /:territory/questionnaires/:questionnaire/reponses.csv": .roles([.coordinator, .admin]),
        "GET /:territory/questionnaires/:questionnaire/reponses-tableur.csv": .roles([.coordinator, .admin]),
        "GET /:territory/questionnaires/:questionnaire/saisie": .roles([.coordinator, .admin, .patientPartner]),
        "POST /:territory/questionnaires/:questionnaire/saisie": .roles([.coordinator, .admin, .patientPartner]),
        "GET /:territory/questionnaires/:questionnaire/resultats": .roles([.coordinator, .admin, .decisionMaker]),
        "GET /:territory/questionnaires/:questionnaire/participation": .roles([.coordinator, .admin, .decisionMaker]),
        "GET /:territory/questionnaires/:questionnaire/resultats.csv": .roles([.coordinator, .admin, .decisionMaker]),
        "GET /:territory/questionnaires/:questionnaire/livre-de-codes.csv": .roles([
            .coordinator, .admin, .decisionMaker,
        ]),
        "GET /:territory/questionnaires/croisement": .roles([.coordinator, .admin, .decisionMaker]),
        "GET /experiences": .everyone, "GET /experiences/:experience": .everyone,
        "GET /experiences.csv": .everyone, "GET /experiences.json": .everyone,
        // Events: the agenda and event pages are public; creating needs a coordinator, an
        // administrator or a patient partner (who then manages only the workshops they created,
        // checked by the handler); registering oneself needs an account; the registration's own
        // page is reached by its signed link; live participation needs no account.
        "GET /:territory/evenements": .everyone, "GET /:territory/evenements/mois": .everyone,
        "GET /:territory/evenements.ics": .everyone,
        "GET /:territory/evenements/:event": .everyone, "GET /:territory/evenements/:event/agenda.ics": .everyone,
        "GET /:territory/evenements/nouveau": .roles(Self.eventCreators),
        "POST /:territory/evenements/nouveau": .roles(Self.eventCreators),
        "GET /:territory/evenements/:event/modifier": .roles(Self.eventCreators),
        "POST /:territory/evenements/:event/modifier": .roles(Self.eventCreators),
        "POST /:territory/evenements/:event/etat": .roles(Self.eventCreators),
        "POST /:territory/evenements/:event/inscription": .signedIn,
        "POST /:territory/evenements/:event/inscrire": .roles(Self.eventCreators),
        "GET /:territory/evenements/inscriptions/:registration/:token": .everyone,
        "POST /:territory/evenements/inscriptions/:registration/:token": .everyone,
        "GET /:territory/evenements/:event/inscrits": .roles(Self.eventCreators),
        "GET /:territory/evenements/:event/emargement": .roles(Self.eventCreators),
        "GET /:territory/evenements/:event/accueil/:registration/:token": .roles(Self.eventCreators),
        "POST /:territory/evenements/:event/accueil/:registration": .roles(Self.eventCreators),
        "POST /:territory/evenements/:event/sur-place": .roles(Self.eventCreators),
        "GET /:territory/evenements/:event/direct": .roles(Self.eventCreators),
        "POST /:territory/evenements/:event/direct": .roles(Self.eventCreators),
        "POST /:territory/evenements/:event/direct/:activity": .roles(Self.eventCreators),
        "GET /:territory/evenements/:event/projection": .roles(Self.eventCreators),
        "GET /participer": .everyone, "GET /:territory/participer": .everyone, "GET /participer/:code": .everyone,
        "POST /participer/:code/:activity": .everyone,
        // The projector's WebSocket carries only a version number, for any code.
        "GET /direct/:code/ws": .everyone,
        "GET /:territory/evenements/:event/apres": .roles(Self.eventCreators),
        "POST /:territory/evenements/:event/apres": .roles(Self.eventCreators),
        "POST /:territory/evenements/:event/documents": .roles(Self.eventCreators),
        "GET /:territory/evenements/:event/documents/:document": .everyone,
        "POST /:territory/evenements/:event/questionnaire": .roles(Self.eventCreators),
        "GET /:territory/evenements/:event/chiffres": .roles(Self.eventCreators),
    ]

    static let eventCreators: Set<Role> = [.coordinator, .admin, .patientPartner]

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
            #expect(
                keys == Set(Self.expectations.keys),
                "routes without expectations: \(keys.subtracting(Self.expectations.keys)); stale: \(Set(Self.expectations.keys).subtracting(keys))"
            )

            var ids: [String: Int] = [:]
            for persona in Self.personas {
                guard let email = persona.email else { continue }
                ids[email] = try await Person.query(on: app.db).filter(\.$email == email).first()?.id
            }
            struct Call: Decodable { let id: Int }
            let nationalCall = try #require(
                try await (app.db as! any SQLDatabase).raw("SELECT id FROM experience_calls WHERE territory_id IS NULL")
                    .first(decoding: Call.self)
            ).id
            let questionnaire = try #require(
                try await (app.db as! any SQLDatabase).raw(
                    """
                    SELECT q.id FROM questionnaires q JOIN territories t ON t.id = q.territory_id WHERE t.slug = 'vitre' AND q.audience = 'usagers'
                    """
                ).first(decoding: Call.self)
            ).id
            // Joining a territory changes roles: it runs last.
            let ordered = entries.sorted {
                ($0.path.hasSuffix("rejoindre") ? 1 : 0) < ($1.path.hasSuffix("rejoindre") ? 1 : 0)
            }
            var checked = 0
            for entry in ordered {
                let key = "\(entry.method.rawValue) \(entry.path)"
                guard let expectation = Self.expectations[key] else { continue }
                // Every path parameter gets a value: an unknown id (the handler's 404 is "not refused"),
                // the national demo call for experiences, a demo questionnaire and its first question, a real file for /static.
                let values: [(String, String)] =
                    [
                        (":territory", "vitre"), (":token", "jeton-inconnu"), (":file", "app.css"),
                        (":call", String(nationalCall)),
                        (":questionnaire", String(questionnaire)), (":question", "q4"),
                    ]
                    + [
                        ":person", ":proposal", ":action", ":committee", ":member", ":meeting", ":item", ":strategy",
                        ":section",
                        ":submission", ":attachment", ":experience", ":document", ":event", ":registration",
                        ":activity", ":code",
                    ].map { ($0, "999999") }
                var path = entry.path
                for (name, value) in values { path = path.replacingOccurrences(of: name, with: value) }
                for persona in Self.personas {
                    let browser = Browser(app)
                    if let email = persona.email, let id = ids[email] {
                        // A fresh session per request: logging out or deleting must not spill over.
                        let token = Tokens.random()
                        try await Accounts.SessionRecord(
                            tokenHash: Tokens.sha256Hex(token), personID: id, lifetime: 3600
                        ).create(on: app.db)
                        browser.cookies[CookieName.session] = token
                    }
                    try await browser.get("/mot-de-passe-oublie?lang=fr")  // a form, hence a CSRF token, for everyone
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
                    case .dev: allowed = true  // tests run without SMTP
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
