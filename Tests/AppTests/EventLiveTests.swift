import Accounts
import App
import Core
import Events
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Live participation (issue #4, point 5): rankings, pre-moderated idea walls, one answer per
/// poll, the participant cookie required, the per-address limit, closed events, and results
/// turned into proposals.
@Suite("Live participation", .serialized)
struct EventLiveTests {
    static func sql(_ app: Application) -> any SQLDatabase { app.db as! any SQLDatabase }
    static let workshop = "Atelier participatif : bien vieillir chez soi"
    static let forum = "Forum santé : trouver un médecin traitant"

    struct Row: Decodable { let id: Int }
    struct Count: Decodable { let n: Int }

    static func event(_ title: String, _ app: Application) async throws -> (id: Int, code: String) {
        struct Event: Decodable { let id: Int; let live_code: String }
        let row = try #require(
            try await sql(app).raw("SELECT id, live_code FROM events WHERE title = \(bind: title)").first(
                decoding: Event.self))
        return (row.id, row.live_code)
    }

    static func newestActivity(_ event: Int, _ app: Application) async throws -> Int {
        try #require(
            try await sql(app).raw("SELECT id FROM event_activities WHERE event_id = \(bind: event) ORDER BY id DESC")
                .first(decoding: Row.self)
        ).id
    }

    /// A new workshop of the demo, with an ideas wall opened by its patient partner: the event,
    /// its code, the signed-in partner and the wall.
    static func workshopWithWall(
        _ app: Application
    ) async throws -> (id: Int, code: String, partner: Browser, wall: Int) {
        let (id, code) = try await Self.event(Self.workshop, app)
        let partner = Browser(app)
        try await partner.login("partenaire@vitre.example")
        try await partner.get("/vitre/evenements/\(id)/direct")
        try await partner.post("/vitre/evenements/\(id)/direct", ["kind": "ideas", "question": "Vos idées ?"])
        return (id, code, partner, try await Self.newestActivity(id, app))
    }

    static func options(_ activity: Int, _ app: Application) async throws -> [Int] {
        try await sql(app).raw(
            "SELECT id FROM event_activity_options WHERE activity_id = \(bind: activity) ORDER BY position"
        ).all(decoding: Row.self).map(\.id)
    }

    static func count(_ query: SQLQueryString, _ app: Application) async throws -> Int {
        try await sql(app).raw(query).first(decoding: Count.self)?.n ?? -1
    }

    /// A phone that opened the participation page (it holds its cookie and the CSRF token).
    static func phone(_ app: Application, code: String) async throws -> (Browser, String) {
        let phone = Browser(app)
        try await phone.get("/participer/\(code)")
        #expect(phone.lastStatus == .ok && phone.cookies["agora_participant"] != nil)
        return (phone, try #require(phone.csrf))
    }

    /// Issue #16: a page of another site opened the projector's socket with the visitor's cookies.
    @Test func theLiveSocketRefusesAPageOfAnotherSite() async throws {
        try await withDemoApp { app in
            let (_, code) = try await Self.event(Self.workshop, app)
            let attacker = Browser(app)
            try await attacker.send(.GET, "/direct/\(code)/ws", form: nil) { req in
                req.headers.replaceOrAdd(name: .origin, value: "https://evil.example")
            }
            #expect(attacker.lastStatus == .forbidden)
            let site = Browser(app)
            try await site.send(.GET, "/direct/\(code)/ws", form: nil) { req in
                req.headers.replaceOrAdd(name: .origin, value: app.agora.config.baseURL)
            }
            #expect(site.lastStatus != .forbidden, "the site's own pages still open it")
        }
    }

    @Test func aRankingOfIdeasIsAnsweredOnceAndScoredWithBordaPoints() async throws {
        try await withDemoApp { app in
            let (id, code, partner, wall) = try await Self.workshopWithWall(app)
            let (author, token) = try await Self.phone(app, code: code)
            for idea in ["Un minibus le jeudi", "Des visites de voisinage", "Un café des aidants"] {
                try await author.post("/participer/\(code)/\(wall)", ["idea": idea], csrf: token)
                #expect(author.lastStatus == .seeOther)
            }
            let ideas = try await Self.sql(app).raw(
                "SELECT id FROM event_ideas WHERE activity_id = \(bind: wall) ORDER BY id"
            ).all(decoding: Row.self).map { String($0.id) }

            // The organiser page offers the wall's visible ideas to tick.
            let live = try await partner.get("/vitre/evenements/\(id)/direct")
            #expect(live.contains("name=\"ideas_\(wall)[]\"") && live.contains("Un café des aidants"))
            // Two options only: refused with a message, what was typed and ticked kept.
            let few = try await partner.postPairs(
                "/vitre/evenements/\(id)/direct",
                [
                    ("kind", "ranking"), ("question", "Nos priorités"), ("ideas_\(wall)[]", ideas[0]),
                    ("options", "Une navette"),
                ])
            #expect(
                partner.lastStatus == .unprocessableEntity && few.contains("Un classement porte sur 3 à 10 options"))
            #expect(few.contains("value=\"\(ideas[0])\" checked") && few.contains(">Une navette</textarea>"))
            // An idea of no wall of this event (a tampered form): refused.
            try await partner.get("/vitre/evenements/\(id)/direct")
            let tampered = try await partner.postPairs(
                "/vitre/evenements/\(id)/direct",
                [
                    ("kind", "ranking"), ("question", "Nos priorités"), ("ideas_\(wall)[]", "999999"),
                    ("options", "A\nB\nC"),
                ])
            #expect(partner.lastStatus == .unprocessableEntity && tampered.contains("Cochez des idées de la liste."))
            try await partner.get("/vitre/evenements/\(id)/direct")
            try await partner.postPairs(
                "/vitre/evenements/\(id)/direct",
                [
                    ("kind", "ranking"), ("question", "Nos priorités"), ("ideas_\(wall)[]", ideas[0]),
                    ("ideas_\(wall)[]", ideas[2]),
                    ("options", "Une navette"),
                ])
            #expect(partner.lastStatus == .seeOther)
            let ranking = try await Self.newestActivity(id, app)
            let labels = try await Self.sql(app).raw(
                "SELECT label AS body FROM event_activity_options WHERE activity_id = \(bind: ranking) ORDER BY position"
            )
            .all(decoding: Label.self).map(\.body)
            #expect(labels == ["Un minibus le jeudi", "Un café des aidants", "Une navette"])
            let options = try await Self.options(ranking, app)

            // A participant: three selects; the same option twice is refused next to the field, the answer kept.
            let (phone, csrf) = try await Self.phone(app, code: code)
            #expect(
                phone.lastBody.contains("id=\"champ-rank-\(ranking)-1\"")
                    && phone.lastBody.contains("1er choix (3 points)") && phone.lastBody.contains("3e choix (1 point)"))
            let duplicate = try await phone.post(
                "/participer/\(code)/\(ranking)",
                ["rank_1": String(options[2]), "rank_2": String(options[0]), "rank_3": String(options[2])], csrf: csrf)
            #expect(phone.lastStatus == .unprocessableEntity)
            #expect(
                duplicate.contains(
                    "id=\"champ-rank-\(ranking)-3-erreur\">Vous avez déjà mis cette option en 1er choix : choisissez-en une autre."
                ))
            #expect(duplicate.contains("<option value=\"\(options[0])\" selected>"))
            #expect(
                try await Self.count(
                    "SELECT count(*) AS n FROM event_ballots WHERE activity_id = \(bind: ranking)", app) == 0)
            try await phone.post(
                "/participer/\(code)/\(ranking)",
                ["rank_1": String(options[2]), "rank_2": String(options[0]), "rank_3": String(options[1])], csrf: csrf)
            #expect(phone.lastStatus == .seeOther)
            #expect(try await phone.get("/participer/\(code)").contains("Merci, votre classement est enregistré."))
            // A second ranking by the same participant: refused kindly, nothing added.
            let second = try await phone.post(
                "/participer/\(code)/\(ranking)",
                ["rank_1": String(options[0]), "rank_2": String(options[1]), "rank_3": String(options[2])], csrf: csrf)
            #expect(
                phone.lastStatus == .conflict
                    && second.contains("Vous avez déjà répondu : une seule réponse par personne."))
            #expect(
                try await Self.count("SELECT count(*) AS n FROM event_votes WHERE activity_id = \(bind: ranking)", app)
                    == 3)

            // Two more participants: [minibus, café, navette] and [café, minibus, navette].
            for ballot in [[0, 1, 2], [1, 0, 2]] {
                let (other, token) = try await Self.phone(app, code: code)
                try await other.post(
                    "/participer/\(code)/\(ranking)",
                    [
                        "rank_1": String(options[ballot[0]]), "rank_2": String(options[ballot[1]]),
                        "rank_3": String(options[ballot[2]]),
                    ], csrf: token)
                #expect(other.lastStatus == .seeOther)
            }
            // Navette 3+1+1 = 5, minibus 2+3+2 = 7, café 1+2+3 = 6: the projector's table, highest
            // first; with 3 participants, fewer than 5, no point, first choice or mention is shown.
            let projector = try await partner.get("/vitre/evenements/\(id)/projection")
            #expect(projector.contains("Classement : moins de 5 participant·es"))
            let row = { (label: String) in
                "<th scope=\"row\">\(label)</th><td class=\"num\">masqué</td><td class=\"num\">masqué</td><td class=\"num\">masqué</td>"
            }
            let minibus = try #require(projector.range(of: row("Un minibus le jeudi")))
            let cafe = try #require(projector.range(of: row("Un café des aidants")))
            let navette = try #require(projector.range(of: row("Une navette")))
            #expect(minibus.lowerBound < cafe.lowerBound && cafe.lowerBound < navette.lowerBound)
            // The organiser page and the after-event page show it too; once closed, each option can become a proposal.
            #expect(try await partner.get("/vitre/evenements/\(id)/direct").contains(row("Un minibus le jeudi")))
            try await partner.post("/vitre/evenements/\(id)/direct/\(ranking)", ["action": "close"])
            let after = try await partner.get("/vitre/evenements/\(id)/apres")
            #expect(
                after.contains("Classement : moins de 5 participant·es")
                    && after.contains("Transformer en proposition<span class=\"visually-hidden\"> : Une navette</span>")
            )
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "event.live-close").count() == 1)
        }
    }
    struct Label: Decodable { let body: String }

    @Test func aPreModeratedWallShowsAnIdeaOnlyOnceApproved() async throws {
        try await withDemoApp { app in
            let (id, code) = try await Self.event(Self.workshop, app)
            let partner = Browser(app)
            try await partner.login("partenaire@vitre.example")
            try await partner.get("/vitre/evenements/\(id)/direct")
            try await partner.post(
                "/vitre/evenements/\(id)/direct", ["kind": "ideas", "question": "Vos idées ?", "moderated": "on"])
            let wall = try await Self.newestActivity(id, app)
            let (phone, token) = try await Self.phone(app, code: code)
            #expect(phone.lastBody.contains("Les idées sont affichées après validation"))
            try await phone.post(
                "/participer/\(code)/\(wall)", ["idea": "Un jardin partagé", "author": "Lou"], csrf: token)
            #expect(phone.lastStatus == .seeOther)
            // The participant is told it waits, and sees it among their ideas waiting; nobody else sees it.
            let mine = try await phone.get("/participer/\(code)")
            #expect(
                mine.contains(
                    "Merci, votre idée est envoyée : elle attend la validation de l&#39;animateur·rice avant d&#39;être affichée."
                ))
            #expect(mine.contains("Vos idées en attente de validation") && mine.contains("<li>Un jardin partagé</li>"))
            let (neighbour, _) = try await Self.phone(app, code: code)
            #expect(!neighbour.lastBody.contains("Un jardin partagé"))
            #expect(try await !partner.get("/vitre/evenements/\(id)/projection?js=1").contains("Un jardin partagé"))
            let live = try await partner.get("/vitre/evenements/\(id)/direct")
            #expect(
                live.contains("1 en attente de validation")
                    && live.contains("Approuver<span class=\"visually-hidden\"> : Un jardin partagé</span>"))
            let idea = try #require(
                try await Self.sql(app).raw("SELECT id FROM event_ideas WHERE activity_id = \(bind: wall)").first(
                    decoding: Row.self)
            ).id
            // A support for an idea still waiting is not possible (as for a hidden one).
            try await neighbour.post("/participer/\(code)/\(wall)", ["vote": String(idea)])
            #expect(neighbour.lastStatus == .notFound)
            // Approved: shown; hidden: gone; shown again: back. Each step is audited.
            try await partner.post("/vitre/evenements/\(id)/direct/\(wall)", ["action": "show", "idea": String(idea)])
            #expect(partner.lastStatus == .seeOther)
            #expect(try await partner.get("/vitre/evenements/\(id)/projection?js=1").contains("Un jardin partagé"))
            #expect(try await Browser(app).get("/participer/\(code)").contains("Un jardin partagé"))
            try await partner.get("/vitre/evenements/\(id)/direct")
            try await partner.post("/vitre/evenements/\(id)/direct/\(wall)", ["action": "hide", "idea": String(idea)])
            #expect(try await !partner.get("/vitre/evenements/\(id)/projection?js=1").contains("Un jardin partagé"))
            let hidden = try await partner.get("/vitre/evenements/\(id)/direct")
            #expect(hidden.contains("Afficher à nouveau<span class=\"visually-hidden\"> : Un jardin partagé</span>"))
            try await partner.post("/vitre/evenements/\(id)/direct/\(wall)", ["action": "show", "idea": String(idea)])
            #expect(try await partner.get("/vitre/evenements/\(id)/projection?js=1").contains("Un jardin partagé"))
            for action in ["event.idea-approve", "event.idea-hide", "event.idea-show"] {
                #expect(try await AuditEntry.query(on: app.db).filter(\.$action == action).count() == 1, "\(action)")
            }
            // An idea of another activity, or no idea: 404, nothing changed.
            try await partner.get("/vitre/evenements/\(id)/direct")
            let poll = try #require(
                try await Self.sql(app).raw(
                    "SELECT id FROM event_activities WHERE event_id = \(bind: id) AND kind = 'poll'"
                ).first(decoding: Row.self)
            ).id
            try await partner.post("/vitre/evenements/\(id)/direct/\(poll)", ["action": "hide", "idea": String(idea)])
            #expect(partner.lastStatus == .notFound)
            // A wall without pre-moderation shows ideas at once.
            try await partner.get("/vitre/evenements/\(id)/direct")
            try await partner.post("/vitre/evenements/\(id)/direct", ["kind": "ideas", "question": "Et encore ?"])
            let open = try await Self.newestActivity(id, app)
            try await phone.get("/participer/\(code)")
            try await phone.post("/participer/\(code)/\(open)", ["idea": "Une fête des voisins"], csrf: token)
            #expect(try await partner.get("/vitre/evenements/\(id)/projection?js=1").contains("Une fête des voisins"))
        }
    }

    /// A small limit for the test (the default, 600, is set for a room sharing one address).
    static let addressLimit = 60

    @Test func aContributionWithoutTheParticipantCookieIsRefusedAndAnAddressIsLimited() async throws {
        try await withDemoApp(configure: { $0.liveAddressLimit = Self.addressLimit }) { app in
            let (id, code, partner, wall) = try await Self.workshopWithWall(app)
            let (phone, token) = try await Self.phone(app, code: code)
            // The cookie dropped: refused with a message next to the field, the idea kept, a new cookie given.
            phone.cookies.removeValue(forKey: "agora_participant")
            let refused = try await phone.post(
                "/participer/\(code)/\(wall)", ["idea": "Un potager au foyer"], csrf: token)
            #expect(phone.lastStatus == .badRequest)
            #expect(
                refused.contains(
                    "id=\"champ-idea-\(wall)-erreur\">Votre navigateur n&#39;a pas envoyé le cookie de participation"))
            #expect(refused.contains(">Un potager au foyer</textarea>"))
            #expect(
                try await Self.count("SELECT count(*) AS n FROM event_ideas WHERE activity_id = \(bind: wall)", app)
                    == 0)
            #expect(phone.cookies["agora_participant"] != nil)
            // Sent again from that page: taken.
            try await phone.post("/participer/\(code)/\(wall)", ["idea": "Un potager au foyer"])
            #expect(phone.lastStatus == .seeOther)
            #expect(
                try await Self.count("SELECT count(*) AS n FROM event_ideas WHERE activity_id = \(bind: wall)", app)
                    == 1)

            // Sixty contributions a minute from one address (a room sharing the venue's Wi-Fi,
            // five each), then a polite refusal, even with a fresh cookie.
            for _ in 0..<11 {
                let (other, csrf) = try await Self.phone(app, code: code)
                for index in 0..<LiveRules.limit {
                    try await other.post("/participer/\(code)/\(wall)", ["idea": "Idée \(index)"], csrf: csrf)
                    #expect(other.lastStatus == .seeOther)
                }
            }
            for index in 0..<(Self.addressLimit - 1 - 11 * LiveRules.limit) {
                try await phone.get("/participer/\(code)")
                try await phone.post("/participer/\(code)/\(wall)", ["idea": "Encore \(index)"])
                #expect(phone.lastStatus == .seeOther)
            }
            #expect(
                try await Self.count("SELECT count(*) AS n FROM event_ideas WHERE activity_id = \(bind: wall)", app)
                    == Self.addressLimit)
            let (late, csrf) = try await Self.phone(app, code: code)
            let limited = try await late.post("/participer/\(code)/\(wall)", ["idea": "Une de trop"], csrf: csrf)
            #expect(
                late.lastStatus == .tooManyRequests && limited.contains("Beaucoup de réponses arrivent de ce réseau"))
            #expect(limited.contains(">Une de trop</textarea>"))
            #expect(
                try await Self.count("SELECT count(*) AS n FROM event_ideas WHERE activity_id = \(bind: wall)", app)
                    == Self.addressLimit)
        }
    }

    /// Issue #15: a cookie the client invents counts nothing; an address gets a limited number of
    /// new participants.
    @Test func aForgedParticipantCookieCountsNothingAndNewParticipantsAreLimited() async throws {
        try await withDemoApp(configure: { $0.liveNewParticipantLimit = 3 }) { app in
            let (id, code, partner, wall) = try await Self.workshopWithWall(app)
            let ideas: SQLQueryString = "SELECT count(*) AS n FROM event_ideas WHERE activity_id = \(bind: wall)"
            let (phone, token) = try await Self.phone(app, code: code)
            #expect(phone.cookies["agora_participant"]?.contains(".") == true)  // signed
            phone.cookies["agora_participant"] = Tokens.random()
            let refused = try await phone.post("/participer/\(code)/\(wall)", ["idea": "Un jardin"], csrf: token)
            #expect(phone.lastStatus == .forbidden)
            #expect(refused.contains("rien n&#39;a été compté") || refused.contains("rien n'a été compté"))
            #expect(refused.contains(">Un jardin</textarea>"))
            #expect(try await Self.count(ideas, app) == 0)
            // The refusal gave a signed cookie: sent again, taken.
            try await phone.post("/participer/\(code)/\(wall)", ["idea": "Un jardin"])
            #expect(phone.lastStatus == .seeOther)
            #expect(try await Self.count(ideas, app) == 1)
            // Three new participants from this address in the hour; the fourth is refused.
            _ = try await Self.phone(app, code: code)
            let extra = Browser(app)
            try await extra.get("/participer/\(code)")
            #expect(extra.lastStatus == .tooManyRequests && extra.cookies["agora_participant"] == nil)
            #expect(extra.lastBody.contains("Trop de nouvelles participations"))
        }
    }

    @Test func aPollIsAnsweredOnceAndClosedEventsTakeNothing() async throws {
        try await withDemoApp { app in
            let (id, code) = try await Self.event(Self.workshop, app)
            let partner = Browser(app)
            try await partner.login("partenaire@vitre.example")
            try await partner.get("/vitre/evenements/\(id)/direct")
            try await partner.post(
                "/vitre/evenements/\(id)/direct",
                ["kind": "poll-multiple", "question": "Quels jours ?", "options": "Lundi\nMardi\nJeudi"])
            let poll = try await Self.newestActivity(id, app)
            let options = try await Self.options(poll, app)
            let (phone, token) = try await Self.phone(app, code: code)
            #expect(phone.lastBody.contains("name=\"choice-\(poll)[]\""))
            // Nothing ticked: a message next to the question.
            let none = try await phone.postPairs("/participer/\(code)/\(poll)", [])
            #expect(
                phone.lastStatus == .unprocessableEntity
                    && none.contains("id=\"champ-choice-\(poll)-erreur\">Choisissez une réponse."))
            try await phone.get("/participer/\(code)")
            try await phone.postPairs(
                "/participer/\(code)/\(poll)",
                [("choice-\(poll)[]", String(options[0])), ("choice-\(poll)[]", String(options[2]))])
            #expect(phone.lastStatus == .seeOther)
            // Adding another option later is a second answer: refused.
            let again = try await phone.post(
                "/participer/\(code)/\(poll)", ["choice-\(poll)[]": String(options[1])], csrf: token)
            #expect(phone.lastStatus == .conflict && again.contains("Vous avez déjà répondu"))
            #expect(
                try await Self.count("SELECT count(*) AS n FROM event_votes WHERE activity_id = \(bind: poll)", app)
                    == 2)
            // The single-choice poll of the demo too.
            let single = try #require(
                try await Self.sql(app).raw(
                    "SELECT id FROM event_activities WHERE event_id = \(bind: id) AND kind = 'poll'"
                ).first(decoding: Row.self)
            ).id
            let first = try await Self.options(single, app)
            try await phone.post("/participer/\(code)/\(single)", ["choice": String(first[0])], csrf: token)
            #expect(phone.lastStatus == .seeOther)
            try await phone.post("/participer/\(code)/\(single)", ["choice": String(first[1])], csrf: token)
            #expect(phone.lastStatus == .conflict)
            #expect(
                try await Self.count("SELECT count(*) AS n FROM event_votes WHERE activity_id = \(bind: single)", app)
                    == 1)

            // Cancelled, the activity left open: refused, and the page offers no form.
            let (other, csrf) = try await Self.phone(app, code: code)
            try await Self.sql(app).raw("UPDATE events SET status = 'cancelled' WHERE id = \(bind: id)").run()
            let cancelled = try await other.post(
                "/participer/\(code)/\(poll)", ["choice-\(poll)[]": String(options[1])], csrf: csrf)
            #expect(other.lastStatus == .conflict && cancelled.contains("Cette rencontre est annulée"))
            let page = try await other.get("/participer/\(code)")
            #expect(page.contains("Cette rencontre est annulée") && !page.contains("action=\"/participer/\(code)/"))
            // Past by more than 12 hours: refused; a little less (running late): taken.
            try await Self.sql(app).raw(
                """
                UPDATE events SET status = 'published', starts_at = \(bind: Date().addingTimeInterval(-15 * 3600)), ends_at = \(bind: Date().addingTimeInterval(-13 * 3600)) WHERE id = \(bind: id)
                """
            ).run()
            let over = try await other.post(
                "/participer/\(code)/\(poll)", ["choice-\(poll)[]": String(options[1])], csrf: csrf)
            #expect(other.lastStatus == .conflict && over.contains("Cette rencontre est terminée"))
            try await Self.sql(app).raw(
                "UPDATE events SET ends_at = \(bind: Date().addingTimeInterval(-11 * 3600)) WHERE id = \(bind: id)"
            ).run()
            try await other.post("/participer/\(code)/\(poll)", ["choice-\(poll)[]": String(options[1])], csrf: csrf)
            #expect(other.lastStatus == .seeOther)
            // A draft: no participation page at all, and no contribution.
            try await Self.sql(app).raw("UPDATE events SET status = 'draft' WHERE id = \(bind: id)").run()
            try await other.post("/participer/\(code)/\(single)", ["choice": String(first[0])], csrf: csrf)
            #expect(other.lastStatus == .notFound)
            #expect(
                try await Self.count("SELECT count(*) AS n FROM event_votes WHERE activity_id = \(bind: single)", app)
                    == 1)
            // The past forum's poll reopened by mistake takes nothing either.
            let forum = try await Self.event(Self.forum, app)
            let forumPoll = try #require(
                try await Self.sql(app).raw(
                    "SELECT id FROM event_activities WHERE event_id = \(bind: forum.id) AND kind = 'poll'"
                ).first(decoding: Row.self)
            ).id
            try await Self.sql(app).raw(
                "UPDATE event_activities SET open = \(bind: true) WHERE id = \(bind: forumPoll)"
            ).run()
            let page2 = try await other.get("/participer/\(forum.code)")
            #expect(
                page2.contains("Cette rencontre est terminée") && !page2.contains("action=\"/participer/\(forum.code)/")
            )
            let refused = try await other.post(
                "/participer/\(forum.code)/\(forumPoll)", ["choice": String(try await Self.options(forumPoll, app)[0])],
                csrf: csrf)
            #expect(other.lastStatus == .conflict && refused.contains("Cette rencontre est terminée"))
        }
    }

    @Test func resultsBecomeProposalsWithAPrefilledForm() async throws {
        try await withDemoApp { app in
            let forum = try await Self.event(Self.forum, app)
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            struct Start: Decodable { let starts_at: Date }
            let start = try #require(
                try await Self.sql(app).raw("SELECT starts_at FROM events WHERE id = \(bind: forum.id)").first(
                    decoding: Start.self)
            ).starts_at

            // The demo's ranking of the past forum, scored: bus 26, numéro unique 23, mairie 14, permanence 9
            // (12 participants), highest first; a score resting on a place given by fewer than 5 is hidden.
            let after = try await coordinator.get("/vitre/evenements/\(forum.id)/apres")
            #expect(after.contains("Nos priorités pour l") && after.contains("Classement : 12 participant·es"))
            let bus = try #require(
                after.range(of: "<th scope=\"row\">Un bus vers la maison de santé le mardi matin</th>"))
            let number = try #require(
                after.range(of: "<th scope=\"row\">Un numéro unique pour les soins non programmés</th>"))
            #expect(
                after[bus.upperBound...].hasPrefix("<td class=\"num\">26</td>")
                    || after[bus.upperBound...].hasPrefix("<td class=\"num\">masqué</td>"))
            #expect(bus.lowerBound < number.lowerBound)
            // Every idea and every option of the closed poll and ranking offers to become a proposal, on both pages.
            let live = try await coordinator.get("/vitre/evenements/\(forum.id)/direct")
            for page in [after, live] {
                for label in [
                    "Une permanence infirmière au centre social", "Des consultations le samedi matin",
                    "Un numéro unique pour les soins non programmés",
                ] {
                    #expect(
                        page.contains("Transformer en proposition<span class=\"visually-hidden\"> : \(label)</span>"),
                        "\(label)")
                }
            }
            // The idea's link: a title cut to the proposal's limit, a body naming the event and its date, the themes, the commune, the origin.
            let marker = "href=\"/vitre/propositions/nouvelle?titre="
            let links = live.components(separatedBy: marker).dropFirst().map {
                String($0.prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
            }
            // (The same text is also an option of the ranking: the idea's own link says "Idée proposée sur le mur".)
            let link = try #require(
                links.first {
                    $0.hasPrefix("Afficher") && $0.contains("texte=Id%C3%A9e%20propos%C3%A9e%20sur%20le%20mur")
                })
            let form = try await coordinator.get("/vitre/propositions/nouvelle?titre=" + link)
            #expect(coordinator.lastStatus == .ok)
            let title = "Afficher en mairie la liste des médecins qui prennent de nouveaux patients"
            #expect(form.contains("name=\"title\" type=\"text\" value=\"\(title)\""))
            let day = DateText.day(start, lang: .fr)
            #expect(form.contains("lors de la rencontre « Forum santé : trouver un médecin traitant » du \(day) :"))
            #expect(form.contains("« \(title) »") && form.contains("(soutenue par 5 participant·es)"))
            #expect(form.contains("value=\"acces-aux-soins\" checked") && form.contains("value=\"35360\" checked"))
            #expect(form.contains("<option value=\"rencontre\" selected>"))
            #expect(
                form.contains(
                    "name=\"origin_detail\" type=\"text\" value=\"Forum santé : trouver un médecin traitant\""))

            // A long idea: the title is cut after a word within the proposal's limit, the whole idea in the body.
            let (id, code, partner, wall) = try await Self.workshopWithWall(app)
            let idea =
                "Organiser chaque mois une tournée de visites à domicile par des bénévoles formés, pour rompre la solitude des personnes âgées qui vivent seules, avec un carnet de liaison partagé avec le médecin traitant et l'infirmière"
            #expect(idea.count > 150 && idea.count <= 280)
            let (phone, token) = try await Self.phone(app, code: code)
            try await phone.post("/participer/\(code)/\(wall)", ["idea": idea], csrf: token)
            let workshopLive = try await partner.get("/vitre/evenements/\(id)/direct")
            let long = try #require(
                workshopLive.components(separatedBy: marker).dropFirst()
                    .map { String($0.prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&") }.first {
                        $0.hasPrefix("Organiser")
                    })
            let prefilled = try await partner.get("/vitre/propositions/nouvelle?titre=" + long)
            let titleValue = try #require(
                prefilled.components(separatedBy: "name=\"title\" type=\"text\" value=\"").dropFirst().first?.prefix {
                    $0 != "\""
                })
            #expect(
                titleValue.count <= 120 && titleValue.hasSuffix("…") && idea.hasPrefix(String(titleValue.dropLast())))
            #expect(!titleValue.dropLast().hasSuffix(" ") && idea.contains(String(titleValue.dropLast()) + " "))
            #expect(
                prefilled.contains("visites à domicile par des bénévoles formés")
                    && prefilled.contains("Atelier participatif : bien vieillir chez soi"))
        }
    }
}
