import Foundation
import Testing
@testable import Core
@testable import Events
import Questionnaires

/// The room's page views are pure functions of a page model and the visit: each test builds a
/// small model by hand and reads the HTML, with no server and no database.
enum PageFixtures {
    static let now = ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z")!
    static let territory = TerritoryInfo(
        id: 1, slug: "vitre", name: "Vitré Communauté", epciSiren: nil,
        communes: [CommuneInfo(id: 1, code: "35360", name: "Vitré", postalCodes: ["35500"], population: 18000)])

    /// A visit of the territory: anonymous, or person 7 holding `roles` there.
    static func visit(_ roles: Set<Role>? = nil) -> Visit {
        let viewer = roles.map {
            Viewer(
                personID: 7, displayName: "Camille", email: "camille@example.org",
                rolesByTerritory: [territory.id: $0], sessionID: "session")
        }
        return Visit(
            lang: .fr, viewer: viewer, territory: territory, csrfToken: "jeton", flash: nil, path: "/vitre", query: nil)
    }

    /// Event 5 of the territory, starting `starts` (two weeks ahead by default), two hours long.
    static func event(
        title: String = "Forum santé", kind: EventKind = .forum, status: EventStatus = .published,
        starts: Date = now.addingTimeInterval(14 * 86400), capacity: Int = 30, registered: Int = 0,
        waiting: Int = 0, feedbackSentAt: Date? = nil, feedbackSentCount: Int = 0
    ) -> EventRecord {
        EventRecord(
            id: 5, territory_id: territory.id, kind: kind, status: status, title: title,
            description: "On parle des médecins traitants.", themes_mask: 0, starts_at: starts,
            ends_at: starts.addingTimeInterval(7200), commune_code: "35360", address: "2 rue de la Mairie", room: nil,
            online_url: nil, access_mask: 0, capacity: capacity, opens_on: nil, closes_on: nil,
            organisers: "CPTS du Pays de Vitré", live_code: "K7MP2Q",
            minutes: nil, feedback_url: "/vitre/questionnaires/3/repondre?evenement=5",
            feedback_sent_at: feedbackSentAt, feedback_sent_count: feedbackSentCount, live_version: 0,
            created_by_id: 7, calendar_sequence: 0, updated_at: now, registered: registered, waiting: waiting)
    }

    static func context(_ event: EventRecord, _ visit: Visit) -> EventContext {
        EventContext(event: event, territory: territory, visit: visit)
    }
}

@Suite("Page views, without a database")
struct PageViewTests {
    typealias F = PageFixtures

    @Test func eventPageForAnAnonymousVisitorOfAFullEvent() {
        let visit = F.visit()
        let model = EventPageModel(
            context: F.context(F.event(registered: 30, waiting: 2), visit), now: F.now, mine: nil, assisted: nil,
            toCall: nil, documents: [])
        let html = EventPages.view(
            model, visit: visit, registerFields: [:], registerErrors: FormErrors(), otherFields: [:],
            otherErrors: FormErrors()
        ).main.rendered
        #expect(html.contains("<h1>Forum santé</h1>"))
        #expect(html.contains("30 places, 0 restantes · 2 en liste d&#39;attente"))
        #expect(html.contains("C&#39;est complet."))
        #expect(html.contains("Se connecter pour s&#39;inscrire"))
        // Neither the organiser's panel nor the form to register someone else.
        #expect(!html.contains("id=\"organiser\""))
        #expect(!html.contains("Inscrire une autre personne"))
    }

    @Test func eventPageShowsTheOrganiserTheButtonsItsStatusAllows() {
        let visit = F.visit([.coordinator])
        func html(_ event: EventRecord, toCall: [(name: String, phone: String?)]? = nil) -> String {
            let model = EventPageModel(
                context: F.context(event, visit), now: F.now, mine: nil, assisted: [], toCall: toCall,
                documents: [EventDocumentRow(id: 2, name: "programme.pdf", kind: "application/pdf", size: 4096)])
            return EventPages.view(
                model, visit: visit, registerFields: [:], registerErrors: FormErrors(), otherFields: [:],
                otherErrors: FormErrors()
            ).main.rendered
        }
        let draft = html(F.event(status: .draft))
        #expect(draft.contains("id=\"organiser\""))
        #expect(draft.contains("value=\"published\"><button type=\"submit\" class=\"button\">Publier</button>"))
        #expect(!draft.contains("value=\"cancelled\""))
        #expect(!draft.contains("id=\"inscription\""))  // a draft takes no registration
        let published = html(F.event())
        #expect(!published.contains("value=\"published\""))
        #expect(published.contains("Annuler la rencontre (les inscrit·es sont prévenu·es)"))
        #expect(published.contains("Inscrire une autre personne"))
        #expect(published.contains("programme.pdf</a> (PDF, 4 Ko)"))
        let cancelled = html(F.event(status: .cancelled), toCall: [("Jeanne Martin", nil)])
        #expect(!cancelled.contains("value=\"cancelled\""))
        #expect(cancelled.contains("Personnes à prévenir par téléphone"))
        #expect(cancelled.contains("Jeanne Martin") && cancelled.contains("pas de numéro"))
    }

    @Test func feedbackSectionCountsAttendeesWithFrenchPlurals() {
        let visit = F.visit([.coordinator])
        let yesterday = F.now.addingTimeInterval(-86400)
        func html(sent: Int, pending: Int) -> String {
            let event = F.event(starts: yesterday, feedbackSentAt: F.now, feedbackSentCount: sent)
            let model = FeedbackModel(
                context: F.context(event, visit), now: F.now,
                state: FeedbackState(attended: sent + pending, pending: pending),
                chosenID: 3, chosen: FeedbackModel.Chosen(id: 3, title: "Votre avis"), open: nil,
                offline: [("Jeanne Martin", nil)])
            return AfterPages.feedbackView(model, visit: visit, fields: [:], errors: FormErrors()).rendered
        }
        let many = html(sent: 3, pending: 2)
        #expect(many.contains("« Votre avis » a été envoyé par e-mail à 3 personnes venues, le dernier envoi le"))
        #expect(many.contains("2 personnes accueillies depuis le dernier envoi ne l&#39;ont pas encore reçu."))
        #expect(!many.contains("<select"))  // sent: the choice is made
        #expect(many.contains(QuestionnairePaths.paper.link("vitre", 3)))
        let one = html(sent: 1, pending: 1)
        #expect(one.contains("à 1 personne venue, le dernier envoi le"))
        #expect(one.contains("1 personne accueillie depuis le dernier envoi ne l&#39;a pas encore reçu."))
        // Nobody left to send it to: no button.
        #expect(!html(sent: 1, pending: 0).contains("L&#39;envoyer aussi à ces personnes"))
    }

    @Test func organiserLivePageModeratesAWall() {
        let visit = F.visit([.coordinator])
        let wall = LiveStore.Activity(
            id: 11, event_id: 5, kind: .ideas, question: "Vos idées", open: true, moderated: true)
        let poll = LiveStore.Activity(
            id: 12, event_id: 5, kind: .poll, question: "Venu·e en", open: false, moderated: false)
        let data = LiveStore.LiveData(
            activities: [wall, poll],
            options: [
                LiveStore.Option(id: 1, activity_id: 12, label: "Bus", votes: 3),
                LiveStore.Option(id: 2, activity_id: 12, label: "Voiture", votes: 1),
            ],
            ideas: [
                LiveStore.Idea(
                    id: 21, activity_id: 11, participant: "p", author_name: nil, body: "Un bus le samedi",
                    hidden: false, pending: false, votes: 4),
                LiveStore.Idea(
                    id: 22, activity_id: 11, participant: "q", author_name: "Léa", body: "Une permanence",
                    hidden: false, pending: true, votes: 0),
            ],
            rankCounts: [:], answers: [12: 4])
        let model = LiveOrganiserModel(
            context: F.context(F.event(kind: .workshop), visit), data: data, baseURL: "https://agora.example")
        let html = LivePages.organiserView(model, visit: visit, fields: [:], lists: [:], errors: FormErrors())
            .main.rendered
        #expect(html.contains("<h1>Participation en direct : Forum santé</h1>"))
        #expect(html.contains("<strong>https://agora.example/participer</strong>"))
        #expect(html.contains("Idées (2) — « Vos idées »"))
        #expect(html.contains("1 en attente de validation"))
        #expect(html.contains(">Approuver<") && html.contains(">Masquer<"))
        #expect(html.contains("Réponses (moins de 5 votes)"))
        #expect(html.contains(">Fermer<") && html.contains(">Ouvrir<"))
        let empty = LiveOrganiserModel(
            context: F.context(F.event(), visit),
            data: LiveStore.LiveData(activities: [], options: [], ideas: [], rankCounts: [:], answers: [:]),
            baseURL: "https://agora.example")
        #expect(
            LivePages.organiserView(empty, visit: visit, fields: [:], lists: [:], errors: FormErrors()).main.rendered
                .contains("Aucune activité pour le moment."))
    }

    @Test func participantPageAsksForATopThreeOrThanks() {
        let visit = F.visit()
        let ranking = LiveStore.Activity(
            id: 31, event_id: 5, kind: .ranking, question: "Vos priorités", open: true, moderated: false)
        let poll = LiveStore.Activity(
            id: 32, event_id: 5, kind: .poll, question: "Content·e ?", open: true, moderated: false)
        let data = LiveStore.LiveData(
            activities: [ranking, poll],
            options: ["Bus", "Médecins", "Pharmacie"].enumerated().map {
                LiveStore.Option(id: $0.offset + 1, activity_id: 31, label: $0.element, votes: 0)
            } + [LiveStore.Option(id: 9, activity_id: 32, label: "Oui", votes: 1)],
            ideas: [], rankCounts: [:], answers: [:])
        func html(_ event: EventRecord) -> String {
            let model = LiveParticipantModel(
                event: event, participant: "moi", data: data, votes: [LiveStore.Vote(activity_id: 32, target_id: 9)],
                now: F.now)
            return LivePages.participantView(
                model, visit: visit, errors: FormErrors(), fields: [:], lists: [:], posted: nil
            ).main.rendered
        }
        let open = html(F.event(kind: .workshop))
        #expect(open.contains("<h2>Vos priorités</h2>"))
        #expect(open.contains("1er choix (3 points)"))
        #expect(open.contains("3e choix (1 point)"))
        #expect(open.contains("Merci, votre réponse est enregistrée."))  // the poll already answered
        let cancelled = html(F.event(kind: .workshop, status: .cancelled))
        #expect(!cancelled.contains("Vos priorités"))
        #expect(cancelled.contains("class=\"notice\""))
    }
}
