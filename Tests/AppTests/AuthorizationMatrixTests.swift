import Accounts
import App
import Committees
import Core
import Events
import Experiences
import Fluent
import Foundation
import Proposals
import Questionnaires
import SQLKit
import Testing
import Vapor

/// Every route of the catalogue × fourteen personas, on real objects of the Vitré demo: each path
/// parameter names an object that exists (`MatrixFixture`), so that the rules about one object (its
/// author, its organiser, the seats of its committee, the reviewers of its call) are reached, not
/// a 404 for an unknown id. The expected access of every route is written here, from the rules
/// as the product should have them (the rooms' `*Policy` types, the handlers, docs/SECURITY.md),
/// independently of the code: a new route without an expectation fails the test, and so does a
/// stale one.
@Suite("Authorization matrix", .serialized)
struct AuthorizationMatrixTests {
    // MARK: - Vocabulary

    /// Who a route lets through. Roles are held in Vitré (the territory of every `:territory`); the
    /// ties are to the objects of the `MatrixFixture`.
    enum Who: Hashable, Sendable {
        /// Anyone, signed in or not.
        case anyone
        /// Any signed-in account.
        case account
        /// A role in Vitré.
        case role(Role)
        /// A national organiser of the calls for experiences (a platform role, not a territory's).
        case nationalOrganiser
        /// The author of the proposal used for `:proposal`.
        case author
        /// The patient partner who created the workshop used for `:event`.
        case organiser
        /// A member in office of the committee used for `:committee` (present at `:meeting`).
        case seatedMember
        /// A reviewer of the call used for `:call` (the national call for experiences).
        case reviewerOfThisCall
        /// An author of the submission used for `:submission`.
        case submissionAuthor
    }

    /// How a persona who is not let through must be refused.
    enum Refusal: Sendable {
        /// 403 when signed in; 401 or a redirect to the login page when not.
        case forbidden
        /// The product hides the object from whoever may not see it: a 404 (anonymous: a 404, a 401
        /// or the login page), except for those in `seenBy`, who see it and get a 403.
        case notFound(seenBy: Set<Who>)
    }

    struct Expect: Sendable {
        enum Kind: Sendable {
            /// Login and sign-up: served to visitors, signed-in people are sent to /compte (303).
            case guests
            /// Development helpers: served in testing, 404 in production.
            case dev
            /// Served to whoever holds one of these, refused to the others.
            case allowed(Set<Who>)
        }
        var kind: Kind
        var refusal = Refusal.forbidden
        /// A 404 to a persona let through is the handler's answer to what the request carries (an
        /// unknown e-mail token, an empty form naming nothing), not a refusal.
        var notFoundAnswers = false

        static let everyone = Expect(kind: .allowed([.anyone]))
        static let guests = Expect(kind: .guests)
        static let dev = Expect(kind: .dev)
        static let signedIn = Expect(kind: .allowed([.account]))
        static func roles(_ roles: Set<Role>) -> Expect { Expect(kind: .allowed(Set(roles.map(Who.role)))) }
        static func only(_ who: Who...) -> Expect { Expect(kind: .allowed(Set(who))) }

        /// These too, on the route's object.
        func or(_ who: Who...) -> Expect {
            guard case .allowed(let set) = kind else { return self }
            var copy = self
            copy.kind = .allowed(set.union(who))
            return copy
        }
        /// Refused with a 404 but for those who see the object (403).
        func hidden(seenBy who: Who...) -> Expect {
            var copy = self
            copy.refusal = .notFound(seenBy: Set(who))
            return copy
        }
        var findsNothing: Expect {
            var copy = self
            copy.notFoundAnswers = true
            return copy
        }
    }

    static let staff: Set<Role> = [.coordinator, .admin]
    static let members = Set(Role.allCases)
    static let answerers: Set<Role> = [.coordinator, .decisionMaker]
    static let eventCreators: Set<Role> = [.coordinator, .admin, .patientPartner]
    static let builders: Set<Role> = [.coordinator, .admin]
    static let readers: Set<Role> = [.coordinator, .admin, .decisionMaker]

    // MARK: - Expectations

    static let expectations: [String: Expect] = [
        "GET /healthz": .everyone, "GET /static/:file": .everyone, "GET /dev/outbox": .dev,
        "GET /": .everyone, "GET /:territory": .everyone, "POST /:territory/rejoindre": .signedIn,
        "GET /connexion": .guests, "POST /connexion": .guests, "POST /deconnexion": .everyone,
        "GET /inscription": .guests, "POST /inscription": .guests, "GET /inscription/merci": .everyone,
        // E-mail tokens: no object stands for them (a real one would log in, confirm or reset),
        // so an unknown token: its page says the link is no longer valid (410; a 404 would do).
        "GET /confirmer/:token": .everyone.findsNothing, "POST /confirmer/:token": .everyone.findsNothing,
        "GET /lien-de-connexion": .guests, "POST /lien-de-connexion": .guests,
        "GET /lien/:token": .everyone.findsNothing, "POST /lien/:token": .everyone.findsNothing,
        "GET /mot-de-passe-oublie": .everyone, "POST /mot-de-passe-oublie": .everyone,
        "GET /confirmation/nouveau-lien": .guests, "POST /confirmation/nouveau-lien": .guests,
        // The outbox is the platform's: an administrator (of any territory) sees the mails in
        // trouble and re-sends one (`:mail` is a refused mail of the fixture).
        "GET /administration/envois": .roles([.admin]),
        "POST /administration/envois/:mail/renvoyer": .roles([.admin]),
        "GET /reinitialiser/:token": .everyone.findsNothing, "POST /reinitialiser/:token": .everyone.findsNothing,
        "GET /compte": .signedIn, "POST /compte": .signedIn, "GET /compte/donnees": .signedIn,
        "GET /compte/supprimer": .signedIn, "POST /compte/supprimer": .signedIn,
        // Assisted profiles are the territory's, shared by its patient partners and staff.
        "GET /:territory/profils-accompagnes": .roles([.patientPartner, .coordinator, .admin]),
        "GET /:territory/profils-accompagnes/nouveau": .roles([.patientPartner, .coordinator, .admin]),
        "POST /:territory/profils-accompagnes/nouveau": .roles([.patientPartner, .coordinator, .admin]),
        "GET /:territory/profils-accompagnes/:person/donnees": .roles([.patientPartner, .coordinator, .admin]),
        "POST /:territory/profils-accompagnes/:person/supprimer": .roles([.patientPartner, .coordinator, .admin]),
        "GET /:territory/membres": .roles([.admin]), "POST /:territory/membres/roles": .roles([.admin]),
        "GET /:territory/themes": .roles([.coordinator, .admin]),
        "POST /:territory/themes/ajouter": .roles([.coordinator, .admin]),
        "POST /:territory/themes/modifier": .roles([.coordinator, .admin]),
        "GET /:territory/diffusion-des-chiffres": .roles([.coordinator, .admin]),
        "POST /:territory/diffusion-des-chiffres": .roles([.coordinator, .admin]),
        "GET /accessibilite": .everyone, "GET /mentions-legales": .everyone, "GET /confidentialite": .everyone,
        "GET /conditions": .everyone,

        // Proposals: public reading; residents, professionals and patient partners propose (and
        // patient partners and coordinators for someone else); only the author edits their text;
        // members take part; coordinators and decision makers answer; coordinators and
        // administrators moderate.
        "GET /:territory/propositions": .everyone, "GET /:territory/propositions/:proposal": .everyone,
        "GET /:territory/propositions/:proposal/piece-jointe": .everyone,
        "GET /:territory/suivi-des-propositions": .everyone,
        "GET /:territory/propositions/nouvelle": .roles([.resident, .professional, .patientPartner, .coordinator]),
        "POST /:territory/propositions/nouvelle": .roles([.resident, .professional, .patientPartner, .coordinator]),
        "GET /:territory/propositions/:proposal/modifier": .only(.author),
        "POST /:territory/propositions/:proposal/modifier": .only(.author),
        "POST /:territory/propositions/:proposal/soutien": .roles(members),
        "POST /:territory/propositions/:proposal/commentaires": .roles(members),
        "POST /:territory/propositions/:proposal/signalement": .roles(members),
        "POST /:territory/propositions/:proposal/etat": .roles(answerers),
        "POST /:territory/propositions/:proposal/suivi": .roles(answerers),
        "POST /:territory/propositions/:proposal/moderation": .roles([.coordinator, .admin]),
        "GET /:territory/moderation": .roles([.coordinator, .admin]),
        "GET /:territory/actions": .everyone, "GET /:territory/actions/:action": .everyone,
        "POST /:territory/actions/:action": .roles(answerers),
        "POST /:territory/actions/:action/etapes": .roles(answerers),
        // An empty form names no proposal to unlink: the staff get a 404.
        "POST /:territory/actions/:action/retirer-une-proposition": .roles(answerers).findsNothing,

        // Committees: public record; the staff run them; any member of the territory applies to a
        // call; the members in office (and the staff) work in the members' area, on draft
        // strategies and documents; only the members present vote.
        "GET /:territory/instances": .everyone, "GET /:territory/instances/:committee": .everyone,
        "GET /:territory/instances/:committee/appels/:call": .everyone,
        "GET /:territory/instances/:committee/seances/:meeting": .everyone,
        "GET /:territory/instances/:committee/seances/:meeting/invitation.ics": .everyone,
        "GET /:territory/instances/nouvelle": .roles(staff),
        "POST /:territory/instances/nouvelle": .roles(staff),
        "GET /:territory/instances/:committee/gestion": .roles(staff),
        "POST /:territory/instances/:committee/membres": .roles(staff),
        "POST /:territory/instances/:committee/membres/:member/fin-de-mandat": .roles(staff),
        "POST /:territory/instances/:committee/appels": .roles(staff),
        "POST /:territory/instances/:committee/appels/:call/selection": .roles(staff),
        "POST /:territory/instances/:committee/appels/:call/tirage-au-sort": .roles(staff),
        "POST /:territory/instances/:committee/seances": .roles(staff),
        "POST /:territory/instances/:committee/seances/:meeting/presences": .roles(staff),
        "POST /:territory/instances/:committee/seances/:meeting/points/:item/ouvrir-le-vote": .roles(staff),
        "POST /:territory/instances/:committee/seances/:meeting/points/:item/decision": .roles(staff),
        "POST /:territory/instances/:committee/seances/:meeting/compte-rendu": .roles(staff),
        "POST /:territory/instances/:committee/seances/:meeting/approbation": .roles(staff),
        "POST /:territory/instances/:committee/appels/:call/candidature": .roles(members),
        "POST /:territory/instances/:committee/seances/:meeting/points/:item/vote": .only(.seatedMember),
        "GET /:territory/instances/:committee/espace-membres": .roles(staff).or(.seatedMember),
        // The demo's strategy is adopted: public, and frozen (409) for those who may draft.
        "GET /:territory/instances/:committee/strategies/:strategy": .everyone,
        "POST /:territory/instances/:committee/strategies": .roles(staff).or(.seatedMember),
        "POST /:territory/instances/:committee/strategies/:strategy/sections": .roles(staff).or(.seatedMember),
        "POST /:territory/instances/:committee/strategies/:strategy/sections/:section": .roles(staff).or(
            .seatedMember),
        "POST /:territory/instances/:committee/strategies/:strategy/sections/:section/commentaires": .roles(staff)
            .or(.seatedMember),
        "POST /:territory/instances/:committee/strategies/:strategy/adoption": .roles(staff),
        "POST /:territory/instances/:committee/documents": .roles(staff).or(.seatedMember),
        "GET /:territory/instances/:committee/documents/:document": .roles(staff).or(.seatedMember),

        // Calls for experiences (the national call stands for :call, a sent submission of the
        // habitant for :submission): public calls and catalogue; an account to contribute (without
        // a session, what was typed is kept and the person sent to log in); national calls are
        // opened and run by the national organisers, local ones by the territory's staff; a
        // submission is seen by its authors, and once sent by the call's reviewers and organisers
        // — hidden (404) from anyone else; its authors change it, its reviewers score it, its
        // organisers decide.
        "GET /appels": .everyone, "GET /appels/:call": .everyone, "GET /:territory/appels": .everyone,
        "GET /appels/nouveau": .only(.nationalOrganiser), "POST /appels/nouveau": .only(.nationalOrganiser),
        "GET /:territory/appels/nouveau": .roles(staff), "POST /:territory/appels/nouveau": .roles(staff),
        "GET /appels/:call/contribuer": .signedIn, "POST /appels/:call/contribuer": .signedIn,
        "GET /appels/:call/reprise/:token": .signedIn, "POST /appels/:call/reprise/:token": .signedIn,
        "GET /appels/:call/evaluation": .only(.nationalOrganiser, .reviewerOfThisCall),
        "GET /appels/:call/chiffres": .only(.nationalOrganiser),
        "POST /appels/:call/relecteurs": .only(.nationalOrganiser),
        "GET /appels/:call/modifier": .only(.nationalOrganiser),
        "POST /appels/:call/modifier": .only(.nationalOrganiser),
        "GET /appels/:call/contributions/:submission": .only(
            .submissionAuthor, .reviewerOfThisCall, .nationalOrganiser
        ).hidden(),
        "GET /appels/:call/contributions/:submission/modifier": .only(.submissionAuthor).hidden(
            seenBy: .reviewerOfThisCall, .nationalOrganiser),
        "POST /appels/:call/contributions/:submission/modifier": .only(.submissionAuthor).hidden(
            seenBy: .reviewerOfThisCall, .nationalOrganiser),
        "POST /appels/:call/contributions/:submission/coauteurs": .only(.submissionAuthor).hidden(
            seenBy: .reviewerOfThisCall, .nationalOrganiser),
        "POST /appels/:call/contributions/:submission/reponse": .only(.submissionAuthor).hidden(
            seenBy: .reviewerOfThisCall, .nationalOrganiser),
        "GET /appels/:call/contributions/:submission/notation": .only(.reviewerOfThisCall).hidden(
            seenBy: .submissionAuthor, .nationalOrganiser),
        "POST /appels/:call/contributions/:submission/notation": .only(.reviewerOfThisCall).hidden(
            seenBy: .submissionAuthor, .nationalOrganiser),
        "POST /appels/:call/contributions/:submission/etat": .only(.nationalOrganiser).hidden(
            seenBy: .submissionAuthor, .reviewerOfThisCall),
        // The submission is not published: its file is hidden like it.
        "GET /appels/:call/contributions/:submission/pieces/:attachment": .only(
            .submissionAuthor, .reviewerOfThisCall, .nationalOrganiser
        ).hidden(),
        "GET /coauteurs/:token": .signedIn, "POST /coauteurs/:token": .signedIn,
        "GET /experiences": .everyone, "GET /experiences/:experience": .everyone,
        "GET /experiences.csv": .everyone, "GET /experiences.json": .everyone,

        // Questionnaires (the Vitré users' questionnaire stands for :questionnaire): answering is
        // public; builders are coordinators and administrators; assisted entry adds patient
        // partners; aggregated results add decision makers.
        "GET /:territory/questionnaires": .everyone, "GET /:territory/questionnaires/:questionnaire": .everyone,
        "GET /:territory/questionnaires/:questionnaire/repondre": .everyone,
        "POST /:territory/questionnaires/:questionnaire/repondre": .everyone,
        "GET /:territory/questionnaires/:questionnaire/reprendre/:token": .everyone,
        "GET /:territory/questionnaires/:questionnaire/papier": .everyone,
        "GET /:territory/questionnaires/:questionnaire/qr.svg": .everyone,
        "GET /:territory/questionnaires/nouveau": .roles(builders),
        "POST /:territory/questionnaires/nouveau": .roles(builders),
        "GET /:territory/questionnaires/:questionnaire/construire": .roles(builders),
        "POST /:territory/questionnaires/:questionnaire/construire": .roles(builders),
        "GET /:territory/questionnaires/:questionnaire/apercu": .roles(builders),
        "GET /:territory/questionnaires/:questionnaire/questions/nouvelle": .roles(builders),
        "POST /:territory/questionnaires/:questionnaire/questions/nouvelle": .roles(builders),
        "GET /:territory/questionnaires/:questionnaire/questions/:question": .roles(builders),
        "POST /:territory/questionnaires/:questionnaire/questions/:question": .roles(builders),
        "GET /:territory/questionnaires/:questionnaire/vagues": .roles(builders),
        "POST /:territory/questionnaires/:questionnaire/vagues": .roles(builders),
        "GET /:territory/questionnaires/:questionnaire/import": .roles(builders),
        "POST /:territory/questionnaires/:questionnaire/import": .roles(builders),
        "GET /:territory/questionnaires/:questionnaire/textes": .roles(builders),
        // An empty coding form names no free-text question: the builders get a 404.
        "POST /:territory/questionnaires/:questionnaire/textes": .roles(builders).findsNothing,
        "GET /:territory/questionnaires/:questionnaire/reponses.csv": .roles(builders),
        "GET /:territory/questionnaires/:questionnaire/reponses-tableur.csv": .roles(builders),
        "GET /:territory/questionnaires/:questionnaire/saisie": .roles([.coordinator, .admin, .patientPartner]),
        "POST /:territory/questionnaires/:questionnaire/saisie": .roles([.coordinator, .admin, .patientPartner]),
        "GET /:territory/questionnaires/:questionnaire/resultats": .roles(readers),
        "GET /:territory/questionnaires/:questionnaire/participation": .roles(readers),
        "GET /:territory/questionnaires/:questionnaire/resultats.csv": .roles(readers),
        "GET /:territory/questionnaires/:questionnaire/livre-de-codes.csv": .roles(readers),
        "GET /:territory/questionnaires/croisement": .roles(readers),

        // Events (the patient partner's workshop stands for :event): the agenda and event pages are
        // public; coordinators, administrators and patient partners create; an event is managed by
        // the territory's staff, and a workshop also by the patient partner who created it — no
        // other patient partner; registering oneself needs an account; registering someone else
        // is for those who accompany people; the registration's own page is reached by its signed
        // link; live participation needs no account.
        "GET /:territory/evenements": .everyone, "GET /:territory/evenements/mois": .everyone,
        "GET /:territory/evenements.ics": .everyone,
        "GET /:territory/evenements/:event": .everyone, "GET /:territory/evenements/:event/agenda.ics": .everyone,
        "GET /:territory/evenements/nouveau": .roles(eventCreators),
        "POST /:territory/evenements/nouveau": .roles(eventCreators),
        "GET /:territory/evenements/:event/modifier": .roles(staff).or(.organiser),
        "POST /:territory/evenements/:event/modifier": .roles(staff).or(.organiser),
        "POST /:territory/evenements/:event/etat": .roles(staff).or(.organiser),
        "POST /:territory/evenements/:event/inscription": .signedIn,
        "POST /:territory/evenements/:event/inscrire": .roles(eventCreators),
        "GET /:territory/evenements/inscriptions/:registration/:token": .everyone,
        "POST /:territory/evenements/inscriptions/:registration/:token": .everyone,
        "GET /:territory/evenements/:event/inscrits": .roles(staff).or(.organiser),
        "GET /:territory/evenements/:event/emargement": .roles(staff).or(.organiser),
        "GET /:territory/evenements/:event/accueil/:registration/:token": .roles(staff).or(.organiser),
        "POST /:territory/evenements/:event/accueil/:registration": .roles(staff).or(.organiser),
        "POST /:territory/evenements/:event/sur-place": .roles(staff).or(.organiser),
        "GET /:territory/evenements/:event/direct": .roles(staff).or(.organiser),
        "POST /:territory/evenements/:event/direct": .roles(staff).or(.organiser),
        "POST /:territory/evenements/:event/direct/:activity": .roles(staff).or(.organiser),
        "GET /:territory/evenements/:event/projection": .roles(staff).or(.organiser),
        "GET /participer": .everyone, "GET /:territory/participer": .everyone, "GET /participer/:code": .everyone,
        "POST /participer/:code/:activity": .everyone,
        // The projector's WebSocket carries only a version number, for any code.
        "GET /direct/:code/ws": .everyone,
        "GET /:territory/evenements/:event/apres": .roles(staff).or(.organiser),
        "POST /:territory/evenements/:event/apres": .roles(staff).or(.organiser),
        "POST /:territory/evenements/:event/documents": .roles(staff).or(.organiser),
        "GET /:territory/evenements/:event/documents/:document": .everyone,
        "POST /:territory/evenements/:event/questionnaire": .roles(staff).or(.organiser),
        "GET /:territory/evenements/:event/chiffres": .roles(staff).or(.organiser),
    ]

    /// Route × persona pairs where the code does not do what the product should, left as they are
    /// for now (each one is reported): the expectation above stays the product's, and the pair is
    /// expected to fail until it is fixed — then this list must lose it.
    static let knownIssues: [String: String] = [:]

    /// Requests that change what later requests see run last, in this order.
    static let runLast = [
        // Saving the attendance replaces the meeting's (with none here): nobody would be present to vote.
        "POST /:territory/instances/:committee/seances/:meeting/presences",
        // Joining Vitré gives a role there to the personas who have none.
        "POST /:territory/rejoindre",
    ]

    // MARK: - Personas

    struct Persona: Sendable {
        let label: String
        let email: String?
        /// Roles in Vitré.
        let roles: Set<Role>
        /// Ties to the fixture's objects (and the national organiser's role), checked against the
        /// database before the first request.
        let ties: Set<Who>

        func holds(_ who: Who) -> Bool {
            switch who {
            case .anyone: true
            case .account: email != nil
            case .role(let role): roles.contains(role)
            default: ties.contains(who)
            }
        }
    }

    /// Accounts the demo has no equivalent for, created before the first request.
    static let created: [(email: String, name: String, roles: [Role])] = [
        // The demo's only patient partner of Vitré created the workshop: this one did not.
        (otherPartner, "Patient·e partenaire sans atelier", [.patientPartner, .resident]),
        // The author of the proposal used for :proposal (created with it).
        (proposalAuthor, "Auteur·rice de la proposition", [.resident]),
        // Named a reviewer of the local call of Vitré, not of the national call.
        (localReviewer, "Relecteur·rice de l'appel local", [.resident]),
    ]
    static let otherPartner = "partenaire-sans-atelier@vitre.example"
    static let proposalAuthor = "auteur-de-la-proposition@vitre.example"
    static let localReviewer = "relecture-locale@vitre.example"
    static let nationalOrganiser = ExperiencesDemo.organiser.email
    static let nationalReviewer = ExperiencesDemo.reviewers[0].email
    /// The patient partner who created the demo's workshop.
    static let workshopOrganiser = "partenaire@vitre.example"
    /// A user member of the demo's committee who is none of the other personas.
    static let seatedMember = "martine.legoff@vitre.example.invalid"

    /// Who knocks: nil is anonymous; the Brocéliande coordinator has no role in Vitré. The demo's
    /// resident, professional and decision maker also hold a seat in the committee, and the
    /// resident wrote the submission.
    static let personas: [Persona] = [
        Persona(label: "anonyme", email: nil, roles: [], ties: []),
        Persona(
            label: "habitant", email: "habitant@vitre.example", roles: [.resident],
            ties: [.seatedMember, .submissionAuthor]),
        Persona(label: "professionnel", email: "pro@vitre.example", roles: [.professional], ties: [.seatedMember]),
        Persona(label: "patient partenaire", email: otherPartner, roles: [.patientPartner, .resident], ties: []),
        Persona(label: "coordinateur", email: "coordination@vitre.example", roles: [.coordinator], ties: []),
        Persona(label: "décideur", email: "decideur@vitre.example", roles: [.decisionMaker], ties: [.seatedMember]),
        Persona(label: "administrateur", email: "admin@vitre.example", roles: [.admin], ties: []),
        Persona(
            label: "coordinateur d'un autre territoire", email: "coordination@broceliande.example", roles: [],
            ties: []),
        Persona(
            label: "organisation nationale des appels à expériences", email: nationalOrganiser, roles: [],
            ties: [.nationalOrganiser]),
        Persona(label: "auteur de la proposition", email: proposalAuthor, roles: [.resident], ties: [.author]),
        Persona(
            label: "organisatrice de l'atelier", email: workshopOrganiser, roles: [.patientPartner, .resident],
            ties: [.organiser, .seatedMember]),
        Persona(label: "membre siégeant", email: seatedMember, roles: [.resident], ties: [.seatedMember]),
        Persona(label: "relecteur d'un autre appel", email: localReviewer, roles: [.resident], ties: []),
        Persona(label: "relecteur de l'appel", email: nationalReviewer, roles: [], ties: [.reviewerOfThisCall]),
    ]

    // MARK: - Tests

    @Test func everyRouteRefusesWhoItMustAndOnlyThem() async throws {
        try await withDemoApp { app in
            let entries = app.agora.catalog.entries
            let keys = Set(entries.map { "\($0.method.rawValue) \($0.path)" })
            #expect(
                keys == Set(Self.expectations.keys),
                "routes without expectations: \(keys.subtracting(Self.expectations.keys)); stale: \(Set(Self.expectations.keys).subtracting(keys))"
            )
            let fixture = try await MatrixFixture.make(app)
            try await fixture.checkPersonas()
            let clients = try await Self.clients(app, fixture: fixture)

            let last = Self.runLast.compactMap { key in entries.first { "\($0.method.rawValue) \($0.path)" == key } }
            let ordered = entries.filter { !Self.runLast.contains("\($0.method.rawValue) \($0.path)") } + last
            var checked = 0
            for entry in ordered {
                let key = "\(entry.method.rawValue) \(entry.path)"
                guard let expectation = Self.expectations[key] else { continue }
                for (persona, client) in zip(Self.personas, clients) {
                    let path = try await fixture.path(entry.path, key: key)
                    let (status, location) = try await client.send(entry.method, path, app: app)
                    let problems = Self.problems(expectation, persona: persona, status: status, location: location)
                    let pair = "\(key) × \(persona.label)"
                    if let reason = Self.knownIssues[pair] {
                        withKnownIssue(Comment(rawValue: reason)) {
                            #expect(problems.isEmpty, "\(pair) (\(path)): \(problems.joined(separator: "; "))")
                        }
                    } else {
                        #expect(problems.isEmpty, "\(pair) (\(path)): \(problems.joined(separator: "; "))")
                    }
                    checked += 1
                }
            }
            #expect(checked == Self.expectations.count * Self.personas.count)
        }
    }

    /// The development helpers do not exist in production, for anyone.
    @Test func developmentHelpersAreAbsentInProduction() async throws {
        try await withDemoApp(configure: {
            $0.mode = .production
            $0.baseURL = "https://agora.example"
        }) { app in
            let routes = app.agora.catalog.entries.filter { $0.access == .devOnly }
            #expect(
                Set(routes.map { "\($0.method.rawValue) \($0.path)" })
                    == Set(Self.expectations.filter { if case .dev = $0.value.kind { true } else { false } }.keys))
            let fixture = try await MatrixFixture.make(app)
            let clients = try await Self.clients(app, fixture: fixture)
            for route in routes {
                for (persona, client) in zip(Self.personas, clients) {
                    let (status, _) = try await client.send(route.method, route.path, app: app)
                    #expect(status == .notFound, "\(route.path) in production for \(persona.label): \(status.code)")
                }
            }
        }
    }

    // MARK: - Judging an answer

    /// What is wrong with this answer to this persona (nothing when it is as expected).
    static func problems(_ expect: Expect, persona: Persona, status: HTTPStatus, location: String?) -> [String] {
        var problems: [String] = []
        if status.code >= 500 { problems.append("server error \(status.code)") }
        let signedIn = persona.email != nil
        let toLogin = status == .seeOther && location?.hasPrefix(LoginLink.path) == true
        let refused = status == .unauthorized || status == .forbidden || toLogin
        switch expect.kind {
        case .guests:
            if signedIn {
                if !(status == .seeOther && location == "/compte") {
                    problems.append("a signed-in visitor must be sent to /compte with a 303, got \(status.code)")
                }
            } else if refused || status == .notFound {
                problems.append("refused a visitor (\(status.code))")
            }
        case .dev:
            // Asked for (as the tests do), it shows to an administrator or the machine itself (an
            // in-process request comes from no address): to nobody else, who finds nothing.
            if persona.roles.contains(.admin) {
                if status != .ok {
                    problems.append("development helper not served to an administrator (\(status.code))")
                }
            } else if status != .notFound {
                problems.append("development helper shown to someone else than an administrator (\(status.code))")
            }
        case .allowed(let who):
            if who.contains(where: persona.holds) {
                if refused || (status == .notFound && !expect.notFoundAnswers) {
                    problems.append("refused (\(status.code)\(location.map { " → " + $0 } ?? ""))")
                }
            } else {
                let hidden: Bool
                switch expect.refusal {
                case .forbidden: hidden = false
                case .notFound(let seenBy): hidden = !seenBy.contains(where: persona.holds)
                }
                if !signedIn {
                    if !(status == .unauthorized || toLogin || (hidden && status == .notFound)) {
                        problems.append(
                            "let through (\(status.code)): expected 401 or the login page\(hidden ? ", or 404" : "")")
                    }
                } else if hidden, status != .notFound {
                    problems.append("let through (\(status.code)): expected 404")
                } else if !hidden, status != .forbidden {
                    problems.append("let through (\(status.code)): expected 403")
                }
            }
        }
        return problems
    }

    // MARK: - Clients

    /// One browser per persona: a CSRF token for everyone (the token of its visit cookie), and a
    /// fresh session for every request, so that logging out or deleting does not spill over.
    final class Client: @unchecked Sendable {
        let browser: Browser
        let personID: Int?
        let cookies: [String: String]
        let csrf: String

        init(browser: Browser, personID: Int?, cookies: [String: String], csrf: String) {
            self.browser = browser; self.personID = personID; self.cookies = cookies; self.csrf = csrf
        }

        func send(_ method: HTTPMethod, _ path: String, app: Application) async throws -> (HTTPStatus, String?) {
            browser.cookies = cookies
            if let personID {
                let token = Tokens.random()
                try await Accounts.SessionRecord(tokenHash: Tokens.sha256Hex(token), personID: personID, lifetime: 3600)
                    .create(on: app.db)
                browser.cookies[CookieName.session] = token
            }
            try await browser.send(method, path, form: method == .POST ? ["_csrf": csrf] : nil)
            return (browser.lastStatus, browser.location)
        }
    }

    static func clients(_ app: Application, fixture: MatrixFixture) async throws -> [Client] {
        var clients: [Client] = []
        for persona in personas {
            let browser = Browser(app)
            try await browser.get("/mot-de-passe-oublie?lang=fr")
            let csrf = try #require(browser.csrf)
            let personID = try persona.email.map { try #require(fixture.people[$0], "no account \($0)") }
            var cookies = browser.cookies
            cookies["agora_reprise"] = MatrixFixture.rescueBrowser
            clients.append(Client(browser: browser, personID: personID, cookies: cookies, csrf: csrf))
        }
        return clients
    }
}

// MARK: - The objects the routes are walked on

/// The objects of the Vitré demo that the path parameters name, looked up before the first
/// request; where the demo has none (a proposal by an account of its own, files, a co-author
/// invitation, a rescued draft, a resume link), they are created here with the room's own tables,
/// as the room writes them.
final class MatrixFixture: @unchecked Sendable {
    /// The key of the browser in which the fixture's rescued draft was typed (`agora_reprise`).
    static let rescueBrowser = "matrix-browser-0123456789abcdef0123456789"
    let app: Application
    var sql: any SQLDatabase { app.db.sql }
    /// Accounts by e-mail.
    var people: [String: Int] = [:]
    var vitre = 0
    /// Parameter values shared by every route that has them (`:call` and `:document` depend on the room).
    var values: [String: String] = [:]
    var committeeCall = 0, committeeDocument = 0, nationalCall = 0, localCall = 0, eventDocument = 0
    var proposal = 0, committee = 0, submission = 0, otherSubmission = 0, event = 0, registration = 0
    var invitationToken = "", resumeToken = ""

    init(app: Application) { self.app = app }

    struct Row: Decodable { let id: Int }

    func id(_ query: SQLQueryString, _ what: String) async throws -> Int {
        try #require(try await sql.raw(query).first(decoding: Row.self), "the demo has no \(what)").id
    }

    static func make(_ app: Application) async throws -> MatrixFixture {
        let fixture = MatrixFixture(app: app)
        try await fixture.load()
        return fixture
    }

    func load() async throws {
        vitre = try await id("SELECT id FROM territories WHERE slug = 'vitre'", "Vitré")
        for account in AuthorizationMatrixTests.created {
            let person = Person(email: account.email, passwordHash: nil, displayName: account.name)
            person.emailConfirmedAt = Date()
            try await person.create(on: app.db)
            for role in account.roles {
                try await Membership(personID: person.requireID(), territoryID: vitre, role: role).create(on: app.db)
            }
        }
        for email in AuthorizationMatrixTests.personas.compactMap(\.email) {
            people[email] = try await Person.query(on: app.db).filter(\.$email == email).first()?.requireID()
        }
        values[":territory"] = "vitre"
        values[":file"] = "app.css"
        try await loadAccounts()
        try await loadProposals()
        try await loadCommittees()
        try await loadExperiences()
        try await loadQuestionnaires()
        try await loadEvents()
    }

    func loadAccounts() async throws {
        let refused = OutboxMail(recipient: "nobody@vitre.example", subject: "Refusé", body: "x")
        refused.failedAt = Date()
        refused.failure = .refused
        try await refused.create(on: app.db)
        values[":mail"] = String(try refused.requireID())
        values[":person"] = String(
            try await id(
                """
                SELECT p.id FROM people p JOIN memberships m ON m.person_id = p.id
                WHERE m.territory_id = \(bind: vitre) AND p.is_assisted = \(bind: true) ORDER BY p.id LIMIT 1
                """, "assisted profile in Vitré"))
    }

    /// A proposal received from an account of its own (none of the other personas wrote it), with
    /// a PDF attached: the demo's proposals are by the demo's resident, professional and partner.
    func loadProposals() async throws {
        let author = try #require(people[AuthorizationMatrixTests.proposalAuthor])
        let now = Date()
        let proposal = Proposal()
        proposal.territoryID = vitre
        proposal.authorID = author
        proposal.isAssisted = false
        proposal.audience = Role.resident.rawValue
        proposal.title = "Une permanence de prévention au marché de Bais"
        proposal.body = "Une infirmière pourrait prendre la tension et parler vaccins le jour du marché."
        proposal.themesMask = Theme.mask([.prevention])
        proposal.origin = ProposalOrigin.spontaneous.rawValue
        proposal.status = .received
        proposal.createdAt = now
        proposal.submittedAt = now
        proposal.statusChangedAt = now
        proposal.supportCount = 0
        proposal.commentCount = 0
        proposal.progress = 0
        proposal.attachmentName = "programme.pdf"
        proposal.attachmentType = "application/pdf"
        try await proposal.create(on: app.db)
        let proposalID = try proposal.requireID()
        try await ProposalEvent(
            proposalID: proposalID, from: nil, to: .received, role: Role.resident.rawValue, note: nil, actorID: author,
            at: Date()
        ).create(on: app.db)
        try await sql.raw(
            "INSERT INTO proposal_attachments (proposal_id, bytes) VALUES (\(bind: proposalID), \(bind: Self.pdf))"
        ).run()
        try await ProposalReadModel.bump(territoryID: vitre, on: app.db)
        app.proposalReadModel.invalidate(territoryID: vitre)
        self.proposal = proposalID
        values[":proposal"] = String(proposalID)
        values[":action"] = String(
            try await id("SELECT id FROM actions WHERE territory_id = \(bind: vitre) ORDER BY id LIMIT 1", "action"))
    }

    /// The committee of Vitré, its next meeting (everyone in office recorded present, so that its
    /// members may vote: the demo records attendance of past meetings only) and an item of it
    /// still to decide, its call, its adopted strategy, a seat of someone who is none of the
    /// personas, and a working document (the demo has none).
    func loadCommittees() async throws {
        committee = try await id("SELECT id FROM committees WHERE territory_id = \(bind: vitre)", "committee")
        values[":committee"] = String(committee)
        let meeting = try await id(
            """
            SELECT id FROM committee_meetings WHERE committee_id = \(bind: committee) AND starts_at > \(bind: Date())
            ORDER BY starts_at LIMIT 1
            """, "meeting to come")
        values[":meeting"] = String(meeting)
        values[":item"] = String(
            try await id(
                """
                SELECT id FROM committee_agenda_items WHERE meeting_id = \(bind: meeting) AND decision_mode IS NULL
                ORDER BY position LIMIT 1
                """, "agenda item to decide"))
        let seats = try await sql.raw(
            "SELECT id FROM committee_members WHERE committee_id = \(bind: committee) ORDER BY id"
        ).all(decoding: Row.self)
        for seat in seats {
            try await sql.raw(
                "INSERT INTO committee_attendance (meeting_id, member_id, status) VALUES (\(bind: meeting), \(bind: seat.id), 'present')"
            ).run()
        }
        committeeCall = try await id("SELECT id FROM committee_calls WHERE committee_id = \(bind: committee)", "call")
        values[":member"] = String(
            try await id(
                """
                SELECT m.id FROM committee_members m JOIN people p ON p.id = m.person_id
                WHERE m.committee_id = \(bind: committee) AND p.email NOT IN (\(binds: AuthorizationMatrixTests.personas.compactMap(\.email)))
                ORDER BY m.id LIMIT 1
                """, "seat of someone else"))
        let strategy = try await id(
            "SELECT id FROM committee_strategies WHERE committee_id = \(bind: committee)", "strategy")
        values[":strategy"] = String(strategy)
        values[":section"] = String(
            try await id(
                "SELECT id FROM committee_strategy_sections WHERE strategy_id = \(bind: strategy) ORDER BY position LIMIT 1",
                "strategy section"))
        committeeDocument = try await id(
            """
            INSERT INTO committee_documents (committee_id, meeting_id, title, file_name, file_type, bytes, uploaded_by, created_at)
            VALUES (\(bind: committee), \(bind: meeting), 'Ordre du jour détaillé', 'ordre-du-jour.pdf', 'application/pdf', \(bind: Self.pdf), \(bind: people["coordination@vitre.example"]), \(bind: Date()))
            RETURNING id
            """, "committee document")
    }

    /// The national call and a submission the demo's resident sent to it (not published), with a
    /// file (the demo has none); a published experience; the local call of Vitré gets its own
    /// reviewer; a co-author invitation and a rescued draft, as the room writes them.
    func loadExperiences() async throws {
        nationalCall = try await id("SELECT id FROM experience_calls WHERE territory_id IS NULL", "national call")
        localCall = try await id(
            "SELECT id FROM experience_calls WHERE territory_id = \(bind: vitre)", "local call of Vitré")
        try await sql.raw(
            """
            INSERT INTO experience_reviewers (call_id, person_id) VALUES (\(bind: localCall), \(bind: people[AuthorizationMatrixTests.localReviewer]))
            """
        ).run()
        submission = try await id(
            """
            SELECT e.id FROM experiences e JOIN experience_authors a ON a.experience_id = e.id JOIN people p ON p.id = a.person_id
            WHERE e.call_id = \(bind: nationalCall) AND e.status = 'submitted' AND p.email = 'habitant@vitre.example'
            ORDER BY e.id LIMIT 1
            """, "submission sent by the resident")
        values[":submission"] = String(submission)
        values[":attachment"] = String(
            try await id(
                """
                INSERT INTO experience_attachments (experience_id, name, type, size, bytes, created_at)
                VALUES (\(bind: submission), 'bilan.pdf', 'application/pdf', \(bind: Self.pdf.count), \(bind: Self.pdf), \(bind: Date()))
                RETURNING id
                """, "attachment"))
        struct Published: Decodable { let id: Int; let title: String }
        let published = try #require(
            try await sql.raw("SELECT id, title FROM experiences WHERE status = 'published' ORDER BY id LIMIT 1")
                .first(decoding: Published.self))
        values[":experience"] = "\(published.id)-\(Slug.of(published.title))"
        // Invitations are to another submission: accepting one makes the persona a co-author.
        otherSubmission = try await id(
            """
            SELECT id FROM experiences WHERE call_id = \(bind: nationalCall) AND status = 'submitted' AND id <> \(bind: submission)
            ORDER BY id LIMIT 1
            """, "second submission")
        invitationToken = try await invitation()
    }

    /// A co-author invitation, as `SubmissionPages.invite` writes it.
    func invitation() async throws -> String {
        let token = Tokens.random()
        try await sql.raw(
            """
            INSERT INTO experience_invitations (token_hash, experience_id, email, invited_by_id, expires_at)
            VALUES (\(bind: Tokens.sha256Hex(token)), \(bind: otherSubmission), 'invite@exemple.fr', NULL, \(bind: Date().addingTimeInterval(86_400)))
            """
        ).run()
        return token
    }

    /// What was typed when the session expired, as `SubmissionPages.keepForLater` keeps it.
    func rescue() async throws -> String {
        let token = Tokens.random()
        // Typed in the browser every persona uses (each client sends its cookie).
        let browser = Tokens.sha256Hex(MatrixFixture.rescueBrowser)
        let payload = #"{"fields":{"title":"Un texte gardé"},"multi":{},"browser":"\#(browser)"}"#
        try await sql.raw(
            """
            INSERT INTO experience_rescues (token_hash, call_id, payload, expires_at)
            VALUES (\(bind: Tokens.sha256Hex(token)), \(bind: nationalCall), \(bind: payload), \(bind: Date().addingTimeInterval(86_400)))
            """
        ).run()
        return token
    }

    /// The users' questionnaire of Vitré, one of its questions, and an answer in progress (its resume link).
    func loadQuestionnaires() async throws {
        struct Found: Decodable { let id: Int; let current_version_id: Int }
        let questionnaire = try #require(
            try await sql.raw(
                """
                SELECT q.id, q.current_version_id FROM questionnaires q
                WHERE q.territory_id = \(bind: vitre) AND q.audience = 'usagers' ORDER BY q.id LIMIT 1
                """
            ).first(decoding: Found.self))
        values[":questionnaire"] = String(questionnaire.id)
        values[":question"] = "q4"
        resumeToken = Tokens.random(bytes: 18)
        try await QuestionnaireStore.saveDraft(
            questionnaireID: questionnaire.id, versionID: questionnaire.current_version_id,
            typed: TypedAnswers(fields: ["q1": "2"]), tokenHash: Tokens.sha256Hex(resumeToken), replacing: nil,
            on: app.db)
    }

    /// The workshop the patient partner created, the resident's registration to it, its open
    /// poll and live code, and a document (the demo has none).
    func loadEvents() async throws {
        struct Workshop: Decodable { let id: Int; let live_code: String }
        let workshop = try #require(
            try await sql.raw(
                """
                SELECT id, live_code FROM events WHERE territory_id = \(bind: vitre) AND kind = 'atelier' AND status = 'published'
                ORDER BY id LIMIT 1
                """
            ).first(decoding: Workshop.self), "the demo has no workshop")
        event = workshop.id
        values[":event"] = String(event)
        values[":code"] = workshop.live_code
        registration = try await id(
            """
            SELECT r.id FROM event_registrations r JOIN people p ON p.id = r.person_id
            WHERE r.event_id = \(bind: event) AND p.email = 'habitant@vitre.example' AND r.status = 'registered'
            """, "registration of the resident")
        values[":registration"] = String(registration)
        values[":activity"] = String(
            try await id(
                "SELECT id FROM event_activities WHERE event_id = \(bind: event) AND open = \(bind: true) ORDER BY id LIMIT 1",
                "open live activity"))
        eventDocument = try await id(
            """
            INSERT INTO event_documents (event_id, name, kind, size, bytes, created_at)
            VALUES (\(bind: event), 'support.pdf', 'application/pdf', \(bind: Self.pdf.count), \(bind: Self.pdf), \(bind: Date()))
            RETURNING id
            """, "event document")
    }

    /// A registration to the workshop, on its waiting list, as a patient partner types one.
    func newRegistration() async throws -> Int {
        try await id(
            """
            INSERT INTO event_registrations (event_id, name, phone, audience, status, walk_in, registered_by_id, created_at)
            VALUES (\(bind: event), 'Inscription du test', NULL, 'resident', 'waiting', \(bind: false), \(bind: people[AuthorizationMatrixTests.workshopOrganiser]), \(bind: Date()))
            RETURNING id
            """, "new registration")
    }

    /// An assisted profile of Vitré, as `AssistedPages.create` makes it.
    func newAssistedProfile() async throws -> Int {
        let person = Person(email: nil, passwordHash: nil, displayName: "Profil du test", isAssisted: true)
        person.communeCode = "35360"
        person.createdByID = people[AuthorizationMatrixTests.workshopOrganiser]
        try await person.create(on: app.db)
        try await Membership(personID: person.requireID(), territoryID: vitre, role: .resident).create(on: app.db)
        return try person.requireID()
    }

    func token(_ registration: Int, _ purpose: String) -> String {
        EventLinks.token(registrationID: registration, purpose: purpose, signer: app.agora.signer)
    }

    /// The path of a route with every parameter filled. A request that uses up its object
    /// (deleting a profile, cancelling a registration, accepting an invitation, recovering a
    /// draft) gets a fresh one of its own.
    func path(_ pattern: String, key: String) async throws -> String {
        var values = self.values
        let committees = pattern.contains("/instances/")
        values[":call"] = String(committees ? committeeCall : nationalCall)
        values[":document"] = String(committees ? committeeDocument : eventDocument)
        switch key {
        case "POST /:territory/profils-accompagnes/:person/supprimer":
            values[":person"] = String(try await newAssistedProfile())
        case "POST /:territory/evenements/inscriptions/:registration/:token":
            let fresh = try await newRegistration()
            values[":registration"] = String(fresh)
            values[":token"] = token(fresh, "event-registration")
        case "GET /:territory/evenements/inscriptions/:registration/:token":
            values[":token"] = token(registration, "event-registration")
        case "GET /:territory/evenements/:event/accueil/:registration/:token":
            values[":token"] = token(registration, "event-checkin")
        case "GET /appels/:call/reprise/:token", "POST /appels/:call/reprise/:token":
            values[":token"] = try await rescue()
        case "GET /coauteurs/:token": values[":token"] = invitationToken
        case "POST /coauteurs/:token": values[":token"] = try await invitation()
        case "GET /:territory/questionnaires/:questionnaire/reprendre/:token": values[":token"] = resumeToken
        default: values[":token"] = "jeton-inconnu"
        }
        let segments = try pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            guard segment.hasPrefix(":") else { return String(segment) }
            return try #require(values[String(segment)], "no value for \(segment) in \(pattern)")
        }
        return segments.joined(separator: "/")
    }

    /// Checks that each persona holds, in Vitré and on the fixture's objects, what the table says.
    func checkPersonas() async throws {
        struct Someone: Decodable { let person_id: Int? }
        func ids(_ query: SQLQueryString) async throws -> Set<Int> {
            Set(try await sql.raw(query).all(decoding: Someone.self).compactMap(\.person_id))
        }
        let today = Committees.Day.today()
        let tied: [(AuthorizationMatrixTests.Who, Set<Int>)] = [
            (.nationalOrganiser, try await ids("SELECT person_id FROM experience_organisers")),
            (
                .author,
                try await ids(
                    """
                    SELECT author_id AS person_id FROM proposals WHERE id = \(bind: proposal)
                    UNION SELECT submitted_by_id AS person_id FROM proposals WHERE id = \(bind: proposal)
                    """)
            ),
            (.organiser, try await ids("SELECT created_by_id AS person_id FROM events WHERE id = \(bind: event)")),
            (
                .seatedMember,
                try await ids(
                    """
                    SELECT person_id FROM committee_members WHERE committee_id = \(bind: committee)
                    AND mandate_start <= \(bind: today) AND mandate_end >= \(bind: today)
                    """)
            ),
            (
                .reviewerOfThisCall,
                try await ids("SELECT person_id FROM experience_reviewers WHERE call_id = \(bind: nationalCall)")
            ),
            (
                .submissionAuthor,
                try await ids("SELECT person_id FROM experience_authors WHERE experience_id = \(bind: submission)")
            ),
        ]
        struct Held: Decodable { let role: String }
        for persona in AuthorizationMatrixTests.personas {
            guard let email = persona.email, let id = people[email] else {
                #expect(persona.email == nil, "no account \(persona.email ?? "")")
                continue
            }
            let roles = Set(
                try await sql.raw(
                    "SELECT role FROM memberships WHERE person_id = \(bind: id) AND territory_id = \(bind: vitre)"
                ).all(decoding: Held.self).compactMap { Role(rawValue: $0.role) })
            #expect(roles == persona.roles, "\(persona.label) holds \(roles) in Vitré")
            let ties = Set(tied.filter { $0.1.contains(id) }.map(\.0))
            #expect(ties == persona.ties, "\(persona.label) is tied to the fixture by \(ties)")
        }
        // The reviewer of another call reviews the local call only.
        let local = try await ids("SELECT person_id FROM experience_reviewers WHERE call_id = \(bind: localCall)")
        #expect(local.contains(try #require(people[AuthorizationMatrixTests.localReviewer])))
        // The organiser persona is a patient partner and the event a workshop: the policy's case.
        #expect(
            try await ids(
                "SELECT created_by_id AS person_id FROM events WHERE id = \(bind: event) AND kind = 'atelier'")
                == [try #require(people[AuthorizationMatrixTests.workshopOrganiser])])
    }

    /// The smallest file the rooms' content check takes for a PDF.
    static let pdf = Data("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
}
