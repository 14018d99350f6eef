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
        return try #require(
            try await sql(app).raw("SELECT id FROM events WHERE title = \(bind: title)").first(decoding: Row.self)
        ).id
    }

    static func statuses(_ app: Application, event: Int) async throws -> [String: Int] {
        struct Row: Decodable { let status: String; let n: Int }
        let rows = try await sql(app).raw(
            "SELECT status, count(*) AS n FROM event_registrations WHERE event_id = \(bind: event) AND NOT walk_in GROUP BY status"
        )
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
            #expect(
                agenda.contains("Atelier participatif : bien vieillir chez soi")
                    && agenda.contains("Réunion publique : la santé mentale des jeunes"))
            #expect(!agenda.contains("Formation : les droits des patients"))  // a draft
            #expect(!agenda.contains(Self.forum))  // past
            #expect(
                try await visitor.get("/vitre/evenements?quand=passes").contains(
                    "Forum santé : trouver un médecin traitant"))
            let english = try await Browser(app).get("/vitre/evenements?lang=en")
            #expect(
                english.contains("<html lang=\"en\">") && english.contains("Forums and workshops")
                    && english.contains("Participatory workshop"))
            let chateaubourg = try await visitor.get("/vitre/evenements?commune=35068")
            #expect(chateaubourg.contains("bien vieillir") && !chateaubourg.contains("santé mentale des jeunes"))
            // Argentré-du-Plessis is about 9 km from Vitré; Châteaubourg about 15 km.
            let near = try await visitor.get("/vitre/evenements?commune=35360&rayon=10")
            #expect(near.contains("santé mentale des jeunes") && !near.contains("bien vieillir"))
            #expect(try await visitor.get("/vitre/evenements?accessibilite=lsf").contains("santé mentale des jeunes"))
            #expect(try await !visitor.get("/vitre/evenements?type=forum").contains("bien vieillir"))

            let id = try await Self.eventID(titled: Self.workshop, app)
            struct Row: Decodable { let starts_at: Date }
            let start = try #require(
                try await Self.sql(app).raw("SELECT starts_at FROM events WHERE id = \(bind: id)").first(
                    decoding: Row.self)
            ).starts_at
            let local = ParisTime.local(start)
            let month = try await visitor.get("/vitre/evenements/mois?mois=\(MonthGrid.key(local.year, local.month))")
            #expect(visitor.lastStatus == .ok)
            #expect(month.contains("<table>") && month.contains("bien vieillir") && month.contains("Mois suivant"))

            let feed = try await visitor.get("/vitre/evenements.ics")
            #expect(visitor.lastHeaders.first(name: .contentType)?.hasPrefix("text/calendar") == true)
            #expect(
                feed.hasPrefix("BEGIN:VCALENDAR")
                    && feed.contains("SUMMARY:Atelier participatif : bien vieillir chez soi"))
            #expect(!feed.contains("Formation : les droits"))
            let ics = try await visitor.get("/vitre/evenements/\(id)/agenda.ics")
            #expect(ics.contains("LOCATION:Centre social\\, Place de l'Église\\, Châteaubourg"))

            let page = try await visitor.get("/vitre/evenements/\(id)")
            #expect(page.contains("Centre social, Place de l&#39;Église, Châteaubourg"))
            #expect(page.contains("liste d&#39;attente") && page.contains("Se connecter pour s&#39;inscrire"))
            #expect(!page.contains("Hélène Morel"))  // names are for organisers only
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
            // kept a moment for anonymous visitors…
            #expect(try await !early.get("/vitre/evenements").contains("Forum &lt;b&gt;test"))
            try await coordinator.get("/vitre/evenements/nouveau")
            #expect(coordinator.lastStatus == .ok)
            var form = [
                "kind": "forum", "title": "Forum <b>test</b>", "description": "On parle de tout.", "day": "2020-01-10",
                "start_time": "14:00",
                "end_time": "13:00", "commune": "35360", "address": "1 place du Château", "capacity": "2",
            ]
            let refused = try await coordinator.post("/vitre/evenements/nouveau", form)
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(
                refused.contains("Cette date est passée") && refused.contains("value=\"Forum &lt;b&gt;test&lt;/b&gt;\"")
            )
            form["day"] = Self.day(in: 20)
            form["end_time"] = "16:00"
            let badEnd = try await coordinator.post(
                "/vitre/evenements/nouveau", form.merging(["end_time": "12:00"]) { $1 })
            #expect(
                coordinator.lastStatus == .unprocessableEntity && badEnd.contains("La fin doit venir après le début."))
            #expect(
                // nothing saved half-way
                try await Self.sql(app).raw("SELECT id FROM events WHERE title = 'Forum <b>test</b>'").all().isEmpty)
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
            // …and dropped by every write
            #expect(try await early.get("/vitre/evenements").contains("Forum &lt;b&gt;test"))

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
            #expect(
                confirmation.body.contains("/vitre/evenements/\(id)/agenda.ics") && confirmation.body.contains(mine))
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
            #expect(
                try await Self.lastMail(to: "decideur@vitre.example", app)?.subject.hasPrefix("Liste d'attente") == true
            )
            #expect(try await Self.statuses(app, event: id) == ["registered": 2, "waiting": 1])

            // The capacity cannot go below the number registered.
            try await coordinator.get("/vitre/evenements/\(id)/modifier")
            var edit = form
            edit["capacity"] = "1"
            let below = try await coordinator.post("/vitre/evenements/\(id)/modifier", edit)
            #expect(coordinator.lastStatus == .unprocessableEntity && below.contains("2 personnes sont déjà inscrites"))

            // The one-click cancel: the link shows a page (a GET changes nothing), its button cancels.
            let minePage = try await resident.get(mine)
            #expect(
                resident.lastStatus == .ok && minePage.contains("<svg") && minePage.contains("Annuler mon inscription"))
            #expect(try await Self.statuses(app, event: id) == ["registered": 2, "waiting": 1])
            let anonymous = Browser(app)  // the link works without being signed in
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
                        try await browser.post(
                            "/vitre/evenements/\(id)/inscrire",
                            ["name": "Personne \(index)", "phone": "06 00 00 00 \(String(format: "%02d", index))"],
                            csrf: csrf)
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
            let partner = Browser(app)  // the patient partner runs this workshop
            try await partner.login("partenaire@vitre.example")
            let resident = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await resident.get("/vitre/evenements/\(id)")
            let link = try #require(
                resident.lastBody.range(of: "/vitre/evenements/inscriptions/").map { range in
                    String(resident.lastBody[range.lowerBound...].prefix { $0 != "\"" })
                })
            let mine = try await resident.get(link)
            #expect(mine.contains("Votre code d&#39;accueil"))
            struct Row: Decodable { let id: Int }
            let registration = try #require(
                try await Self.sql(app).raw(
                    """
                    SELECT r.id FROM event_registrations r JOIN people p ON p.id = r.person_id WHERE r.event_id = \(bind: id) AND p.email = 'habitant@vitre.example'
                    """
                ).first(decoding: Row.self)
            ).id
            let token = EventLinks.token(
                registrationID: registration, purpose: "event-checkin", signer: app.agora.signer)
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
            try await partner.post(
                "/vitre/evenements/\(id)/sur-place", ["name": "Simone Veillard", "commune": "35068"])
            #expect(partner.lastStatus == .seeOther)
            let sheet = try await partner.get("/vitre/evenements/\(id)/emargement")
            #expect(sheet.contains("Signature") && sheet.contains("Simone Veillard"))
            let figures = try await partner.get("/vitre/evenements/\(id)/chiffres")
            #expect(figures.contains("moins de 5"))  // two attended: small cells
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
            let code = try #require(
                try await Self.sql(app).raw("SELECT live_code FROM events WHERE id = \(bind: id)").first(
                    decoding: Code.self)
            ).live_code
            let phone = Browser(app)
            let wrong = try await phone.get("/participer?code=AAAAAA")
            #expect(phone.lastStatus == .unprocessableEntity && wrong.contains("Ce code ne correspond à aucun atelier"))
            try await phone.get("/participer?code=\(code.lowercased())")
            #expect(phone.lastStatus == .seeOther && phone.location == "/participer/\(code)")
            let page = try await phone.get("/participer/\(code)")
            #expect(page.contains("Quel sujet voulez-vous aborder en premier ?"))
            #expect(phone.cookies["agora_participant"] != nil)
            struct Activity: Decodable { let id: Int }
            let poll = try #require(
                try await Self.sql(app).raw(
                    "SELECT id FROM event_activities WHERE event_id = \(bind: id) AND open = \(bind: true)"
                ).first(decoding: Activity.self)
            ).id
            struct Option: Decodable { let id: Int }
            let option = try #require(
                try await Self.sql(app).raw(
                    "SELECT id FROM event_activity_options WHERE activity_id = \(bind: poll) ORDER BY position"
                ).first(decoding: Option.self)
            ).id
            try await phone.post("/participer/\(code)/\(poll)", ["choice": String(option)])
            #expect(phone.lastStatus == .seeOther)
            #expect(try await phone.get("/participer/\(code)").contains("votre réponse est enregistrée"))

            // The organiser sees the vote on the projector, and opens an idea wall.
            let partner = Browser(app)
            try await partner.login("partenaire@vitre.example")
            let projector = try await partner.get("/vitre/evenements/\(id)/projection")
            #expect(
                partner.lastHeaders.first(name: "Refresh") == "5" && projector.contains("Réponses (moins de 5 votes)"))
            try await partner.get("/vitre/evenements/\(id)/direct")
            let badPoll = try await partner.post(
                "/vitre/evenements/\(id)/direct", ["kind": "poll", "question": "Oui ou non ?", "options": "Oui"])
            #expect(partner.lastStatus == .unprocessableEntity && badPoll.contains("de 2 à 10 réponses"))
            try await partner.post("/vitre/evenements/\(id)/direct", ["kind": "ideas", "question": "Vos idées ?"])
            #expect(partner.lastStatus == .seeOther)
            let wall = try #require(
                try await Self.sql(app).raw(
                    "SELECT id FROM event_activities WHERE event_id = \(bind: id) AND kind = 'ideas'"
                ).first(decoding: Activity.self)
            ).id
            try await phone.get("/participer/\(code)")
            try await phone.post(
                "/participer/\(code)/\(wall)", ["idea": "<script>alert(1)</script> Un minibus", "author": "Jo"])
            #expect(phone.lastStatus == .seeOther)
            let shown = try await partner.get("/vitre/evenements/\(id)/projection?js=1")
            #expect(
                shown.contains("&lt;script&gt;alert(1)&lt;/script&gt; Un minibus") && !shown.contains("<script>alert"))
            #expect(partner.lastHeaders.first(name: "Refresh") == nil)
            // Turning the idea into a proposal: a prefilled form of the Proposals room.
            let live = try await partner.get("/vitre/evenements/\(id)/direct")
            #expect(live.contains("/vitre/propositions/nouvelle?titre=") && live.contains("origine=rencontre"))
            let proposal = try await partner.get(
                "/vitre/propositions/nouvelle?titre=Un%20minibus&origine=rencontre&origine_nom=Atelier")
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
            let idea = try #require(
                try await Self.sql(app).raw("SELECT id FROM event_ideas WHERE body LIKE '%minibus%'").first(
                    decoding: Idea.self)
            ).id
            try await partner.post("/vitre/evenements/\(id)/direct/\(wall)", ["action": "hide", "idea": String(idea)])
            #expect(try await !partner.get("/vitre/evenements/\(id)/projection?js=1").contains("minibus"))
        }
    }

    /// The cell next to a row's label in a figures table.
    static func cell(_ page: String, _ label: String) -> String? {
        guard let range = page.range(of: "<th scope=\"row\">\(label)</th><td class=\"num\">") else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "<" })
    }

    static func setStart(_ app: Application, event: Int, in seconds: TimeInterval) async throws {
        try await sql(app).raw(
            """
            UPDATE events SET starts_at = \(bind: Date().addingTimeInterval(seconds)), ends_at = \(bind: Date().addingTimeInterval(seconds + 7200)) WHERE id = \(bind: event)
            """
        ).run()
    }

    @Test func remindersAreSentOnceWithTheCalendarFile() async throws {
        try await withDemoApp { app in
            let id = try await Self.eventID(titled: Self.workshop, app)
            // Move the workshop to tomorrow (the resident registered before: more than 12 hours ahead).
            try await Self.setStart(app, event: id, in: 20 * 3600)
            let start = Date().addingTimeInterval(20 * 3600)
            let first = try await EventsModule.sendReminders(app)
            #expect(first == 1)  // the only registered person with an address
            let reminder = try #require(try await Self.lastMail(to: "habitant@vitre.example", app))
            // "demain" only when it is tomorrow in Paris, else "aujourd'hui".
            let day = ParisTime.local(start).dayText == ParisTime.local(Date()).dayText ? "aujourd'hui" : "demain"
            #expect(reminder.subject == "Rappel : \(Self.workshop) \(day)")
            #expect(reminder.body.contains("agenda.ics") && reminder.body.contains("est joint"))
            let file = try #require(reminder.attachments.first)
            #expect(file.contentType.hasPrefix("text/calendar") && file.filename == "rencontre-\(id).ics")
            #expect(String(decoding: file.data, as: UTF8.self).contains("SUMMARY:\(Self.workshop)"))
            #expect(try await EventsModule.sendReminders(app) == 0)
        }
    }

    @Test func aLateRegistrationGetsNoReminderMinutesAfterItsConfirmation() async throws {
        try await withDemoApp { app in
            let id = try await Self.eventID(titled: "Réunion publique : la santé mentale des jeunes", app)
            // The meeting starts in 8 hours; the professional registered in the demo (just now) is not reminded.
            try await Self.setStart(app, event: id, in: 8 * 3600)
            let resident = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await resident.get("/vitre/evenements/\(id)")
            try await resident.post("/vitre/evenements/\(id)/inscription", [:])
            #expect(resident.lastStatus == .seeOther)
            let confirmation = try #require(try await Self.lastMail(to: "habitant@vitre.example", app))
            #expect(confirmation.subject.hasPrefix("Inscription confirmée"))
            #expect(try await EventsModule.sendReminders(app) == 0)
            #expect(try await Self.lastMail(to: "habitant@vitre.example", app)?.id == confirmation.id)
            // Marked as handled: the next runs do not look at it again.
            struct Row: Decodable { let n: Int }
            let unmarked = try await Self.sql(app).raw(
                """
                SELECT count(*) AS n FROM event_registrations WHERE event_id = \(bind: id) AND email IS NOT NULL AND reminded_at IS NULL
                """
            ).first(decoding: Row.self)?.n
            #expect(unmarked == 0)
        }
    }

    @Test func confirmationAndPromotionMailsCarryTheCalendarFile() async throws {
        try await withDemoApp { app in
            let id = try await Self.eventID(titled: "Réunion publique : la santé mentale des jeunes", app)
            // the professional holds one seat
            try await Self.sql(app).raw("UPDATE events SET capacity = 2 WHERE id = \(bind: id)").run()
            let resident = Browser(app), decider = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await decider.login("decideur@vitre.example")
            try await resident.get("/vitre/evenements/\(id)")
            try await resident.post("/vitre/evenements/\(id)/inscription", [:])
            let mine = try #require(resident.location)
            let confirmation = try #require(try await Self.lastMail(to: "habitant@vitre.example", app))
            #expect(confirmation.body.contains("/vitre/evenements/\(id)/agenda.ics"))  // the link stays
            let file = try #require(confirmation.attachments.first)
            // A mailed file is an invitation (issue #16): METHOD:REQUEST, in the Content-Type too.
            #expect(
                file.contentType == "text/calendar; charset=utf-8; method=REQUEST"
                    && file.filename == "rencontre-\(id).ics")
            let ics = String(decoding: file.data, as: UTF8.self)
            // The UID names this instance's host, not a name every deployment shares.
            let uid = ICS.uid("event-\(id)", baseURL: app.agora.config.baseURL)
            #expect(!uid.hasSuffix("@agora-sante"))
            #expect(ics.hasPrefix("BEGIN:VCALENDAR\r\n") && ics.contains("UID:\(uid)\r\n"))
            #expect(ics.contains("\r\nMETHOD:REQUEST\r\n") && ics.contains("\r\nSEQUENCE:"))
            // The rendered mail is multipart/mixed with the file in base64.
            let rendered = MailMessage(
                from: "agora@example.org", to: confirmation.recipient, subject: confirmation.subject,
                body: confirmation.body,
                attachments: confirmation.attachments
            ).rendered()
            #expect(rendered.contains("multipart/mixed") && rendered.contains("filename=\"rencontre-\(id).ics\""))

            try await decider.get("/vitre/evenements/\(id)")
            try await decider.post("/vitre/evenements/\(id)/inscription", [:])
            // The waiting list gives no seat: its mail joins no invitation (issue #16) but says so.
            let waiting = try #require(try await Self.lastMail(to: "decideur@vitre.example", app))
            #expect(waiting.subject.hasPrefix("Liste d'attente") && waiting.attachments.isEmpty)
            #expect(waiting.body.contains("pas encore de place"))
            try await resident.get(mine)
            try await resident.post(mine, [:])
            let promoted = try #require(try await Self.lastMail(to: "decideur@vitre.example", app))
            #expect(promoted.subject.hasPrefix("Une place s'est libérée"))
            #expect(promoted.attachments.first?.contentType == "text/calendar; charset=utf-8; method=REQUEST")
            #expect(promoted.attachments.first?.filename == "rencontre-\(id).ics")
            #expect(promoted.body.contains("/vitre/evenements/\(id)/agenda.ics"))
        }
    }

    @Test func theCommuneOfThePersonFeedsTheFiguresByCommune() async throws {
        try await withDemoApp { app in
            let id = try await Self.eventID(titled: "Réunion publique : la santé mentale des jeunes", app)
            try await Self.sql(app).raw(
                "UPDATE people SET commune_code = '35068' WHERE email = 'habitant@vitre.example'"
            ).run()  // Châteaubourg
            let resident = Browser(app), partner = Browser(app), coordinator = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await partner.login("partenaire@vitre.example")
            try await coordinator.login("coordination@vitre.example")
            try await resident.get("/vitre/evenements/\(id)")
            try await resident.post("/vitre/evenements/\(id)/inscription", [:])
            #expect(resident.lastStatus == .seeOther)
            // An assisted profile registered by the patient partner, the commune left empty in the form.
            struct Person: Decodable { let id: Int }
            let marcel = try #require(
                try await Self.sql(app).raw("SELECT id FROM people WHERE display_name = 'Marcel (Taillis)'").first(
                    decoding: Person.self)
            ).id
            try await partner.get("/vitre/evenements/\(id)")
            try await partner.post("/vitre/evenements/\(id)/inscrire", ["assisted": String(marcel), "commune": ""])
            #expect(partner.lastStatus == .seeOther)
            struct Row: Decodable { let id: Int; let commune_code: String? }
            let rows = try await Self.sql(app).raw(
                """
                SELECT r.id, r.commune_code FROM event_registrations r JOIN people p ON p.id = r.person_id
                WHERE r.event_id = \(bind: id) AND (p.email = 'habitant@vitre.example' OR p.id = \(bind: marcel)) ORDER BY r.id
                """
            ).all(decoding: Row.self)
            #expect(rows.map(\.commune_code) == ["35068", "35330"])
            for row in rows {
                try await coordinator.get("/vitre/evenements/\(id)/inscrits")
                try await coordinator.post("/vitre/evenements/\(id)/accueil/\(row.id)", [:])
            }
            let figures = try await coordinator.get("/vitre/evenements/\(id)/chiffres")
            #expect(Self.cell(figures, "Châteaubourg") == "masqué" && Self.cell(figures, "Taillis") == "masqué")
            #expect(!figures.contains("Non précisée"))
        }
    }

    @Test func cancellingListsThePeopleToCallByPhone() async throws {
        try await withDemoApp { app in
            let id = try await Self.eventID(titled: Self.workshop, app)
            let partner = Browser(app)
            try await partner.login("partenaire@vitre.example")
            try await partner.get("/vitre/evenements/\(id)")
            #expect(!partner.lastBody.contains("Personnes à prévenir par téléphone"))
            try await partner.post("/vitre/evenements/\(id)/etat", ["status": "cancelled"])
            #expect(partner.lastStatus == .seeOther)
            let page = try await partner.get("/vitre/evenements/\(id)")
            #expect(page.contains("1 inscrit·e est prévenu·e par e-mail."), "the singular, in plain French")
            #expect(page.contains("pas d&#39;e-mail : appelez-"))
            #expect(page.contains("Personnes à prévenir par téléphone"))
            struct Row: Decodable { let name: String; let phone: String }
            let phoneOnly = try await Self.sql(app).raw(
                "SELECT name, phone FROM event_registrations WHERE event_id = \(bind: id) AND email IS NULL AND phone IS NOT NULL"
            )
            .all(decoding: Row.self)
            #expect(!phoneOnly.isEmpty)
            for row in phoneOnly { #expect(page.contains("<th scope=\"row\">\(row.name)</th><td>\(row.phone)</td>")) }
            let resident = try #require(
                try await Person.query(on: app.db).filter(\.$email == "habitant@vitre.example").first())
            #expect(!page.contains("<th scope=\"row\">\(resident.displayName)</th>"))  // an address: told by e-mail
            #expect(try await Self.lastMail(to: "habitant@vitre.example", app)?.subject.hasPrefix("Annulé") == true)
            // Names are for organisers only: a visitor sees the cancelled event without the list.
            #expect(try await !Browser(app).get("/vitre/evenements/\(id)").contains("Personnes à prévenir"))
        }
    }

    @Test func registeringTheSamePersonTwiceByNameAndPhoneIsRefused() async throws {
        try await withDemoApp { app in
            let id = try await Self.eventID(titled: "Réunion publique : la santé mentale des jeunes", app)
            let partner = Browser(app), coordinator = Browser(app)
            try await partner.login("partenaire@vitre.example")
            try await coordinator.login("coordination@vitre.example")
            try await partner.get("/vitre/evenements/\(id)")
            try await partner.post(
                "/vitre/evenements/\(id)/inscrire", ["name": "Germaine Test", "phone": "06 12 34 56 78"])
            #expect(partner.lastStatus == .seeOther)
            try await coordinator.get("/vitre/evenements/\(id)")
            let twice = try await coordinator.post(
                "/vitre/evenements/\(id)/inscrire", ["name": "  germaine   TEST ", "phone": "06.12.34.56.78"])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(
                twice.contains(
                    "id=\"champ-name-erreur\">Cette personne (même nom, même numéro de téléphone) est déjà inscrite"))
            #expect(twice.contains("value=\"  germaine   TEST \""))  // typed input kept
            struct Row: Decodable { let n: Int }
            let rows = try await Self.sql(app).raw(
                "SELECT count(*) AS n FROM event_registrations WHERE event_id = \(bind: id) AND lower(name) LIKE '%germaine%'"
            )
            .first(decoding: Row.self)?.n
            #expect(rows == 1)
            // Same name, another number: another person.
            try await coordinator.post(
                "/vitre/evenements/\(id)/inscrire", ["name": "Germaine Test", "phone": "06 99 99 99 99"])
            #expect(coordinator.lastStatus == .seeOther)
        }
    }

    @Test func aTamperedIdIsNotFound() async throws {
        try await withDemoApp { app in
            let id = try await Self.eventID(titled: Self.workshop, app)
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            for path in [
                "/vitre/evenements/\(id)abc", "/vitre/evenements/\(id)abc/agenda.ics",
                "/vitre/evenements/0\(id)x/inscrits", "/vitre/evenements/+\(id)",
                "/vitre/evenements/\(id)/documents/1x",
            ] {
                try await coordinator.get(path)
                #expect(coordinator.lastStatus == .notFound, "\(path)")
            }
            try await coordinator.get("/vitre/evenements/\(id)")
            #expect(coordinator.lastStatus == .ok)
            // Registration ids: the signed page and the check-in at the door.
            struct Row: Decodable { let id: Int }
            let registration = try #require(
                try await Self.sql(app).raw(
                    "SELECT id FROM event_registrations WHERE event_id = \(bind: id) AND person_id IS NOT NULL"
                )
                .first(decoding: Row.self)
            ).id
            let token = EventLinks.token(
                registrationID: registration, purpose: "event-registration", signer: app.agora.signer)
            try await coordinator.get("/vitre/evenements/inscriptions/\(registration)/\(token)")
            #expect(coordinator.lastStatus == .ok)
            try await coordinator.get("/vitre/evenements/inscriptions/\(registration)x/\(token)")
            #expect(coordinator.lastStatus == .notFound)
            let checkIn = EventLinks.token(
                registrationID: registration, purpose: "event-checkin", signer: app.agora.signer)
            try await coordinator.get("/vitre/evenements/\(id)/accueil/\(registration)z/\(checkIn)")
            #expect(coordinator.lastStatus == .notFound)
            try await coordinator.get("/vitre/evenements/\(id)/inscrits")
            try await coordinator.post("/vitre/evenements/\(id)/accueil/\(registration)z", [:])
            #expect(coordinator.lastStatus == .notFound)
            // Activity ids of the live participation.
            let activity = try #require(
                try await Self.sql(app).raw("SELECT id FROM event_activities WHERE event_id = \(bind: id)").first(
                    decoding: Row.self)
            ).id
            try await coordinator.get("/vitre/evenements/\(id)/direct")
            try await coordinator.post("/vitre/evenements/\(id)/direct/\(activity)x", ["action": "close"])
            #expect(coordinator.lastStatus == .notFound)
        }
    }

    @Test func theCapacityIsCheckedAgainUnderTheLock() async throws {
        try await withDemoApp { app in
            let id = try await Self.eventID(titled: "Réunion publique : la santé mentale des jeunes", app)
            try await Self.sql(app).raw("UPDATE events SET capacity = 20 WHERE id = \(bind: id)").run()
            let coordinator = Browser(app), partner = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            try await partner.login("partenaire@vitre.example")
            try await coordinator.get("/vitre/evenements/\(id)/modifier")
            var form = try #require(try await EventStore.event(id, on: app.db)).fields
            form["capacity"] = "3"
            let editCSRF = try #require(coordinator.csrf)
            try await partner.get("/vitre/evenements/\(id)")
            let csrf = try #require(partner.csrf)
            let cookies = partner.cookies, editCookies = coordinator.cookies, editForm = form
            // Registrations and the edit race: whichever wins, the capacity is never below the number registered.
            let edit = try await withThrowingTaskGroup(of: (HTTPStatus, String)?.self) {
                group -> (HTTPStatus, String) in
                for index in 0..<8 {
                    group.addTask {
                        let browser = Browser(app)
                        browser.cookies = cookies
                        try await browser.post(
                            "/vitre/evenements/\(id)/inscrire",
                            ["name": "Course \(index)", "phone": "06 11 22 33 \(String(format: "%02d", index))"],
                            csrf: csrf)
                        return nil
                    }
                }
                group.addTask {
                    let browser = Browser(app)
                    browser.cookies = editCookies
                    try await browser.post("/vitre/evenements/\(id)/modifier", editForm, csrf: editCSRF)
                    return (browser.lastStatus, browser.lastBody)
                }
                var edit: (HTTPStatus, String)?
                for try await result in group { if let result { edit = result } }
                return try #require(edit)
            }
            let event = try #require(try await EventStore.event(id, on: app.db))
            #expect(event.registered <= event.capacity)
            if edit.0 == .unprocessableEntity {
                #expect(event.capacity == 20)  // nothing saved
                #expect(
                    edit.1.contains("id=\"champ-capacity-erreur\">") && edit.1.contains("personnes sont déjà inscrites")
                )
            } else {
                #expect(edit.0 == .seeOther && event.capacity == 3 && event.registered == 3)
            }
            // Then, sequentially: refused, and nothing saved (not even the other fields).
            try await coordinator.get("/vitre/evenements/\(id)/modifier")
            form["capacity"] = "1"
            form["title"] = "Un autre titre"
            let below = try await coordinator.post("/vitre/evenements/\(id)/modifier", form)
            #expect(coordinator.lastStatus == .unprocessableEntity && below.contains("personnes sont déjà inscrites"))
            #expect(
                try await EventStore.event(id, on: app.db)?.title == "Réunion publique : la santé mentale des jeunes")
        }
    }

    @Test func theFeedbackQuestionnaireIsAnOpenQuestionnaireCountedPerEvent() async throws {
        try await withDemoApp { app in
            let forum = try await Self.eventID(titled: Self.forum, app)
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            // A small feedback questionnaire, built in the Questionnaires room.
            try await coordinator.get("/vitre/questionnaires/nouveau")
            try await coordinator.post(
                "/vitre/questionnaires/nouveau",
                ["title": "Votre avis sur le forum", "intro": "Deux minutes.", "audience": "usagers"])
            let builder = try #require(coordinator.location)
            let base = String(builder.dropLast("/construire".count))
            let questionnaire = try #require(Int(base.split(separator: "/").last!))
            try await coordinator.get(base + "/questions/nouvelle")
            try await coordinator.post(
                base + "/questions/nouvelle",
                ["kind": "single", "section": "s1", "label": "Êtes-vous content·e ?", "choices": "Oui\nNon"])
            #expect(coordinator.lastStatus == .seeOther)

            // The organiser's page: a list of OPEN questionnaires (a draft is not one), a link to create one, the people to reach offline.
            var after = try await coordinator.get("/vitre/evenements/\(forum)/apres")
            #expect(
                after.contains("name=\"questionnaire\"") && after.contains("Vos besoins de santé sur le territoire"))
            #expect(!after.contains(">Votre avis sur le forum<"))
            #expect(after.contains("href=\"/vitre/questionnaires/nouveau\""))
            #expect(
                after.contains("Personnes venues sans adresse e-mail")
                    && after.contains("<th scope=\"row\">Jeanne Lemoine</th><td>02 99 00 00 10</td>"))
            #expect(after.contains("<th scope=\"row\">Marc Fontaine</th>"))  // the walk-in
            #expect(!after.contains("<th scope=\"row\">Yves Rault</th>"))  // registered, did not come
            try await coordinator.get(builder)
            try await coordinator.post(builder, ["op": "publish"])
            #expect(coordinator.lastStatus == .seeOther)

            // Bad choices: another territory's questionnaire, none; nothing sent.
            let other = try await QuestionnaireJourneyTests.demo(app, slug: "broceliande")
            try await coordinator.get("/vitre/evenements/\(forum)/apres")
            let wrong = try await coordinator.post(
                "/vitre/evenements/\(forum)/questionnaire", ["questionnaire": String(other)])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && wrong.contains("id=\"champ-questionnaire-erreur\">Choisissez un questionnaire ouvert"))
            try await coordinator.post(
                "/vitre/evenements/\(forum)/questionnaire", ["questionnaire": "\(questionnaire)x"])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            let subject = "Votre avis sur « \(Self.forum) »"
            #expect(try await OutboxMail.query(on: app.db).filter(\.$subject == subject).count() == 0)

            // Before the event, or when nobody was checked in: refused with the reason.
            let workshop = try await Self.eventID(titled: Self.workshop, app)
            try await coordinator.get("/vitre/evenements/\(workshop)/apres")
            let early = try await coordinator.post(
                "/vitre/evenements/\(workshop)/questionnaire", ["questionnaire": String(questionnaire)])
            #expect(coordinator.lastStatus == .conflict && early.contains("pas encore commencé"))
            try await Self.setStart(app, event: workshop, in: -3 * 3600)
            let nobody = try await coordinator.post(
                "/vitre/evenements/\(workshop)/questionnaire", ["questionnaire": String(questionnaire)])
            #expect(coordinator.lastStatus == .conflict && nobody.contains("Personne n&#39;a encore été accueilli"))

            // Sent to the four attendees with an address; the link carries the event.
            try await coordinator.get("/vitre/evenements/\(forum)/apres")
            try await coordinator.post(
                "/vitre/evenements/\(forum)/questionnaire", ["questionnaire": String(questionnaire)])
            #expect(coordinator.lastStatus == .seeOther)
            let link = "/vitre/questionnaires/\(questionnaire)/repondre?evenement=\(forum)"
            #expect(try await Self.lastMail(to: "pro@vitre.example", app)?.body.contains(link) == true)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$subject == subject).count() == 4)
            after = try await coordinator.get("/vitre/evenements/\(forum)/apres")
            #expect(after.contains("« Votre avis sur le forum » a été envoyé par e-mail à 4"))
            #expect(
                after.contains("href=\"\(base)/papier\"")
                    && after.contains("href=\"\(base)/saisie?evenement=\(forum)\""))
            // A double click sends nothing twice.
            try await coordinator.post("/vitre/evenements/\(forum)/questionnaire", [:])
            #expect(coordinator.lastStatus == .conflict)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$subject == subject).count() == 4)
            // Someone checked in later (with an address) gets it on the next sending, and only them.
            try await Self.sql(app).raw(
                """
                UPDATE event_registrations SET email = 'yves@exemple.fr', checked_in_at = \(bind: Date()) WHERE event_id = \(bind: forum) AND name = 'Yves Rault'
                """
            ).run()
            after = try await coordinator.get("/vitre/evenements/\(forum)/apres")
            #expect(after.contains("1 personne accueillie depuis le dernier envoi ne l&#39;a pas encore reçu."))
            try await coordinator.post("/vitre/evenements/\(forum)/questionnaire", [:])
            #expect(coordinator.lastStatus == .seeOther)
            #expect(try await OutboxMail.query(on: app.db).filter(\.$subject == subject).count() == 5)
            #expect(try await Self.lastMail(to: "yves@exemple.fr", app)?.body.contains(link) == true)

            // Answers through the link are counted for the event (anonymous); a tampered event is dropped.
            let visitor = Browser(app)
            let form = try await visitor.get(link)
            #expect(form.contains("<input type=\"hidden\" name=\"_evenement\" value=\"\(forum)\">"))
            try await visitor.post(base + "/repondre", ["q2": "1", "_evenement": String(forum)])
            #expect(visitor.lastStatus == .seeOther)
            var figures = try await coordinator.get("/vitre/evenements/\(forum)/chiffres")
            #expect(Self.cell(figures, "Réponses au questionnaire de satisfaction") == "moins de 5")
            #expect(figures.contains("href=\"\(base)/resultats\""))
            for _ in 0..<4 {
                try await visitor.get(link)
                try await visitor.post(base + "/repondre", ["q2": "2", "_evenement": String(forum)])
            }
            // Typed by the coordinator from a phone call: the assisted entry keeps the event too.
            let assisted = try await coordinator.get(base + "/saisie?evenement=\(forum)")
            #expect(assisted.contains("name=\"_evenement\" value=\"\(forum)\""))
            try await coordinator.post(
                base + "/saisie", ["_canal": "telephone", "q2": "1", "_evenement": String(forum)])
            #expect(
                coordinator.lastStatus == .seeOther && coordinator.location?.hasSuffix("evenement=\(forum)") == true)
            struct Row: Decodable { let id: Int }
            let brocEvent = try #require(
                try await Self.sql(app).raw(
                    """
                    SELECT e.id FROM events e JOIN territories t ON t.id = e.territory_id WHERE t.slug = 'broceliande' ORDER BY e.id
                    """
                ).first(decoding: Row.self)
            ).id
            try await visitor.get(base + "/repondre?evenement=\(brocEvent)")
            try await visitor.post(base + "/repondre", ["q2": "1", "_evenement": String(brocEvent)])
            #expect(visitor.lastStatus == .seeOther)
            struct Stored: Decodable { let event_id: Int?; let person_id: Int? }
            let stored = try await Self.sql(app).raw(
                "SELECT event_id, person_id FROM questionnaire_responses WHERE questionnaire_id = \(bind: questionnaire) ORDER BY id"
            )
            .all(decoding: Stored.self)
            #expect(stored.map(\.event_id) == [forum, forum, forum, forum, forum, forum, nil])
            #expect(stored.allSatisfy { $0.person_id == nil })
            figures = try await coordinator.get("/vitre/evenements/\(forum)/chiffres")
            #expect(Self.cell(figures, "Réponses au questionnaire de satisfaction") == "6")
            #expect(Self.cell(figures, "Questionnaires envoyés par e-mail") == "5")
            let audit = try await AuditEntry.query(on: app.db).filter(\.$action == "event.feedback").count()
            #expect(audit == 2)
        }
    }

    @Test func theFeedbackSendIsNotLockedByASendingToNobody() async throws {
        try await withDemoApp { app in
            // A past event whose attendees all came without an e-mail address.
            let forum = try await Self.eventID(titled: Self.forum, app)
            try await Self.sql(app).raw(
                "UPDATE event_registrations SET checked_in_at = NULL WHERE event_id = \(bind: forum) AND email IS NOT NULL"
            ).run()
            let questionnaire = try await QuestionnaireJourneyTests.demo(app)
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            try await coordinator.get("/vitre/evenements/\(forum)/apres")
            try await coordinator.post(
                "/vitre/evenements/\(forum)/questionnaire", ["questionnaire": String(questionnaire)])
            #expect(coordinator.lastStatus == .seeOther)
            var after = try await coordinator.get("/vitre/evenements/\(forum)/apres")
            #expect(after.contains("Aucune personne venue n&#39;a d&#39;adresse e-mail"))
            #expect(after.contains("href=\"/vitre/questionnaires/\(questionnaire)/papier\""))
            #expect(after.contains("name=\"questionnaire\""))  // still open to a choice and a sending
            // People with an address checked in later: the sending works.
            try await Self.sql(app).raw(
                "UPDATE event_registrations SET checked_in_at = \(bind: Date()) WHERE event_id = \(bind: forum) AND email IS NOT NULL"
            ).run()
            try await coordinator.post(
                "/vitre/evenements/\(forum)/questionnaire", ["questionnaire": String(questionnaire)])
            #expect(coordinator.lastStatus == .seeOther)
            #expect(
                try await OutboxMail.query(on: app.db).filter(\.$subject == "Votre avis sur « \(Self.forum) »").count()
                    == 4)
            after = try await coordinator.get("/vitre/evenements/\(forum)/apres")
            #expect(!after.contains("name=\"questionnaire\""))
        }
    }

    @Test func personalDataOfRegistrations() async throws {
        try await withDemoApp { app in
            // Personal data: the registrations are in the export, and erased with the account.
            let resident = try #require(
                try await Person.query(on: app.db).filter(\.$email == "habitant@vitre.example").first())
            let module = EventsModule()
            let data = try await module.personalData(of: resident.id!, on: app.db)
            guard case .list(let rows)? = data["event_registrations"] else { Issue.record("no registrations"); return }
            #expect(rows.count == 2)
            try await module.erase(personID: resident.id!, env: app.useCases(), on: app.db)
            guard
                case .list(let after)? = try await module.personalData(of: resident.id!, on: app.db)[
                    "event_registrations"]
            else { return }
            #expect(after.isEmpty)
        }
    }
}
