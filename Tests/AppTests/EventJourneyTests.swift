import Accounts
import App
import Core
import Events
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Forums and workshops", .serialized)
struct EventJourneyTests {
    static func sql(_ app: Application) -> any SQLDatabase { app.db as! any SQLDatabase }

    static func eventID(titled title: String, _ app: Application) async throws -> Int {
        struct Row: Decodable { let id: Int }
        return try #require(try await sql(app).raw("SELECT id FROM events WHERE title = \(bind: title)").first(decoding: Row.self)).id
    }

    static func statuses(_ app: Application, event: Int) async throws -> [String: Int] {
        struct Row: Decodable { let status: String; let n: Int }
        let rows = try await sql(app).raw("SELECT status, count(*) AS n FROM event_registrations WHERE event_id = \(bind: event) AND NOT walk_in GROUP BY status")
            .all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.status, $0.n) })
    }

    static func lastMail(to recipient: String, _ app: Application) async throws -> OutboxMail? {
        try await OutboxMail.query(on: app.db).filter(\.$recipient == recipient).sort(\.$id, .descending).first()
    }

    /// A day to come, as the form wants it.
    static func day(in days: Int) -> String {
        let today = ParisTime.local(Date().addingTimeInterval(Double(days) * 86400))
        return today.dayText
    }

    static let workshop = "Atelier participatif : bien vieillir chez soi"
    static let forum = "Forum santé : trouver un médecin traitant"

    @Test func theAgendaIsFoundByCommuneDistanceAndMonthAndSubscribed() async throws {
        try await withDemoApp { app in
            let visitor = Browser(app)
            let agenda = try await visitor.get("/vitre/evenements")
            #expect(visitor.lastStatus == .ok)
            #expect(agenda.contains("Atelier participatif : bien vieillir chez soi") && agenda.contains("Réunion publique : la santé mentale des jeunes"))
            #expect(!agenda.contains("Formation : les droits des patients")) // a draft
            #expect(!agenda.contains(Self.forum)) // past
            #expect(try await visitor.get("/vitre/evenements?quand=passes").contains("Forum santé : trouver un médecin traitant"))
            let english = try await Browser(app).get("/vitre/evenements?lang=en")
            #expect(english.contains("<html lang=\"en\">") && english.contains("Forums and workshops") && english.contains("Participatory workshop"))
            let chateaubourg = try await visitor.get("/vitre/evenements?commune=35068")
            #expect(chateaubourg.contains("bien vieillir") && !chateaubourg.contains("santé mentale des jeunes"))
            // Argentré-du-Plessis is about 9 km from Vitré; Châteaubourg about 15 km.
            let near = try await visitor.get("/vitre/evenements?commune=35360&rayon=10")
            #expect(near.contains("santé mentale des jeunes") && !near.contains("bien vieillir"))
            #expect(try await visitor.get("/vitre/evenements?accessibilite=lsf").contains("santé mentale des jeunes"))
            #expect(try await !visitor.get("/vitre/evenements?type=forum").contains("bien vieillir"))

            let id = try await Self.eventID(titled: Self.workshop, app)
            struct Row: Decodable { let starts_at: Date }
            let start = try #require(try await Self.sql(app).raw("SELECT starts_at FROM events WHERE id = \(bind: id)").first(decoding: Row.self)).starts_at
            let local = ParisTime.local(start)
            let month = try await visitor.get("/vitre/evenements/mois?mois=\(MonthGrid.key(local.year, local.month))")
            #expect(visitor.lastStatus == .ok)
            #expect(month.contains("<table>") && month.contains("bien vieillir") && month.contains("Mois suivant"))

            let feed = try await visitor.get("/vitre/evenements.ics")
            #expect(visitor.lastHeaders.first(name: .contentType)?.hasPrefix("text/calendar") == true)
            #expect(feed.hasPrefix("BEGIN:VCALENDAR") && feed.contains("SUMMARY:Atelier participatif : bien vieillir chez soi"))
            #expect(!feed.contains("Formation : les droits"))
            let ics = try await visitor.get("/vitre/evenements/\(id)/agenda.ics")
            #expect(ics.contains("LOCATION:Centre social\\, Place de l'Église\\, Châteaubourg"))

            let page = try await visitor.get("/vitre/evenements/\(id)")
            #expect(page.contains("Centre social, Place de l&#39;Église, Châteaubourg"))
            #expect(page.contains("liste d&#39;attente") && page.contains("Se connecter pour s&#39;inscrire"))
            #expect(!page.contains("Hélène Morel")) // names are for organisers only
            try await visitor.get("/vitre/evenements/999999")
            #expect(visitor.lastStatus == .notFound)
            // An event of Vitré is not found under Brocéliande.
            try await visitor.get("/broceliande/evenements/\(id)")
            #expect(visitor.lastStatus == .notFound)
        }
    }

    @Test func anOrganiserCreatesAnEventAndPeopleRegisterWaitAndMoveUp() async throws {
        try await withDemoApp { app in
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            let early = Browser(app)
            #expect(try await !early.get("/vitre/evenements").contains("Forum &lt;b&gt;test")) // kept a moment for anonymous visitors…
            try await coordinator.get("/vitre/evenements/nouveau")
            #expect(coordinator.lastStatus == .ok)
            var form = ["kind": "forum", "title": "Forum <b>test</b>", "description": "On parle de tout.", "day": "2020-01-10", "start_time": "14:00",
                        "end_time": "13:00", "commune": "35360", "address": "1 place du Château", "capacity": "2"]
            let refused = try await coordinator.post("/vitre/evenements/nouveau", form)
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(refused.contains("Cette date est passée") && refused.contains("value=\"Forum &lt;b&gt;test&lt;/b&gt;\""))
            form["day"] = Self.day(in: 20)
            form["end_time"] = "16:00"
            let badEnd = try await coordinator.post("/vitre/evenements/nouveau", form.merging(["end_time": "12:00"]) { $1 })
            #expect(coordinator.lastStatus == .unprocessableEntity && badEnd.contains("La fin doit venir après le début."))
            #expect(try await Self.sql(app).raw("SELECT id FROM events WHERE title = 'Forum <b>test</b>'").all().isEmpty) // nothing saved half-way
            try await coordinator.post("/vitre/evenements/nouveau", form)
            #expect(coordinator.lastStatus == .seeOther)
            let id = try await Self.eventID(titled: "Forum <b>test</b>", app)
            // A draft is invisible to the public.
            let visitor = Browser(app)
            try await visitor.get("/vitre/evenements/\(id)")
            #expect(visitor.lastStatus == .notFound)
            try await coordinator.get("/vitre/evenements/\(id)")
            try await coordinator.post("/vitre/evenements/\(id)/etat", ["status": "published"])
            #expect(coordinator.lastStatus == .seeOther)
            #expect(try await visitor.get("/vitre/evenements/\(id)").contains("Forum &lt;b&gt;test&lt;/b&gt;"))
            #expect(try await early.get("/vitre/evenements").contains("Forum &lt;b&gt;test")) // …and dropped by every write

            // Two people register; the third is put on the waiting list.
            let resident = Browser(app), pro = Browser(app), decider = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await pro.login("pro@vitre.example")
            try await decider.login("decideur@vitre.example")
            try await resident.get("/vitre/evenements/\(id)")
            try await resident.post("/vitre/evenements/\(id)/inscription", ["needs": "Je viens en fauteuil."])
            #expect(resident.lastStatus == .seeOther)
            let mine = try #require(resident.location)
            let confirmation = try #require(try await Self.lastMail(to: "habitant@vitre.example", app))
            #expect(confirmation.subject.hasPrefix("Inscription confirmée"))
            #expect(confirmation.body.contains("/vitre/evenements/\(id)/agenda.ics") && confirmation.body.contains(mine))
            // Registering twice is refused, with the reason.
            try await resident.get("/vitre/evenements/\(id)")
            #expect(resident.lastBody.contains("Votre inscription"))
            let twice = try await resident.post("/vitre/evenements/\(id)/inscription", [:])
            #expect(resident.lastStatus == .unprocessableEntity && twice.contains("déjà inscrite"))
            try await pro.get("/vitre/evenements/\(id)")
            try await pro.post("/vitre/evenements/\(id)/inscription", [:])
            try await decider.get("/vitre/evenements/\(id)")
            #expect(decider.lastBody.contains("C&#39;est complet"))
            try await decider.post("/vitre/evenements/\(id)/inscription", [:])
            #expect(try await Self.lastMail(to: "decideur@vitre.example", app)?.subject.hasPrefix("Liste d'attente") == true)
            #expect(try await Self.statuses(app, event: id) == ["registered": 2, "waiting": 1])

            // The capacity cannot go below the number registered.
            try await coordinator.get("/vitre/evenements/\(id)/modifier")
            var edit = form
            edit["capacity"] = "1"
            let below = try await coordinator.post("/vitre/evenements/\(id)/modifier", edit)
            #expect(coordinator.lastStatus == .unprocessableEntity && below.contains("2 personnes sont déjà inscrites"))

            // The one-click cancel: the link shows a page (a GET changes nothing), its button cancels.
            let minePage = try await resident.get(mine)
            #expect(resident.lastStatus == .ok && minePage.contains("<svg") && minePage.contains("Annuler mon inscription"))
            #expect(try await Self.statuses(app, event: id) == ["registered": 2, "waiting": 1])
            let anonymous = Browser(app) // the link works without being signed in
            try await anonymous.get(mine)
            try await anonymous.post(mine, [:])
            #expect(anonymous.lastStatus == .seeOther)
            #expect(try await Self.statuses(app, event: id) == ["registered": 2])
            let promoted = try #require(try await Self.lastMail(to: "decideur@vitre.example", app))
            #expect(promoted.subject.hasPrefix("Une place s'est libérée"))
            // A tampered token finds nothing.
            try await anonymous.get(mine.replacingOccurrences(of: "/inscriptions/", with: "/inscriptions/9") + "x")
            #expect(anonymous.lastStatus == .notFound)

            // Cancelling the event tells the registrants.
            try await coordinator.get("/vitre/evenements/\(id)")
            try await coordinator.post("/vitre/evenements/\(id)/etat", ["status": "cancelled"])
            #expect(try await Self.lastMail(to: "pro@vitre.example", app)?.subject.hasPrefix("Annulé") == true)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$action == "event.cancelled").count()
            #expect(audit == 1)
        }
    }

    @Test func manyRegistrationsAtTheSameSecondNeverExceedTheCapacity() async throws {
        try await withDemoApp { app in
            let partner = Browser(app)
            try await partner.login("partenaire@vitre.example")
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            let id = try await Self.eventID(titled: "Réunion publique : la santé mentale des jeunes", app)
            try await Self.sql(app).raw("UPDATE events SET capacity = 5 WHERE id = \(bind: id)").run()
            try await partner.get("/vitre/evenements/\(id)")
            let csrf = try #require(partner.csrf)
            let cookies = partner.cookies
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group -> [HTTPStatus] in
                for index in 0..<30 {
                    group.addTask {
                        let browser = Browser(app)
                        browser.cookies = cookies
                        try await browser.post("/vitre/evenements/\(id)/inscrire", ["name": "Personne \(index)", "phone": "06 00 00 00 \(String(format: "%02d", index))"], csrf: csrf)
                        return browser.lastStatus
                    }
                }
                var all: [HTTPStatus] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.allSatisfy { $0 == .seeOther }, "\(statuses)")
            // The demo already registered one person (capacity 5): four seats were left.
            #expect(try await Self.statuses(app, event: id) == ["registered": 5, "waiting": 26])
            // Names are for organisers: the coordinator sees them, with the waiting list in order.
            let list = try await coordinator.get("/vitre/evenements/\(id)/inscrits")
            #expect(coordinator.lastStatus == .ok && list.contains("Liste d&#39;attente"))
        }
    }

    @Test func onTheDayCheckInWalkInsAndFigures() async throws {
        try await withDemoApp { app in
            let id = try await Self.eventID(titled: Self.workshop, app)
            let partner = Browser(app) // the patient partner runs this workshop
            try await partner.login("partenaire@vitre.example")
            let resident = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await resident.get("/vitre/evenements/\(id)")
            let link = try #require(resident.lastBody.range(of: "/vitre/evenements/inscriptions/").map { range in
                String(resident.lastBody[range.lowerBound...].prefix { $0 != "\"" })
            })
            let mine = try await resident.get(link)
            #expect(mine.contains("Votre code d&#39;accueil"))
            struct Row: Decodable { let id: Int }
            let registration = try #require(try await Self.sql(app).raw("""
                SELECT r.id FROM event_registrations r JOIN people p ON p.id = r.person_id WHERE r.event_id = \(bind: id) AND p.email = 'habitant@vitre.example'
                """).first(decoding: Row.self)).id
            let token = EventLinks.token(registrationID: registration, purpose: "event-checkin", signer: app.agora.signer)
            // The QR code's address: the organiser gets a button; a wrong token finds nothing.
            let checkIn = try await partner.get("/vitre/evenements/\(id)/accueil/\(registration)/\(token)")
            #expect(partner.lastStatus == .ok && checkIn.contains("Confirmer l&#39;arrivée"))
            try await partner.get("/vitre/evenements/\(id)/accueil/\(registration)/faux")
            #expect(partner.lastStatus == .notFound)
            try await partner.get("/vitre/evenements/\(id)/accueil/\(registration)/\(token)")
            try await partner.post("/vitre/evenements/\(id)/accueil/\(registration)", [:])
            #expect(partner.lastStatus == .seeOther)
            // Search a name, and add a walk-in.
            let found = try await partner.get("/vitre/evenements/\(id)/inscrits?nom=helene")
            #expect(found.contains("Hélène Morel") && !found.contains("Odile Perrin"))
            let empty = try await partner.post("/vitre/evenements/\(id)/sur-place", ["name": ""])
            #expect(partner.lastStatus == .unprocessableEntity && empty.contains("Indiquez le nom de la personne."))
            try await partner.post("/vitre/evenements/\(id)/sur-place", ["name": "Simone Veillard", "commune": "35068"])
            #expect(partner.lastStatus == .seeOther)
            let sheet = try await partner.get("/vitre/evenements/\(id)/emargement")
            #expect(sheet.contains("Signature") && sheet.contains("Simone Veillard"))
            let figures = try await partner.get("/vitre/evenements/\(id)/chiffres")
            #expect(figures.contains("moins de 5")) // two attended: small cells
            #expect(!figures.contains(">2<"))
            // Someone of another territory cannot manage it; a resident neither.
            let other = Browser(app)
            try await other.login("coordination@broceliande.example")
            try await other.get("/vitre/evenements/\(id)/inscrits")
            #expect(other.lastStatus == .forbidden)
            try await resident.get("/vitre/evenements/\(id)/inscrits")
            #expect(resident.lastStatus == .forbidden)
            // Another patient partner's workshop is not this partner's to manage.
            let forum = try await Self.eventID(titled: Self.forum, app)
            try await partner.get("/vitre/evenements/\(forum)/inscrits")
            #expect(partner.lastStatus == .forbidden)
        }
    }

    @Test func participantsJoinWithACodeVoteAndAreRateLimited() async throws {
        try await withDemoApp { app in
            let id = try await Self.eventID(titled: Self.workshop, app)
            struct Code: Decodable { let live_code: String }
            let code = try #require(try await Self.sql(app).raw("SELECT live_code FROM events WHERE id = \(bind: id)").first(decoding: Code.self)).live_code
            let phone = Browser(app)
            let wrong = try await phone.get("/participer?code=AAAAAA")
            #expect(phone.lastStatus == .unprocessableEntity && wrong.contains("Ce code ne correspond à aucun atelier"))
            try await phone.get("/participer?code=\(code.lowercased())")
            #expect(phone.lastStatus == .seeOther && phone.location == "/participer/\(code)")
            let page = try await phone.get("/participer/\(code)")
            #expect(page.contains("Quel sujet voulez-vous aborder en premier ?"))
            #expect(phone.cookies["agora_participant"] != nil)
            struct Activity: Decodable { let id: Int }
            let poll = try #require(try await Self.sql(app).raw("SELECT id FROM event_activities WHERE event_id = \(bind: id) AND open = \(bind: true)").first(decoding: Activity.self)).id
            struct Option: Decodable { let id: Int }
            let option = try #require(try await Self.sql(app).raw("SELECT id FROM event_activity_options WHERE activity_id = \(bind: poll) ORDER BY position").first(decoding: Option.self)).id
            try await phone.post("/participer/\(code)/\(poll)", ["choice": String(option)])
            #expect(phone.lastStatus == .seeOther)
            #expect(try await phone.get("/participer/\(code)").contains("votre réponse est enregistrée"))

            // The organiser sees the vote on the projector, and opens an idea wall.
            let partner = Browser(app)
            try await partner.login("partenaire@vitre.example")
            let projector = try await partner.get("/vitre/evenements/\(id)/projection")
            #expect(partner.lastHeaders.first(name: "Refresh") == "5" && projector.contains("Réponses (1 votes)"))
            try await partner.get("/vitre/evenements/\(id)/direct")
            let badPoll = try await partner.post("/vitre/evenements/\(id)/direct", ["kind": "poll", "question": "Oui ou non ?", "options": "Oui"])
            #expect(partner.lastStatus == .unprocessableEntity && badPoll.contains("de 2 à 10 réponses"))
            try await partner.post("/vitre/evenements/\(id)/direct", ["kind": "ideas", "question": "Vos idées ?"])
            #expect(partner.lastStatus == .seeOther)
            let wall = try #require(try await Self.sql(app).raw("SELECT id FROM event_activities WHERE event_id = \(bind: id) AND kind = 'ideas'").first(decoding: Activity.self)).id
            try await phone.get("/participer/\(code)")
            try await phone.post("/participer/\(code)/\(wall)", ["idea": "<script>alert(1)</script> Un minibus", "author": "Jo"])
            #expect(phone.lastStatus == .seeOther)
            let shown = try await partner.get("/vitre/evenements/\(id)/projection?js=1")
            #expect(shown.contains("&lt;script&gt;alert(1)&lt;/script&gt; Un minibus") && !shown.contains("<script>alert"))
            #expect(partner.lastHeaders.first(name: "Refresh") == nil)
            // Turning the idea into a proposal: a prefilled form of the Proposals room.
            let live = try await partner.get("/vitre/evenements/\(id)/direct")
            #expect(live.contains("/vitre/propositions/nouvelle?titre=") && live.contains("origine=rencontre"))
            let proposal = try await partner.get("/vitre/propositions/nouvelle?titre=Un%20minibus&origine=rencontre&origine_nom=Atelier")
            #expect(proposal.contains("value=\"Un minibus\"") && proposal.contains("value=\"Atelier\""))

            // Five contributions a minute, then a polite refusal.
            for index in 0..<3 {
                try await phone.get("/participer/\(code)")
                try await phone.post("/participer/\(code)/\(wall)", ["idea": "Idée \(index)"])
            }
            #expect(phone.lastStatus == .seeOther)
            try await phone.get("/participer/\(code)")
            let limited = try await phone.post("/participer/\(code)/\(wall)", ["idea": "Une de trop"])
            #expect(phone.lastStatus == .tooManyRequests && limited.contains("attendez une minute"))

            // The organiser hides an idea: it leaves the projector.
            struct Idea: Decodable { let id: Int }
            let idea = try #require(try await Self.sql(app).raw("SELECT id FROM event_ideas WHERE body LIKE '%minibus%'").first(decoding: Idea.self)).id
            try await partner.post("/vitre/evenements/\(id)/direct/\(wall)", ["action": "hide", "idea": String(idea)])
            #expect(try await !partner.get("/vitre/evenements/\(id)/projection?js=1").contains("minibus"))
        }
    }

    @Test func remindersAreSentOnceAndFeedbackOnce() async throws {
        try await withDemoApp { app in
            let id = try await Self.eventID(titled: Self.workshop, app)
            // Move the workshop to tomorrow.
            try await Self.sql(app).raw("UPDATE events SET starts_at = \(bind: Date().addingTimeInterval(20 * 3600)), ends_at = \(bind: Date().addingTimeInterval(22 * 3600)) WHERE id = \(bind: id)").run()
            let first = try await EventsModule.sendReminders(app)
            #expect(first == 1) // the only registered person with an address
            #expect(try await Self.lastMail(to: "habitant@vitre.example", app)?.body.contains("agenda.ics") == true)
            #expect(try await EventsModule.sendReminders(app) == 0)

            let forum = try await Self.eventID(titled: Self.forum, app)
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            let after = try await coordinator.get("/vitre/evenements/\(forum)/apres")
            #expect(after.contains("Qu&#39;est-ce qui vous aiderait le plus ?") && after.contains("Réponses (29 votes)")) // the results are kept
            let bad = try await coordinator.post("/vitre/evenements/\(forum)/questionnaire", ["feedback_url": "https://ailleurs.example/q"])
            #expect(coordinator.lastStatus == .unprocessableEntity && bad.contains("commence par /vitre/questionnaires/") && bad.contains("value=\"https://ailleurs.example/q\""))
            try await coordinator.post("/vitre/evenements/\(forum)/questionnaire", ["feedback_url": "/vitre/questionnaires/3"])
            #expect(coordinator.lastStatus == .seeOther)
            #expect(try await Self.lastMail(to: "pro@vitre.example", app)?.body.contains("/vitre/questionnaires/3") == true)
            let mails = try await OutboxMail.query(on: app.db).filter(\.$subject == "Votre avis sur « \(Self.forum) »").count()
            #expect(mails == 4) // the four attendees with an address
            try await coordinator.get("/vitre/evenements/\(forum)/apres")
            try await coordinator.post("/vitre/evenements/\(forum)/questionnaire", ["feedback_url": "/vitre/questionnaires/3"])
            #expect(coordinator.lastStatus == .conflict)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$subject == "Votre avis sur « \(Self.forum) »").count() == 4)
            #expect(try await coordinator.get("/vitre/evenements/\(forum)/chiffres").contains("Questionnaires envoyés"))

            // Personal data: the registrations are in the export, and erased with the account.
            let resident = try #require(try await Person.query(on: app.db).filter(\.$email == "habitant@vitre.example").first())
            let module = EventsModule()
            let data = try await module.personalData(of: resident.id!, on: app.db)
            guard case .list(let rows)? = data["event_registrations"] else { Issue.record("no registrations"); return }
            #expect(rows.count == 2)
            try await module.erase(personID: resident.id!, on: app.db)
            guard case .list(let after)? = try await module.personalData(of: resident.id!, on: app.db)["event_registrations"] else { return }
            #expect(after.isEmpty)
        }
    }
}
