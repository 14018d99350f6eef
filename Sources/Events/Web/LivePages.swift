import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Live participation during a workshop: the organiser opens polls and idea walls; participants
/// join from their phone with a short code, without an account (a participant cookie); the
/// projector shows the results, updated through a WebSocket (or every few seconds without JS).
enum LivePages {
    static let participantCookie = "agora_participant"

    static func register(_ router: RouteRegistrar, app: Application) {
        router.get(EventsPaths.live, access: .territory(EventsPolicy.creators)) { req in
            let context = try await EventContext.managed(req)
            return req.render(try await organiserPage(req, context: context, fields: [:], errors: FormErrors(), status: .ok))
        }
        router.post(EventsPaths.live, access: .territory(EventsPolicy.creators), use: createActivity)
        router.post(EventsPaths.liveActivity, access: .territory(EventsPolicy.creators), use: changeActivity)
        router.get(EventsPaths.projector, access: .territory(EventsPolicy.creators), use: projector)
        router.get(EventsPaths.join, access: .everyone, use: join)
        router.get(EventsPaths.territoryJoin, access: .everyone, use: join)
        router.get(EventsPaths.participate, access: .everyone) { req in
            let (event, token, fresh) = try await participant(req)
            let response = req.render(try await participantPage(req, event: event, participant: Tokens.sha256Hex(token), errors: FormErrors(), fields: [:], status: .ok))
            if fresh { setCookie(response, token, req) }
            return response
        }
        router.post(EventsPaths.contribute, access: .everyone, use: contribute)

        // The projector's WebSocket: it only says "something changed" (the new version number);
        // the page then fetches its results. No data travels on it.
        app.webSocket(EventsPaths.socket.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }) { req, ws async in
            guard let code = req.parameters.get("code").flatMap(LiveCode.normalise) else { try? await ws.close(); return }
            req.application.liveHub.add(ws, code: code)
        }
    }

    // MARK: - Data

    struct Activity: Decodable, Sendable { let id: Int; let event_id: Int; let kind: String; let question: String; let open: Bool }
    struct Option: Decodable, Sendable { let id: Int; let activity_id: Int; let label: String; let votes: Int }
    struct Idea: Decodable, Sendable { let id: Int; let activity_id: Int; let author_name: String?; let body: String; let hidden: Bool; let votes: Int }

    static func activities(eventID: Int, on db: any Database) async throws -> (activities: [Activity], options: [Option], ideas: [Idea]) {
        let sql = EventStore.sql(db)
        let activities = try await sql.raw("SELECT id, event_id, kind, question, open FROM event_activities WHERE event_id = \(bind: eventID) ORDER BY id DESC")
            .all(decoding: Activity.self)
        let options = try await sql.raw("""
            SELECT o.id, o.activity_id, o.label, (SELECT count(*) FROM event_votes v WHERE v.activity_id = o.activity_id AND v.target_id = o.id) AS votes
            FROM event_activity_options o JOIN event_activities a ON a.id = o.activity_id WHERE a.event_id = \(bind: eventID) ORDER BY o.activity_id, o.position
            """).all(decoding: Option.self)
        let ideas = try await sql.raw("""
            SELECT i.id, i.activity_id, i.author_name, i.body, i.hidden, (SELECT count(*) FROM event_votes v WHERE v.activity_id = i.activity_id AND v.target_id = i.id) AS votes
            FROM event_ideas i JOIN event_activities a ON a.id = i.activity_id WHERE a.event_id = \(bind: eventID) ORDER BY i.id
            """).all(decoding: Idea.self)
        return (activities, options, ideas)
    }

    /// Ideas ranked by votes (then the oldest first).
    static func ranked(_ ideas: [Idea]) -> [Idea] {
        ideas.sorted { $0.votes != $1.votes ? $0.votes > $1.votes : $0.id < $1.id }
    }

    static func bump(_ req: Request, event: EventRecord, on db: any Database) async throws {
        try await EventStore.sql(db).raw("UPDATE events SET live_version = live_version + 1 WHERE id = \(bind: event.id)").run()
    }

    // MARK: - Results (organiser page, projector)

    static func results(_ visit: Visit, data: (activities: [Activity], options: [Option], ideas: [Idea]), onlyOpen: Bool) -> HTML {
        let shown = data.activities.filter { !onlyOpen || $0.open }
        if shown.isEmpty {
            return onlyOpen ? "<p>\(visit.t("Aucune activité ouverte pour le moment.", "No open activity at the moment."))</p>"
                : "<p>\(visit.t("Aucune activité en direct pour cette rencontre.", "No live activity for this event."))</p>"
        }
        return HTML.join(shown.map { activity -> HTML in
            if activity.kind == "ideas" {
                let ideas = ranked(data.ideas.filter { $0.activity_id == activity.id && !$0.hidden })
                let rows = ideas.map { idea -> [HTML] in ["\(idea.body)", "\(idea.author_name ?? visit.t("anonyme", "anonymous"))", "\(idea.votes)"] }
                return "<section class=\"live-result\"><h2>\(activity.question)</h2>\(View.table(caption: visit.t("Idées classées par votes", "Ideas ranked by votes"), headers: [visit.t("Idée", "Idea"), visit.t("Par", "By"), visit.t("Votes", "Votes")], rows: rows, numericColumns: [2]))</section>"
            }
            let options = data.options.filter { $0.activity_id == activity.id }
            let total = options.reduce(0) { $0 + $1.votes }
            let rows = options.map { option -> [HTML] in
                let share = total == 0 ? 0 : option.votes * 100 / total
                return ["\(option.label)", "\(option.votes)", "\(share) %"]
            }
            return "<section class=\"live-result\"><h2>\(activity.question)</h2>\(View.table(caption: visit.t("Réponses (\(total) votes)", "Answers (\(total) votes)"), headers: [visit.t("Réponse", "Answer"), visit.t("Votes", "Votes"), visit.t("Part", "Share")], rows: rows, numericColumns: [1, 2]))</section>"
        }, separator: "")
    }

    static func organiserPage(_ req: Request, context: EventContext, fields: [String: String], errors: FormErrors, status: HTTPStatus) async throws -> WebPage {
        let visit = req.visit
        let event = context.event
        let slug = context.territory.slug
        let data = try await activities(eventID: event.id, on: req.db)
        let joinURL = req.agora.config.baseURL + EventsPaths.participate.link(event.live_code)
        let list = data.activities.map { activity -> HTML in
            let action = EventsPaths.liveActivity.link(slug, event.id, activity.id)
            let toggle: HTML = """
            <form method="post" action="\(action)" class="inline-form">\(Form.csrf(visit))<input type="hidden" name="action" value="\(activity.open ? "close" : "open")">\
            <button type="submit" class="button secondary">\(activity.open ? visit.t("Fermer", "Close") : visit.t("Ouvrir", "Open"))<span class="visually-hidden"> : \(activity.question)</span></button></form>
            """
            let ideas = ranked(data.ideas.filter { $0.activity_id == activity.id }).map { idea -> HTML in
                let proposal = "/\(slug)/propositions/nouvelle?titre=\(idea.body.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&origine=rencontre&origine_nom=\(event.title.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                let hide: HTML = idea.hidden ? "<em>\(visit.t("masquée", "hidden"))</em>" : """
                <form method="post" action="\(action)" class="inline-form">\(Form.csrf(visit))<input type="hidden" name="action" value="hide">\
                <input type="hidden" name="idea" value="\(idea.id)"><button type="submit" class="link-button">\(visit.t("Masquer", "Hide"))<span class="visually-hidden"> : \(idea.body)</span></button></form>
                """
                return "<li>\(idea.body) (\(idea.votes) \(visit.t("votes", "votes"))) \(hide) <a href=\"\(proposal)\">\(visit.t("En faire une proposition", "Turn into a proposal"))</a></li>"
            }
            let kindLabel = activity.kind == "ideas" ? visit.t("Mur d'idées", "Idea wall") : activity.kind == "poll-multiple" ? visit.t("Sondage à choix multiples", "Multiple-choice poll") : visit.t("Sondage", "Poll")
            return "<li><h3>\(activity.question)</h3><p class=\"meta\">\(kindLabel) · \(activity.open ? visit.t("ouvert", "open") : visit.t("fermé", "closed"))</p>\(toggle)\(ideas.isEmpty ? HTML.empty : "<ul>\(each: ideas)</ul>")</li>"
        }
        let qr = (try? QRCode.encode(joinURL))?.svg(label: visit.t("Code QR pour participer", "QR code to take part")) ?? ""
        let main: HTML = """
        <p class="meta"><a href="\(context.path)">\(visit.t("← La rencontre", "← The event"))</a></p>
        <h1>\(visit.t("Participation en direct : \(event.title)", "Live participation: \(event.title)"))</h1>
        <p>\(visit.t("Les participant·es vont sur", "Participants go to")) <strong>\(req.agora.config.baseURL)/participer</strong> \(visit.t("et tapent le code", "and type the code")) <strong class="live-code">\(event.live_code)</strong>, \(visit.t("ou scannent le code QR.", "or scan the QR code."))</p>
        <div class="qr">\(HTML(unsafeRaw: qr))</div>
        <p><a class="button" href="\(EventsPaths.projector.link(slug, event.id))">\(visit.t("Ouvrir la vue projecteur", "Open the projector view"))</a></p>
        <h2>\(visit.t("Activités", "Activities"))</h2>
        \(list.isEmpty ? "<p>\(visit.t("Aucune activité pour le moment.", "No activity yet."))</p>" as HTML : "<ul class=\"plain-list\">\(each: list)</ul>")
        <h2 id="nouvelle-activite">\(visit.t("Ouvrir une activité", "Open an activity"))</h2>
        \(Form.errorSummary(errors, visit: visit))
        \(Form.open(action: EventsPaths.live.link(slug, event.id), visit: visit))
        \(Form.radios(name: "kind", legend: visit.t("Type", "Kind"), options: [
            Form.Option("poll", visit.t("Sondage, un seul choix", "Poll, one choice")), Form.Option("poll-multiple", visit.t("Sondage, plusieurs choix", "Poll, several choices")),
            Form.Option("ideas", visit.t("Mur d'idées, avec vote pour classer les idées", "Idea wall, with votes to rank the ideas")),
        ], selected: fields["kind"] ?? "poll", errors: errors, visit: visit, required: true))
        \(Form.input(name: "question", label: visit.t("Question", "Question"), value: fields["question"], errors: errors, visit: visit, required: true, maxLength: 200))
        \(Form.textarea(name: "options", label: visit.t("Réponses possibles (sondage)", "Possible answers (poll)"), value: fields["options"], errors: errors, visit: visit,
                        hint: visit.t("Une par ligne, de 2 à 10.", "One a line, 2 to 10."), rows: 4))
        \(Form.submit(visit.t("Ouvrir l'activité", "Open the activity")))
        </form>
        """
        return WebPage(title: visit.t("Participation en direct", "Live participation"), main: main, status: status, hasErrors: !errors.isEmpty)
    }

    @Sendable static func createActivity(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let visit = req.visit
        let fields = req.formFields()
        var errors = FormErrors()
        let kind = fields["kind"] ?? ""
        if !["poll", "poll-multiple", "ideas"].contains(kind) { errors.add("kind", visit.t("Choisissez le type d'activité.", "Choose the kind of activity.")) }
        let question = TextRule.required(fields, "question", maxLength: 200, errors: &errors, lang: visit.lang,
                                         missing: Text("Écrivez la question posée.", "Write the question asked."))
        var options: [String] = []
        if kind != "ideas" {
            switch LiveRules.pollOptions(fields["options"] ?? "", lang: visit.lang) {
            case .success(let list): options = list
            case .failure(let box): for item in box.errors.items { errors.add(item.field, item.message) }
            }
        }
        guard errors.isEmpty else { return req.render(try await organiserPage(req, context: context, fields: fields, errors: errors, status: .unprocessableEntity)) }
        let chosenOptions = options
        try await req.db.transaction { db in
            struct Inserted: Decodable { let id: Int }
            let sql = EventStore.sql(db)
            guard let row = try await sql.raw("""
                INSERT INTO event_activities (event_id, kind, question, open, created_at)
                VALUES (\(bind: context.event.id), \(bind: kind), \(bind: question), \(bind: true), \(bind: Date())) RETURNING id
                """).first(decoding: Inserted.self) else { throw EventStoreError.notInserted }
            for (index, option) in chosenOptions.enumerated() {
                try await sql.raw("INSERT INTO event_activity_options (activity_id, position, label) VALUES (\(bind: row.id), \(bind: index), \(bind: option))").run()
            }
            try await bump(req, event: context.event, on: db)
            try await AuditEntry.record(actor: visit.viewer?.personID, territory: context.territory.id, action: "event.live-open", subject: "activity \(row.id)", on: db)
        }
        req.application.liveHub.notify(code: context.event.live_code)
        return req.redirect(to: EventsPaths.live.link(context.territory.slug, context.event.id), flash: Flash(.success, visit.t("L'activité est ouverte.", "The activity is open.")))
    }

    @Sendable static func changeActivity(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        guard let activityID = EventsPages.id(req.parameters.get("activity")) else { throw Abort(.notFound) }
        let data = try await activities(eventID: context.event.id, on: req.db)
        guard data.activities.contains(where: { $0.id == activityID }) else { throw Abort(.notFound) }
        let fields = req.formFields()
        try await req.db.transaction { db in
            let sql = EventStore.sql(db)
            switch fields["action"] {
            case "open": try await sql.raw("UPDATE event_activities SET open = \(bind: true) WHERE id = \(bind: activityID)").run()
            case "close": try await sql.raw("UPDATE event_activities SET open = \(bind: false) WHERE id = \(bind: activityID)").run()
            case "hide":
                guard let idea = fields["idea"].flatMap(Int.init) else { throw Abort(.unprocessableEntity) }
                try await sql.raw("UPDATE event_ideas SET hidden = \(bind: true) WHERE id = \(bind: idea) AND activity_id = \(bind: activityID)").run()
                try await AuditEntry.record(actor: req.visit.viewer?.personID, territory: context.territory.id, action: "event.idea-hide", subject: "idea \(idea)", on: db)
            default: throw Abort(.unprocessableEntity)
            }
            try await bump(req, event: context.event, on: db)
        }
        req.application.liveHub.notify(code: context.event.live_code)
        return req.redirect(to: EventsPaths.live.link(context.territory.slug, context.event.id), flash: Flash(.success, req.visit.t("C'est fait.", "Done.")))
    }

    @Sendable static func projector(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let visit = req.visit
        let data = try await activities(eventID: context.event.id, on: req.db)
        let joinURL = req.agora.config.baseURL + EventsPaths.participate.link(context.event.live_code)
        let qr = (try? QRCode.encode(joinURL))?.svg(label: visit.t("Code QR pour participer", "QR code to take part"), pixelsPerModule: 6) ?? ""
        let main: HTML = """
        <div class="projector" data-live-socket="\(EventsPaths.socket.replacingOccurrences(of: ":code", with: context.event.live_code))">
        <h1>\(context.event.title)</h1>
        <p class="live-join">\(visit.t("Participez sur", "Take part at")) <strong>\(req.agora.config.baseURL)/participer</strong> · \(visit.t("code", "code")) <strong class="live-code">\(context.event.live_code)</strong></p>
        <div class="qr">\(HTML(unsafeRaw: qr))</div>
        <div id="resultats" aria-live="polite">\(results(visit, data: data, onlyOpen: true))</div>
        <p class="no-js-refresh"><a href="\(EventsPaths.projector.link(context.territory.slug, context.event.id))">\(visit.t("Actualiser", "Refresh"))</a></p>
        </div>
        """
        let response = req.render(WebPage(title: visit.t("Projection", "Projector"), main: main, scripts: ["live.js"]))
        // Without JavaScript the page reloads itself every 5 s; live.js asks for the page with
        // ?js=1 and uses the WebSocket instead.
        if req.queryFields()["js"] == nil { response.headers.replaceOrAdd(name: "Refresh", value: "5") }
        return response
    }

    // MARK: - Participants

    @Sendable static func join(_ req: Request) async throws -> Response {
        let visit = req.visit
        let query = req.queryFields()
        var errors = FormErrors()
        if let typed = query["code"] {
            if let code = LiveCode.normalise(typed), try await EventStore.event(liveCode: code, on: req.db) != nil {
                return req.redirect(to: EventsPaths.participate.link(code), redirectType: .normal)
            }
            errors.add("code", visit.t("Ce code ne correspond à aucun atelier. Vérifiez les 6 caractères affichés à l'écran.",
                                       "This code matches no workshop. Check the 6 characters shown on screen."))
        }
        let main: HTML = """
        <h1>\(visit.t("Participer à un atelier", "Take part in a workshop"))</h1>
        <p>\(visit.t("Tapez le code affiché à l'écran. Pas besoin de compte.", "Type the code shown on screen. No account needed."))</p>
        \(Form.errorSummary(errors, visit: visit))
        <form method="get" action="\(EventsPaths.join.link())" class="form">
        \(Form.input(name: "code", label: visit.t("Code de l'atelier", "Workshop code"), value: query["code"], errors: errors, visit: visit,
                     hint: visit.t("6 lettres ou chiffres, par exemple K7MP2Q.", "6 letters or digits, e.g. K7MP2Q."), required: true, autocomplete: "off", maxLength: 12))
        \(Form.submit(visit.t("Participer", "Take part")))
        </form>
        """
        return req.render(WebPage(title: visit.t("Participer", "Take part"), main: main, status: errors.isEmpty ? .ok : .unprocessableEntity, hasErrors: !errors.isEmpty))
    }

    /// The event of the code and the participant's token (a new one when they have none).
    static func participant(_ req: Request) async throws -> (EventRecord, String, Bool) {
        guard let code = req.parameters.get("code").flatMap(LiveCode.normalise), let event = try await EventStore.event(liveCode: code, on: req.db),
              event.statusValue != .draft else { throw Abort(.notFound) }
        if let token = req.cookies[participantCookie]?.string, (32...64).contains(token.count) { return (event, token, false) }
        return (event, Tokens.random(), true)
    }

    static func setCookie(_ response: Response, _ token: String, _ req: Request) {
        response.cookies[participantCookie] = .init(string: token, maxAge: 60 * 60 * 24 * 2, path: "/participer", isSecure: req.agora.config.secureCookies,
                                                    isHTTPOnly: true, sameSite: .lax)
    }

    static func participantPage(_ req: Request, event: EventRecord, participant: String, errors: FormErrors, fields: [String: String], status: HTTPStatus) async throws -> WebPage {
        let visit = req.visit
        let data = try await activities(eventID: event.id, on: req.db)
        struct Vote: Decodable { let activity_id: Int; let target_id: Int }
        let mine = try await EventStore.sql(req.db).raw("""
            SELECT v.activity_id, v.target_id FROM event_votes v JOIN event_activities a ON a.id = v.activity_id
            WHERE a.event_id = \(bind: event.id) AND v.participant = \(bind: participant)
            """).all(decoding: Vote.self)
        let open = data.activities.filter(\.open)
        let sections = open.map { activity -> HTML in
            let action = EventsPaths.contribute.link(event.live_code, activity.id)
            let voted = Set(mine.filter { $0.activity_id == activity.id }.map(\.target_id))
            if activity.kind == "ideas" {
                let ideas = ranked(data.ideas.filter { $0.activity_id == activity.id && !$0.hidden }).map { idea -> HTML in
                    let button: HTML = voted.contains(idea.id) ? "<em>\(visit.t("vous avez voté", "you voted"))</em>" : """
                    <form method="post" action="\(action)" class="inline-form">\(Form.csrf(visit))<input type="hidden" name="vote" value="\(idea.id)">\
                    <button type="submit" class="link-button">\(visit.t("Je soutiens", "I support"))<span class="visually-hidden"> : \(idea.body)</span></button></form>
                    """
                    return "<li>\(idea.body) (\(idea.votes)) \(button)</li>"
                }
                return """
                <section class="panel"><h2>\(activity.question)</h2>\
                \(Form.open(action: action, visit: visit))\
                \(Form.textarea(name: "idea", label: visit.t("Votre idée", "Your idea"), value: fields["idea"], errors: errors, visit: visit,
                                hint: visit.t("\(LiveRules.maxIdeaLength) caractères au plus.", "\(LiveRules.maxIdeaLength) characters at most."), rows: 3,
                                maxLength: LiveRules.maxIdeaLength, field: "idea"))\
                \(Form.input(name: "author", label: visit.t("Votre prénom (facultatif : sinon, anonyme)", "Your first name (optional: otherwise anonymous)"), value: fields["author"],
                             errors: errors, visit: visit, autocomplete: "given-name", maxLength: 40))\
                \(Form.submit(visit.t("Envoyer mon idée", "Send my idea")))</form>\
                \(ideas.isEmpty ? HTML.empty : "<h3>\(visit.t("Les idées (votez pour celles que vous soutenez)", "The ideas (vote for those you support)"))</h3><ul>\(each: ideas)</ul>")</section>
                """
            }
            let options = data.options.filter { $0.activity_id == activity.id }
            if !voted.isEmpty {
                return "<section class=\"panel\"><h2>\(activity.question)</h2><p>\(visit.t("Merci, votre réponse est enregistrée.", "Thank you, your answer is saved."))</p></section>"
            }
            let choices = options.map { Form.Option(String($0.id), $0.label) }
            let group = activity.kind == "poll-multiple"
                ? Form.checkboxes(name: "choice", legend: activity.question, options: choices, selected: [], errors: errors, visit: visit)
                : Form.radios(name: "choice", legend: activity.question, options: choices, selected: nil, errors: errors, visit: visit, required: true)
            return "<section class=\"panel\"><h2>\(activity.question)</h2>\(Form.open(action: action, visit: visit))\(group)\(Form.submit(visit.t("Répondre", "Answer")))</form></section>"
        }
        let main: HTML = """
        <h1>\(event.title)</h1>
        <p>\(visit.t("Vous participez sans compte. Vos réponses sont anonymes.", "You take part without an account. Your answers are anonymous."))</p>
        \(Form.errorSummary(errors, visit: visit))
        \(sections.isEmpty ? "<p>\(visit.t("Aucune question ouverte pour le moment. Actualisez la page quand l'animateur·rice vous le dit.", "No open question at the moment. Refresh the page when the facilitator tells you."))</p>" as HTML : HTML.join(sections))
        <p><a href="\(EventsPaths.participate.link(event.live_code))">\(visit.t("Actualiser", "Refresh"))</a></p>
        """
        return WebPage(title: event.title, main: main, status: status, hasErrors: !errors.isEmpty)
    }

    @Sendable static func contribute(_ req: Request) async throws -> Response {
        let (event, token, fresh) = try await participant(req)
        let visit = req.visit
        let participant = Tokens.sha256Hex(token)
        guard let activityID = EventsPages.id(req.parameters.get("activity")) else { throw Abort(.notFound) }
        let data = try await activities(eventID: event.id, on: req.db)
        guard let activity = data.activities.first(where: { $0.id == activityID }) else { throw Abort(.notFound) }
        let fields = req.formFields()
        var errors = FormErrors()
        let limiter = req.agora.rateLimiter
        let key = LiveRules.limiterKey(participant: participant)
        func again(_ status: HTTPStatus) async throws -> Response {
            let response = req.render(try await participantPage(req, event: event, participant: participant, errors: errors, fields: fields, status: status))
            if fresh { setCookie(response, token, req) }
            return response
        }
        guard activity.open else {
            errors.add(activity.kind == "ideas" ? "idea" : "choice", visit.t("Cette activité est fermée.", "This activity is closed."))
            return try await again(.conflict)
        }
        guard limiter.allows(key, limit: LiveRules.limit, window: LiveRules.window) else {
            errors.add(activity.kind == "ideas" ? "idea" : "choice", visit.t("Doucement : attendez une minute avant d'envoyer autre chose.", "Slow down: wait a minute before sending more."))
            return try await again(.tooManyRequests)
        }
        var targets: [Int] = []
        var idea: String?
        if activity.kind == "ideas" {
            if let vote = fields["vote"].flatMap(Int.init) {
                guard data.ideas.contains(where: { $0.id == vote && $0.activity_id == activity.id && !$0.hidden }) else { throw Abort(.notFound) }
                targets = [vote]
            } else {
                switch LiveRules.idea(fields["idea"] ?? "", lang: visit.lang) {
                case .success(let text): idea = text
                case .failure(let box): errors = box.errors
                }
            }
        } else {
            let valid = Set(data.options.filter { $0.activity_id == activity.id }.map(\.id))
            let chosen = activity.kind == "poll-multiple" ? (req.formLists(["choice[]"])["choice[]"] ?? []).compactMap(Int.init) : [fields["choice"].flatMap(Int.init)].compactMap { $0 }
            targets = chosen.filter(valid.contains)
            if targets.isEmpty { errors.add("choice", visit.t("Choisissez une réponse.", "Choose an answer.")) }
            if activity.kind == "poll", targets.count > 1 { targets = [targets[0]] }
        }
        guard errors.isEmpty else { return try await again(.unprocessableEntity) }
        limiter.record(key)
        let author = TextRule.optional(fields, "author", maxLength: 40, errors: &errors, lang: visit.lang)
        let newIdea = idea, chosen = targets
        try await req.db.transaction { db in
            var targets = chosen
            let sql = EventStore.sql(db)
            if let idea = newIdea {
                try await sql.raw("""
                    INSERT INTO event_ideas (activity_id, participant, author_name, body, hidden, created_at)
                    VALUES (\(bind: activity.id), \(bind: participant), \(bind: author), \(bind: idea), \(bind: false), \(bind: Date()))
                    """).run()
            }
            if activity.kind == "poll" {
                struct Count: Decodable { let n: Int }
                let already = try await sql.raw("SELECT count(*) AS n FROM event_votes WHERE activity_id = \(bind: activity.id) AND participant = \(bind: participant)")
                    .first(decoding: Count.self)?.n ?? 0
                if already > 0 { targets = [] }
            }
            for target in targets {
                // The unique index refuses a second vote for the same thing; ignore it quietly.
                try await sql.raw("""
                    INSERT INTO event_votes (activity_id, participant, target_id, created_at)
                    VALUES (\(bind: activity.id), \(bind: participant), \(bind: target), \(bind: Date())) ON CONFLICT DO NOTHING
                    """).run()
            }
            try await bump(req, event: event, on: db)
        }
        req.application.liveHub.notify(code: event.live_code)
        let response = req.redirect(to: EventsPaths.participate.link(event.live_code),
                                    flash: Flash(.success, idea != nil ? visit.t("Merci, votre idée est affichée.", "Thank you, your idea is shown.") : visit.t("Merci, c'est enregistré.", "Thank you, it is saved.")))
        if fresh { setCookie(response, token, req) }
        return response
    }
}

/// The open WebSockets of projectors, by live code, on this instance. With several instances a
/// projector connected to another one falls back to its periodic refresh (documented).
final class LiveHub: Sendable {
    private let sockets = NIOLockedValueBox<[String: [WebSocket]]>([:])
    private let version = NIOLockedValueBox<Int>(0)

    func add(_ ws: WebSocket, code: String) {
        sockets.withLockedValue { $0[code, default: []].append(ws) }
        ws.onClose.whenComplete { [weak self] _ in
            self?.sockets.withLockedValue { all in all[code]?.removeAll { $0 === ws } }
        }
    }

    func notify(code: String) {
        let next = version.withLockedValue { value -> Int in value += 1; return value }
        let targets = sockets.withLockedValue { $0[code] ?? [] }
        for ws in targets where !ws.isClosed { ws.send("\(next)") }
    }
}

extension Application {
    private struct LiveHubKey: StorageKey { typealias Value = LiveHub }
    var liveHub: LiveHub {
        get {
            guard let hub = storage[LiveHubKey.self] else { fatalError("LiveHub used before EventsModule.boot") }
            return hub
        }
        set { storage[LiveHubKey.self] = newValue }
    }
}
